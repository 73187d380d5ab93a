"""Analyst queries over the gold lake a real night built, checked against SQL over the same tables."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import pytest
from pyspark.sql import functions as F

from lakehouse.catalog import TABLES, read_table, table_path
from lakehouse.config import ConfigError
from spark_jobs import analytics
from spark_jobs.duplicates import METHODS
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
    assert set(rows) == set(TABLES)  # every table of the catalog, created or not
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


def test_find_skill_by_name_or_id_in_any_case(spark, lake):
    expected = spark.sql(
        "SELECT skill_sk, skill_id, skill_name, category FROM gold_dim_skill WHERE skill_name = 'Python'"
    ).first()
    assert analytics.find_skill(spark, lake, "pYTHON") == expected.asDict()
    assert analytics.find_skill(spark, lake, f" {expected['skill_id'].upper()} ") == expected.asDict()
    with pytest.raises(ValueError, match="no skill named 'Klingon'"):
        analytics.find_skill(spark, lake, "Klingon")


@pytest.mark.parametrize("grain", ["month", "week"])
def test_skill_trend_is_the_skills_postings_per_period(spark, lake, grain):
    trend = analytics.skill_trend(spark, lake, "python", grain=grain)
    expected = {
        key.split("|")[0]: n for key, n in sql_rows(spark, SKILL_COUNTS.format(grain=grain)).items() if "|Python" in key
    }
    totals = sql_rows(
        spark,
        f"SELECT string(to_date(date_trunc('{grain}', posted_at))), count(*) FROM gold_fact_job_postings "
        "WHERE posted_at IS NOT NULL GROUP BY 1",
    )
    assert len(expected) > 0
    assert {str(r.period_start): r.postings for r in trend.itertuples()} == expected
    assert set(trend["skill_name"]) == {"Python"}
    for r in trend.itertuples():
        assert r.share == pytest.approx(r.postings / totals[str(r.period_start)])
    assert trend["period_start"].is_monotonic_increasing


def test_skill_trend_date_range_and_grain(spark, lake):
    trend = analytics.skill_trend(spark, lake, "Python", grain="week")
    latest = trend["period_start"].max()
    assert set(analytics.skill_trend(spark, lake, "Python", grain="week", start=latest)["period_start"]) == {latest}
    with pytest.raises(ValueError, match="grain"):
        analytics.skill_trend(spark, lake, "Python", grain="year")


WITH_PYTHON = """
    SELECT DISTINCT b.posting_key FROM gold_bridge_job_skills b JOIN gold_dim_skill s USING (skill_sk)
    WHERE s.skill_name = 'Python'
