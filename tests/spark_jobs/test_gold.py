"""Gold star schema builders on small inline silver rows."""

from datetime import datetime

import pytest
from chispa import assert_df_equality
from pyspark.sql import functions as F

from spark_jobs.gold import (
    UNKNOWN_KEY,
    build_dim_company,
    build_dim_date,
    build_dim_location,
    build_fact_job_postings,
)

pytestmark = pytest.mark.spark

SILVER_DDL = (
    "posting_key string, source string, title string, title_seniority string, company string, company_key string, "
    "city string, region string, country string, employment_type string, seniority_level string, "
    "workplace_type string, salary_min double, salary_max double, salary_currency string, salary_period string, "
    "posted_at timestamp, first_seen_at timestamp, is_active boolean, times_seen long"
)


def _silver(spark, rows):
    return spark.createDataFrame(rows, SILVER_DDL)


def _row(key, company, company_key, city, region, country, posted, times_seen=1):
    t = datetime.fromisoformat(posted)
    return (
        key,
        "generator",
        "Data Engineer",
        "mid",
        company,
        company_key,
        city,
        region,
        country,
        "full_time",
        None,
        "on_site",
        None,
        None,
        None,
        None,
        t,
        t,
        True,
        times_seen,
    )


ROWS = [
    _row("a", "Acme Corp.", "acme", "Austin", "TX", "United States", "2026-10-30 09:00:00", 3),
    _row("b", "ACME Corp", "acme", "Austin", "TX", "United States", "2026-11-01 09:00:00"),
    _row("c", "Acme Corp.", "acme", None, None, None, "2026-11-01 10:00:00"),
    _row("d", "Initech Ltd", "initech", "London", "England", "United Kingdom", "2026-11-01 11:00:00"),
]


def test_dim_company_names_each_key_by_its_most_frequent_display_name(spark):
    got = build_dim_company(_silver(spark, ROWS)).select("company_key", "company_name", "postings")
    expected = spark.createDataFrame(
        [("acme", "Acme Corp.", 3), ("initech", "Initech Ltd", 1), (None, "(unknown)", None)],
        "company_key string, company_name string, postings long",
    )
    assert_df_equality(got, expected, ignore_row_order=True, ignore_nullable=True)


def test_dim_location_has_distinct_places_and_an_unknown_member(spark):
    got = build_dim_location(_silver(spark, ROWS))
    assert got.count() == 3
    assert got.where(F.col("location_sk") == UNKNOWN_KEY).count() == 1
    assert got.select("location_sk").distinct().count() == 3


def test_dim_date_covers_every_day_between_first_and_last_posting(spark):
    got = build_dim_date(_silver(spark, ROWS)).where(F.col("date_sk") != UNKNOWN_KEY)
    assert sorted(r["date_sk"] for r in got.collect()) == [20261030, 20261031, 20261101]
    assert got.where("date_sk = 20261031").first()["is_weekend"] is True  # a Saturday


def test_fact_rows_point_at_dimension_members(spark):
    silver_df = _silver(spark, ROWS)
    fact = build_fact_job_postings(silver_df)
    orphans = (
        fact.join(build_dim_company(silver_df), "company_sk", "left_anti").count()
        + fact.join(build_dim_location(silver_df), "location_sk", "left_anti").count()
        + fact.join(build_dim_date(silver_df), F.col("posted_date_sk") == F.col("date_sk"), "left_anti").count()
    )
    assert orphans == 0
    assert fact.where("posting_key = 'a'").first()["duplicate_records"] == 2


def test_bridge_job_skills_has_one_row_per_posting_and_skill(spark):
    from spark_jobs.gold import build_bridge_job_skills, build_dim_skill
    from spark_jobs.skills import shipped_skills

    silver_df = spark.createDataFrame(
        [
            ("a", "Data Engineer", "We use Python and SQL. Python daily, with Apache Kafka."),
            ("b", "Nurse", "Night shifts on a busy ward."),
            ("c", None, None),
        ],
        "posting_key string, title_raw string, description string",
    )
    bridge_df = build_bridge_job_skills(silver_df, shipped_skills())
    rows = {(r["posting_key"], r["skill_id"]): r for r in bridge_df.collect()}
    assert set(rows) == {("a", "python"), ("a", "sql"), ("a", "apache_kafka")}
    python = rows[("a", "python")]
    assert (python["surface"], python["sentence_index"], python["mentions"]) == ("Python", 1, 2)
    dim_df = build_dim_skill(spark, shipped_skills())
    assert dim_df.count() == dim_df.select("skill_sk").distinct().count() == len(shipped_skills())
    assert bridge_df.join(dim_df, "skill_sk", "left_anti").count() == 0  # every bridge row has its skill
