"""silver.job_postings -> the Kimball star: fact_job_postings with company, location, date and skills."""

from __future__ import annotations

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from lakehouse.catalog import table_path
from lakehouse.config import Settings
from spark_jobs.skills import Skill, shipped_skills, skill_mentions

UNKNOWN_KEY = -1  # surrogate key of the "unknown" member each dimension carries


def company_sk(company_key: F.Column) -> F.Column:
    """Stable surrogate key of a company: the same key on every rebuild."""
    return F.coalesce(F.xxhash64(company_key), F.lit(UNKNOWN_KEY).cast("long"))


def location_sk(city: F.Column, region: F.Column, country: F.Column) -> F.Column:
    """Stable surrogate key of a location (city, region, country)."""
    return F.when(city.isNull() & region.isNull() & country.isNull(), F.lit(UNKNOWN_KEY).cast("long")).otherwise(
        F.xxhash64(F.coalesce(city, F.lit("")), F.coalesce(region, F.lit("")), F.coalesce(country, F.lit("")))
    )


def date_sk(ts: F.Column) -> F.Column:
    """yyyymmdd as an int, -1 for unknown dates."""
    return F.coalesce(F.date_format(ts, "yyyyMMdd").cast("int"), F.lit(UNKNOWN_KEY))


def with_unknown_member(dim_df: DataFrame, key_column: str, **values: object) -> DataFrame:
    """Add the 'unknown' row (surrogate key -1) that facts with a missing attribute point to."""
    row = {key_column: UNKNOWN_KEY} | values
    unknown_df = dim_df.sparkSession.range(1).select(
        *(F.lit(row.get(f.name)).cast(f.dataType).alias(f.name) for f in dim_df.schema.fields)
    )
    return dim_df.unionByName(unknown_df)


def build_dim_company(silver_df: DataFrame) -> DataFrame:
    """One row per company match key, named by its most frequent display name."""
    return (
        silver_df.where(F.col("company_key").isNotNull())
        .groupBy("company_key", "company")
        .agg(F.count(F.lit(1)).alias("n"), F.min("first_seen_at").alias("first_seen_at"))
        .groupBy("company_key")
        .agg(
            F.max_by("company", F.struct("n", "company")).alias("company_name"),
            F.sum("n").alias("postings"),
            F.min("first_seen_at").alias("first_seen_at"),
        )
        .select(
            company_sk(F.col("company_key")).alias("company_sk"),
            "company_key",
            "company_name",
            "postings",
            "first_seen_at",
        )
        .transform(with_unknown_member, "company_sk", company_name="(unknown)")
    )


def build_dim_location(silver_df: DataFrame) -> DataFrame:
    """One row per distinct (city, region, country), with an is_remote flag."""
    return (
        silver_df.where(F.col("city").isNotNull() | F.col("region").isNotNull() | F.col("country").isNotNull())
        .groupBy("city", "region", "country")
        .agg(F.count(F.lit(1)).alias("postings"))
        .select(
            location_sk(F.col("city"), F.col("region"), F.col("country")).alias("location_sk"),
            "city",
            "region",
            "country",
            "postings",
        )
        .transform(with_unknown_member, "location_sk")
    )


def build_dim_date(silver_df: DataFrame) -> DataFrame:
    """A calendar from the first to the last posting date, one row per day."""
    bounds = silver_df.select(F.to_date(F.min("posted_at")).alias("lo"), F.to_date(F.max("posted_at")).alias("hi"))
    days = bounds.where(F.col("lo").isNotNull()).select(F.explode(F.sequence("lo", "hi")).alias("date"))
    return days.select(
        date_sk(F.col("date")).alias("date_sk"),
        "date",
        F.year("date").alias("year"),
        F.quarter("date").alias("quarter"),
        F.month("date").alias("month"),
        F.dayofmonth("date").alias("day"),
        F.date_format("date", "EEEE").alias("day_name"),
        F.weekofyear("date").alias("iso_week"),
        F.dayofweek("date").isin(1, 7).alias("is_weekend"),
    ).transform(with_unknown_member, "date_sk")


