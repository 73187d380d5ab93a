"""The nightly batch (`joblake nightly`, what Airflow's joblake_nightly runs): silver -> the gold star schema.

Steps: gate silver; find which postings changed since the last good night from silver's change data
feed; bring the posting-level tables (fact, skill/function/industry bridges) up to date for those
postings only; embed new or changed postings; recompute the dimensions and duplicate groups (unless no
posting changed and no embedding was redone: they are functions of silver and the embeddings; only
changed and re-embedded postings are hashed for near duplicates, see `write_duplicate_tables`) and the
aggregates (group-bys over gold; posting quality also depends on the run date); gate gold; record the
night in gold.nightly_runs.

- **Incremental = full.** A full rebuild (`--full-rebuild`, the first night, or when the change feed
  no longer covers the last good night) rebuilds the posting-level tables from the silver snapshot;
  an incremental night gives the same tables because each posting's rows depend on that posting alone.
  A changed taxonomy or tagger reaches the skills of unchanged postings only through a full rebuild.
- **Rerunnable.** Silver is read at one pinned version; a rerun on the same silver finds no changes and
  rewrites nothing (derived tables are only overwritten when their content differs).
- **A failed gate keeps the last good gold.** Silver is gated before anything is written; when the gold
  gate (or any step) fails, every gold table is restored to the version it had before the night, and the
  night is recorded as failed, so the next night starts from the same last good silver version.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.utils import AnalysisException

from lakehouse.catalog import TABLES, table_path
from lakehouse.config import Settings
from spark_jobs import gold, quality
from spark_jobs.aggregates import (
    QualityRules,
    build_agg_location_analytics,
    build_agg_posting_quality,
    build_agg_skill_trends,
)
from spark_jobs.duplicates import (
    NEAR_LINKS_DDL,
    DuplicateParams,
    build_duplicate_groups,
    lsh_bands,
    updated_near_links,
)
from spark_jobs.embeddings import update_job_embeddings
from spark_jobs.skills import shipped_skills
from spark_jobs.table_writes import (
    overwrite,
    overwrite_if_changed,
    replace_for_keys,
    restore_versions,
    table_version,
)

logger = logging.getLogger(__name__)

RUNS_TABLE = "gold.nightly_runs"
RUNS_DDL = (
    "run_id string, run_date date, as_of timestamp, mode string, silver_version long, changed_postings long, "
    "status string, message string, started_at timestamp, finished_at timestamp"
)
# A posting's skills are read from these columns: a change elsewhere (times_seen, is_active) does not re-read them.
TEXT_COLUMNS = ("title_raw", "description")


@dataclass
class NightlyResult:
    """What a night did: mode (full / incremental), the silver version it read, postings changed, rows per table."""

    run_id: str
    mode: str
    silver_version: int
    changed_postings: int
    counts: dict[str, int] = field(default_factory=dict)
    reports: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # stages of NIGHTLY_STAGES skipped: nothing they read changed


def as_of_time(run_date: date) -> datetime:
    """The reference time of a night for run_date: the end of that day (UTC)."""
    return datetime.combine(run_date + timedelta(days=1), time(0), tzinfo=UTC)


def quality_report_dir(settings: Settings, run_id: str) -> str:
    """Where a night's quality reports go: quality.report_dir, or <lake.root>/_quality when that is empty."""
    if settings["quality.report_dir"]:
        root = settings.path("quality.report_dir")
    else:
        root = f"{settings.path('lake.root').rstrip('/')}/_quality"
    return f"{root.rstrip('/')}/{run_id}"


def last_good_silver_version(spark: SparkSession, settings: Settings) -> int | None:
    """The silver version the last successful night built gold from."""
    path = table_path(settings, RUNS_TABLE)
    if table_version(spark, path) is None:
        return None
    row = spark.read.format("delta").load(path).where("status = 'succeeded'").agg(F.max("silver_version")).first()
    return row[0]


def record_run(spark: SparkSession, settings: Settings, row: dict) -> None:
    """Append the night's row to gold.nightly_runs."""
    run_df = spark.createDataFrame([row], RUNS_DDL)
    run_df.write.format("delta").mode("append").save(table_path(settings, RUNS_TABLE))


def text_hash() -> F.Column:
    """A hash of the columns skills are read from."""
    return F.sha2(F.to_json(F.struct(*TEXT_COLUMNS)), 256)