"""


def test_co_occurring_skills_counts_postings_asking_for_both(spark, lake):
    got = analytics.co_occurring_skills(spark, lake, "python", top=None)
    with_python = spark.sql(f"SELECT count(*) FROM ({WITH_PYTHON})").first()[0]
    total = spark.table("gold_fact_job_postings").count()
    expected = sql_rows(
        spark,
        f"""
        WITH pairs AS (SELECT DISTINCT posting_key, skill_sk FROM gold_bridge_job_skills),
        overall AS (SELECT skill_sk, count(*) AS overall FROM pairs GROUP BY skill_sk)
        SELECT s.skill_name, count(*), first(o.overall)
        FROM ({WITH_PYTHON}) p JOIN pairs b ON b.posting_key = p.posting_key
        JOIN gold_dim_skill s ON s.skill_sk = b.skill_sk JOIN overall o ON o.skill_sk = b.skill_sk
        WHERE s.skill_name != 'Python'
        GROUP BY s.skill_name
        """,
    )
    assert with_python > 0 and len(expected) > 0
    assert {r.skill_name: r.postings for r in got.itertuples()} == {k: n for k, (n, _) in expected.items()}
    for r in got.itertuples():
        n, overall = expected[r.skill_name]
        assert r.share == pytest.approx(n / with_python)
        assert r.lift == pytest.approx((n / with_python) / (overall / total))
    assert got["postings"].is_monotonic_decreasing
    assert "Python" not in set(got["skill_name"])
    assert len(analytics.co_occurring_skills(spark, lake, "Python", top=3)) == 3
    assert analytics.co_occurring_skills(spark, lake, "Python", start=date(2100, 1, 1)).empty


def test_top_employers_for_skill_per_known_company(spark, lake):
    got = analytics.top_employers_for_skill(spark, lake, "Python", top=None)
    expected = sql_rows(
        spark,
        f"""
        WITH totals AS (SELECT company_sk, count(*) AS n FROM gold_fact_job_postings GROUP BY company_sk)
        SELECT c.company_name, count(*), count(CASE WHEN f.is_active THEN 1 END), first(t.n)
        FROM gold_fact_job_postings f JOIN ({WITH_PYTHON}) p ON p.posting_key = f.posting_key
        JOIN gold_dim_company c ON c.company_sk = f.company_sk JOIN totals t ON t.company_sk = f.company_sk
        WHERE f.company_sk != -1
        GROUP BY c.company_sk, c.company_name
        """,
    )
    assert len(expected) > 0
    assert {r.company_name: (r.postings, r.active_postings, r.company_postings) for r in got.itertuples()} == expected
    assert list(got["share"]) == pytest.approx(list(got["postings"] / got["company_postings"]))
    assert got["postings"].is_monotonic_decreasing
    assert len(analytics.top_employers_for_skill(spark, lake, "Python", top=2)) == 2


def test_salary_distribution_percentiles_in_the_most_common_currency(spark, lake):
    currency = spark.sql(
        """
        SELECT salary_currency FROM gold_fact_job_postings WHERE salary_annual_mid IS NOT NULL
        GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1
        """
    ).first()[0]
    salaries = {}
    for r in spark.sql(
        f"""
        SELECT job_family, salary_annual_mid FROM gold_fact_job_postings
        WHERE salary_annual_mid IS NOT NULL AND salary_currency = '{currency}'
        """
    ).collect():
        salaries.setdefault(r[0], []).append(r[1])
    got = analytics.salary_distribution(spark, lake, by="job_family", top=None)

    assert set(got["currency"]) == {currency}
    assert {r.job_family if isinstance(r.job_family, str) else None: r.postings for r in got.itertuples()} == {
        family: len(values) for family, values in salaries.items()
    }
    for r in got.itertuples():
        values = salaries[r.job_family if isinstance(r.job_family, str) else None]
        assert [r.p10, r.p25, r.median, r.p75, r.p90] == pytest.approx(
            list(np.percentile(values, [10, 25, 50, 75, 90]))
        )
        assert r.mean == pytest.approx(np.mean(values))
    assert got["postings"].is_monotonic_decreasing
    at_least_5 = analytics.salary_distribution(spark, lake, top=None, min_postings=5)
    assert set(at_least_5["job_family"].dropna()) == {f for f, v in salaries.items() if f and len(v) >= 5}
    assert analytics.salary_distribution(spark, lake, currency="XXX").empty


def test_salary_distribution_by_seniority_and_filtered(spark, lake):
    got = analytics.salary_distribution(spark, lake, by="seniority_level", top=None, currency="USD")
    expected = sql_rows(
        spark,
        """
        SELECT e.seniority_level, count(*) FROM gold_fact_job_postings f LEFT JOIN gold_dim_employment e
        USING (employment_sk) WHERE f.salary_annual_mid IS NOT NULL AND f.salary_currency = 'USD' GROUP BY 1
        """,
    )
    assert {
        r.seniority_level if isinstance(r.seniority_level, str) else None: r.postings for r in got.itertuples()
    } == (expected)
    family = analytics.salary_distribution(spark, lake, top=1)["job_family"].iloc[0]
    only = analytics.salary_distribution(spark, lake, top=None, job_family=family.lower())
    assert list(only["job_family"]) == [family]
    with pytest.raises(ValueError, match="by must be one of"):
        analytics.salary_distribution(spark, lake, by="shoe_size")


def test_workplace_mix_per_month(spark, lake):
    got = analytics.workplace_mix(spark, lake, grain="month")
    expected = sql_rows(
        spark,
        """
        SELECT string(to_date(date_trunc('month', f.posted_at))), count(*),
               count(CASE WHEN l.workplace_type = 'hybrid' THEN 1 END),
               count(CASE WHEN l.workplace_type = 'remote' THEN 1 END),
               count(CASE WHEN l.workplace_type = 'on_site' THEN 1 END),
               count(CASE WHEN l.workplace_type IS NULL THEN 1 END)
        FROM gold_fact_job_postings f LEFT JOIN gold_dim_location l USING (location_sk)
        WHERE f.posted_at IS NOT NULL GROUP BY 1
        """,
    )
    assert analytics.WORKPLACE_TYPES == ("hybrid", "remote", "on_site")
    assert {
        str(r.period_start): (r.postings, r.hybrid, r.remote, r.on_site, r.unknown) for r in got.itertuples()
    } == expected
    for r in got.itertuples():
        assert r.remote_share == pytest.approx(r.remote / (r.postings - r.unknown))
    assert got["period_start"].is_monotonic_increasing
    with pytest.raises(ValueError, match="grain"):
        analytics.workplace_mix(spark, lake, grain="decade")


def test_quarantine_reasons_and_over_time(spark, lake):
    expected = sql_rows(spark, "SELECT reject_reason, count(*) FROM silver_quarantine GROUP BY 1")
    reasons = analytics.quarantine_reasons(spark, lake)
    assert sum(expected.values()) == 3  # the gold lake's undecodable records
    assert dict(zip(reasons["reason"], reasons["records"], strict=True)) == expected
    assert reasons["share"].sum() == pytest.approx(1.0)
    assert reasons["records"].is_monotonic_decreasing

    per_day = analytics.quarantine_over_time(spark, lake, grain="day")
    by_day = sql_rows(
        spark,
        """
        SELECT concat(string(to_date(quarantined_at)), '|', reject_reason), count(*)
        FROM silver_quarantine GROUP BY 1
        """,
    )
    assert {f"{r.period_start}|{r.reason}": r.records for r in per_day.itertuples()} == by_day
    day = per_day["period_start"].min()
    assert analytics.quarantine_reasons(spark, lake, start=day + timedelta(days=1)).empty
    assert analytics.quarantine_over_time(spark, lake, grain="month", end=day)["records"].sum() == 3
    with pytest.raises(ValueError, match="grain"):
        analytics.quarantine_over_time(spark, lake, grain="hour")


def test_stream_reconciliation_per_run_adds_up(spark, lake):
    got = analytics.stream_reconciliation(spark, lake)
    expected = sql_rows(
        spark,
        """
        SELECT run_id, count(*), sum(records_read), sum(new), sum(updated), sum(duplicates), sum(closed),
               sum(quarantined)
        FROM silver_stream_batches GROUP BY run_id
        """,
    )
    assert {
        r.run_id: (r.batches, r.records_read, r.new, r.updated, r.duplicates, r.closed, r.quarantined)
        for r in got.itertuples()
    } == expected
    assert got["adds_up"].all() and (got["accounted"] == got["records_read"]).all()
    assert got["records_read"].sum() == 303 and got["quarantined"].sum() == 3
    assert analytics.stream_reconciliation(spark, lake, start=date(2100, 1, 1)).empty


def test_duplicates_over_time_matches_posting_quality(spark, lake):
    got = analytics.duplicates_over_time(spark, lake)
    expected = sql_rows(
        spark,
        """
        SELECT string(posted_month), sum(postings), sum(duplicate) FROM gold_agg_posting_quality
        WHERE posted_month IS NOT NULL GROUP BY 1
        """,
    )
    copies = spark.sql("SELECT count(*) FROM gold_duplicate_groups WHERE NOT is_canonical").first()[0]
    assert {str(r.posted_month): (r.postings, r.duplicates) for r in got.itertuples()} == expected
    assert got[list(analytics.DUPLICATE_METHODS)].sum().sum() == copies
    assert list(got["duplicate_share"]) == pytest.approx(list(got["duplicates"] / got["postings"]))
    assert got["posted_month"].is_monotonic_increasing


def test_duplicates_over_time_splits_by_match_method(spark, settings, tmp_path):
    # the generated gold lake has no near-duplicates: two small tables with some, written for this test
    lake_settings = settings.with_overrides({"lake.root": str(tmp_path / "lake")})
    quality_rows = [
        ("jobboard", date(2026, 9, 1), 10, 3),
        ("ats", date(2026, 9, 1), 10, 1),
        ("jobboard", date(2026, 10, 1), 5, 0),
        ("ats", None, 2, 1),  # no posting date: left out
    ]
    spark.createDataFrame(quality_rows, "source string, posted_month date, postings long, duplicate long").write.format(
        "delta"
    ).save(table_path(lake_settings, "gold.agg_posting_quality"))
    at = datetime(2026, 9, 15, 12)
    group_rows = [
        ("g1", "a", "jobboard", at, True, None),
        ("g1", "b", "jobboard", at, False, "exact"),
        ("g1", "c", "jobboard", at, False, "minhash"),
        ("g2", "d", "ats", at, True, None),
        ("g2", "e", "jobboard", at, False, "embedding"),
        ("g2", "f", "ats", at, False, "minhash"),
    ]
    spark.createDataFrame(
        group_rows,
        "group_id string, posting_key string, source string, posted_at timestamp, is_canonical boolean, "
        "match_method string",
    ).write.format("delta").save(table_path(lake_settings, "gold.duplicate_groups"))

    got = analytics.duplicates_over_time(spark, lake_settings)
    assert analytics.DUPLICATE_METHODS == METHODS
    rows = [(str(r.posted_month), r.postings, r.duplicates, r.exact, r.minhash, r.embedding) for r in got.itertuples()]
    assert rows == [("2026-09-01", 20, 4, 1, 2, 1), ("2026-10-01", 5, 0, 0, 0, 0)]
    assert list(got["duplicate_share"]) == pytest.approx([0.2, 0.0])
    ats = analytics.duplicates_over_time(spark, lake_settings, source="ats")
    assert [(r.postings, r.duplicates, r.minhash, r.exact) for r in ats.itertuples()] == [(10, 1, 1, 0)]
    assert list(analytics.duplicates_over_time(spark, lake_settings, start=date(2026, 10, 1))["posted_month"]) == [
        date(2026, 10, 1)
    ]


def test_the_new_queries_name_the_command_that_creates_a_missing_table(spark, settings, tmp_path):
    empty = settings.with_overrides({"lake.root": str(tmp_path / "lake")})
    with pytest.raises(ConfigError, match="silver.quarantine does not exist yet .*`joblake stream`"):
        analytics.quarantine_reasons(spark, empty)
    with pytest.raises(ConfigError, match="silver.stream_batches .*`joblake stream`"):
        analytics.stream_reconciliation(spark, empty)
    with pytest.raises(ConfigError, match="gold.dim_skill .*`joblake nightly`"):
        analytics.co_occurring_skills(spark, empty, "Python")
    with pytest.raises(ConfigError, match=r"gold\.\w+ does not exist yet .*`joblake nightly`"):
        analytics.salary_distribution(spark, empty)
