"""Kill the streaming driver at random points, restart it from the checkpoint: exactly once, nothing lost."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pytest
from pyspark.sql import functions as F

from ingestion.avro_codec import decode_posting
from ingestion.generator import generate_records
from ingestion.publish import publish_records
from lakehouse.catalog import table_path
from streaming.job import run_stream
from streaming.reconcile import reconcile
from tests.conftest import REPO

pytestmark = [pytest.mark.spark, pytest.mark.kafka]

COUNT = 1500
KILLS = 3


def stream_process(settings) -> subprocess.Popen:
    """`joblake stream` in its own process group (the JVM is its child), small batches so kills land mid-run."""
    env = {**os.environ, "JOBLAKE_PROFILE": "test"}
    for key in ("lake.root", "lake.raw_root", "kafka.bootstrap_servers", "kafka.topic", "spark.jars_dir"):
        env["JOBLAKE__" + key.upper().replace(".", "__")] = str(settings[key])
    env["JOBLAKE__KAFKA__MAX_OFFSETS_PER_TRIGGER"] = "100"
    return subprocess.Popen(
        [sys.executable, "-m", "lakehouse.cli", "stream"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def test_killed_and_restarted_stream_ends_exactly_once(kafka_broker, spark, tmp_path):
    settings = kafka_broker.with_overrides(
        {
            "lake.root": str(tmp_path / "lake"),
            "lake.raw_root": str(tmp_path / "lake" / "raw"),
            "kafka.topic": "recovery.postings",
            "spark.jars_dir": str(REPO / ".jars" / "spark"),
        }
    )
    records = generate_records(COUNT, seed=21)
    publish_records(records, settings, "recovery")
    rng = random.Random(2026)
    kills = 0
    for _ in range(KILLS):
        proc = stream_process(settings)
        time.sleep(rng.uniform(15, 35))  # the JVM takes ~10 s to start: kill somewhere inside the batches
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            kills += 1
        proc.wait(timeout=30)
    assert kills >= 1, "the stream finished before any kill: lower the sleep or raise COUNT"

    run_stream(spark, settings.with_overrides({"kafka.max_offsets_per_trigger": 100}))

    bronze_df = spark.read.format("delta").load(table_path(settings, "bronze.job_postings"))
    assert bronze_df.count() == bronze_df.select("kafka_partition", "kafka_offset").distinct().count() == COUNT
    valid_keys = set()
    for record in records:
        try:
            if (decode_posting(record.value)["title"] or "").strip():
                valid_keys.add(record.key)
        except ValueError:
            pass
    silver_df = spark.read.format("delta").load(table_path(settings, "silver.job_postings"))
    assert {r["posting_key"] for r in silver_df.select("posting_key").collect()} == valid_keys
    assert silver_df.agg(F.sum("times_seen")).first()[0] + reconcile(spark, settings).quarantined == COUNT
    assert reconcile(spark, settings).balanced