def changed_postings(cdf_df: DataFrame) -> DataFrame:
    """From silver's change feed: posting_key of every changed posting and whether its text changed.

    An insert is a text change; an update is one when its pre- and post-image differ in title or description.
    """
    images_df = cdf_df.select("posting_key", "_change_type", "_commit_version", text_hash().alias("h"))
    pre_df = images_df.where("_change_type = 'update_preimage'").select("posting_key", "_commit_version", "h")
    post_df = images_df.where("_change_type = 'update_postimage'").select(
        "posting_key", "_commit_version", F.col("h").alias("h_after")
    )
    edited_df = pre_df.join(post_df, ["posting_key", "_commit_version"]).where(~F.col("h").eqNullSafe(F.col("h_after")))
    text_changed_df = (
        images_df.where("_change_type IN ('insert', 'delete')")
        .select("posting_key")
        .unionByName(edited_df.select("posting_key"))
        .distinct()
        .withColumn("text_changed", F.lit(True))
    )
    return (
        images_df.where("_change_type != 'update_preimage'")
        .select("posting_key")
        .distinct()
        .join(text_changed_df, "posting_key", "left")
        .select("posting_key", F.coalesce("text_changed", F.lit(False)).alias("text_changed"))
    )


def read_changes(spark: SparkSession, path: str, after_version: int, to_version: int) -> DataFrame | None:
    """Silver's change feed after after_version up to to_version; None when it does not cover that range."""
    if after_version >= to_version:
        return spark.createDataFrame([], "posting_key string, text_changed boolean")
    try:
        cdf_df = (
            spark.read.format("delta")
            .option("readChangeFeed", "true")
            .option("startingVersion", after_version + 1)
            .option("endingVersion", to_version)
            .load(path)
        )
        return changed_postings(cdf_df).cache()
    except AnalysisException as exc:  # change feed off for part of the range, or its files vacuumed
        logger.warning(
            "nightly: silver change feed does not cover versions %s-%s (%s)", after_version + 1, to_version, exc
        )
        return None


def posting_tables(settings: Settings) -> dict[str, tuple[Callable[[DataFrame], DataFrame], bool]]:
    """Posting-level tables and their builders: each posting's rows depend on that posting alone, so a night
    replaces the rows of changed postings only. The flag: the rows come from the text (title, description) only.
    """
    skills = shipped_skills()
    return {
        "gold.fact_job_postings": (gold.build_fact_job_postings, False),
        "gold.bridge_job_skills": (lambda silver_df: gold.build_bridge_job_skills(silver_df, skills, settings), True),
        "gold.bridge_job_functions": (gold.build_bridge_job_functions, False),
        "gold.bridge_job_industries": (gold.build_bridge_job_industries, False),
    }


def write_posting_tables(
    spark: SparkSession, settings: Settings, silver_df: DataFrame, changes_df: DataFrame | None
) -> None:
    """Full (changes_df None): rebuild the posting-level tables. Incremental: replace the changed postings' rows."""
    for name, (build, from_text) in posting_tables(settings).items():
        path = table_path(settings, name)
        if changes_df is None:
            overwrite(build(silver_df), path)
            continue
        keys_df = changes_df.where("text_changed") if from_text else changes_df
        rows_df = build(silver_df.join(keys_df.select("posting_key"), "posting_key", "left_semi"))
        replace_for_keys(spark, path, keys_df, rows_df, "posting_key")


def _read(spark: SparkSession, settings: Settings, name: str) -> DataFrame:
    return spark.read.format("delta").load(table_path(settings, name))


def dimension_tables(spark: SparkSession, silver_df: DataFrame) -> dict[str, DataFrame]:
    """The dimensions, from the whole silver snapshot."""
    return {
        "gold.dim_company": gold.build_dim_company(silver_df),
        "gold.dim_location": gold.build_dim_location(silver_df),
        "gold.dim_employment": gold.build_dim_employment(silver_df),
        "gold.dim_date": gold.build_dim_date(silver_df),
        "gold.dim_skill": gold.build_dim_skill(spark, shipped_skills()),
    }


