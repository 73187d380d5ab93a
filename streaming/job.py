"""The streaming application: Kafka -> bronze -> silver, checkpointed, with an explicit trigger."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from uuid import uuid4

from pyspark.sql import SparkSession
from pyspark.sql.streaming import DataStreamWriter, StreamingQuery

from lakehouse.catalog import checkpoint_path, table_path
from lakehouse.config import ConfigError, Settings
from streaming import bronze, silver
from streaming.observability import attach_metrics, detach


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


def run_stream(spark: SparkSession, settings: Settings, clock: Callable[[], datetime] = utc_now) -> None:
    """Run both queries (one after the other for availableNow, side by side otherwise), with batch metrics."""
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
            start_bronze(spark, settings, clock).awaitTermination()
            start_silver(spark, settings, clock, run_id).awaitTermination()
            return
        queries = [start_bronze(spark, settings, clock), start_silver(spark, settings, clock, run_id)]
        try:
            spark.streams.awaitAnyTermination()
        finally:
            for query in queries:
                query.stop()
    finally:
        detach(spark, listener)
