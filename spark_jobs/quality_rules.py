"""The quality rules on silver and gold: which Great Expectations expectation each one is, on which frame.

Rules are plain data (the expectation's class name and its arguments), so this module does not import
Great Expectations; `spark_jobs.quality` turns them into an ExpectationSuite and runs them. The frames
are the tables themselves plus derived columns (`orphan_*`, `unskilled_posting_key`) the Spark joins add,
so that each rule is one expectation and its unexpected count is the number of offending rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

SILVER_TABLE = "silver.job_postings"
FACT_TABLE = "gold.fact_job_postings"
BRIDGE_SKILLS_TABLE = "gold.bridge_job_skills"
DIM_SKILL_TABLE = "gold.dim_skill"

SALARY_CEILING = 10_000_000.0  # per year, in any currency: above it the parse went wrong (a year read as a salary)
SKILL_COVERAGE_FLOOR = 0.5  # share of fact postings with at least one bridge_job_skills row

# fact column, dimension table, the dimension's key: each fact key must be a row of its dimension.
FACT_DIMENSIONS = (
    ("company_sk", "gold.dim_company", "company_sk"),
    ("location_sk", "gold.dim_location", "location_sk"),
    ("posted_date_sk", "gold.dim_date", "date_sk"),
    ("employment_sk", "gold.dim_employment", "employment_sk"),
)
DIMENSION_KEYS = {dim: key for _, dim, key in FACT_DIMENSIONS} | {DIM_SKILL_TABLE: "skill_sk"}

UNSKILLED_POSTING_KEY = "unskilled_posting_key"  # posting_key of fact rows without a skill, null for the others


@dataclass(frozen=True)
class Rule:
    """One quality rule: a short stable name for messages and one Great Expectations expectation.

    `expectation` is the class name in `great_expectations.expectations`; `units` name what the
    unexpected count counts (singular, plural).
    """

    name: str
    expectation: str
    kwargs: dict[str, Any]
    units: tuple[str, str] = ("row", "rows")

    @property
    def columns(self) -> list[str]:
        """The columns the expectation reads, for the report."""
        one = [self.kwargs[k] for k in ("column", "column_A", "column_B") if k in self.kwargs]
        return one + list(self.kwargs.get("column_list", []))


@dataclass(frozen=True)
class Check:
    """The rules on one table, validated as one Great Expectations batch of `frame`."""

    table: str
    frame: DataFrame
    rules: list[Rule]
    skipped: list[str] = field(default_factory=list)  # "rule name: why", for rules that could not run


def short_name(table: str) -> str:
    """`gold.dim_company` -> `dim_company`."""
    return table.split(".", 1)[-1]


def not_null(column: str) -> Rule:
    return Rule(f"{column} not null", "ExpectColumnValuesToNotBeNull", {"column": column})


def unique(column: str) -> Rule:
    """Every row whose value another row shares counts (two rows with one key: 2), nulls ignored."""
    return Rule(f"{column} unique", "ExpectColumnValuesToBeUnique", {"column": column})


def orphan_column(column: str) -> str:
    """The derived column holding `column`'s value where it has no parent row (null otherwise)."""
    return f"orphan_{column}"


def in_parent(column: str, parent_table: str) -> Rule:
    """Referential integrity, on the `orphan_*` column `with_orphan_keys` adds: it must be null everywhere."""
    return Rule(
        f"{column} in {short_name(parent_table)}", "ExpectColumnValuesToBeNull", {"column": orphan_column(column)}
    )


def silver_rules(as_of: datetime, salary_ceiling: float = SALARY_CEILING) -> list[Rule]:
    """The rules on silver.job_postings; `as_of` is the run's reference time (nothing is posted after it)."""
    if as_of.tzinfo is None:
        raise ValueError(f"as_of must be timezone-aware, got {as_of!r}")
    annual = [
        Rule(
            f"{column} between 0 and {salary_ceiling:,.0f}",
            "ExpectColumnValuesToBeBetween",
            {"column": column, "min_value": 0.0, "max_value": salary_ceiling},
        )
        for column in ("salary_annual_min", "salary_annual_max")
    ]
    return [
        not_null("posting_key"),
        unique("posting_key"),
        not_null("source"),
        not_null("first_seen_at"),
        Rule(
            "salary_min <= salary_max",
            "ExpectColumnPairValuesAToBeGreaterThanB",
            {
                "column_A": "salary_max",
                "column_B": "salary_min",
                "or_equal": True,
                "ignore_row_if": "either_value_is_missing",
            },
        ),
        Rule("salary_min >= 0", "ExpectColumnValuesToBeBetween", {"column": "salary_min", "min_value": 0.0}),
        Rule("salary_max >= 0", "ExpectColumnValuesToBeBetween", {"column": "salary_max", "min_value": 0.0}),
        *annual,
        Rule(
            "posted_at not in the future", "ExpectColumnValuesToBeBetween", {"column": "posted_at", "max_value": as_of}
        ),
    ]


def silver_check(silver_df: DataFrame, as_of: datetime, salary_ceiling: float = SALARY_CEILING) -> Check:
    """silver.job_postings reduced to the columns its rules read (a missing column fails its rule)."""
    rules = silver_rules(as_of, salary_ceiling)
    wanted = dict.fromkeys(column for rule in rules for column in rule.columns)
    frame = silver_df.select(*(c for c in wanted if c in silver_df.columns))
    return Check(SILVER_TABLE, frame, rules)


