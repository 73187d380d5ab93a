"""Restart the Kafka broker while the stream runs: the stream rides out the outage, nothing is lost or doubled.

With Spark's defaults the Kafka source waits for a broker that went away: the driver's offset
lookups block in the Kafka AdminClient for `default.api.timeout.ms` (60 s) per attempt, three
attempts (`fetchOffset.numRetries`), and an executor's fetch polls for up to
`kafkaConsumer.pollTimeoutMs` (`spark.network.timeout`, 120 s). A restart of a few seconds is
therefore no failure at all: the running `joblake stream` process must survive it without a
restart of its query. (An outage of more than about three minutes does fail the query with
"Timed out waiting for a node assignment"; `streaming.job.supervise` then restarts it from the
checkpoint with backoff, see tests/streaming/test_supervise.py.)
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from ingestion.generator import generate_records
from ingestion.publish import publish_records
from lakehouse.catalog import table_path
from lakehouse.config import Settings
from tests.conftest import local_broker_on_free_ports
from tests.integration.stream_runs import assert_exactly_once, stream_process

pytestmark = [pytest.mark.spark, pytest.mark.kafka]

COUNT = 800
HALF = COUNT // 2  # published before the outage; the rest after the broker is back
MAX_OFFSETS = 100  # records per micro-batch: the first half takes several batches, so the outage lands mid-run
OUTAGE_S = 15


def has_version(settings: Settings, name: str, version: int) -> bool:
    """True once the other process has committed `version` of the table (a file check, no Spark)."""
    return (Path(table_path(settings, name)) / "_delta_log" / f"{version:020d}.json").exists()


def delta_df(spark, settings: Settings, name: str) -> DataFrame | None:
    """The table, or None before its first commit.

    Not `DeltaTable.isDeltaTable`: asked while another process is creating the table, it caches
    the miss in this session and keeps answering False after the table exists.
    """
    if not has_version(settings, name, 0):
        return None
    return spark.read.format("delta").load(table_path(settings, name))


def records_accounted(spark, settings: Settings) -> int:
    """Records silver has absorbed (times_seen) plus records quarantined, as far as the stream got."""
    silver_df = delta_df(spark, settings, "silver.job_postings")
    quarantine_df = delta_df(spark, settings, "silver.quarantine")
    seen = 0 if silver_df is None else silver_df.agg(F.sum("times_seen")).first()[0] or 0
    return seen + (0 if quarantine_df is None else quarantine_df.count())


def wait_until(condition: Callable[[], bool], timeout_s: float, proc: subprocess.Popen, log: Path, what: str) -> None:
    """Poll `condition`; fail with the stream's output when the stream exits or the timeout passes."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert proc.poll() is None, f"the stream exited ({proc.returncode}) waiting for {what}:\n{tail(log)}"
        assert time.monotonic() < deadline, f"no {what} within {timeout_s:g}s:\n{tail(log)}"
        time.sleep(0.5)


def tail(log: Path) -> str:
    return log.read_text(errors="replace")[-4000:]


def stop_stream(proc: subprocess.Popen) -> None:
    """SIGKILL the stream's process group (the driver JVM and Python workers are in it)."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


def test_stream_rides_out_a_broker_restart(settings, spark, tmp_path):
    log = tmp_path / "stream.log"
    records = generate_records(COUNT, seed=33)
    with local_broker_on_free_ports(settings, tmp_path / "kafka") as broker:
        run_settings = broker.settings.with_overrides(
            {
                "lake.root": str(tmp_path / "lake"),
                "lake.raw_root": str(tmp_path / "lake" / "raw"),
                "kafka.topic": "restart.postings",
            }
        )
        publish_records(records[:HALF], run_settings, "before-outage")
        proc = stream_process(run_settings, "--trigger", "processingTime:2 seconds", max_offsets=MAX_OFFSETS, log=log)
        try:
            # version 0 is the empty table the job creates; version 1 is its first micro-batch
            wait_until(lambda: has_version(run_settings, "bronze.job_postings", 1), 120, proc, log, "a bronze batch")
            broker.stop()
            back_at = time.monotonic() + OUTAGE_S
            # the first half needs at least HALF / MAX_OFFSETS batches: the broker must go away before the last one
            is_late = has_version(run_settings, "bronze.job_postings", HALF // MAX_OFFSETS)
            assert not is_late, "the stream had read the whole first half before the outage: lower MAX_OFFSETS"
            while time.monotonic() < back_at:
                assert proc.poll() is None, f"the stream died while the broker was down:\n{tail(log)}"
                time.sleep(0.5)

            broker.start()  # same ports, same data directory
            assert proc.poll() is None, f"the stream died while the broker was down:\n{tail(log)}"
            publish_records(records[HALF:], run_settings, "after-outage")
            wait_until(lambda: records_accounted(spark, run_settings) >= COUNT, 240, proc, log, "silver catching up")
        finally:
            stop_stream(proc)

    assert_exactly_once(spark, run_settings, records)
