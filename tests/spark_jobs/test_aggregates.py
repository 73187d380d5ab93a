"""Gold aggregates on small inline fact, bridge and dimension rows."""

from datetime import UTC, date, datetime

import pytest

from spark_jobs.aggregates import (
    QUALITY_ISSUES,
    QualityRules,
    build_agg_location_analytics,
    build_agg_posting_quality,
    build_agg_skill_trends,
)

pytestmark = pytest.mark.spark

FACT_DDL = (
    "posting_key string, location_sk long, source string, posted_at timestamp, is_active boolean, "
    "salary_min double, salary_max double, salary_currency string, salary_annual_mid double, description_chars int"
)
BRIDGE_DDL = "posting_key string, skill_sk long"
DIM_SKILL_DDL = "skill_sk long, skill_id string, skill_name string, category string"
DIM_LOCATION_DDL = (
    "location_sk long, world_region string, country string, region string, city string, workplace_type string"
)


def _fact(key, posted, location_sk=1, salary=None, currency="USD", active=True, chars=1000):
    return (
        key,
        location_sk,
        "generator",
        datetime.fromisoformat(posted),
        active,
        salary,
        salary,
        currency if salary else None,
        salary,
        chars,
    )


SKILLS = [(10, "python", "Python", "programming language"), (20, "sql", "SQL", "database")]
PLACES = [
    (1, "Americas", "United States", "TX", "Austin", "remote"),
    (2, "Americas", "United States", "TX", "Dallas", "on_site"),
    (3, "Europe", "United Kingdom", "England", "London", "hybrid"),
    (-1, None, None, None, None, None),
]


def test_skill_trends_count_share_and_month_over_month_growth(spark):
    fact_df = spark.createDataFrame(
        [
            _fact("a", "2026-09-10 09:00:00"),
            _fact("b", "2026-09-11 09:00:00"),
            _fact("c", "2026-10-02 09:00:00"),
            _fact("d", "2026-10-20 09:00:00"),
            _fact("e", "2026-10-21 09:00:00"),
            _fact("f", "2026-10-22 09:00:00"),
        ],
        FACT_DDL,
    )
    bridge_df = spark.createDataFrame(
        [("a", 10), ("b", 10), ("b", 20), ("c", 10), ("d", 10), ("e", 10), ("f", 20)], BRIDGE_DDL
    )
    trends = build_agg_skill_trends(fact_df, bridge_df, spark.createDataFrame(SKILLS, DIM_SKILL_DDL))
    month = {
        (r["period_start"], r["skill_id"]): r
        for r in trends.where("grain = 'month'").collect()  # September: 2 postings, October: 4
    }
    python_oct = month[(date(2026, 10, 1), "python")]
    assert (python_oct["postings"], python_oct["period_postings"], python_oct["share"]) == (3, 4, 0.75)
    assert (python_oct["prev_postings"], python_oct["growth"]) == (2, 0.5)  # 2 -> 3
    sql_oct = month[(date(2026, 10, 1), "sql")]
    assert (sql_oct["prev_postings"], sql_oct["growth"]) == (1, 0.0)
    python_sep = month[(date(2026, 9, 1), "python")]
    assert (python_sep["prev_postings"], python_sep["growth"]) == (None, None)  # no postings in August at all
    weeks = trends.where("grain = 'week' AND skill_id = 'python'").orderBy("period_start").collect()
    assert [r["period_start"] for r in weeks] == [date(2026, 9, 7), date(2026, 9, 28), date(2026, 10, 19)]
    assert weeks[2]["prev_postings"] is None  # the week of Oct 12 had no postings


def test_a_skill_absent_the_month_before_has_zero_previous_postings_and_no_growth(spark):
    fact_df = spark.createDataFrame([_fact("a", "2026-09-10 09:00:00"), _fact("b", "2026-10-10 09:00:00")], FACT_DDL)
    bridge_df = spark.createDataFrame([("a", 10), ("b", 20)], BRIDGE_DDL)
    trends = build_agg_skill_trends(fact_df, bridge_df, spark.createDataFrame(SKILLS, DIM_SKILL_DDL))
    sql_oct = trends.where("grain = 'month' AND skill_id = 'sql'").first()
    assert (sql_oct["prev_postings"], sql_oct["growth"]) == (0, None)


