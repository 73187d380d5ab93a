"""Gold aggregates analysts chart: skill trends, location analytics and posting quality.

Each is a pure function of gold tables (the fact, the bridges, the dimensions, duplicate groups)
and, for posting quality, the run's reference time. They are cheap group-bys, recomputed in full
every night from the incrementally maintained fact and bridges.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

TREND_GRAINS = ("week", "month")
LOCATION_LEVELS = ("world_region", "country", "region", "city")  # coarse to fine
TOP_SKILLS = 5


def with_period_start(df: DataFrame, grain: str) -> DataFrame:
    """Add period_start: the first day of the week (Monday) or month of posted_at."""
    return df.withColumn("period_start", F.to_date(F.date_trunc(grain, "posted_at")))


def next_period(period_start: Column, grain: str) -> Column:
    """The first day of the period after the one starting at period_start."""
    return F.add_months(period_start, 1) if grain == "month" else F.date_add(period_start, 7)


def skill_trends_for(fact_df: DataFrame, bridge_df: DataFrame, grain: str) -> DataFrame:
    """Postings per skill per period, its share of the period's postings and growth over the period before."""
    periods_df = fact_df.where(F.col("posted_at").isNotNull()).select("posting_key", "posted_at")
    periods_df = with_period_start(periods_df, grain).drop("posted_at")
    totals_df = periods_df.groupBy("period_start").agg(F.count(F.lit(1)).alias("period_postings"))
    counts_df = (
        periods_df.join(bridge_df.select("posting_key", "skill_sk"), "posting_key")
        .groupBy("period_start", "skill_sk")
        .agg(F.count(F.lit(1)).alias("postings"))
    )
    # the same skill one period earlier, moved forward so it joins on this period's start
    previous_df = counts_df.select(
        next_period(F.col("period_start"), grain).alias("period_start"), "skill_sk", F.col("postings").alias("prev")
    )
    had_postings_df = totals_df.select(next_period(F.col("period_start"), grain).alias("period_start")).withColumn(
        "has_previous", F.lit(True)
    )
    prev_postings = F.when(F.col("has_previous"), F.coalesce("prev", F.lit(0)))
    return (
        counts_df.join(totals_df, "period_start")
        .join(previous_df, ["period_start", "skill_sk"], "left")
        .join(had_postings_df, "period_start", "left")
        .select(
            F.lit(grain).alias("grain"),
            "period_start",
            "skill_sk",
            "postings",
            "period_postings",
            (F.col("postings") / F.col("period_postings")).alias("share"),
            prev_postings.alias("prev_postings"),
            F.when(prev_postings > 0, (F.col("postings") - prev_postings) / prev_postings).alias("growth"),
        )
    )


def build_agg_skill_trends(fact_df: DataFrame, bridge_df: DataFrame, dim_skill_df: DataFrame) -> DataFrame:
    """gold.agg_skill_trends: per week and per month, postings per skill, share and period-over-period growth.

    growth is (postings - prev_postings) / prev_postings: month over month for the month grain, week over
    week for the week grain; null when the skill was absent the period before or that period had no postings.
    """
    trends_df = skill_trends_for(fact_df, bridge_df, TREND_GRAINS[0])
    for grain in TREND_GRAINS[1:]:
        trends_df = trends_df.unionByName(skill_trends_for(fact_df, bridge_df, grain))
    skills_df = dim_skill_df.select("skill_sk", "skill_id", "skill_name", "category")
    return trends_df.join(skills_df, "skill_sk").select(
        "grain",
        "period_start",
        "skill_sk",
        "skill_id",
        "skill_name",
        "category",
        "postings",
        "period_postings",
        "share",
        "prev_postings",
        "growth",
    )


PLACE = "place"  # struct<level, world_region, country, region, city>: one group of the location analytics


def at_every_level(df: DataFrame) -> DataFrame:
    """df's rows once per level (all, world region, country, region, city) with `place`: the level's name and
    the row's place columns down to that level, the finer ones null."""
    places = [
        F.struct(
            F.lit(level).alias("level"),
            *[(F.col(c) if i < depth else F.lit(None).cast("string")).alias(c) for i, c in enumerate(LOCATION_LEVELS)],
        )
        for depth, level in enumerate(("all", *LOCATION_LEVELS))
    ]
    return df.withColumn(PLACE, F.explode(F.array(*places)))


def join_on_place(df: DataFrame, other_df: DataFrame) -> DataFrame:
    """df left-joined with other_df (a `place` column, one row per place) on `place`, an unknown place included."""
    other_df = other_df.withColumnRenamed(PLACE, "_other_place")
    return df.join(other_df, F.col(PLACE).eqNullSafe(F.col("_other_place")), "left").drop("_other_place")


