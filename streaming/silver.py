"""bronze.job_postings -> silver.job_postings (MERGE on posting_key) + silver.quarantine."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from delta.tables import DeltaTable
from pyspark.sql import DataFrame, SparkSession, Window
from pyspark.sql import functions as F

from ingestion.keys import KEY_SEPARATOR
from streaming import normalise as N
from streaming.decode import with_decoded_posting
from streaming.delta_writes import append_once, idempotent_dml, query_app_id

QUERY_NAME = "silver_job_postings"

KAFKA_COORDINATES = ["key", "topic", "kafka_partition", "kafka_offset", "kafka_timestamp"]


def posting_key(source: F.Column, source_job_id: F.Column) -> F.Column:
    """Spark twin of ingestion.keys.posting_key."""
    return F.sha2(F.concat_ws(KEY_SEPARATOR, source, source_job_id), 256)


def to_quarantine(decoded_df: DataFrame, quarantined_at: datetime) -> DataFrame:
    """Rejected rows with their raw bytes, reason and Kafka coordinates."""
    return decoded_df.where(F.col("reject_reason").isNotNull()).select(
        *KAFKA_COORDINATES,
        F.col("value").alias("raw_value"),
        "headers",
        "reject_reason",
        "reject_detail",
        F.lit(quarantined_at).cast("timestamp").alias("quarantined_at"),
    )


def with_normalised_fields(postings_df: DataFrame) -> DataFrame:
    """Flatten decoded postings and add the normalised columns silver keeps."""
    p = F.col("posting")
    location = N.parse_location(p["location"])
    return postings_df.select(
        posting_key(p["source"], p["source_job_id"]).alias("posting_key"),
        p["source"].alias("source"),
        p["source_job_id"].alias("source_job_id"),
        p["job_id"].alias("job_id"),
        N.clean_text(p["title"]).alias("title_raw"),
        N.normalise_title(p["title"]).alias("title"),
        N.title_seniority(p["title"]).alias("title_seniority"),
        N.company_display(p["company"]).alias("company"),
        N.company_key(p["company"]).alias("company_key"),
        p["location"].alias("location_raw"),
        location["city"].alias("city"),
        location["region"].alias("region"),
        location["country"].alias("country"),
        N.workplace_type(p["location"], p["workplace_type"], p["description"]).alias("workplace_type"),
        N.employment_type(p["employment_type"]).alias("employment_type"),
        N.with_seniority_level(p["seniority_level"]).alias("seniority_level"),
        p["industries"].alias("industries"),
        p["job_functions"].alias("job_functions"),
        N.clean_text(p["description"]).alias("description"),
        p["skills"].alias("listed_skills"),
        p["job_url"].alias("job_url"),
        p["apply_url"].alias("apply_url"),
        p["reposted"].alias("reposted"),
        p["posted_time"].alias("posted_at"),
        p["expire_time"].alias("expires_at"),
        p["salary_text"].alias("salary_text"),
        p["salary_min"].alias("salary_min"),
        p["salary_max"].alias("salary_max"),
        p["salary_currency"].alias("salary_currency"),
        p["salary_period"].alias("salary_period"),
        p["search_keyword"].alias("search_keyword"),
        p["scraped_at"].alias("scraped_at"),
        "kafka_partition",
        "kafka_offset",
    )


def latest_per_posting(silver_rows_df: DataFrame) -> DataFrame:
    """One row per posting_key: the newest scrape, with how many records the batch held for it."""
    newest_first = Window.partitionBy("posting_key").orderBy(
        F.col("scraped_at").desc(), F.col("kafka_partition").desc(), F.col("kafka_offset").desc()
    )
    per_key = Window.partitionBy("posting_key")
    return (
        silver_rows_df.withColumn("records_in_batch", F.count(F.lit(1)).over(per_key))
        .withColumn("first_scraped_at", F.min("scraped_at").over(per_key))
        .withColumn("_rank", F.row_number().over(newest_first))
        .where("_rank = 1")
        .drop("_rank")
    )


def merge_postings(spark: SparkSession, path: str, updates_df: DataFrame, merged_at: datetime) -> None:
    """MERGE a batch of latest-per-posting rows into silver.

    A known posting takes the newer content (by scrape time) and always counts the
    records it absorbed, so bronze rows = sum(times_seen) + quarantined rows.
    """
    source_df = updates_df.withColumn("merged_at", F.lit(merged_at).cast("timestamp"))
    content = _content_columns(updates_df)
    target = DeltaTable.forPath(spark, path)
    newer = "s.scraped_at >= t.scraped_at"
    (
        target.alias("t")
        .merge(source_df.alias("s"), "t.posting_key = s.posting_key")
        .whenMatchedUpdate(
            condition=newer,
            set={
                **{c: f"s.{c}" for c in content if c != "posting_key"},
                "times_seen": "t.times_seen + s.records_in_batch",
                "last_seen_at": "s.merged_at",
                "updated_at": "s.merged_at",
            },
        )
        .whenMatchedUpdate(set={"times_seen": "t.times_seen + s.records_in_batch", "last_seen_at": "s.merged_at"})
        .whenNotMatchedInsert(
            values={
                **{c: f"s.{c}" for c in content},
                "first_seen_at": "s.merged_at",
                "last_seen_at": "s.merged_at",
                "updated_at": "s.merged_at",
                "times_seen": "s.records_in_batch",
                "is_active": "true",
                "closed_at": "cast(null as timestamp)",
                "close_events": "0",
            }
        )
        .execute()
    )


def _content_columns(updates_df: DataFrame) -> list[str]:
    return [c for c in updates_df.columns if c not in {"records_in_batch", "first_scraped_at"}]


def create_silver_if_missing(spark: SparkSession, path: str, updates_df: DataFrame) -> None:
    """Create the empty silver table with the batch's content columns plus bookkeeping."""
    if DeltaTable.isDeltaTable(spark, path):
        return
    ts = F.lit(None).cast("timestamp")
    empty_df = updates_df.limit(0).select(
        *_content_columns(updates_df),
        ts.alias("first_seen_at"),
        ts.alias("last_seen_at"),
        ts.alias("updated_at"),
        F.lit(0).cast("long").alias("times_seen"),
        F.lit(True).alias("is_active"),
        ts.alias("closed_at"),
        F.lit(0).cast("long").alias("close_events"),
    )
    empty_df.write.format("delta").save(path)


