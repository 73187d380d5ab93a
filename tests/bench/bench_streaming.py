"""Streaming benchmark: sustained Kafka -> bronze -> silver throughput against a plain Kafka consumer.

Run with `make bench`. For each size, the same topic is read twice in the same run: by a
plain kafka-python consumer that only counts messages (the baseline, the most a reader of
that topic can do here) and by joblake's streaming job (availableNow: bronze append, then
silver decode, normalise and MERGE). The Spark session is started before the clock runs;
the job's figure is postings per second from the first batch to the last commit.
"""

from __future__ import annotations

import argparse
import time

from kafka import KafkaConsumer

from ingestion.generator import generate_records
from ingestion.kafka_sink import ensure_topic, publish
from lakehouse.catalog import table_path
from lakehouse.session import get_spark
from streaming.job import run_stream
from tests.bench.common import running_broker, write_results


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


def bench_size(count: int) -> dict:
    """One size: publish, then the baseline consumer, then the streaming job, on one broker."""
    with running_broker(f"bench.stream.{count}") as settings:
        settings = settings.with_overrides(
            {"kafka.max_offsets_per_trigger": 50000, "spark.shuffle_partitions": 2, "streaming.metrics_file": ""}
        )
        ensure_topic(settings)
        publish(generate_records(count, seed=9), settings)
        baseline = plain_consumer_rate(settings, count)
        spark = get_spark(settings)
        started = time.perf_counter()
        run_stream(spark, settings)
        elapsed = time.perf_counter() - started
        silver = spark.read.format("delta").load(table_path(settings, "silver.job_postings")).count()
        assert silver > 0.95 * count, f"silver has {silver} of {count}"
    measured = count / elapsed
    return {
        "what": f"{count:,} postings Kafka -> bronze -> silver on {settings['spark.master']} (availableNow)",
        "unit": "postings/s",
        "baseline": {"reader": "plain kafka-python consumer, counting only", "value": round(baseline)},
        "measured": {
            "reader": "joblake stream: bronze append + silver decode/normalise/MERGE",
            "value": round(measured),
        },
        "ratio": round(measured / baseline, 3),
        "elapsed_s": round(elapsed, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated posting counts")
    parser.add_argument("--out", default="bench_results/streaming.json")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    write_results(args.out, {f"stream_{n // 1000}k": bench_size(n) for n in sizes})


if __name__ == "__main__":
    main()
