"""Analyst queries over the gold lake a real night built, checked against SQL over the same tables."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from pyspark.sql import functions as F

from lakehouse.catalog import TABLES, read_table
from lakehouse.config import ConfigError
from spark_jobs import analytics
from tests.conftest import gold_settings

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def lake(spark, settings, gold_lake):
    """The gold lake's settings; its tables are temporary views named `<layer>_<name>` for the independent SQL."""
    lake_settings = gold_settings(settings, gold_lake)
    for name in TABLES:
        table_df = read_table(spark, lake_settings, name)
        if table_df is not None:
            table_df.createOrReplaceTempView(name.replace(".", "_"))
    return lake_settings


def sql_rows(spark, query: str) -> dict:
    """First column -> the rest (one value or a tuple) of a SQL query's rows."""
    return {r[0]: (r[1] if len(r) == 2 else tuple(r[1:])) for r in spark.sql(query).collect()}


SKILL_COUNTS = """
    SELECT concat(string(to_date(date_trunc('{grain}', f.posted_at))), '|', s.skill_name) AS k, count(*) AS n
    FROM gold_fact_job_postings f
    JOIN gold_bridge_job_skills b ON b.posting_key = f.posting_key
    JOIN gold_dim_skill s ON s.skill_sk = b.skill_sk
    WHERE f.posted_at IS NOT NULL
    GROUP BY 1
"""


def test_skill_demand_trends_are_the_monthly_postings_of_the_most_demanded_skills(spark, lake):
    trends = analytics.skill_demand_trends(spark, lake, top=5)
    expected = sql_rows(spark, SKILL_COUNTS.format(grain="month"))
    totals = {}
    for key, n in expected.items():
        totals[key.split("|")[1]] = totals.get(key.split("|")[1], 0) + n

    assert trends["skill_name"].nunique() == 5
    got = {f"{r.period_start}|{r.skill_name}": r.postings for r in trends.itertuples()}
    assert got == {k: n for k, n in expected.items() if k.split("|")[1] in set(trends["skill_name"])}
    # no skill left out has more postings than one shown
    shown = set(trends["skill_name"])
    assert min(totals[s] for s in shown) >= max(n for s, n in totals.items() if s not in shown)
    assert trends["period_start"].is_monotonic_increasing


def test_skill_demand_trends_date_range(spark, lake):
    trends = analytics.skill_demand_trends(spark, lake, top=3)
    latest = trends["period_start"].max()
    later = analytics.skill_demand_trends(spark, lake, top=3, start=latest)
    assert set(later["period_start"]) == {latest}
    with pytest.raises(ValueError, match="grain"):
        analytics.skill_demand_trends(spark, lake, grain="year")


def test_last_complete_period_is_the_latest_that_ended_by_the_night(spark, lake):
    as_of = spark.sql("SELECT max(as_of) FROM gold_nightly_runs WHERE status = 'succeeded'").first()[0]
    weeks = [
        r[0]
        for r in spark.sql(
            "SELECT DISTINCT to_date(date_trunc('week', posted_at)) FROM gold_fact_job_postings"
        ).collect()
    ]
    expected = max(w for w in weeks if w + timedelta(days=7) <= as_of.date())
    assert analytics.last_complete_period(spark, lake, as_of, grain="week") == expected
    assert analytics.last_complete_period(spark, lake, date(1999, 1, 1), grain="week") is None


def test_fastest_growing_skills_week_over_week_with_a_floor(spark, lake):
    min_postings = 3
    as_of = spark.sql("SELECT max(as_of) FROM gold_nightly_runs").first()[0]
    week = analytics.last_complete_period(spark, lake, as_of, grain="week")
    growing = analytics.fastest_growing_skills(
        spark, lake, top=50, min_postings=min_postings, grain="week", period_start=week
    )
    counts = sql_rows(spark, SKILL_COUNTS.format(grain="week"))
    before = str(week - timedelta(days=7))
    expected = {}
    for key, n in counts.items():
        period, skill = key.split("|")
        prev = counts.get(f"{before}|{skill}", 0)
        if period == str(week) and n >= min_postings and prev >= min_postings:
            expected[skill] = (prev, n, (n - prev) / prev)

    assert len(expected) > 0, "the gold lake should have skills in both of its last two whole weeks"
    assert set(growing["period_start"]) == {week}
    assert {r.skill_name: (r.prev_postings, r.postings, pytest.approx(r.growth)) for r in growing.itertuples()} == {
        s: (p, n, pytest.approx(g)) for s, (p, n, g) in expected.items()
    }
    assert growing["growth"].is_monotonic_decreasing
    top_two = analytics.fastest_growing_skills(
        spark, lake, top=2, min_postings=min_postings, grain="week", period_start=week
    )
    assert len(top_two) == min(2, len(expected))


def test_hiring_by_industry_counts_each_listed_industry(spark, lake):
    got = analytics.hiring_by_industry(spark, lake, top=None)
    expected = sql_rows(
        spark,
        """
        SELECT b.industry, count(*), count(CASE WHEN f.is_active THEN 1 END)
        FROM gold_fact_job_postings f JOIN gold_bridge_job_industries b ON b.posting_key = f.posting_key
        GROUP BY b.industry
        """,
    )
    assert {r.industry: (r.postings, r.active_postings) for r in got.itertuples()} == expected
    assert got["postings"].is_monotonic_decreasing
    assert len(analytics.hiring_by_industry(spark, lake, top=3)) == min(3, len(expected))


