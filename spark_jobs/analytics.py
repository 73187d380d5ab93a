"""Analyst queries over the gold tables: small pandas results, aggregated by Spark.

Each function reads gold (and, for pipeline health, bronze and silver) by name, lets Spark do the
group-by and collects only the answer, so the same calls serve `joblake report` and notebooks:

    >>> skill_demand_trends(spark, settings, top=5, start=date(2026, 1, 1))
    >>> hiring_by_industry(spark, settings, job_family="Data Science", location="London")

A table that has not been created yet raises ConfigError naming the command that creates it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import date, datetime

import pandas as pd
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from lakehouse.catalog import TABLES, read_table
from lakehouse.config import ConfigError, Settings
from spark_jobs.aggregates import LOCATION_LEVELS, QUALITY_ISSUES, TREND_GRAINS, next_period
from streaming.reconcile import Reconciliation, RunCounts, reconcile, run_counts
from streaming.vocab import WORKPLACE_WORDS

CREATED_BY = {"bronze": "joblake stream", "silver": "joblake stream", "gold": "joblake nightly"}


def lake_table(spark: SparkSession, settings: Settings, name: str) -> DataFrame:
    """The table as a DataFrame; ConfigError naming the command that creates it when it does not exist yet."""
    found = read_table(spark, settings, name)
    if found is None:
        command = CREATED_BY[TABLES[name].layer]
        raise ConfigError(f"{name} does not exist yet at {settings['lake.root']}; run `{command}` first")
    return found


def filter_period(df: DataFrame, column: str, start: date | None = None, end: date | None = None) -> DataFrame:
    """Rows whose date column falls in [start, end] (either bound optional, both inclusive)."""
    if start is not None:
        df = df.where(F.to_date(column) >= F.lit(start))
    if end is not None:
        df = df.where(F.to_date(column) <= F.lit(end))
    return df


def filtered_postings(
    spark: SparkSession,
    settings: Settings,
    job_family: str | None = None,
    location: str | None = None,
    start: date | None = None,
    end: date | None = None,
    active_only: bool = False,
) -> DataFrame:
    """gold.fact_job_postings with its place (dim_location), filtered; the base of the hiring queries.

    location matches a world region, country, region/state or city, ignoring case; start and end bound posted_at.
    """
    places_df = lake_table(spark, settings, "gold.dim_location").select(
        "location_sk", *LOCATION_LEVELS, "workplace_type"
    )
    postings_df = lake_table(spark, settings, "gold.fact_job_postings").join(places_df, "location_sk", "left")
    postings_df = filter_period(postings_df, "posted_at", start, end)
    if job_family is not None:
        postings_df = postings_df.where(F.lower("job_family") == job_family.lower())
    if location is not None:
        postings_df = postings_df.where(
            F.exists(F.array(*LOCATION_LEVELS), lambda place: F.lower(place) == location.lower())
        )
    if active_only:
        postings_df = postings_df.where(F.col("is_active"))
    return postings_df


def last_complete_period(
    spark: SparkSession, settings: Settings, as_of: date | datetime, grain: str = "month"
) -> date | None:
    """Start of the latest week or month of gold.agg_skill_trends that had ended by as_of (None when none had).

    A night's as_of is the end of its run date, so the month it runs in is still partial and left out.
    """
    as_of_date = as_of.date() if isinstance(as_of, datetime) else as_of
    trends_df = lake_table(spark, settings, "gold.agg_skill_trends").where(F.col("grain") == grain)
    ended = next_period(F.col("period_start"), grain) <= F.lit(as_of_date)
    return trends_df.where(ended).agg(F.max("period_start")).first()[0]


def skill_demand_trends(
    spark: SparkSession,
    settings: Settings,
    top: int = 10,
    grain: str = "month",
    start: date | None = None,
    end: date | None = None,
    category: str | None = None,
) -> pd.DataFrame:
    """Postings per period of the `top` skills with the most postings in [start, end] (gold.agg_skill_trends).

    One row per (period_start, skill_name): postings and share of the period's postings, oldest period first.
    start and end bound period_start; `end=last_complete_period(...)` leaves out the partial period.
    """
    if grain not in TREND_GRAINS:
        raise ValueError(f"grain must be one of {', '.join(TREND_GRAINS)}, not {grain!r}")
    trends_df = filter_period(
        lake_table(spark, settings, "gold.agg_skill_trends").where(F.col("grain") == grain), "period_start", start, end
    )
    if category is not None:
        trends_df = trends_df.where(F.lower("category") == category.lower())
    top_df = (
        trends_df.groupBy("skill_sk")
        .agg(F.sum("postings").alias("total"), F.min("skill_name").alias("skill_name"))
        .orderBy(F.col("total").desc(), "skill_name")
        .limit(top)
        .select("skill_sk", "total")
    )
    trend_pdf = (
        trends_df.join(top_df, "skill_sk")
        .select("period_start", "skill_name", "postings", "share", "total")
        .orderBy("period_start", F.col("total").desc(), "skill_name")
        .toPandas()
    )
    return trend_pdf.drop(columns="total")


def fastest_growing_skills(
    spark: SparkSession,
    settings: Settings,
    top: int = 10,
    min_postings: int = 5,
    grain: str = "month",
    period_start: date | None = None,
) -> pd.DataFrame:
    """The skills growing fastest over the period before, in the latest period (or the one given).

    The latest period is usually partial: pass `period_start=last_complete_period(...)` to rank a whole one.
    Only skills with at least `min_postings` postings in both periods count, so a skill going from 1 to 3
    postings does not top the list. Columns: period_start, skill_name, category, prev_postings, postings,
    growth (0.5 = +50%), fastest first.
    """
    trends_df = lake_table(spark, settings, "gold.agg_skill_trends").where(F.col("grain") == grain)
    if period_start is None:
        period_start = trends_df.agg(F.max("period_start")).first()[0]
        if period_start is None:
            return pd.DataFrame(
                columns=["period_start", "skill_name", "category", "prev_postings", "postings", "growth"]
            )
    return (
        trends_df.where(
            (F.col("period_start") == F.lit(period_start))
            & (F.col("prev_postings") >= min_postings)
            & (F.col("postings") >= min_postings)
        )
        .select("period_start", "skill_name", "category", "prev_postings", "postings", "growth")
        .orderBy(F.col("growth").desc(), F.col("postings").desc(), "skill_name")
        .limit(top)
        .toPandas()
    )


def _hiring_by(postings_df: DataFrame, label: str, top: int | None) -> pd.DataFrame:
    """Postings, active postings, companies and remote share per value of `label`, most postings first."""
    known_workplace = F.col("workplace_type").isNotNull()
    by_df = (
        postings_df.groupBy(label)
        .agg(
            F.count(F.lit(1)).alias("postings"),
            F.count(F.when(F.col("is_active"), 1)).alias("active_postings"),
            F.countDistinct(F.when(F.col("company_sk") != -1, F.col("company_sk"))).alias("companies"),
            (F.count(F.when(F.col("workplace_type") == "remote", 1)) / F.count(F.when(known_workplace, 1))).alias(
                "remote_share"
            ),
        )
        .orderBy(F.col("postings").desc(), label)
    )
    return (by_df.limit(top) if top else by_df).toPandas()


def hiring_by_industry(
    spark: SparkSession,
    settings: Settings,
    top: int | None = 10,
    job_family: str | None = None,
    location: str | None = None,
    start: date | None = None,
    end: date | None = None,
    active_only: bool = False,
) -> pd.DataFrame:
    """Per industry a posting lists (gold.bridge_job_industries): postings, active postings, companies, remote share.

    A posting listing two industries counts in both; postings listing none are left out.
    """
    postings_df = filtered_postings(spark, settings, job_family, location, start, end, active_only)
    industries_df = lake_table(spark, settings, "gold.bridge_job_industries").select("posting_key", "industry")
    return _hiring_by(postings_df.join(industries_df, "posting_key"), "industry", top)


def hiring_by_job_family(
    spark: SparkSession,
    settings: Settings,
    top: int | None = 10,
    industry: str | None = None,
    location: str | None = None,
    start: date | None = None,
    end: date | None = None,
    active_only: bool = False,
) -> pd.DataFrame:
    """Per job family (title taxonomy; null when unknown): postings, active postings, companies, remote share."""
    postings_df = filtered_postings(spark, settings, None, location, start, end, active_only)
    if industry is not None:
        in_industry_df = (
            lake_table(spark, settings, "gold.bridge_job_industries")
            .where(F.lower("industry") == industry.lower())
            .select("posting_key")
            .distinct()
        )
        postings_df = postings_df.join(in_industry_df, "posting_key")
    return _hiring_by(postings_df, "job_family", top)


def locations(
    spark: SparkSession,
    settings: Settings,
    level: str = "country",
    top: int | None = 15,
    within: str | None = None,
) -> pd.DataFrame:
    """Places of one level of gold.agg_location_analytics, most postings first.

    level is one of world_region, country, region, city; within keeps places inside a coarser place
    (e.g. level="city", within="United Kingdom"). Columns: place (None = unknown at that level), postings,
    active_postings, remote_share, salary_postings, salary_currency, median_salary_annual, top_skills.
    """
    if level not in LOCATION_LEVELS:
        raise ValueError(f"level must be one of {', '.join(LOCATION_LEVELS)}, not {level!r}")
    places_df = lake_table(spark, settings, "gold.agg_location_analytics").where(F.col("level") == level)
    if within is not None:
        coarser = LOCATION_LEVELS[: LOCATION_LEVELS.index(level)]
        places_df = places_df.where(F.exists(F.array(*coarser), lambda place: F.lower(place) == within.lower()))
    places_df = places_df.select(
        F.col(level).alias("place"),
        "postings",
        "active_postings",
        "remote_share",
        "salary_postings",
        "salary_currency",
        "median_salary_annual",
        "top_skills",
    ).orderBy(F.col("postings").desc(), F.col("place").asc_nulls_last())
    return (places_df.limit(top) if top else places_df).toPandas()


def posting_quality(
    spark: SparkSession,
    settings: Settings,
    source: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> pd.DataFrame:
    """Postings with each quality issue (gold.agg_posting_quality), summed over sources and months posted.

    One row per issue and `with_issues` (any issue): postings with it, all postings, share. Empty when no
    posting is in range.
    """
    quality_df = filter_period(lake_table(spark, settings, "gold.agg_posting_quality"), "posted_month", start, end)
    if source is not None:
        quality_df = quality_df.where(F.col("source") == source)
    issues = (*QUALITY_ISSUES, "with_issues")
    row = quality_df.agg(F.sum("postings").alias("postings"), *[F.sum(issue).alias(issue) for issue in issues]).first()
    total = row["postings"] or 0
    if not total:
        return pd.DataFrame(columns=["issue", "with_issue", "postings", "share"])
    return pd.DataFrame(
        [(issue, int(row[issue]), int(total), row[issue] / total) for issue in issues],
        columns=["issue", "with_issue", "postings", "share"],
    )


@dataclass(frozen=True)
class PipelineHealth:
    """Rows per table, the layer reconciliation, quarantine reasons and the last nights."""

    table_rows: pd.DataFrame  # table, layer, rows (None when the table does not exist)
    reconciliation: Reconciliation
    quarantine_reasons: pd.DataFrame  # reason, records
    nightly_runs: pd.DataFrame  # the last nights, newest first

    @property
    def has_data(self) -> bool:
        """True when any table holds a row."""
        return bool(self.table_rows["rows"].fillna(0).sum())


def pipeline_health(spark: SparkSession, settings: Settings, last_nights: int = 7) -> PipelineHealth:
    """What `joblake status` shows, as data: rows per table, the reconciliation, the last nights of gold.nightly_runs.

    Never raises for a missing table: it is listed with rows None. Only counts come from gold.resume_matches.
    """
    counts = []
    for name, table in TABLES.items():
        table_df = read_table(spark, settings, name)
        counts.append((name, table.layer, None if table_df is None else table_df.count()))
    table_rows = pd.DataFrame(counts, columns=["table", "layer", "rows"]).astype({"rows": "Int64"})
    rec = reconcile(spark, settings)
    reasons = pd.DataFrame(list(rec.quarantine_reasons.items()), columns=["reason", "records"])
    runs_df = read_table(spark, settings, "gold.nightly_runs")
    run_columns = ["run_date", "mode", "silver_version", "changed_postings", "status", "started_at", "finished_at"]
    if runs_df is None:
        runs = pd.DataFrame(columns=run_columns)
    else:
        runs = runs_df.select(*run_columns).orderBy(F.col("started_at").desc()).limit(last_nights).toPandas()
    return PipelineHealth(table_rows, rec, reasons.sort_values("records", ascending=False, ignore_index=True), runs)


# --- one skill: its trend, the skills asked with it, the employers asking for it -------------------------------


def find_skill(spark: SparkSession, settings: Settings, skill: str) -> dict[str, object]:
    """The gold.dim_skill row (skill_sk, skill_id, skill_name, category) named `skill` by name or id, ignoring case.

    Raises ValueError naming the skill when the taxonomy has no such skill.
    """
    wanted = skill.strip().lower()
    found = (
        lake_table(spark, settings, "gold.dim_skill")
        .where((F.lower("skill_name") == wanted) | (F.lower("skill_id") == wanted))
        .select("skill_sk", "skill_id", "skill_name", "category")
        .orderBy(F.lower("skill_name") != wanted, "skill_id")  # a name match before an id match
        .first()
    )
    if found is None:
        raise ValueError(f"no skill named {skill!r} in gold.dim_skill (the shipped skills taxonomy)")
    return found.asDict()


def skill_trend(
    spark: SparkSession,
    settings: Settings,
    skill: str,
    grain: str = "month",
    start: date | None = None,
    end: date | None = None,
) -> pd.DataFrame:
    """One skill's postings per period (gold.agg_skill_trends), oldest first.

    Columns: period_start, skill_name, postings, period_postings (all postings of the period), share, growth
    (over the period before). skill is a name or id of the taxonomy, any case; periods without a posting asking
    for it are left out. start and end bound period_start.
    """
    if grain not in TREND_GRAINS:
        raise ValueError(f"grain must be one of {', '.join(TREND_GRAINS)}, not {grain!r}")
    skill_sk = find_skill(spark, settings, skill)["skill_sk"]
    trends_df = lake_table(spark, settings, "gold.agg_skill_trends").where(
        (F.col("grain") == grain) & (F.col("skill_sk") == skill_sk)
    )
    return (
        filter_period(trends_df, "period_start", start, end)
        .select("period_start", "skill_name", "postings", "period_postings", "share", "growth")
        .orderBy("period_start")
        .toPandas()
    )


def _postings_with_skill(postings_df: DataFrame, skills_df: DataFrame, skill_sk: int) -> DataFrame:
    """The postings of postings_df asking for the skill (one row each)."""
    return postings_df.join(
        skills_df.where(F.col("skill_sk") == skill_sk).select("posting_key").distinct(), "posting_key"
    )


def co_occurring_skills(
    spark: SparkSession,
    settings: Settings,
    skill: str,
    top: int | None = 15,
    job_family: str | None = None,
    location: str | None = None,
    start: date | None = None,
    end: date | None = None,
    active_only: bool = False,
) -> pd.DataFrame:
    """The skills most often asked for together with `skill` (gold.bridge_job_skills), most postings first.

    Over the postings asking for `skill` (filtered as in `filtered_postings`): skill_name, category, postings
    asking for both, share of the skill's postings, and lift (how much likelier the other skill is in them than
    in all the filtered postings: 1 = no more than usual).
    """
    found = find_skill(spark, settings, skill)
    postings_df = filtered_postings(spark, settings, job_family, location, start, end, active_only).select(
        "posting_key"
    )
    bridge_df = lake_table(spark, settings, "gold.bridge_job_skills").select("posting_key", "skill_sk").distinct()
    with_skill_df = _postings_with_skill(postings_df, bridge_df, found["skill_sk"])
    counts = postings_df.agg(F.count(F.lit(1)).alias("all")).crossJoin(
        with_skill_df.agg(F.count(F.lit(1)).alias("with_skill"))
    )
    overall_df = postings_df.join(bridge_df, "posting_key").groupBy("skill_sk").agg(F.count(F.lit(1)).alias("overall"))
    skills_df = lake_table(spark, settings, "gold.dim_skill").select("skill_sk", "skill_name", "category")
    together_df = (
        with_skill_df.join(bridge_df, "posting_key")
        .where(F.col("skill_sk") != found["skill_sk"])
        .groupBy("skill_sk")
        .agg(F.count(F.lit(1)).alias("postings"))
        .join(overall_df, "skill_sk")
        .join(skills_df, "skill_sk")
        .crossJoin(counts)
        .select(
            "skill_name",
            "category",
            "postings",
            (F.col("postings") / F.col("with_skill")).alias("share"),
            ((F.col("postings") / F.col("with_skill")) / (F.col("overall") / F.col("all"))).alias("lift"),
        )
        .orderBy(F.col("postings").desc(), F.col("lift").desc(), "skill_name")
    )
    return (together_df.limit(top) if top else together_df).toPandas()


def top_employers_for_skill(
    spark: SparkSession,
    settings: Settings,
    skill: str,
    top: int | None = 10,
    job_family: str | None = None,
    location: str | None = None,
    start: date | None = None,
    end: date | None = None,
    active_only: bool = False,
) -> pd.DataFrame:
    """The companies (gold.dim_company) with the most postings asking for `skill`, most first.

    Columns: company_name, postings (asking for the skill), active_postings, company_postings (all of the
    company's filtered postings) and share (postings / company_postings). Postings without a known company
    are left out.
    """
    found = find_skill(spark, settings, skill)
    postings_df = filtered_postings(spark, settings, job_family, location, start, end, active_only).where(
        F.col("company_sk") != -1
    )
    bridge_df = lake_table(spark, settings, "gold.bridge_job_skills").select("posting_key", "skill_sk")
    company_totals_df = postings_df.groupBy("company_sk").agg(F.count(F.lit(1)).alias("company_postings"))
    companies_df = lake_table(spark, settings, "gold.dim_company").select("company_sk", "company_name")
    employers_df = (
        _postings_with_skill(postings_df, bridge_df, found["skill_sk"])
        .groupBy("company_sk")
        .agg(F.count(F.lit(1)).alias("postings"), F.count(F.when(F.col("is_active"), 1)).alias("active_postings"))
        .join(company_totals_df, "company_sk")
        .join(companies_df, "company_sk")
        .select(
            "company_name",
            "postings",
            "active_postings",
            "company_postings",
            (F.col("postings") / F.col("company_postings")).alias("share"),
        )
        .orderBy(F.col("postings").desc(), F.col("share").desc(), "company_name")
    )
    return (employers_df.limit(top) if top else employers_df).toPandas()


# --- salaries and workplaces ------------------------------------------------------------------------------------

SALARY_GROUPS = ("job_family", "seniority_level", "employment_type", "source", *LOCATION_LEVELS)
SALARY_PERCENTILES = {"p10": 0.1, "p25": 0.25, "median": 0.5, "p75": 0.75, "p90": 0.9}


def salary_distribution(
    spark: SparkSession,
    settings: Settings,
    by: str = "job_family",
    top: int | None = 10,
    currency: str | None = None,
    min_postings: int = 1,
    job_family: str | None = None,
    location: str | None = None,
    start: date | None = None,
    end: date | None = None,
    active_only: bool = False,
) -> pd.DataFrame:
    """Annual salary percentiles (midpoint of the posted range, gold.fact_job_postings) per value of `by`.

    Salaries only compare within one currency: `currency`, or by default the most common one among the
    filtered postings with a salary. by is one of SALARY_GROUPS; groups with fewer than min_postings salaries
    are left out. Columns: <by>, currency, postings, p10, p25, median, p75, p90, mean; most postings first.
    Empty when no filtered posting has a salary in that currency.
    """
    if by not in SALARY_GROUPS:
        raise ValueError(f"by must be one of {', '.join(SALARY_GROUPS)}, not {by!r}")
    postings_df = filtered_postings(spark, settings, job_family, location, start, end, active_only).where(
        F.col("salary_annual_mid").isNotNull() & F.col("salary_currency").isNotNull()
    )
    if by in ("seniority_level", "employment_type"):
        employment_df = lake_table(spark, settings, "gold.dim_employment").select("employment_sk", by)
        postings_df = postings_df.join(employment_df, "employment_sk", "left")
    if currency is None:
        most_common = (
            postings_df.groupBy("salary_currency")
            .agg(F.count(F.lit(1)).alias("n"))
            .orderBy(F.col("n").desc(), "salary_currency")
            .first()
        )
        currency = None if most_common is None else most_common["salary_currency"]
    columns = [by, "currency", "postings", *SALARY_PERCENTILES, "mean"]
    if currency is None:
        return pd.DataFrame(columns=columns)
    quantiles = F.percentile("salary_annual_mid", F.array(*[F.lit(p) for p in SALARY_PERCENTILES.values()]))
    salary_df = (
        postings_df.where(F.col("salary_currency") == currency)
        .groupBy(by)
        .agg(F.count(F.lit(1)).alias("postings"), quantiles.alias("q"), F.avg("salary_annual_mid").alias("mean"))
        .where(F.col("postings") >= min_postings)
        .select(
            by,
            F.lit(currency).alias("currency"),
            "postings",
            *[F.col("q")[i].alias(name) for i, name in enumerate(SALARY_PERCENTILES)],
            "mean",
        )
        .orderBy(F.col("postings").desc(), F.col(by).asc_nulls_last())
    )
    return (salary_df.limit(top) if top else salary_df).toPandas()


WORKPLACE_TYPES = tuple(kind for kind, _ in WORKPLACE_WORDS)  # hybrid, remote, on_site


def workplace_mix(
    spark: SparkSession,
    settings: Settings,
    grain: str = "month",
    job_family: str | None = None,
    location: str | None = None,
    start: date | None = None,
    end: date | None = None,
    active_only: bool = False,
) -> pd.DataFrame:
    """Postings per period posted and workplace type, oldest first; postings without a posting date are left out.

    Columns: period_start, postings, one count per WORKPLACE_TYPES (hybrid, remote, on_site), unknown, and
    remote_share (of the postings whose workplace type is known, as in `hiring_by_industry`).
    """
    if grain not in TREND_GRAINS:
        raise ValueError(f"grain must be one of {', '.join(TREND_GRAINS)}, not {grain!r}")
    postings_df = filtered_postings(spark, settings, job_family, location, start, end, active_only).where(
        F.col("posted_at").isNotNull()
    )
    known = F.col("workplace_type").isNotNull()
    return (
        postings_df.groupBy(F.to_date(F.date_trunc(grain, "posted_at")).alias("period_start"))
        .agg(
            F.count(F.lit(1)).alias("postings"),
            *[F.count(F.when(F.col("workplace_type") == kind, 1)).alias(kind) for kind in WORKPLACE_TYPES],
            F.count(F.when(~known, 1)).alias("unknown"),
            (F.count(F.when(F.col("workplace_type") == "remote", 1)) / F.count(F.when(known, 1))).alias("remote_share"),
        )
        .orderBy("period_start")
        .toPandas()
    )


# --- data quality: quarantine, the stream's reconciliation, duplicates -----------------------------------------

QUARANTINE_GRAINS = ("day", "week", "month")
DUPLICATE_METHODS = ("exact", "minhash", "embedding")  # spark_jobs.duplicates.METHODS, without importing pyspark.ml


def quarantine_reasons(
    spark: SparkSession, settings: Settings, start: date | None = None, end: date | None = None
) -> pd.DataFrame:
    """Records in silver.quarantine per reason code: reason, records, share, first and last quarantined_at.

    Most records first; start and end bound the day a record was quarantined.
    """
    quarantine_df = filter_period(lake_table(spark, settings, "silver.quarantine"), "quarantined_at", start, end)
    reasons = (
        quarantine_df.groupBy(F.col("reject_reason").alias("reason"))
        .agg(
            F.count(F.lit(1)).alias("records"),
            F.min("quarantined_at").alias("first_quarantined_at"),
            F.max("quarantined_at").alias("last_quarantined_at"),
        )
        .orderBy(F.col("records").desc(), "reason")
        .toPandas()
    )
    reasons.insert(2, "share", reasons["records"] / reasons["records"].sum())
    return reasons


def quarantine_over_time(
    spark: SparkSession,
    settings: Settings,
    grain: str = "day",
    start: date | None = None,
    end: date | None = None,
) -> pd.DataFrame:
    """Records quarantined per period and reason code (silver.quarantine): period_start, reason, records.

    grain is day, week or month; oldest period first, then most records.
    """
    if grain not in QUARANTINE_GRAINS:
        raise ValueError(f"grain must be one of {', '.join(QUARANTINE_GRAINS)}, not {grain!r}")
    quarantine_df = filter_period(lake_table(spark, settings, "silver.quarantine"), "quarantined_at", start, end)
    return (
        quarantine_df.groupBy(
            F.to_date(F.date_trunc(grain, "quarantined_at")).alias("period_start"),
            F.col("reject_reason").alias("reason"),
        )
        .agg(F.count(F.lit(1)).alias("records"))
        .orderBy("period_start", F.col("records").desc(), "reason")
        .toPandas()
    )


def stream_reconciliation(
    spark: SparkSession, settings: Settings, start: date | None = None, end: date | None = None
) -> pd.DataFrame:
    """The silver stream's batch log (silver.stream_batches) per `joblake stream` run, oldest first.

    Columns: run_id, started_at, batches, records_read, new, updated, duplicates, closed, quarantined,
    accounted (new + updated + duplicates + closed + quarantined) and adds_up (records_read == accounted).
    start and end bound the day a batch was processed.
    """
    batches_df = filter_period(lake_table(spark, settings, "silver.stream_batches"), "processed_at", start, end)
    runs = pd.DataFrame([asdict(run) for run in run_counts(batches_df)], columns=[f.name for f in fields(RunCounts)])
    accounted = runs[["new", "updated", "duplicates", "closed", "quarantined"]].sum(axis=1).astype("int64")
    return runs.assign(accounted=accounted, adds_up=runs["records_read"] == accounted)


def duplicates_over_time(
    spark: SparkSession,
    settings: Settings,
    source: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> pd.DataFrame:
    """Near-duplicate postings per month posted: how many postings copy another, and how they were found.

    postings and duplicates (postings that are not their group's canonical one) come from
    gold.agg_posting_quality, duplicate_share is their ratio, and one column per match method (exact, minhash,
    embedding) counts the duplicates of gold.duplicate_groups found that way. Oldest month first; postings
    without a posting date are left out. start and end bound the month posted.
    """
    quality_df = filter_period(lake_table(spark, settings, "gold.agg_posting_quality"), "posted_month", start, end)
    copies_df = lake_table(spark, settings, "gold.duplicate_groups").where(~F.col("is_canonical"))
    copies_df = filter_period(
        copies_df.withColumn("posted_month", F.trunc(F.to_date("posted_at"), "month")), "posted_month", start, end
    )
    if source is not None:
        quality_df = quality_df.where(F.col("source") == source)
        copies_df = copies_df.where(F.col("source") == source)
    by_method_df = copies_df.groupBy("posted_month").agg(
        *[F.count(F.when(F.col("match_method") == method, 1)).alias(method) for method in DUPLICATE_METHODS]
    )
    return (
        quality_df.where(F.col("posted_month").isNotNull())
        .groupBy("posted_month")
        .agg(F.sum("postings").alias("postings"), F.sum("duplicate").alias("duplicates"))
        .join(by_method_df, "posted_month", "left")
        .select(
            "posted_month",
            "postings",
            "duplicates",
            (F.col("duplicates") / F.col("postings")).alias("duplicate_share"),
            *[F.coalesce(method, F.lit(0)).alias(method) for method in DUPLICATE_METHODS],
        )
        .orderBy("posted_month")
        .toPandas()
    )