def write_duplicate_tables(
    spark: SparkSession, settings: Settings, silver_df: DataFrame, changes_df: DataFrame | None, embedded_at: datetime
) -> None:
    """Bring the LSH bands, the near-duplicate links and the duplicate groups up to date.

    Full (changes_df None, or a table missing): hash every posting and score every candidate pair.
    Incremental: hash again the changed postings and those whose embedding the night redid
    (`embedded_at`: a new model redoes them all), replace their bands, keep the stored links of
    unchanged postings and score the pairs sharing a band with a changed one. The `duplicates`
    settings apply to what a night hashes and scores: after changing them, run a full rebuild.
    """
    params = DuplicateParams.from_settings(settings)
    embeddings_df = _read(spark, settings, "gold.job_embeddings")
    bands_path, links_path, groups_path = (
        table_path(settings, name)
        for name in ("gold.duplicate_lsh_bands", "gold.near_duplicate_links", "gold.duplicate_groups")
    )
    if changes_df is None or table_version(spark, bands_path) is None or table_version(spark, links_path) is None:
        keys_df = silver_df.select("posting_key")
        stored_links_df = spark.createDataFrame([], NEAR_LINKS_DDL)
        overwrite(lsh_bands(silver_df, embeddings_df, params), bands_path)
        new_bands_df = spark.read.format("delta").load(bands_path)
    else:
        redone_df = embeddings_df.where(F.col("embedded_at") == F.lit(embedded_at)).select("posting_key")
        keys_df = changes_df.select("posting_key").unionByName(redone_df).distinct().localCheckpoint()
        stored_links_df = spark.read.format("delta").load(links_path)
        changed_silver_df = silver_df.join(keys_df, "posting_key", "left_semi")
        new_bands_df = lsh_bands(changed_silver_df, embeddings_df, params).localCheckpoint()
        replace_for_keys(spark, bands_path, keys_df, new_bands_df, "posting_key")
    bands_df = spark.read.format("delta").load(bands_path)
    near_df = updated_near_links(stored_links_df, keys_df, new_bands_df, bands_df, silver_df, embeddings_df, params)
    near_df = near_df.localCheckpoint()  # once for both tables, and read before its own table is overwritten
    overwrite_if_changed(spark, links_path, near_df)
    overwrite_if_changed(spark, groups_path, build_duplicate_groups(silver_df, params=params, near_df=near_df))


def aggregate_tables(spark: SparkSession, settings: Settings, as_of: datetime) -> dict[str, DataFrame]:
    """The aggregates, from the gold tables the night has written."""
    fact_df, bridge_df = (
        _read(spark, settings, "gold.fact_job_postings"),
        _read(spark, settings, "gold.bridge_job_skills"),
    )
    dim_skill_df, dim_location_df = (
        _read(spark, settings, "gold.dim_skill"),
        _read(spark, settings, "gold.dim_location"),
    )
    rules = QualityRules(
        short_description_chars=settings["gold.short_description_chars"],
        min_skills=settings["gold.min_skills"],
        stale_after_days=settings["gold.stale_after_days"],
    )
    return {
        "gold.agg_skill_trends": build_agg_skill_trends(fact_df, bridge_df, dim_skill_df),
        "gold.agg_location_analytics": build_agg_location_analytics(fact_df, bridge_df, dim_location_df, dim_skill_df),
        "gold.agg_posting_quality": build_agg_posting_quality(
            fact_df, bridge_df, dim_location_df, _read(spark, settings, "gold.duplicate_groups"), as_of, rules
        ),
    }


NIGHTLY_STAGES = (  # what `progress` is told, in order
    "silver gate",
    "facts and bridges (skills)",
    "embeddings",
    "dimensions and duplicate groups",
    "aggregates",
    "gold gate",
)
MATCHES_TABLE = "gold.resume_matches"  # written by `joblake match`, not by the night
GOLD_TABLES = tuple(name for name in TABLES if name.startswith("gold.") and name not in (RUNS_TABLE, MATCHES_TABLE))