def build_agg_location_analytics(
    fact_df: DataFrame, bridge_df: DataFrame, dim_location_df: DataFrame, dim_skill_df: DataFrame
) -> DataFrame:
    """gold.agg_location_analytics: per level (all, world region, country, region, city) postings, remote share,
    the median annual salary in the level's most common currency and the top skills.

    Rows of a finer level carry the coarser columns of their place (a city row names its region and
    country); a null in a level's own column is the postings whose place is unknown at that level.
    Every level is computed in the same group-bys, over the postings repeated once per level.
    """
    places_df = dim_location_df.select("location_sk", *LOCATION_LEVELS, "workplace_type")
    postings_df = at_every_level(
        fact_df.select("posting_key", "location_sk", "is_active", "salary_currency", "salary_annual_mid").join(
            places_df, "location_sk", "left"
        )
    ).drop(*LOCATION_LEVELS)
    # salaries only compare within one currency: the place's most common one
    currency_df = (
        postings_df.where(F.col("salary_annual_mid").isNotNull() & F.col("salary_currency").isNotNull())
        .groupBy(PLACE, "salary_currency")
        .agg(F.count(F.lit(1)).alias("n"))
        .groupBy(PLACE)
        .agg(F.max_by("salary_currency", F.struct("n", "salary_currency")).alias("level_currency"))
    )
    salary = F.when(F.col("salary_currency") == F.col("level_currency"), F.col("salary_annual_mid"))
    known_workplace = F.col("workplace_type").isNotNull()
    stats_df = (
        join_on_place(postings_df, currency_df)
        .groupBy(PLACE)
        .agg(
            F.count(F.lit(1)).alias("postings"),
            F.count(F.when(F.col("is_active"), 1)).alias("active_postings"),
            (F.count(F.when(F.col("workplace_type") == "remote", 1)) / F.count(F.when(known_workplace, 1))).alias(
                "remote_share"
            ),
            F.first("level_currency", ignorenulls=True).alias("salary_currency"),
            F.count(salary).alias("salary_postings"),
            F.percentile(salary, F.lit(0.5)).alias("median_salary_annual"),
        )
    )
    ranked = F.row_number().over(Window.partitionBy(PLACE).orderBy(F.col("skill_postings").desc(), F.col("skill_name")))
    top_df = (
        postings_df.select("posting_key", PLACE)
        .join(bridge_df.select("posting_key", "skill_sk"), "posting_key")
        .join(dim_skill_df.select("skill_sk", "skill_name"), "skill_sk")
        .groupBy(PLACE, "skill_name")
        .agg(F.count(F.lit(1)).alias("skill_postings"))
        .withColumn("rank", ranked)
        .where(F.col("rank") <= TOP_SKILLS)
        .groupBy(PLACE)
        .agg(F.array_sort(F.collect_list(F.struct("rank", "skill_name"))).alias("top"))
        .select(PLACE, F.col("top.skill_name").alias("top_skills"))
    )
    return join_on_place(stats_df, top_df).select(
        *[F.col(f"{PLACE}.{c}").alias(c) for c in ("level", *LOCATION_LEVELS)],
        "postings",
        "active_postings",
        "remote_share",
        "salary_postings",
        "salary_currency",
        "median_salary_annual",
        F.coalesce("top_skills", F.array().cast("array<string>")).alias("top_skills"),
    )


@dataclass(frozen=True)
class QualityRules:
    """When a posting counts as low quality (gold.agg_posting_quality)."""

    short_description_chars: int = 300
    min_skills: int = 3
    stale_after_days: int = 45


QUALITY_ISSUES = ("short_description", "too_few_skills", "missing_salary", "missing_location", "stale", "duplicate")


def with_quality_issues(
    fact_df: DataFrame,
    bridge_df: DataFrame,
    dim_location_df: DataFrame,
    duplicates_df: DataFrame,
    as_of: datetime,
    rules: QualityRules,
) -> DataFrame:
    """Add one boolean per quality issue to each fact row (duplicates_df: posting_key, is_canonical)."""
    skills_df = bridge_df.groupBy("posting_key").agg(F.count(F.lit(1)).alias("skills"))
    copies_df = duplicates_df.where(~F.col("is_canonical")).select("posting_key", F.lit(True).alias("is_copy"))
    places_df = dim_location_df.where(F.coalesce("city", "region", "country").isNotNull()).select(
        "location_sk", F.lit(True).alias("has_place")
    )
    stale_before = F.lit(as_of) - F.expr(f"INTERVAL {int(rules.stale_after_days)} DAYS")
    return (
        fact_df.join(skills_df, "posting_key", "left")
        .join(copies_df, "posting_key", "left")
        .join(places_df, "location_sk", "left")
        .select(
            "*",
            (F.col("description_chars") < rules.short_description_chars).alias("short_description"),
            (F.coalesce("skills", F.lit(0)) < rules.min_skills).alias("too_few_skills"),
            (F.col("salary_min").isNull() & F.col("salary_max").isNull()).alias("missing_salary"),
            F.col("has_place").isNull().alias("missing_location"),
            (F.col("is_active") & (F.col("posted_at") < stale_before)).alias("stale"),
            F.coalesce("is_copy", F.lit(False)).alias("duplicate"),
        )
        .drop("skills", "is_copy", "has_place")
    )


def build_agg_posting_quality(
    fact_df: DataFrame,
    bridge_df: DataFrame,
    dim_location_df: DataFrame,
    duplicates_df: DataFrame,
    as_of: datetime,
    rules: QualityRules = QualityRules(),
) -> DataFrame:
    """gold.agg_posting_quality: per source and month posted, postings with each quality issue and their share."""
    flagged_df = with_quality_issues(fact_df, bridge_df, dim_location_df, duplicates_df, as_of, rules)
    any_issue = F.greatest(*(F.col(issue).cast("int") for issue in QUALITY_ISSUES))
    counts = [F.count(F.when(F.col(issue), 1)).alias(issue) for issue in QUALITY_ISSUES]
    return (
        flagged_df.withColumn("posted_month", F.trunc(F.to_date("posted_at"), "month"))
        .groupBy("source", "posted_month")
        .agg(F.count(F.lit(1)).alias("postings"), *counts, F.count(F.when(any_issue == 1, 1)).alias("with_issues"))
        .select(
            "*",
            *[(F.col(issue) / F.col("postings")).alias(f"{issue}_share") for issue in (*QUALITY_ISSUES, "with_issues")],
        )
    )
