"""Nightly benchmark: the whole `joblake nightly` run over silver, against the bare embedding model.

Run with `make bench`. For each size, `count` generated postings go into silver.job_postings through
the streaming job's own foreachBatch function (no Kafka: the benchmark is about the night), then:
- measured: a first night, full (gates, skills with Spark NLP, embeddings, bridges, dimensions,
  duplicate groups, aggregates, the gold gate), postings per second;
- baseline: the bare ONNX model on the driver (one session, one thread) over the same postings'
  embedding texts, the single most expensive step of the night with no Spark around it;
- and the seconds of an incremental night after 1% of the postings changed, and of a rerun with none.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import time
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

from pyspark.sql import SparkSession

from ingestion.avro_codec import encode_posting
from ingestion.generator import generate_postings
from ingestion.keys import posting_key
from lakehouse.catalog import table_path
from lakehouse.config import Settings, resolve
from lakehouse.session import get_spark
from spark_jobs.embeddings import embed_texts, with_embedding_text
from spark_jobs.nightly import NightlyResult, run_nightly
from streaming.silver import silver_writer
from tests.bench.common import run_sizes
from tests.conftest import REPO
from tests.streaming.bronze_rows import BRONZE_DDL, NOW, bronze_row

BATCH = 20_000  # postings per silver batch
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def sentence_repeat_share(texts: Sequence[str]) -> float:
    """The share of the texts' sentences (split at . ! ? and line breaks) that repeat an earlier one.

    The knowledge tagger answers a repeated sentence from memory, so this bounds what it saves.
    """
    sentences = [s for t in texts for s in (x.strip() for x in _SENTENCE_END.split(t or "")) if s]
    return 1 - len(set(sentences)) / len(sentences) if sentences else 0.0


def lake_settings(state: Path) -> Settings:
    """Test-profile settings for a benchmark lake (and its quality reports) under `state`."""
    models = REPO / ".jars" / "models"
    defaults = resolve("test", {})
    return defaults.with_overrides(
        {
            "spark.jars_dir": str(REPO / ".jars" / "spark"),
            "lake.root": str(state / "lake"),
            "quality.report_dir": str(state / "quality"),
            "embeddings.model_jar": str(models / Path(defaults["embeddings.model_jar"]).name),
            "embeddings.model_dir": str(models / Path(defaults["embeddings.model_dir"]).name),
        }
    )


def timed_night(
    spark: SparkSession, settings: Settings, run_date: date
) -> tuple[NightlyResult, float, dict[str, float]]:
    """One `run_nightly`: its result, its seconds, and the seconds of each stage (through its `progress` hook)."""
    starts: list[tuple[str, float]] = []
    started = time.perf_counter()
    result = run_nightly(spark, settings, run_date, progress=lambda name: starts.append((name, time.perf_counter())))
    ended = time.perf_counter()
    ends = [at for _, at in starts[1:]] + [ended]
    return result, ended - started, {name: round(end - at, 1) for (name, at), end in zip(starts, ends, strict=True)}


def bench_size(count: int, lake_dir: Path | None = None) -> dict:
    """One size: silver of `count` postings, a full night, an incremental night, a rerun; the bare model.

    With `lake_dir` (emptied first) the lake is kept there afterwards: `bench_matching` reads it.
    """
    if lake_dir is not None:
        shutil.rmtree(lake_dir, ignore_errors=True)
        lake_dir.mkdir(parents=True)
    state = lake_dir or Path(tempfile.mkdtemp(prefix="joblake-bench-nightly-"))
    settings = lake_settings(state)
    checkpoint = state / "checkpoint"
    checkpoint.mkdir()
    (checkpoint / "metadata").write_text('{"id":"bench-nightly"}\n')
    try:
        spark = get_spark(settings)
        write_batch = silver_writer(settings, str(checkpoint), clock=lambda: NOW, run_id="bench")
        postings = generate_postings(count, seed=21, now=NOW)

        def stream(batch: list[dict], batch_id: int) -> None:
            rows = [
                bronze_row(encode_posting(p), i, key=posting_key(p["source"], p["source_job_id"]))
                for i, p in enumerate(batch)
            ]
            write_batch(spark.createDataFrame(rows, BRONZE_DDL), batch_id)

        for batch_id, start in enumerate(range(0, count, BATCH)):
            stream(postings[start : start + BATCH], batch_id)
        silver_df = spark.read.format("delta").load(table_path(settings, "silver.job_postings"))
        texts = [r.text for r in silver_df.transform(with_embedding_text).select("text").collect()]

        full, full_s, full_stages = timed_night(spark, settings, NOW.date())
        assert (full.mode, full.changed_postings) == ("full", count), full

        changed = [
            p
            | {"description": p["description"] + " Experience with Kubernetes.", "scraped_at": NOW + timedelta(hours=1)}
            for p in postings[: count // 100]
        ]
        stream(changed, 10_000)
        incremental, incremental_s, incremental_stages = timed_night(spark, settings, NOW.date())
        assert (incremental.mode, incremental.changed_postings) == ("incremental", len(changed)), incremental

        rerun, rerun_s, rerun_stages = timed_night(spark, settings, NOW.date())
        assert rerun.changed_postings == 0, rerun

        embed_texts(texts[:20], settings)  # load the model in this process
        started = time.perf_counter()
        embed_texts(texts, settings)
        baseline_s = time.perf_counter() - started
    finally:
        if lake_dir is None:
            shutil.rmtree(state, ignore_errors=True)
    baseline, measured = count / baseline_s, count / full_s
    return {
        "what": f"a full nightly run over {count:,} silver postings on {settings['spark.master']}",
        "unit": "postings/s",
        "baseline": {
            "reader": "bare model: embed_texts on the driver over the same postings (one ONNX session, one thread)",
            "value": round(baseline, 1),
        },
        "measured": {
            "reader": "run_nightly: gates, Spark NLP skills, embeddings, bridges, dimensions, duplicates, aggregates",
            "value": round(measured, 1),
        },
        "ratio": round(measured / baseline, 3),
        "full_s": round(full_s, 1),
        "incremental_1pct_s": round(incremental_s, 1),
        "rerun_nothing_new_s": round(rerun_s, 1),
        "stages_s": {"full": full_stages, "incremental_1pct": incremental_stages, "rerun": rerun_stages},
        "sentence_repeat_share": round(sentence_repeat_share([p["description"] for p in postings]), 3),
        "gold_rows": full.counts,
    }


def main() -> None:
    run_sizes(__doc__.splitlines()[0], "10000,100000", "bench_results/nightly.json", "nightly", bench_size, lakes=True)


if __name__ == "__main__":
    main()
