"""What the streaming fault tests share: `joblake stream` as a killable process, and the exactly-once check."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from ingestion.avro_codec import decode_posting
from ingestion.records import SourceRecord
from lakehouse.catalog import table_path
from lakehouse.config import Settings, env_name
from streaming.reconcile import Reconciliation, reconcile
from tests.conftest import REPO

PASSED_ON = ("lake.root", "lake.raw_root", "kafka.bootstrap_servers", "kafka.topic", "spark.jars_dir")


def stream_process(
    settings: Settings, *cli_args: str, max_offsets: int = 100, log: Path | None = None
) -> subprocess.Popen:
    """`joblake stream ARGS` in its own process group (the JVM is its child), small batches so faults land mid-run.

    Its output and the driver JVM's log go to `log` when given; else the output goes nowhere.
    """
    env = {**os.environ, "JOBLAKE_PROFILE": "test"}
    if log:
        env[env_name("spark.log_file")] = str(log)
    for key in PASSED_ON:
        env[env_name(key)] = str(settings[key])
    env["JOBLAKE__KAFKA__MAX_OFFSETS_PER_TRIGGER"] = str(max_offsets)
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 (the child keeps it; closed below)
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "lakehouse.cli", "stream", *cli_args],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    finally:
        if log:
            out.close()


def valid_posting_keys(records: Sequence[SourceRecord]) -> set[str]:
    """Posting keys of the records silver should hold: decodable and with a title."""
    keys = set()
    for record in records:
        try:
            if (decode_posting(record.value)["title"] or "").strip():
                keys.add(record.key)
        except ValueError:
            pass
    return keys


def assert_exactly_once(spark: SparkSession, settings: Settings, records: Sequence[SourceRecord]) -> Reconciliation:
    """Each Kafka offset once in bronze, each valid posting once in silver, every record accounted for."""
    bronze_df = spark.read.format("delta").load(table_path(settings, "bronze.job_postings"))
    assert bronze_df.count() == bronze_df.select("kafka_partition", "kafka_offset").distinct().count() == len(records)
    silver_df = spark.read.format("delta").load(table_path(settings, "silver.job_postings"))
    assert {r["posting_key"] for r in silver_df.select("posting_key").collect()} == valid_posting_keys(records)
    rec = reconcile(spark, settings)
    assert silver_df.agg(F.sum("times_seen")).first()[0] + rec.quarantined == len(records)
    assert rec.balanced, rec
    return rec
