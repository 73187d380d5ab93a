"""Kill the streaming driver at random points, restart it from the checkpoint: exactly once, nothing lost."""

from __future__ import annotations

import os
import random
import signal
import time

import pytest

from ingestion.generator import generate_records
from ingestion.publish import publish_records
from streaming.job import run_stream
from tests.conftest import REPO
from tests.integration.stream_runs import assert_exactly_once, stream_process

pytestmark = [pytest.mark.spark, pytest.mark.kafka]

COUNT = 1500
KILLS = 3


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

    assert_exactly_once(spark, settings, records)
