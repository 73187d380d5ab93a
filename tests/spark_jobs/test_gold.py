"""Gold star schema builders on small inline silver rows."""

from datetime import datetime

import pytest
from chispa import assert_df_equality
from pyspark.sql import functions as F

from spark_jobs.gold import (
    UNKNOWN_KEY,
    build_dim_company,
    build_dim_date,
    build_dim_employment,
    build_dim_location,
    build_fact_job_postings,
)

pytestmark = pytest.mark.spark

SILVER_DDL = (
    "posting_key string, source string, title string, title_seniority string, company string, company_key string, "
    "city string, region string, country string, employment_type string, seniority_level string, "
    "workplace_type string, salary_min double, salary_max double, salary_currency string, salary_period string, "
    "posted_at timestamp, first_seen_at timestamp, is_active boolean, times_seen long, job_family string, "
    "occupation_code string, salary_annual_min double, salary_annual_max double, description string, "
    "duplicate_group_id string, industries array<string>, job_functions array<string>"
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
        "data",
        "15-1252.00",
        None,
        None,
        "Build pipelines.",
        key,
        [],
        [],
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
    assert got.count() == 4  # Austin, London, "on site, place unknown", unknown
    assert got.where(F.col("location_sk") == UNKNOWN_KEY).count() == 1
    assert got.select("location_sk").distinct().count() == 4
    austin = got.where("city = 'Austin'").first()
    assert (austin["world_region"], austin["country"], austin["region"], austin["is_remote"]) == (
        "Americas",
        "United States",
        "TX",
        False,
    )


def test_every_country_the_normaliser_names_has_a_world_region():
    from streaming.vocab import COUNTRIES, WORLD_REGIONS

    assert set(COUNTRIES.values()) <= set(WORLD_REGIONS)


def test_dim_employment_pairs_type_and_seniority(spark):
    rows = [_row("a", "Acme", "acme", None, None, None, "2026-10-30 09:00:00")]
    silver_df = _silver(spark, rows).unionByName(
        _silver(spark, rows).withColumn("posting_key", F.lit("b")).withColumn("seniority_level", F.lit("senior"))
    )
    got = build_dim_employment(silver_df).select("employment_type", "seniority_level", "postings")
    expected = spark.createDataFrame(
        [("full_time", None, 1), ("full_time", "senior", 1), (None, None, None)],
        "employment_type string, seniority_level string, postings long",
    )
    assert_df_equality(got, expected, ignore_row_order=True, ignore_nullable=True)


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
        + fact.join(build_dim_employment(silver_df), "employment_sk", "left_anti").count()
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
    assert ("a", "sql") in rows and set(rows) <= {("a", "python"), ("a", "sql"), ("a", "apache_kafka")}
    sql = rows[("a", "sql")]
    assert (sql["surface"], sql["sentence_index"], sql["begin"], sql["mentions"]) == ("SQL", 1, 33, 1)
    dim_df = build_dim_skill(spark, shipped_skills())
    assert dim_df.count() == dim_df.select("skill_sk").distinct().count() == len(shipped_skills())
    assert bridge_df.join(dim_df, "skill_sk", "left_anti").count() == 0  # every bridge row has its skill


def test_function_and_industry_bridges_have_one_row_per_distinct_label(spark):
    from spark_jobs.gold import build_bridge_job_functions, build_bridge_job_industries

    silver_df = spark.createDataFrame(
        [("a", [" Engineering", "engineering", "Sales"], ["Banking"]), ("b", [], None)],
        "posting_key string, job_functions array<string>, industries array<string>",
    )
    functions = sorted((r["posting_key"], r["job_function"]) for r in build_bridge_job_functions(silver_df).collect())
    assert functions == [("a", "Engineering"), ("a", "Sales")]  # "engineering" is the same function
    industries = build_bridge_job_industries(silver_df).collect()
    assert [(r["posting_key"], r["industry"]) for r in industries] == [("a", "Banking")]
