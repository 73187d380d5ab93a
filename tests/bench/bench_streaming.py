"""Streaming benchmark: sustained Kafka -> bronze -> silver throughput against a plain Kafka consumer.

Run with `make bench`. For each size, the same topic is read twice in the same run: by a
plain kafka-python consumer that only counts messages (the baseline, the most a reader of
that topic can do here) and by joblake's streaming job (availableNow: bronze append, then
silver decode, normalise, dedup and MERGE). Sustained means warm: the job first streams
`WARM_UP` other postings in the same session (JIT, table creation, first query plans), then
the clock runs over `count` new ones, from starting the queries to the last silver commit.
The seconds each query spent in micro-batches come from the job's own metrics file.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from kafka import KafkaConsumer

from ingestion.generator import generate_records
from ingestion.kafka_sink import ensure_topic, publish
from lakehouse.catalog import table_path
from lakehouse.session import get_spark
from streaming import bronze, silver
from streaming.job import run_stream
from tests.bench.common import run_sizes, running_broker

WARM_UP = 2000  # postings streamed before the clock runs


def plain_consumer_rate(settings, count: int) -> float:
    """Messages per second a plain consumer reads the whole topic at."""
    consumer = KafkaConsumer(
        settings["kafka.topic"],
        bootstrap_servers=settings["kafka.bootstrap_servers"],
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        consumer_timeout_ms=10000,
        max_poll_records=5000,
    )
    started, seen = time.perf_counter(), 0
    for _ in consumer:
        seen += 1
        if seen == count:
            break
    elapsed = time.perf_counter() - started
    consumer.close()
    assert seen == count, f"plain consumer saw {seen} of {count}"
    return count / elapsed


def stage_seconds(metrics_file: Path, queries: list[str]) -> dict[str, float]:
    """Seconds spent in micro-batches per query, summed from the job's own metrics lines."""
    totals = dict.fromkeys(queries, 0.0)
    for line in metrics_file.read_text().splitlines():
        batch = json.loads(line)
        if batch["query"] in totals and batch["input_rows"]:
            totals[batch["query"]] += (batch["batch_duration_ms"] or 0) / 1000
    return {name: round(seconds, 1) for name, seconds in totals.items()}


def bench_size(count: int) -> dict:
    """One size: warm the job up on other postings, then time the baseline and the job on `count` more."""
    with running_broker(f"bench.stream.{count}") as settings:
        metrics_file = Path(settings["lake.root"]) / "_metrics" / "bench.jsonl"
        settings = settings.with_overrides(
            {
                "kafka.max_offsets_per_trigger": 50000,
                "spark.shuffle_partitions": 2,
                "streaming.metrics_file": str(metrics_file),
            }
        )
        ensure_topic(settings)
        spark = get_spark(settings)
        publish(generate_records(WARM_UP, seed=1), settings)
        run_stream(spark, settings)  # JIT, table creation, first plans: not part of the sustained figure
        metrics_file.unlink()

        publish(generate_records(count, seed=9), settings)
        baseline = plain_consumer_rate(settings, WARM_UP + count)
        started = time.perf_counter()
        run_stream(spark, settings)
        elapsed = time.perf_counter() - started
        stages = stage_seconds(metrics_file, [bronze.QUERY_NAME, silver.QUERY_NAME])
        rows = spark.read.format("delta").load(table_path(settings, "silver.job_postings")).count()
        assert rows > 0.95 * (WARM_UP + count), f"silver has {rows} of {WARM_UP + count}"
    measured = count / elapsed
    return {
        "what": f"{count:,} postings Kafka -> bronze -> silver on {settings['spark.master']} (availableNow, warm)",
        "unit": "postings/s",
        "baseline": {"reader": "plain kafka-python consumer, counting only", "value": round(baseline)},
        "measured": {
            "reader": "joblake stream: bronze append + silver decode/normalise/dedup/MERGE",
            "value": round(measured),
        },
        "ratio": round(measured / baseline, 3),
        "elapsed_s": round(elapsed, 1),
        "batch_seconds": stages,
    }


def main() -> None:
    run_sizes(__doc__.splitlines()[0], "10000,100000", "bench_results/streaming.json", "stream", bench_size)


if __name__ == "__main__":
    main()