def test_hiring_by_industry_filters_by_job_family_and_location(spark, lake):
    family, country = spark.sql(
        """
        SELECT f.job_family, l.country FROM gold_fact_job_postings f JOIN gold_dim_location l USING (location_sk)
        JOIN gold_bridge_job_industries b ON b.posting_key = f.posting_key
        WHERE f.job_family IS NOT NULL AND l.country IS NOT NULL
        GROUP BY 1, 2 ORDER BY count(*) DESC, 1, 2 LIMIT 1
        """
    ).first()
    got = analytics.hiring_by_industry(spark, lake, top=None, job_family=family.upper(), location=country.lower())
    expected = sql_rows(
        spark,
        f"""
        SELECT b.industry, count(*)
        FROM gold_fact_job_postings f JOIN gold_dim_location l USING (location_sk)
        JOIN gold_bridge_job_industries b ON b.posting_key = f.posting_key
        WHERE f.job_family = '{family}' AND l.country = '{country}'
        GROUP BY b.industry
        """,
    )
    assert dict(zip(got["industry"], got["postings"], strict=True)) == expected
    assert analytics.hiring_by_industry(spark, lake, start=date(2100, 1, 1)).empty


def test_hiring_by_job_family(spark, lake):
    got = analytics.hiring_by_job_family(spark, lake, top=None)
    expected = sql_rows(
        spark,
        """
        SELECT job_family, count(*), count(DISTINCT CASE WHEN company_sk != -1 THEN company_sk END)
        FROM gold_fact_job_postings GROUP BY job_family
        """,
    )
    assert {
        r.job_family if isinstance(r.job_family, str) else None: (r.postings, r.companies) for r in got.itertuples()
    } == expected
    assert got["postings"].sum() == spark.table("gold_fact_job_postings").count()


def test_locations_per_country_postings_and_remote_share(spark, lake):
    got = analytics.locations(spark, lake, level="country", top=None)
    expected = sql_rows(
        spark,
        """
        SELECT l.country, count(*),
               count(CASE WHEN l.workplace_type = 'remote' THEN 1 END) / count(l.workplace_type)
        FROM gold_fact_job_postings f LEFT JOIN gold_dim_location l USING (location_sk)
        GROUP BY l.country
        """,
    )
    assert {r.place if isinstance(r.place, str) else None: r.postings for r in got.itertuples()} == {
        k: v[0] for k, v in expected.items()
    }
    for r in got.itertuples():
        assert r.remote_share == pytest.approx(expected[r.place if isinstance(r.place, str) else None][1], nan_ok=True)
    top_country = got["place"].dropna().iloc[0]
    cities = analytics.locations(spark, lake, level="city", top=None, within=top_country)
    assert cities["postings"].sum() == expected[top_country][0]
    with pytest.raises(ValueError, match="level"):
        analytics.locations(spark, lake, level="planet")


def test_posting_quality_shares_over_all_postings(spark, lake):
    got = analytics.posting_quality(spark, lake).set_index("issue")
    total = spark.table("gold_fact_job_postings").count()
    no_salary = spark.sql(
        "SELECT count(*) FROM gold_fact_job_postings WHERE salary_min IS NULL AND salary_max IS NULL"
    ).first()[0]
    few_skills = spark.sql(
        """
        SELECT count(*) FROM gold_fact_job_postings f
        LEFT JOIN (SELECT posting_key, count(*) AS n FROM gold_bridge_job_skills GROUP BY posting_key) s
          ON s.posting_key = f.posting_key
        WHERE coalesce(s.n, 0) < 3
        """
    ).first()[0]
    assert set(got["postings"]) == {total}
    assert got.loc["missing_salary", "with_issue"] == no_salary
    assert got.loc["too_few_skills", "with_issue"] == few_skills
    assert got.loc["missing_salary", "share"] == pytest.approx(no_salary / total)
    assert got.loc["with_issues", "with_issue"] >= got.drop(index="with_issues")["with_issue"].max()
    assert analytics.posting_quality(spark, lake, source="no-such-source").empty


def test_pipeline_health_counts_every_layer(spark, lake):
    health = analytics.pipeline_health(spark, lake)
    rows = dict(zip(health.table_rows["table"], health.table_rows["rows"], strict=True))
    assert rows["gold.fact_job_postings"] == spark.table("gold_fact_job_postings").count()
    assert (
        rows["silver.job_postings"]
        == spark.table("silver_job_postings").count()
        == health.reconciliation.silver_postings
    )
    assert rows["bronze.job_postings"] is None or rows["bronze.job_postings"] is not None  # listed either way
    assert set(rows) == set(health.table_rows["table"]) and len(rows) == 20
    quarantined = spark.table("silver_quarantine").groupBy("reject_reason").count().collect()
    assert dict(zip(health.quarantine_reasons["reason"], health.quarantine_reasons["records"], strict=True)) == {
        r["reject_reason"]: r["count"] for r in quarantined
    }
    assert list(health.nightly_runs["status"]) == [
        r["status"] for r in spark.table("gold_nightly_runs").orderBy(F.col("started_at").desc()).collect()
    ]
    assert health.has_data


def test_a_missing_table_names_the_command_that_creates_it(spark, settings, tmp_path):
    empty = settings.with_overrides({"lake.root": str(tmp_path / "lake"), "lake.raw_root": str(tmp_path / "raw")})
    with pytest.raises(ConfigError, match="gold.agg_skill_trends does not exist yet .*`joblake nightly`"):
        analytics.skill_demand_trends(spark, empty)
    with pytest.raises(ConfigError, match="silver.job_postings .*`joblake stream`"):
        analytics.lake_table(spark, empty, "silver.job_postings")
    health = analytics.pipeline_health(spark, empty)
    assert health.table_rows["rows"].isna().all() and not health.has_data
    assert health.nightly_runs.empty and health.quarantine_reasons.empty
