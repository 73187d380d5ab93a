"""silver.job_postings -> the Kimball star: dimensions, fact_job_postings and its skill, function and industry bridges.

Pure builders; spark_jobs/nightly.py decides what to rebuild and writes.
"""

from __future__ import annotations

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from lakehouse.config import Settings
from spark_jobs.skills import Skill, skill_mentions
from streaming.normalise import map_literal
from streaming.vocab import WORLD_REGIONS

UNKNOWN_KEY = -1  # surrogate key of the "unknown" member each dimension carries


def company_sk(company_key: F.Column) -> F.Column:
    """Stable surrogate key of a company: the same key on every rebuild."""
    return F.coalesce(F.xxhash64(company_key), F.lit(UNKNOWN_KEY).cast("long"))


def location_sk(city: F.Column, region: F.Column, country: F.Column, workplace_type: F.Column) -> F.Column:
    """Stable surrogate key of a place and how it is worked (city, region/state, country, workplace type)."""
    parts = (city, region, country, workplace_type)
    is_unknown = city.isNull() & region.isNull() & country.isNull() & workplace_type.isNull()
    return F.when(is_unknown, F.lit(UNKNOWN_KEY).cast("long")).otherwise(
        F.xxhash64(*(F.coalesce(c, F.lit("")) for c in parts))
    )


def employment_sk(employment_type: F.Column, seniority_level: F.Column) -> F.Column:
    """Stable surrogate key of an (employment type, seniority level) pair."""
    is_unknown = employment_type.isNull() & seniority_level.isNull()
    return F.when(is_unknown, F.lit(UNKNOWN_KEY).cast("long")).otherwise(
        F.xxhash64(F.coalesce(employment_type, F.lit("")), F.coalesce(seniority_level, F.lit("")))
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


def with_location_sk(df: DataFrame) -> DataFrame:
    """Add location_sk from silver's city, region, country and workplace_type."""
    return df.withColumn(
        "location_sk", location_sk(F.col("city"), F.col("region"), F.col("country"), F.col("workplace_type"))
    )


def build_dim_location(silver_df: DataFrame) -> DataFrame:
    """One row per place and workplace type: world region -> country -> region/state -> city, and is_remote."""
    return (
        silver_df.transform(with_location_sk)
        .where(F.col("location_sk") != UNKNOWN_KEY)
        .groupBy("location_sk", "city", "region", "country", "workplace_type")
        .agg(F.count(F.lit(1)).alias("postings"))
        .select(
            "location_sk",
            map_literal(WORLD_REGIONS)[F.col("country")].alias("world_region"),
            "country",
            "region",
            "city",
            "workplace_type",
            (F.col("workplace_type") == "remote").alias("is_remote"),
            "postings",
        )
        .transform(with_unknown_member, "location_sk")
    )


def build_dim_employment(silver_df: DataFrame) -> DataFrame:
    """One row per (employment type, seniority level) pair postings carry."""
    return (
        silver_df.where(F.col("employment_type").isNotNull() | F.col("seniority_level").isNotNull())
        .groupBy("employment_type", "seniority_level")
        .agg(F.count(F.lit(1)).alias("postings"))
        .select(
            employment_sk(F.col("employment_type"), F.col("seniority_level")).alias("employment_sk"),
            "employment_type",
            "seniority_level",
            "postings",
        )
        .transform(with_unknown_member, "employment_sk")
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
        F.date_format("date", "MMMM").alias("month_name"),
        F.trunc("date", "month").alias("month_start"),
        F.weekofyear("date").alias("iso_week"),
        F.to_date(F.date_trunc("week", "date")).alias("week_start"),
        F.dayofmonth("date").alias("day"),
        F.date_format("date", "EEEE").alias("day_name"),
        F.dayofweek("date").isin(1, 7).alias("is_weekend"),
    ).transform(with_unknown_member, "date_sk")


def build_fact_job_postings(silver_df: DataFrame) -> DataFrame:
    """One row per posting with dimension keys and the measures analysts aggregate."""
    annual_mid = F.coalesce(
        (F.col("salary_annual_min") + F.col("salary_annual_max")) / 2,
        F.col("salary_annual_min"),
        F.col("salary_annual_max"),
    )
    return silver_df.transform(with_location_sk).select(
        "posting_key",
        company_sk(F.col("company_key")).alias("company_sk"),
        "location_sk",
        employment_sk(F.col("employment_type"), F.col("seniority_level")).alias("employment_sk"),
        date_sk(F.col("posted_at")).alias("posted_date_sk"),
        "source",
        "title",
        "job_family",
        "occupation_code",
        "salary_min",
        "salary_max",
        "salary_currency",
        "salary_period",
        "salary_annual_min",
        "salary_annual_max",
        annual_mid.alias("salary_annual_mid"),
        F.coalesce(F.length("description"), F.lit(0)).alias("description_chars"),
        "posted_at",
        "first_seen_at",
        "is_active",
        "times_seen",
        (F.col("times_seen") - 1).alias("duplicate_records"),
        "duplicate_group_id",
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


def build_bridge_job_skills(
    silver_df: DataFrame, skills: tuple[Skill, ...], settings: Settings | None = None
) -> DataFrame:
    """One row per (posting, skill of the taxonomy): where the skill is first mentioned and how many times.

    `settings` locate the knowledge tagger's encoder (default: the profile's); a tagged span that names
    no skill of the taxonomy has no skill to bridge to and is left out.
    """
    texts_df = posting_text(silver_df)
    mentions_df = skill_mentions(texts_df, "posting_key", "text", skills, settings=settings)
    first = F.min(F.struct("begin", "end", "sentence_index", "surface"))
    return (
        mentions_df.where(F.col("skill_id").isNotNull())
        .groupBy("posting_key", "skill_id")
        .agg(first.alias("m"), F.count(F.lit(1)).alias("mentions"))
        .select(
            "posting_key",
            skill_sk(F.col("skill_id")).alias("skill_sk"),
            "skill_id",
            *[F.col(f"m.{field}").alias(field) for field in ("surface", "sentence_index", "begin", "end")],
            "mentions",
        )
    )


def labels_sk(label: F.Column) -> F.Column:
    """Stable key of a free-text label (job function, industry): case and spacing do not matter."""
    return F.xxhash64(F.lower(label))


def build_bridge_labels(silver_df: DataFrame, column: str, label: str) -> DataFrame:
    """One row per (posting, label) of an array column such as job_functions: `<label>_sk`, `<label>`."""
    labels_df = silver_df.select(
        "posting_key", F.explode(F.array_distinct(F.transform(column, lambda x: F.trim(x)))).alias(label)
    ).where(F.length(label) > 0)
    # the same label with different casing on one posting is one row, named by its first spelling
    return (
        labels_df.groupBy("posting_key", labels_sk(F.col(label)).alias(f"{label}_sk"))
        .agg(F.min(label).alias(label))
        .select("posting_key", f"{label}_sk", label)
    )


def build_bridge_job_functions(silver_df: DataFrame) -> DataFrame:
    """One row per (posting, job function) the posting lists."""
    return build_bridge_labels(silver_df, "job_functions", "job_function")


def build_bridge_job_industries(silver_df: DataFrame) -> DataFrame:
    """One row per (posting, industry) the posting lists."""
    return build_bridge_labels(silver_df, "industries", "industry")