def with_closed_event_key(decoded_df: DataFrame) -> DataFrame:
    """Valid closed events with the posting key they close and when."""
    p = F.col("posting")
    return decoded_df.where(F.col("reject_reason").isNull() & (p["event_type"] == "closed")).withColumn(
        "posting_key", posting_key(p["source"], p["source_job_id"])
    )


def split_closed_events(spark: SparkSession, silver_path: str, closed_df: DataFrame) -> tuple[DataFrame, DataFrame]:
    """Closed events for postings silver holds, and the orphans (quarantined as closed_unknown_posting)."""
    silver_keys_df = spark.read.format("delta").load(silver_path).select("posting_key")
    known_df = closed_df.join(silver_keys_df, "posting_key", "left_semi")
    orphans_df = (
        closed_df.join(silver_keys_df, "posting_key", "left_anti")
        .withColumn("reject_reason", F.lit("closed_unknown_posting"))
        .drop("posting_key")
    )
    return known_df, orphans_df


def merge_closed_events(spark: SparkSession, path: str, known_df: DataFrame) -> None:
    """Mark postings closed: is_active false, the first closed_at kept, events counted."""
    events_df = known_df.groupBy("posting_key").agg(
        F.min(F.coalesce(F.col("posting.closed_at"), F.col("posting.scraped_at"))).alias("closed_at"),
        F.count(F.lit(1)).alias("events"),
    )
    (
        DeltaTable.forPath(spark, path)
        .alias("t")
        .merge(events_df.alias("s"), "t.posting_key = s.posting_key")
        .whenMatchedUpdate(
            set={
                "is_active": "false",
                "closed_at": "coalesce(t.closed_at, s.closed_at)",
                "close_events": "t.close_events + s.events",
            }
        )
        .execute()
    )


def silver_writer(
    silver_path: str, quarantine_path: str, checkpoint: str, clock: Callable[[], datetime]
) -> Callable[[DataFrame, int], None]:
    """The named foreachBatch function: quarantine the bad, MERGE the good, each once per batch."""

    def upsert_silver_postings(batch_df: DataFrame, batch_id: int) -> None:
        spark = batch_df.sparkSession
        app_id = query_app_id(batch_df.sparkSession, QUERY_NAME, checkpoint)
        now = clock()
        decoded_df = with_decoded_posting(batch_df).persist()
        try:
            postings_df = decoded_df.where(F.col("reject_reason").isNull() & (F.col("posting.event_type") == "posting"))
            # persisted: Delta's MERGE reads its source twice, and normalising is the costly part
            updates_df = postings_df.transform(with_normalised_fields).transform(latest_per_posting).persist()
            create_silver_if_missing(spark, silver_path, updates_df)
            try:
                with idempotent_dml(spark, app_id, batch_id):
                    merge_postings(spark, silver_path, updates_df, now)
            finally:
                updates_df.unpersist()
            closed_df = with_closed_event_key(decoded_df)
            if closed_df.isEmpty():  # the usual batch: no need to look silver's keys up
                append_once(to_quarantine(decoded_df, now), quarantine_path, app_id, batch_id)
                return
            known_closed_df, orphans_df = split_closed_events(spark, silver_path, closed_df)
            append_once(to_quarantine(decoded_df.unionByName(orphans_df), now), quarantine_path, app_id, batch_id)
            with idempotent_dml(spark, f"{app_id}.closed", batch_id):
                merge_closed_events(spark, silver_path, known_closed_df)
        finally:
            decoded_df.unpersist()

    return upsert_silver_postings
