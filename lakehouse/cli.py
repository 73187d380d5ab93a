"""The `joblake` command: demo, ingest, stream, nightly, sql, status and the local Kafka broker."""

from __future__ import annotations

import argparse
import json
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from lakehouse.config import ConfigError, Settings, load_settings

DEMO_COUNT = 5000


def _run_id() -> str:
    return f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"


def _spark(settings: Settings):
    from lakehouse.session import get_spark

    return get_spark(settings)


def _source_records(args: argparse.Namespace) -> list:
    if args.source == "generator":
        from ingestion.generator import generate_records

        return generate_records(args.count, seed=args.seed)
    from ingestion.file_source import read_file_records

    mapping = json.loads(args.mapping) if args.mapping else None
    return list(read_file_records(args.path, mapping=mapping, keyword=args.keyword, scraped_at=datetime.now(UTC)))


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from ingestion.publish import publish_records

    summary = publish_records(_source_records(args), settings, _run_id())
    print(
        f"ingest {summary.run_id}: {summary.records} records, {summary.published} published to "
        f"{settings['kafka.topic']}, {summary.landed} landed in {summary.raw_partitions} raw partitions "
        f"({summary.rejected_by_source} rejected by the source) in {summary.elapsed_s:.1f}s"
    )
    return 0


def cmd_stream(args: argparse.Namespace, settings: Settings) -> int:
    from streaming.job import run_stream

    if args.trigger:
        settings = settings.with_overrides({"streaming.trigger": args.trigger})
    run_stream(_spark(settings), settings)
    print("stream: caught up" if settings["streaming.trigger"] == "availableNow" else "stream: stopped")
    return 0


def cmd_nightly(args: argparse.Namespace, settings: Settings) -> int:
    from spark_jobs.nightly import run_nightly

    for table, rows in run_nightly(_spark(settings), settings).items():
        print(f"{table:<28}{rows:>10,}")
    return 0


def cmd_sql(args: argparse.Namespace, settings: Settings) -> int:
    from lakehouse.catalog import register_tables

    spark = _spark(settings)
    register_tables(spark, settings)
    query = Path(args.query[1:]).read_text() if args.query.startswith("@") else args.query
    spark.sql(query).show(args.limit, truncate=args.truncate)
    return 0


def print_status(spark, settings: Settings) -> bool:
    """Rows per table and the reconciliation; returns whether it balances."""
    from lakehouse.catalog import TABLES, read_table
    from streaming.reconcile import reconcile

    print(f"{'table':<28}{'rows':>10}")
    for name in TABLES:
        table_df = read_table(spark, settings, name)
        print(f"{name:<28}{'missing' if table_df is None else f'{table_df.count():,}':>10}")
    rec = reconcile(spark, settings)
    print("\nreconciliation")
    print(f"  raw records             {rec.raw_records:>10,}")
    print(f"  bronze rows             {rec.bronze_rows:>10,}")
    print(f"  silver postings         {rec.silver_postings:>10,}")
    print(f"  duplicates merged       {rec.duplicates:>10,}")
    print(f"  quarantined             {rec.quarantined:>10,}")
    for reason, n in rec.quarantine_reasons.items():
        print(f"    {reason:<22}{n:>10,}")
    verdict = "balanced" if rec.balanced else "NOT balanced"
    print(
        f"  raw = bronze = silver + duplicates + quarantined: {verdict} "
        f"({rec.raw_records:,} = {rec.bronze_rows:,} = {rec.accounted:,})"
    )
    return rec.balanced


