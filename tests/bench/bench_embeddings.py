"""Embeddings benchmark: gold.job_embeddings throughput against the bare ONNX model on the same texts.

Run with `make bench`. For each size, `count` generated postings (descriptions cleaned as silver
cleans them) are stored as silver.job_postings, then embedded twice in the same run:
- baseline: `embed_texts` on the driver, the bare model (one ONNX Runtime session, one thread,
  one text per call) on exactly the texts the job embeds, with no Spark around it;
- measured: `update_job_embeddings`, the incremental job: read silver and gold, build the texts,
  the Arrow UDF on every core (one single-threaded session per Python worker), MERGE into
  gold.job_embeddings.
The job is warm: it first embeds `WARM_UP` other postings in the same session (Python workers
started, model loaded, table created), so the clock runs over an incremental run that finds
`count` new postings. A third figure times a rerun with nothing new (every posting reused).
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from ingestion.generator import generate_postings
from ingestion.keys import posting_key
from lakehouse.catalog import table_path
from lakehouse.config import resolve
from lakehouse.session import get_spark
from spark_jobs.embeddings import DIM, MODEL_VERSION, embed_texts, update_job_embeddings, with_embedding_text
from streaming.normalise import clean_text
from tests.bench.common import run_sizes
from tests.conftest import REPO

WARM_UP = 200  # postings embedded before the clock runs
SILVER_DDL = "posting_key string, content_hash string, title string, title_raw string, description string"


def silver_rows(postings: list[dict]) -> list[tuple]:
    """The silver columns the embeddings job reads, one tuple per generated posting."""
    return [
        (
            posting_key(p["source"], p["source_job_id"]),
            hashlib.sha256(f"{p['title']}\x01{p['description']}".encode()).hexdigest(),
            p["title"],
            p["title"],
            p["description"],
        )
        for p in postings
    ]


def bench_size(count: int) -> dict:
    """One size: warm the job up on other postings, then time the bare model and the job on `count` more."""
    state = Path(tempfile.mkdtemp(prefix="joblake-bench-emb-"))
    models = REPO / ".jars" / "models"
    defaults = resolve("test", {})
    settings = defaults.with_overrides(
        {
            "spark.jars_dir": str(REPO / ".jars" / "spark"),
            "lake.root": str(state / "lake"),
            "embeddings.model_jar": str(models / Path(defaults["embeddings.model_jar"]).name),
            "embeddings.model_dir": str(models / Path(defaults["embeddings.model_dir"]).name),
        }
    )
    try:
        spark = get_spark(settings)
        silver = table_path(settings, "silver.job_postings")
        rows = silver_rows(generate_postings(WARM_UP + count, seed=9))

        def store(batch: list[tuple], mode: str) -> None:
            batch_df = spark.createDataFrame(batch, SILVER_DDL).withColumn("description", clean_text("description"))
            batch_df.write.format("delta").mode(mode).save(silver)

        store(rows[:WARM_UP], "overwrite")
        warm = update_job_embeddings(spark, settings, spark.read.format("delta").load(silver))
        assert warm["embedded"] == WARM_UP, warm
        store(rows[WARM_UP:], "append")
        silver_df = spark.read.format("delta").load(silver)

        new_keys_df = spark.createDataFrame([(r[0],) for r in rows[WARM_UP:]], "posting_key string")
        texts = [r.text for r in silver_df.join(new_keys_df, "posting_key").transform(with_embedding_text).collect()]
        assert len(texts) == count
        embed_texts(texts[:20], settings)  # load the model in this process
        started = time.perf_counter()
        vectors = embed_texts(texts, settings)
        baseline_s = time.perf_counter() - started
        assert vectors.shape == (count, DIM)

        started = time.perf_counter()
        counts = update_job_embeddings(spark, settings, silver_df)
        elapsed = time.perf_counter() - started
        assert (counts["embedded"], counts["reused"]) == (count, WARM_UP), counts

        started = time.perf_counter()
        rerun = update_job_embeddings(spark, settings, silver_df)
        rerun_s = time.perf_counter() - started
        assert rerun["embedded"] == 0, rerun

        stored = spark.read.format("delta").load(table_path(settings, "gold.job_embeddings"))
        assert stored.where(f"model_version = '{MODEL_VERSION}'").count() == WARM_UP + count
        chars = np.mean([len(t) for t in texts])
    finally:
        shutil.rmtree(state, ignore_errors=True)
    baseline, measured = count / baseline_s, count / elapsed
    return {
        "what": (
            f"{count:,} new postings embedded into gold.job_embeddings on {settings['spark.master']} "
            f"(all-MiniLM-L6-v2 int8 ONNX, texts of {chars:.0f} characters on average; warm, incremental)"
        ),
        "unit": "postings/s",
        "baseline": {
            "reader": "bare model: embed_texts on the driver, one ONNX Runtime session, one thread",
            "value": round(baseline, 1),
        },
        "measured": {
            "reader": "update_job_embeddings: silver + gold read, texts, Arrow UDF on every core, Delta MERGE",
            "value": round(measured, 1),
        },
        "ratio": round(measured / baseline, 3),
        "elapsed_s": round(elapsed, 1),
        "baseline_s": round(baseline_s, 1),
        "rerun_nothing_new_s": round(rerun_s, 1),
    }


def main() -> None:
    run_sizes(__doc__.splitlines()[0], "10000", "bench_results/embeddings.json", "embeddings", bench_size)


if __name__ == "__main__":
    main()
