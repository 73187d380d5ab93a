"""Kafka -> bronze.job_postings: one row per Kafka record, payload bytes and coordinates."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from lakehouse.config import Settings
from streaming.delta_writes import append_once, query_app_id

QUERY_NAME = "bronze_job_postings"


def read_kafka_stream(spark: SparkSession, settings: Settings) -> DataFrame:
    """The posting topic as a streaming DataFrame, headers included."""
    return (
        spark.readStream.format("kafka")
        .option("kafka.bootstrap.servers", settings["kafka.bootstrap_servers"])
        .option("subscribe", settings["kafka.topic"])
        .option("startingOffsets", "earliest")
        .option("includeHeaders", "true")
        .option("failOnDataLoss", str(settings["kafka.fail_on_data_loss"]).lower())
        .option("maxOffsetsPerTrigger", settings["kafka.max_offsets_per_trigger"])
        .load()
    )


def to_bronze(kafka_df: DataFrame, ingested_at: datetime) -> DataFrame:
    """Kafka source rows -> bronze rows (key as text, value bytes untouched)."""
    return kafka_df.select(
        F.col("key").cast("string").alias("key"),
        F.col("value"),
        F.col("headers"),
        F.col("topic"),
        F.col("partition").alias("kafka_partition"),
        F.col("offset").alias("kafka_offset"),
        F.col("timestamp").alias("kafka_timestamp"),
        F.lit(ingested_at).cast("timestamp").alias("ingested_at"),
        F.to_date(F.lit(ingested_at).cast("timestamp")).alias("ingest_date"),
    )


KAFKA_SOURCE_SCHEMA = (
    "key binary, value binary, topic string, partition int, offset long, timestamp timestamp, "
    "timestampType int, headers array<struct<key: string, value: binary>>"
)


def create_bronze_if_missing(spark: SparkSession, path: str, now: datetime) -> None:
    """Create the empty bronze table so the silver query can start before any record arrives."""
    from delta.tables import DeltaTable

    if not DeltaTable.isDeltaTable(spark, path):
        empty_df = spark.createDataFrame([], KAFKA_SOURCE_SCHEMA)
        to_bronze(empty_df, now).write.format("delta").partitionBy("ingest_date").save(path)


def bronze_writer(path: str, checkpoint: str, clock: Callable[[], datetime]) -> Callable[[DataFrame, int], None]:
    """The named foreachBatch function that appends each micro-batch to bronze once."""

    def append_bronze_postings(batch_df: DataFrame, batch_id: int) -> None:
        bronze_df = to_bronze(batch_df, clock())
        append_once(
            bronze_df,
            path,
            query_app_id(batch_df.sparkSession, QUERY_NAME, checkpoint),
            batch_id,
            partition_by=("ingest_date",),
        )

    return append_bronze_postings