def build_fact_job_postings(silver_df: DataFrame) -> DataFrame:
    """One row per posting with dimension keys and the measures analysts aggregate."""
    return silver_df.select(
        "posting_key",
        company_sk(F.col("company_key")).alias("company_sk"),
        location_sk(F.col("city"), F.col("region"), F.col("country")).alias("location_sk"),
        date_sk(F.col("posted_at")).alias("posted_date_sk"),
        "source",
        "title",
        "title_seniority",
        "employment_type",
        "seniority_level",
        "workplace_type",
        "salary_min",
        "salary_max",
        "salary_currency",
        "salary_period",
        "posted_at",
        "is_active",
        "times_seen",
        (F.col("times_seen") - 1).alias("duplicate_records"),
    )


def skill_sk(skill_id: F.Column) -> F.Column:
    """Stable surrogate key of a skill."""
    return F.coalesce(F.xxhash64(skill_id), F.lit(UNKNOWN_KEY).cast("long"))


def build_dim_skill(spark: SparkSession, skills: tuple[Skill, ...]) -> DataFrame:
    """One row per skill of the taxonomy joblake ships (no unknown member: a bridge row always has a skill)."""
    rows = [
        (s.skill_id, s.name, s.category, s.is_hot, s.in_demand, s.ambiguous, s.source, s.esco_id, len(s.aliases))
        for s in skills
    ]
    ddl = (
        "skill_id string, skill_name string, category string, is_hot boolean, in_demand boolean, "
        "ambiguous boolean, source string, esco_id string, aliases int"
    )
    dim_df = spark.createDataFrame(rows, ddl)
    return dim_df.select(skill_sk(F.col("skill_id")).alias("skill_sk"), *dim_df.columns)


def posting_text(silver_df: DataFrame) -> DataFrame:
    """posting_key and the text skills are read from: the title as its own first sentence, then the description."""
    return silver_df.select("posting_key", F.concat_ws(".\n", F.col("title_raw"), F.col("description")).alias("text"))


def build_bridge_job_skills(silver_df: DataFrame, skills: tuple[Skill, ...]) -> DataFrame:
    """One row per (posting, skill): where the skill is first mentioned and how many times."""
    mentions_df = skill_mentions(posting_text(silver_df), "posting_key", "text", skills)
    first = F.min(F.struct("begin", "end", "sentence_index", "surface"))
    return (
        mentions_df.groupBy("posting_key", "skill_id")
        .agg(first.alias("m"), F.count(F.lit(1)).alias("mentions"))
        .select(
            "posting_key",
            skill_sk(F.col("skill_id")).alias("skill_sk"),
            "skill_id",
            *[F.col(f"m.{field}").alias(field) for field in ("surface", "sentence_index", "begin", "end")],
            "mentions",
        )
    )


GOLD_BUILDERS = {
    "gold.dim_company": build_dim_company,
    "gold.dim_location": build_dim_location,
    "gold.dim_date": build_dim_date,
    "gold.fact_job_postings": build_fact_job_postings,
}


def run_gold(spark: SparkSession, settings: Settings, silver_df: DataFrame) -> dict[str, int]:
    """Rebuild every gold table from silver (overwrite: a rerun gives the same tables)."""
    skills = shipped_skills()
    built = {
        **{name: build(silver_df) for name, build in GOLD_BUILDERS.items()},
        "gold.dim_skill": build_dim_skill(spark, skills),
        "gold.bridge_job_skills": build_bridge_job_skills(silver_df, skills),
    }
    counts = {}
    for name, gold_df in built.items():
        gold_df.write.format("delta").mode("overwrite").option("overwriteSchema", "true").save(
            table_path(settings, name)
        )
        counts[name] = spark.read.format("delta").load(table_path(settings, name)).count()
    return counts