def run_nightly(
    spark: SparkSession,
    settings: Settings,
    run_date: date | None = None,
    full_rebuild: bool = False,
    progress: Callable[[str], None] | None = None,
) -> NightlyResult:
    """Run one night for run_date (default: today, UTC); raises quality.QualityGateError when a gate fails.

    `progress` is called with each stage of NIGHTLY_STAGES as it starts (a progress bar's hook).
    """
    stage = progress or (lambda name: None)
    run_date = run_date or datetime.now(UTC).date()
    as_of = as_of_time(run_date)
    started_at = datetime.now(UTC)
    silver_path = table_path(settings, "silver.job_postings")
    silver_version = table_version(spark, silver_path)
    if silver_version is None:
        raise FileNotFoundError(f"silver.job_postings does not exist at {silver_path}: run `joblake stream` first")
    silver_df = spark.read.format("delta").option("versionAsOf", silver_version).load(silver_path).cache()
    run_id = f"{run_date:%Y%m%d}-{uuid.uuid4().hex[:8]}"
    report_dir = quality_report_dir(settings, run_id)
    result = NightlyResult(run_id, "full", silver_version, 0)
    run_row = {"run_id": run_id, "run_date": run_date, "as_of": as_of, "silver_version": silver_version}
    before = {table_path(settings, name): table_version(spark, table_path(settings, name)) for name in GOLD_TABLES}
    changes_df = None
    try:
        # "not in the future" means later than this night started; staleness is judged at the run date's end
        stage(NIGHTLY_STAGES[0])
        silver_gate = quality.check_silver(silver_df, started_at, report_dir)
        result.reports.append(silver_gate.html_path)
        quality.require_passed(silver_gate)

        last_good = last_good_silver_version(spark, settings)
        has_fact = before[table_path(settings, "gold.fact_job_postings")] is not None
        if not full_rebuild and last_good is not None and has_fact:
            changes_df = read_changes(spark, silver_path, last_good, silver_version)
        result.mode = "full" if changes_df is None else "incremental"
        result.changed_postings = silver_df.count() if changes_df is None else changes_df.count()
        logger.info(
            "nightly %s: %s, silver v%s, %s postings", run_id, result.mode, silver_version, result.changed_postings
        )

        # silver as the last good night left it: so are the tables built from it alone, and the duplicate
        # groups too unless the embeddings changed (a new model re-embeds every posting)
        unchanged = changes_df is not None and result.changed_postings == 0
        stage(NIGHTLY_STAGES[1])
        if unchanged:
            result.kept.append(NIGHTLY_STAGES[1])
        else:
            write_posting_tables(spark, settings, silver_df, changes_df)
        stage(NIGHTLY_STAGES[2])
        embedded = update_job_embeddings(spark, settings, silver_df, now=started_at)["embedded"]
        stage(NIGHTLY_STAGES[3])
        if unchanged and not embedded:
            result.kept.append(NIGHTLY_STAGES[3])
        else:
            for name, table_df in dimension_tables(spark, silver_df).items():
                overwrite_if_changed(spark, table_path(settings, name), table_df)
            write_duplicate_tables(spark, settings, silver_df, changes_df, started_at)
        if result.kept:
            logger.info("nightly %s: no posting changed; kept %s", run_id, ", ".join(result.kept))
        stage(NIGHTLY_STAGES[4])
        for name, table_df in aggregate_tables(spark, settings, as_of).items():  # read what was just written
            overwrite_if_changed(spark, table_path(settings, name), table_df)
        stage(NIGHTLY_STAGES[5])

        tables = {name: spark.read.format("delta").load(table_path(settings, name)) for name in GOLD_TABLES}
        gold_gate = quality.check_gold(tables, report_dir, settings["quality.skill_coverage_floor"])
        result.reports.append(gold_gate.html_path)
        quality.require_passed(gold_gate)
        result.counts = {name: table_df.count() for name, table_df in tables.items()}
    except Exception as exc:
        restored = restore_versions(spark, before)
        logger.warning("nightly %s failed; restored %d gold tables to their last good version", run_id, len(restored))
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        record_run(spark, settings, run_row | _outcome(result, "failed", message, started_at))
        raise
    finally:  # a long-lived session (the Thrift server, a test run) runs many nights: free what this one cached
        silver_df.unpersist()
        if changes_df is not None:
            changes_df.unpersist()
    record_run(spark, settings, run_row | _outcome(result, "succeeded", None, started_at))
    return result


def _outcome(result: NightlyResult, status: str, message: str | None, started_at: datetime) -> dict:
    return {
        "mode": result.mode,
        "changed_postings": result.changed_postings,
        "status": status,
        "message": message,
        "started_at": started_at,
        "finished_at": datetime.now(UTC),
    }