def with_orphan_keys(child_df: DataFrame, column: str, parent_df: DataFrame, parent_column: str) -> DataFrame:
    """Add `orphan_<column>`: the child's key where no parent row has it, null where one has (or it is null).

    A left join on the distinct parent keys is the left anti join of child and parent kept on every child
    row, so one batch checks all of a table's keys and Great Expectations reports a sample of orphan keys.
    The join is on the column name, so a child and a parent built from the same silver frame stay apart.
    """
    parent_keys_df = parent_df.select(F.col(parent_column).alias(column)).distinct().withColumn("_hit", F.lit(True))
    return (
        child_df.join(parent_keys_df, on=column, how="left")
        .withColumn(orphan_column(column), F.when(F.col("_hit").isNull(), F.col(column)))
        .drop("_hit")
    )


def with_unskilled_posting_key(fact_df: DataFrame, bridge_df: DataFrame) -> DataFrame:
    """Add `unskilled_posting_key`: the posting_key of postings without a bridge_job_skills row, else null."""
    skilled_df = bridge_df.select("posting_key").distinct().withColumn("_skilled", F.lit(True))
    return (
        fact_df.join(skilled_df, on="posting_key", how="left")
        .withColumn(UNSKILLED_POSTING_KEY, F.when(F.col("_skilled").isNull(), F.col("posting_key")))
        .drop("_skilled")
    )


def skill_coverage(floor: float) -> Rule:
    """At least `floor` of the fact postings have a skill: GE's `mostly` on the share of null `unskilled_posting_key`.

    The unexpected rows are the postings without skills, so the report samples their keys.
    """
    if not 0.0 <= floor <= 1.0:
        raise ValueError(f"skill coverage floor must be in [0, 1], got {floor}")
    return Rule(
        f"skill coverage >= {floor:.0%}",
        "ExpectColumnValuesToBeNull",
        {"column": UNSKILLED_POSTING_KEY, "mostly": floor},
        units=("posting without skills", "postings without skills"),
    )


def _absent(rule_name: str, table: str) -> str:
    return f"{rule_name}: skipped, {table} not given"


def fact_check(tables: dict[str, DataFrame], skill_coverage_floor: float) -> Check:
    """fact_job_postings: its key, each dimension key non-null and in its dimension, and skill coverage."""
    fact_df = tables[FACT_TABLE]
    frame = fact_df
    rules = [not_null("posting_key"), unique("posting_key")]
    skipped = []
    for column, dimension, key in FACT_DIMENSIONS:
        rules.append(not_null(column))
        rule = in_parent(column, dimension)
        if dimension not in tables:
            skipped.append(_absent(rule.name, dimension))
        elif column in fact_df.columns:  # a missing column already fails `<column> not null`
            frame = frame.transform(with_orphan_keys, column, tables[dimension], key)
            rules.append(rule)
    coverage = skill_coverage(skill_coverage_floor)
    if BRIDGE_SKILLS_TABLE in tables:
        frame = frame.transform(with_unskilled_posting_key, tables[BRIDGE_SKILLS_TABLE])
        rules.append(coverage)
    else:
        skipped.append(_absent(coverage.name, BRIDGE_SKILLS_TABLE))
    return Check(FACT_TABLE, frame, rules, skipped)


def bridge_skills_check(tables: dict[str, DataFrame]) -> Check:
    """bridge_job_skills: one row per (posting, skill), each posting in the fact and each skill in dim_skill."""
    frame = tables[BRIDGE_SKILLS_TABLE].transform(with_orphan_keys, "posting_key", tables[FACT_TABLE], "posting_key")
    rules = [
        Rule(
            "(posting_key, skill_sk) unique",
            "ExpectCompoundColumnsToBeUnique",
            {"column_list": ["posting_key", "skill_sk"]},
        ),
        in_parent("posting_key", FACT_TABLE),
    ]
    skipped = []
    skill_rule = in_parent("skill_sk", DIM_SKILL_TABLE)
    if DIM_SKILL_TABLE in tables:
        frame = frame.transform(with_orphan_keys, "skill_sk", tables[DIM_SKILL_TABLE], "skill_sk")
        rules.append(skill_rule)
    else:
        skipped.append(_absent(skill_rule.name, DIM_SKILL_TABLE))
    return Check(BRIDGE_SKILLS_TABLE, frame, rules, skipped)


def dimension_check(table: str, dim_df: DataFrame) -> Check:
    """A dimension's surrogate key: non-null and unique."""
    key = DIMENSION_KEYS[table]
    return Check(table, dim_df, [not_null(key), unique(key)])


def absent_tables(tables: dict[str, DataFrame]) -> list[str]:
    """A line for each optional gold table not given, whose own rules are therefore skipped."""
    optional = [BRIDGE_SKILLS_TABLE, *DIMENSION_KEYS]
    return [f"{table}: not given, its own rules skipped" for table in optional if table not in tables]


def gold_checks(tables: dict[str, DataFrame], skill_coverage_floor: float = SKILL_COVERAGE_FLOOR) -> list[Check]:
    """The checks on the gold star: the fact, then bridge_job_skills, then each dimension given.

    Only `gold.fact_job_postings` is required; rules that need an absent table are listed in `Check.skipped`.
    """
    if FACT_TABLE not in tables:
        raise ValueError(f"check_gold needs {FACT_TABLE}; got {sorted(tables)}")
    checks = [fact_check(tables, skill_coverage_floor)]
    if BRIDGE_SKILLS_TABLE in tables:
        checks.append(bridge_skills_check(tables))
    checks += [dimension_check(table, tables[table]) for table in DIMENSION_KEYS if table in tables]
    return checks