def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    return 0 if print_status(_spark(settings), settings) else 1


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from ingestion.generator import generate_records
    from ingestion.publish import publish_records
    from lakehouse.broker import LocalBroker
    from spark_jobs.nightly import run_nightly
    from streaming.job import run_stream

    started = time.monotonic()
    broker = LocalBroker(settings)
    print(f"kafka: starting a local KRaft broker on localhost:{settings['kafka.broker_port']}", flush=True)
    we_started = broker.start()
    try:
        records = generate_records(args.count, seed=args.seed)
        summary = publish_records(records, settings, _run_id())
        print(
            f"ingest: {summary.published:,} records published and {summary.landed:,} landed in the raw zone", flush=True
        )
        spark = _spark(settings)
        run_stream(spark, settings)
        print("stream: Kafka -> bronze -> silver caught up", flush=True)
        run_nightly(spark, settings)
        print("nightly: gold tables rebuilt\n", flush=True)
        balanced = print_status(spark, settings)
    finally:
        if we_started:
            broker.stop()
            print("kafka: broker stopped")
    print(f"demo finished in {time.monotonic() - started:.0f}s")
    return 0 if balanced else 1


def cmd_kafka(args: argparse.Namespace, settings: Settings) -> int:
    from lakehouse.broker import LocalBroker

    broker = LocalBroker(settings)
    if args.action == "start":
        print("kafka: started" if broker.start() else "kafka: already running")
    elif args.action == "stop":
        print("kafka: stopped" if broker.stop() else "kafka: was not running")
    else:
        pid = broker.pid()
        print(f"kafka: running (pid {pid}) on localhost:{broker.port}" if pid else "kafka: not running")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = argparse.ArgumentParser(prog="joblake", description=__doc__)
    parser.add_argument("--profile", help="configuration profile (default: $JOBLAKE_PROFILE or local)")
    sub = parser.add_subparsers(dest="command", required=True)

    def add(name: str, func: Callable, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(func=func)
        return p

    demo = add("demo", cmd_demo, "run the whole pipeline on the local profile and print the summary")
    demo.add_argument("--count", type=int, default=DEMO_COUNT, help="postings to generate (default 5000)")
    demo.add_argument("--seed", type=int, default=7, help="generator seed (default 7)")

    ingest = add("ingest", cmd_ingest, "publish postings from a source to Kafka and the raw zone")
    ingest.add_argument("--source", choices=["generator", "file"], default="generator")
    ingest.add_argument("--count", type=int, default=1000, help="generator: postings to generate")
    ingest.add_argument("--seed", type=int, default=7, help="generator: seed")
    ingest.add_argument("--path", help="file: a CSV or JSONL file of postings")
    ingest.add_argument("--mapping", help='file: JSON {"posting_field": "column"}')
    ingest.add_argument("--keyword", default="import", help="file: keyword partition of the raw zone")

    stream = add("stream", cmd_stream, "run the Kafka -> bronze -> silver streaming job")
    stream.add_argument("--trigger", help="availableNow (catch up and stop) or processingTime:<interval>")

    add("nightly", cmd_nightly, "rebuild the gold star schema from silver")

    sql = add("sql", cmd_sql, "run one SQL query over bronze/silver/gold tables (or @file.sql)")
    sql.add_argument("query", help='e.g. "select count(*) from silver.job_postings" or @query.sql')
    sql.add_argument("--limit", type=int, default=20, help="rows to show (default 20)")
    sql.add_argument("--truncate", type=int, default=60, help="truncate cells to N characters (0: never)")

    add("status", cmd_status, "rows per table and the reconciliation (exit 1 when it does not balance)")

    kafka = add("kafka", cmd_kafka, "start, stop or check the local Kafka broker")
    kafka.add_argument("action", choices=["start", "stop", "status"])
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script: one readable line for every expected failure."""
    from ingestion.kafka_sink import KafkaUnavailableError
    from lakehouse.broker import BrokerError

    args = build_parser().parse_args(argv)
    try:
        settings = load_settings(args.profile)
        return args.func(args, settings)
    except (ConfigError, BrokerError, KafkaUnavailableError, FileNotFoundError) as exc:
        print(f"joblake {args.command}: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # Spark errors: one line, not a JVM stack trace
        if type(exc).__module__.startswith(("pyspark", "py4j")):
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            print(f"joblake {args.command}: {type(exc).__name__}: {first}", file=sys.stderr)
            return 2
        raise


if __name__ == "__main__":
    sys.exit(main())
