"""The table catalog: every table's name and where it lives in the lake."""

from __future__ import annotations

from dataclasses import dataclass

from pyspark.sql import DataFrame, SparkSession

from lakehouse.config import Settings


@dataclass(frozen=True)
class Table:
    """A Delta table of the lake, addressed as `layer.name`."""

    layer: str
    name: str
    description: str

    @property
    def qualified(self) -> str:
        """The SQL name, e.g. `silver.job_postings`."""
        return f"{self.layer}.{self.name}"


TABLES = {
    t.qualified: t
    for t in (
        Table("bronze", "job_postings", "one row per Kafka record: payload bytes and Kafka coordinates"),
        Table("silver", "job_postings", "one row per posting, decoded and normalised"),
        Table("silver", "quarantine", "every rejected record with its reason and Kafka coordinates"),
        Table("silver", "stream_batches", "one row per silver micro-batch: records read, new, updated, duplicates"),
        Table("gold", "dim_company", "companies by match key"),
        Table("gold", "dim_location", "world region / country / region / city and workplace type"),
        Table("gold", "dim_employment", "employment type and seniority level"),
        Table("gold", "dim_date", "calendar: day, week, month, quarter, year"),
        Table("gold", "dim_skill", "the shipped skills taxonomy: category, hot and in-demand flags"),
        Table("gold", "fact_job_postings", "one row per posting with keys to the dimensions and salary measures"),
        Table("gold", "bridge_job_skills", "one row per posting and skill found in it, with its first mention"),
        Table("gold", "bridge_job_functions", "one row per posting and job function it lists"),
        Table("gold", "bridge_job_industries", "one row per posting and industry it lists"),
        Table("gold", "job_embeddings", "one sentence embedding per posting (title + requirements), with its model"),
        Table("gold", "duplicate_lsh_bands", "each posting's LSH bands (kept so a night hashes only changed postings)"),
        Table(
            "gold", "near_duplicate_links", "one employer's pairs of postings whose descriptions or embeddings match"
        ),
        Table("gold", "duplicate_groups", "near-duplicate postings across sources and reposts, grouped"),
        Table("gold", "agg_skill_trends", "postings per skill per week and month, share and growth"),
        Table("gold", "agg_location_analytics", "postings, remote share, median salary and top skills per place"),
        Table("gold", "agg_posting_quality", "postings with each quality issue per source and month"),
        Table("gold", "nightly_runs", "one row per nightly run: mode, silver version read, status"),
        Table("gold", "resume_matches", "top matches per resume (batch `joblake match`), with the model version"),
    )
}


def table_path(settings: Settings, name: str) -> str:
    """Storage location of a table: `<lake.root>/<layer>/<name>`."""
    if name not in TABLES:
        raise KeyError(f"unknown table '{name}' (known: {', '.join(sorted(TABLES))})")
    table = TABLES[name]
    return f"{settings.path('lake.root').rstrip('/')}/{table.layer}/{table.name}"


def checkpoint_path(settings: Settings, query: str) -> str:
    """Checkpoint location of a streaming query, below the lake root."""
    return f"{settings.path('lake.root').rstrip('/')}/_checkpoints/{query}"


def table_exists(spark: SparkSession, settings: Settings, name: str) -> bool:
    """True when the Delta table has been created."""
    from delta.tables import DeltaTable

    return DeltaTable.isDeltaTable(spark, table_path(settings, name))


def read_table(spark: SparkSession, settings: Settings, name: str) -> DataFrame | None:
    """The table as a DataFrame, or None when it has not been created yet."""
    if not table_exists(spark, settings, name):
        return None
    return spark.read.format("delta").load(table_path(settings, name))