def test_location_analytics_roll_up_with_salary_in_the_common_currency_and_top_skills(spark):
    fact_df = spark.createDataFrame(
        [
            _fact("a", "2026-10-01 09:00:00", 1, salary=100_000.0),
            _fact("b", "2026-10-01 09:00:00", 1, salary=120_000.0),
            _fact("c", "2026-10-01 09:00:00", 2, salary=200_000.0),
            _fact("d", "2026-10-01 09:00:00", 2, salary=90_000.0, currency="CAD"),  # outvoted currency
            _fact("e", "2026-10-01 09:00:00", 3, salary=60_000.0, currency="GBP", active=False),
            _fact("f", "2026-10-01 09:00:00", -1),
        ],
        FACT_DDL,
    )
    bridge_df = spark.createDataFrame([("a", 10), ("b", 10), ("b", 20), ("c", 20), ("e", 10)], BRIDGE_DDL)
    got = build_agg_location_analytics(
        fact_df,
        bridge_df,
        spark.createDataFrame(PLACES, DIM_LOCATION_DDL),
        spark.createDataFrame(SKILLS, DIM_SKILL_DDL),
    )
    rows = {(r["level"], r["world_region"], r["country"], r["region"], r["city"]): r for r in got.collect()}
    everything = rows[("all", None, None, None, None)]
    assert (everything["postings"], everything["active_postings"]) == (6, 5)
    assert everything["top_skills"] == ["Python", "SQL"]  # 3 postings vs 2
    texas = rows[("region", "Americas", "United States", "TX", None)]
    assert (texas["postings"], texas["salary_currency"], texas["salary_postings"]) == (4, "USD", 3)
    assert texas["median_salary_annual"] == 120_000.0
    assert texas["remote_share"] == 0.5
    assert texas["top_skills"] == ["Python", "SQL"]  # 2 postings each: a tie goes by name
    austin = rows[("city", "Americas", "United States", "TX", "Austin")]
    assert (austin["postings"], austin["remote_share"], austin["median_salary_annual"]) == (2, 1.0, 110_000.0)
    unknown_city = rows[("city", None, None, None, None)]
    assert (unknown_city["postings"], unknown_city["remote_share"], unknown_city["top_skills"]) == (1, None, [])
    assert {r["level"] for r in got.collect()} == {"all", "world_region", "country", "region", "city"}


def test_posting_quality_flags_each_issue_once(spark):
    as_of = datetime(2026, 11, 1, tzinfo=UTC)
    fact_df = spark.createDataFrame(
        [
            _fact("good", "2026-10-20 09:00:00", 1, salary=1.0),
            _fact("short", "2026-10-20 09:00:00", 1, salary=1.0, chars=50),
            _fact("bare", "2026-10-20 09:00:00", -1),  # no salary, no place, no skills
            _fact("old", "2026-08-01 09:00:00", 1, salary=1.0),
            _fact("old_closed", "2026-08-01 09:00:00", 1, salary=1.0, active=False),
            _fact("copy", "2026-10-21 09:00:00", 1, salary=1.0),
        ],
        FACT_DDL,
    )
    bridge_df = spark.createDataFrame(
        [(k, s) for k in ("good", "short", "old", "old_closed", "copy") for s in (10, 20, 30)], BRIDGE_DDL
    )
    duplicates_df = spark.createDataFrame([("good", True), ("copy", False)], "posting_key string, is_canonical boolean")
    got = build_agg_posting_quality(
        fact_df, bridge_df, spark.createDataFrame(PLACES, DIM_LOCATION_DDL), duplicates_df, as_of, QualityRules()
    )
    october = got.where("posted_month = DATE'2026-10-01'").first()
    assert {issue: october[issue] for issue in QUALITY_ISSUES} == {
        "short_description": 1,
        "too_few_skills": 1,
        "missing_salary": 1,
        "missing_location": 1,
        "stale": 0,
        "duplicate": 1,
    }
    assert (october["postings"], october["with_issues"], october["with_issues_share"]) == (4, 3, 0.75)
    august = got.where("posted_month = DATE'2026-08-01'").first()
    assert (august["postings"], august["stale"]) == (2, 1)  # the closed one is not stale
