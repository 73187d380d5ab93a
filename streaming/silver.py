"""bronze.job_postings -> silver.job_postings (MERGE on posting_key) + silver.quarantine + silver.stream_batches.

Each micro-batch is decoded, normalised and reduced to the newest record per posting; every
posting is then classified against silver as it stood before the batch (new, updated: newer
content that differs, or a duplicate: the same content seen again), given a
`duplicate_group_id` (see `with_duplicate_groups`), and the batch's accounting row is written
before the MERGE, so a replayed batch writes the same row once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from delta.tables import DeltaTable
from pyspark.sql import Column, DataFrame, SparkSession, Window
from pyspark.sql import functions as F

from ingestion.keys import KEY_SEPARATOR
from lakehouse.catalog import table_path
from lakehouse.config import Settings
from streaming import normalise as N
from streaming.decode import with_decoded_posting
from streaming.delta_writes import MERGE_MATERIALIZE_SOURCE, append_once, idempotent_dml, query_app_id, session_conf
from streaming.language import detect_language
from streaming.salary import SALARY_DDL, parse_salary
from streaming.title_taxonomy import JOB_FAMILY_COLUMNS, job_family_of

QUERY_NAME = "silver_job_postings"
CHANGE_FEED = "delta.enableChangeDataFeed"  # silver table property the nightly job relies on

# Posting fields whose change makes a record an update rather than a duplicate (not the scrape
# time, search keyword or Kafka coordinates, which differ every time the same job is seen).
CONTENT_FIELDS = [
    "title", "company", "location", "employment_type", "seniority_level", "industries", "job_functions",
    "workplace_type", "description", "skills", "job_url", "apply_url", "reposted", "posted_time",
    "expire_time", "salary_text", "salary_min", "salary_max", "salary_currency", "salary_period",
]  # fmt: skip

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


def _normalised_projections() -> list[list[Column]]:
    """The projections of `with_normalised_fields`, in order, built once per Spark application.

    Built once because the expressions are large: constructing them from Python costs a second
    or more of gateway calls, which every micro-batch would otherwise pay again. Several
    projections so the cleaned and the normalised title, the cleaned description and the
    location, salary and job-family structs are each computed once, then read by several columns.
    """
    p = F.col("posting")
    location_fields = ("city", "region", "country")  # read from the `_location` struct
    second = {  # read from columns of the first projection
        "title": N.normalise_clean_title("title_raw"),
        "title_seniority": N.clean_title_seniority("title_raw"),
        **{name: F.col("_location")[name] for name in location_fields},
    }
    fields = {
        "posting_key": posting_key(p["source"], p["source_job_id"]),
        "source": p["source"],
        "source_job_id": p["source_job_id"],
        "job_id": p["job_id"],
        "title_raw": N.clean_text(p["title"]),
        **dict.fromkeys(("title", "title_seniority")),  # from title_raw: each title is cleaned once
        "company": N.company_display(p["company"]),
        "company_key": N.company_key(p["company"]),
        "location_raw": p["location"],
        **dict.fromkeys(location_fields),
        "workplace_type": N.workplace_type(p["location"], p["workplace_type"], p["description"]),
        "employment_type": N.employment_type(p["employment_type"]),
        "seniority_level": N.with_seniority_level(p["seniority_level"]),
        "industries": p["industries"],
        "job_functions": p["job_functions"],
        "description": N.clean_text(p["description"]),
        "listed_skills": p["skills"],
        "job_url": p["job_url"],
        "apply_url": p["apply_url"],
        "reposted": F.coalesce(p["reposted"], F.lit(False)),
        "posted_at": p["posted_time"],
        "expires_at": p["expire_time"],
        "salary_text": p["salary_text"],
        "search_keyword": p["search_keyword"],
        "scraped_at": p["scraped_at"],
        "content_hash": F.sha2(F.to_json(F.struct(*[p[f] for f in CONTENT_FIELDS])), 256),
        "kafka_partition": F.col("kafka_partition"),
        "kafka_offset": F.col("kafka_offset"),
    }
    salary = parse_salary(p["salary_text"], p["salary_min"], p["salary_max"], p["salary_currency"], p["salary_period"])
    salary_fields = [field.split()[0] for field in SALARY_DDL.split(", ")]
    base = [F.col(name) for name in fields]
    return [
        [
            *[expr.alias(name) for name, expr in fields.items() if name not in second],
            N.parse_location(p["location"]).alias("_location"),
            salary.alias("_salary"),
        ],
        [
            *[second[name].alias(name) if name in second else F.col(name) for name in fields],
            *[F.col("_salary")[name].alias(name) for name in salary_fields],
        ],
        [  # the two Arrow UDFs side by side: Spark feeds them through one Python worker
            *base,
            N.title_without_level(F.col("title")).alias("canonical_title"),
            *[F.col(name) for name in salary_fields],
            job_family_of(F.col("title")).alias("_family"),
            detect_language(F.coalesce("description", "title_raw")).alias("description_language"),
        ],
        [
            *base,
            *[F.col(name) for name in ("canonical_title", *salary_fields)],
            *[F.col("_family")[name].alias(name) for name in JOB_FAMILY_COLUMNS],
            F.col("description_language"),
        ],
    ]


_projections: dict[str, list[list[Column]]] = {}


def with_normalised_fields(postings_df: DataFrame) -> DataFrame:
    """Flatten decoded postings and add the normalised columns silver keeps."""
    context = postings_df.sparkSession.sparkContext.applicationId
    if context not in _projections:
        _projections.clear()  # a new Spark application: the old JVM objects are gone
        _projections[context] = _normalised_projections()
    for projection in _projections[context]:
        postings_df = postings_df.select(*projection)
    return postings_df


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


CHANGES = ("new", "updated", "duplicate")


def duplicate_key() -> Column:
    """What a repost or the same job on another board shares: canonical title, company key and location.

    Null when the title or company is unknown: such a posting is a group of its own.
    """
    parts = [F.lower("canonical_title"), F.col("company_key"), F.col("country"), F.col("region"), F.col("city")]
    return F.when(
        F.col("canonical_title").isNotNull() & F.col("company_key").isNotNull(),
        F.sha2(F.concat_ws(KEY_SEPARATOR, *[F.coalesce(c, F.lit("")) for c in parts]), 256),
    )


def posted_day() -> Column:
    return F.to_date(F.coalesce("posted_at", "scraped_at"))


def with_changes(updates_df: DataFrame, silver_df: DataFrame) -> DataFrame:
    """Add `change` (new / updated / duplicate) against silver before the batch, and the stored group id.

    Updated means newer by scrape time with a different content hash: exactly the rows the MERGE's
    content clause rewrites.
    """
    known_df = silver_df.select(
        "posting_key",
        F.lit(True).alias("_known"),
        F.col("scraped_at").alias("_t_scraped_at"),
        F.col("content_hash").alias("_t_content_hash"),
        F.col("duplicate_group_id").alias("_t_group"),
    )
    newer_content = (F.col("scraped_at") >= F.col("_t_scraped_at")) & ~F.col("content_hash").eqNullSafe(
        F.col("_t_content_hash")
    )
    change = F.when(F.col("_known").isNull(), "new").when(newer_content, "updated").otherwise("duplicate")
    return (
        updates_df.join(known_df, "posting_key", "left")
        .withColumn("change", change)
        .withColumn("duplicate_key", duplicate_key())
        .drop("_known", "_t_scraped_at", "_t_content_hash")
    )


def with_duplicate_groups(changes_df: DataFrame, silver_df: DataFrame, window_days: int) -> DataFrame:
    """Add `duplicate_group_id`: reposts and cross-board copies of a job share one.

    Postings with the same `duplicate_key` whose posting days follow each other with gaps of at
    most `window_days` form one group (a session window on the posting day). A posting silver
    already holds keeps its group. A new one joins the group of the earliest stored posting in
    its session, else the group is named by the session's first posting key. The window bounds
    the state like a watermark: silver is only read back within `window_days` of the batch's
    posting days for the same key, so the lookup stays bounded however long the table grows, and
    a copy posted more than `window_days` after its last sibling starts a group of its own.
    """
    fresh_df = changes_df.where(F.col("_t_group").isNull() & F.col("duplicate_key").isNotNull()).select(
        "posting_key", "duplicate_key", posted_day().alias("_day"), F.lit(None).cast("string").alias("_stored_group")
    )
    span_df = fresh_df.groupBy("duplicate_key").agg(
        F.date_sub(F.min("_day"), window_days).alias("_lo"), F.date_add(F.max("_day"), window_days).alias("_hi")
    )
    stored_df = (
        silver_df.where(F.col("duplicate_group_id").isNotNull())
        .select(
            "posting_key",
            "duplicate_key",
            posted_day().alias("_day"),
            F.col("duplicate_group_id").alias("_stored_group"),
        )
        .join(span_df, "duplicate_key")
        .where(F.col("_day").between(F.col("_lo"), F.col("_hi")))
        .drop("_lo", "_hi")
    )
    order = ["_day", F.col("_stored_group").asc_nulls_last(), "posting_key"]
    by_day = Window.partitionBy("duplicate_key").orderBy(*order)
    gap = F.datediff("_day", F.lag("_day").over(by_day))
    session = (
        Window.partitionBy("duplicate_key", "_session")
        .orderBy(*order)
        .rowsBetween(Window.unboundedPreceding, Window.unboundedFollowing)
    )
    grouped_df = (
        stored_df.unionByName(fresh_df)
        .withColumn("_new_session", F.when(gap.isNull() | (gap > window_days), 1).otherwise(0))
        .withColumn("_session", F.sum("_new_session").over(by_day.rowsBetween(Window.unboundedPreceding, 0)))
        .withColumn(
            "_group",
            F.coalesce(F.first("_stored_group", ignorenulls=True).over(session), F.first("posting_key").over(session)),
        )
        .where(F.col("_stored_group").isNull())
        .select("posting_key", "_group")
    )
    # one row per fresh posting, two short strings: broadcast rather than shuffle the wide batch
    return (
        changes_df.join(F.broadcast(grouped_df), "posting_key", "left")
        .withColumn("duplicate_group_id", F.coalesce("_t_group", "_group", "posting_key"))
        .drop("_t_group", "_group")
    )


def merge_postings(spark: SparkSession, path: str, updates_df: DataFrame, merged_at: datetime) -> None:
    """MERGE a batch of classified latest-per-posting rows into silver.

    An updated posting takes the newer content; a duplicate only counts; both count the records
    they absorbed, so bronze rows = sum(times_seen) + closed events + quarantined rows. A posting
    whose posting date moves later is flagged reposted; its group id never changes.
    """
    source_df = updates_df.withColumn("merged_at", F.lit(merged_at).cast("timestamp"))
    content = _content_columns(updates_df)
    seen = {
        "times_seen": "t.times_seen + s.records_in_batch",
        "last_seen_at": "s.merged_at",
        "duplicate_key": "coalesce(t.duplicate_key, s.duplicate_key)",  # rows of a lake older than the column
        "duplicate_group_id": "coalesce(t.duplicate_group_id, s.duplicate_group_id)",
    }
    keep = {"posting_key", "reposted", *seen}
    reposted = "s.reposted OR coalesce(t.reposted, false) OR coalesce(s.posted_at > t.posted_at, false)"
    # the caller persisted and counted the source: Delta need not copy it again before reading it twice
    with session_conf(spark, {MERGE_MATERIALIZE_SOURCE: "none"}):
        (
            DeltaTable.forPath(spark, path)
            .alias("t")
            .merge(source_df.alias("s"), "t.posting_key = s.posting_key")
            .whenMatchedUpdate(
                condition="s.change = 'updated'",
                set={
                    **{c: f"s.{c}" for c in content if c not in keep},
                    "reposted": reposted,
                    "updated_at": "s.merged_at",
                    **seen,
                },
            )
            .whenMatchedUpdate(set=seen)
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
    return [c for c in updates_df.columns if c not in {"records_in_batch", "first_scraped_at", "change"}]


def silver_bookkeeping() -> list[Column]:
    ts = F.lit(None).cast("timestamp")
    return [
        ts.alias("first_seen_at"),
        ts.alias("last_seen_at"),
        ts.alias("updated_at"),
        F.lit(0).cast("long").alias("times_seen"),
        F.lit(True).alias("is_active"),
        ts.alias("closed_at"),
        F.lit(0).cast("long").alias("close_events"),
    ]


def ensure_silver_table(spark: SparkSession, path: str, rows_df: DataFrame) -> None:
    """Create silver with the batch's content columns plus bookkeeping, or add the columns it lacks.

    Silver records its change data feed: the nightly job reads which postings changed since its
    last run from it (a lake older than that gets the property here, once).

    The add is Delta's own schema evolution (`ALTER TABLE ... ADD COLUMNS`, a metadata-only commit):
    a lake written by an older joblake gains the new columns, null for the rows already there,
    and the stream carries on from its checkpoint.
    """
    wanted_df = rows_df.limit(0).select(
        *_content_columns(rows_df),
        F.lit(None).cast("string").alias("duplicate_key"),
        F.lit(None).cast("string").alias("duplicate_group_id"),
        *silver_bookkeeping(),
    )
    if not DeltaTable.isDeltaTable(spark, path):
        wanted_df.write.format("delta").option(CHANGE_FEED, "true").save(path)
        return
    table = DeltaTable.forPath(spark, path)
    have = set(table.toDF().columns)
    missing = [f for f in wanted_df.schema.fields if f.name not in have]
    if missing:
        columns = ", ".join(f"`{f.name}` {f.dataType.simpleString()}" for f in missing)
        spark.sql(f"ALTER TABLE delta.`{path}` ADD COLUMNS ({columns})")
    if table.detail().first()["properties"].get(CHANGE_FEED) != "true":
        spark.sql(f"ALTER TABLE delta.`{path}` SET TBLPROPERTIES ({CHANGE_FEED} = true)")


def with_closed_event_key(decoded_df: DataFrame) -> DataFrame:
    """Valid closed events with the posting key they close and when."""
    p = F.col("posting")
    return decoded_df.where(F.col("reject_reason").isNull() & (p["event_type"] == "closed")).withColumn(
        "posting_key", posting_key(p["source"], p["source_job_id"])
    )


def split_closed_events(closed_df: DataFrame, known_keys_df: DataFrame) -> tuple[DataFrame, DataFrame]:
    """Closed events for postings silver holds or is about to, and the orphans (reason closed_unknown_posting)."""
    known_df = closed_df.join(known_keys_df, "posting_key", "left_semi")
    orphans_df = (
        closed_df.join(known_keys_df, "posting_key", "left_anti")
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


BATCH_LOG_DDL = (
    "run_id string, query_id string, batch_id long, processed_at timestamp, records_read long, new long, "
    "updated long, duplicates long, closed long, quarantined long"
)


def batch_counts(records_read: int, by_change: dict[str, int], closed: int, quarantined: int) -> dict[str, int]:
    """The batch's accounting: records read = new + updated + duplicates + closed + quarantined.

    Duplicates are the records that changed nothing: a posting seen again with the same content
    (or older), and every record beyond the newest for a posting the batch saw several times.
    """
    new, updated = by_change.get("new", 0), by_change.get("updated", 0)
    return {
        "records_read": records_read,
        "new": new,
        "updated": updated,
        "duplicates": records_read - new - updated - closed - quarantined,
        "closed": closed,
        "quarantined": quarantined,
    }


def silver_writer(
    settings: Settings, checkpoint: str, clock: Callable[[], datetime], run_id: str
) -> Callable[[DataFrame, int], None]:
    """The named foreachBatch function: log the batch, MERGE the good, quarantine the bad, each once per batch."""
    silver_path = table_path(settings, "silver.job_postings")
    quarantine_path = table_path(settings, "silver.quarantine")
    batches_path = table_path(settings, "silver.stream_batches")
    window_days = int(settings["streaming.duplicate_window_days"])

    def upsert_silver_postings(batch_df: DataFrame, batch_id: int) -> None:
        spark = batch_df.sparkSession
        app_id = query_app_id(spark, QUERY_NAME, checkpoint)
        now = clock()
        decoded_df = with_decoded_posting(batch_df).persist()
        updates_df = None
        try:
            postings_df = decoded_df.where(F.col("reject_reason").isNull() & (F.col("posting.event_type") == "posting"))
            # computed once here; the checkpoint also cuts the lineage, so the steps below plan a
            # scan of the result instead of re-analysing the large normalisation expressions
            rows_df = postings_df.transform(with_normalised_fields).transform(latest_per_posting).localCheckpoint()
            ensure_silver_table(spark, silver_path, rows_df)
            silver_df = spark.read.format("delta").load(silver_path)  # silver as it stood before this batch
            # persisted and materialised by the counts: Delta's MERGE reads its source twice, and a
            # recomputation after the MERGE would classify against the new silver
            updates_df = with_duplicate_groups(with_changes(rows_df, silver_df), silver_df, window_days).persist()
            by_change = {r["change"]: r["count"] for r in updates_df.groupBy("change").count().collect()}
            totals = decoded_df.agg(
                F.count(F.lit(1)).alias("read"),
                F.count("reject_reason").alias("rejected"),
                F.count(F.when(F.col("reject_reason").isNull() & (F.col("posting.event_type") == "closed"), 1)).alias(
                    "closed"
                ),
            ).first()
            quarantine_df, known_closed_df, orphans = to_quarantine(decoded_df, now), None, 0
            if totals["closed"]:  # the usual batch has none: no need to look silver's keys up
                known_keys_df = silver_df.select("posting_key").unionByName(updates_df.select("posting_key"))
                known_closed_df, orphans_df = split_closed_events(with_closed_event_key(decoded_df), known_keys_df)
                orphans = orphans_df.count()
                quarantine_df = to_quarantine(decoded_df.unionByName(orphans_df), now)
            counts = batch_counts(totals["read"], by_change, totals["closed"] - orphans, totals["rejected"] + orphans)
            log_df = spark.createDataFrame([(run_id, app_id, batch_id, now, *counts.values())], BATCH_LOG_DDL)
            append_once(log_df, batches_path, app_id, batch_id)  # first: a replay finds silver as it was
            with idempotent_dml(spark, app_id, batch_id):
                merge_postings(spark, silver_path, updates_df, now)
            append_once(quarantine_df, quarantine_path, app_id, batch_id)
            if known_closed_df is not None:
                with idempotent_dml(spark, f"{app_id}.closed", batch_id):
                    merge_closed_events(spark, silver_path, known_closed_df)
        finally:
            if updates_df is not None:
                updates_df.unpersist()
            decoded_df.unpersist()

    return upsert_silver_postings
