"""The streaming application: Kafka -> bronze -> silver, checkpointed, with an explicit trigger."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from uuid import uuid4

from pyspark.errors import StreamingQueryException
from pyspark.sql import SparkSession
from pyspark.sql.streaming import DataStreamWriter, StreamingQuery

from lakehouse.catalog import checkpoint_path, table_path
from lakehouse.config import ConfigError, Settings
from streaming import bronze, silver
from streaming.observability import attach_metrics, detach

logger = logging.getLogger("joblake.streaming")


def utc_now() -> datetime:
    """The wall clock the jobs stamp rows with (injected so tests can fix it)."""
    return datetime.now(UTC)


def with_trigger(writer: DataStreamWriter, trigger: str) -> DataStreamWriter:
    """Apply `availableNow` or `processingTime:<interval>` from configuration."""
    if trigger == "availableNow":
        return writer.trigger(availableNow=True)
    kind, _, interval = trigger.partition(":")
    if kind == "processingTime" and interval.strip():
        return writer.trigger(processingTime=interval.strip())
    raise ConfigError(f"streaming.trigger must be 'availableNow' or 'processingTime:<interval>', got '{trigger}'")


def start_bronze(spark: SparkSession, settings: Settings, clock: Callable[[], datetime]) -> StreamingQuery:
    """Start Kafka -> bronze.job_postings."""
    checkpoint = checkpoint_path(settings, bronze.QUERY_NAME)
    writer = (
        bronze.read_kafka_stream(spark, settings)
        .writeStream.queryName(bronze.QUERY_NAME)
        .option("checkpointLocation", checkpoint)
        .foreachBatch(bronze.bronze_writer(table_path(settings, "bronze.job_postings"), checkpoint, clock))
    )
    return with_trigger(writer, settings["streaming.trigger"]).start()


def new_run_id(clock: Callable[[], datetime]) -> str:
    """The id every batch of one `run_stream` call is logged under: start time plus a random suffix."""
    return f"{clock():%Y%m%dT%H%M%SZ}-{uuid4().hex[:6]}"


def start_silver(
    spark: SparkSession, settings: Settings, clock: Callable[[], datetime], run_id: str | None = None
) -> StreamingQuery:
    """Start bronze.job_postings -> silver.job_postings + silver.quarantine + silver.stream_batches."""
    checkpoint = checkpoint_path(settings, silver.QUERY_NAME)
    upsert = silver.silver_writer(settings, checkpoint, clock, run_id or new_run_id(clock))
    writer = (
        spark.readStream.format("delta")
        .load(table_path(settings, "bronze.job_postings"))
        .writeStream.queryName(silver.QUERY_NAME)
        .option("checkpointLocation", checkpoint)
        .foreachBatch(upsert)
    )
    return with_trigger(writer, settings["streaming.trigger"]).start()


STREAM_STAGES = ("Kafka -> bronze", "bronze -> silver")  # the catch-up's two queries, what `progress` is told


def run_stream(
    spark: SparkSession,
    settings: Settings,
    clock: Callable[[], datetime] = utc_now,
    progress: Callable[[str], None] | None = None,
) -> None:
    """Run both queries (one after the other for availableNow, side by side otherwise), with batch metrics.

    For availableNow, `progress` is called with each stage of STREAM_STAGES as its query starts.
    """
    stage = progress or (lambda name: None)
    bronze.create_bronze_if_missing(spark, table_path(settings, "bronze.job_postings"), clock())
    run_id = new_run_id(clock)
    metrics_file = settings["streaming.metrics_file"]
    listener = attach_metrics(
        spark,
        settings.path("streaming.metrics_file") if metrics_file else None,
        int(settings["streaming.metrics_port"]) or None,
        settings["streaming.metrics_addr"],
    )
    try:
        if settings["streaming.trigger"] == "availableNow":
            stage(STREAM_STAGES[0])
            start_bronze(spark, settings, clock).awaitTermination()
            stage(STREAM_STAGES[1])
            start_silver(spark, settings, clock, run_id).awaitTermination()
            return
        supervise(
            spark,
            {
                bronze.QUERY_NAME: lambda: start_bronze(spark, settings, clock),
                silver.QUERY_NAME: lambda: start_silver(spark, settings, clock, run_id),
            },
            max_restarts=int(settings["streaming.max_restarts"]),
            backoff_s=float(settings["streaming.restart_backoff_s"]),
        )
    finally:
        detach(spark, listener)


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def supervise(
    spark: SparkSession,
    starters: dict[str, Callable[[], StreamingQuery]],
    max_restarts: int,
    backoff_s: float,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Keep long-running queries alive: a failed query restarts from its checkpoint after a backoff.

    A Kafka outage longer than the source's retries (about three minutes with Spark's defaults),
    a lost executor or a Delta commit conflict fails one query; the checkpoint makes a restart
    exactly-once, so the driver restarts that query after `backoff_s`, doubling per consecutive
    failure (capped at ten minutes). A failure counts as consecutive when the query completed no
    micro-batch since its last start; after `max_restarts` of them the error is raised (the CLI
    prints it as one line and exits 2, and Kubernetes' restart policy takes over). A query
    stopped without an error ends supervision and stops the others.
    """
    queries = {name: start() for name, start in starters.items()}
    failures = dict.fromkeys(queries, 0)
    try:
        while True:
            with contextlib.suppress(StreamingQueryException):  # which query failed is read below
                spark.streams.awaitAnyTermination()
            spark.streams.resetTerminated()
            for name, query in list(queries.items()):
                if query.isActive:
                    continue
                error = query.exception()
                if error is None:
                    return
                failures[name] = 1 if query.recentProgress else failures[name] + 1
                if failures[name] > max_restarts:
                    raise error
                delay = min(backoff_s * 2 ** (failures[name] - 1), 600.0)
                logger.warning(
                    "stream: query %s failed (%s); restart %d/%d from its checkpoint in %.0f s",
                    name,
                    _first_line(error),
                    failures[name],
                    max_restarts,
                    delay,
                )
                sleep(delay)
                queries[name] = starters[name]()
    finally:
        for query in queries.values():
            if query.isActive:
                query.stop()
