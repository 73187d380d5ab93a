"""Reconciliation: every record read is accounted for, in exactly one place.

Two independent counts must agree. From the tables: raw records = bronze rows = silver postings
+ duplicates + closed events + quarantined. From the silver stream's batch log
(`silver.stream_batches`), per run and in total: records read = new + updated + duplicates +
closed + quarantined, and its totals equal the tables' figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from ingestion.raw_zone import count_raw_records
from lakehouse.catalog import read_table
from lakehouse.config import Settings

BATCH_COUNTS = ("records_read", "new", "updated", "duplicates", "closed", "quarantined")


@dataclass(frozen=True)
class RunCounts:
    """What one `joblake stream` run's silver batches read and where each record went."""

    run_id: str
    started_at: datetime | None
    batches: int
    records_read: int
    new: int
    updated: int
    duplicates: int
    closed: int
    quarantined: int

    @property
    def adds_up(self) -> bool:
        return self.records_read == self.new + self.updated + self.duplicates + self.closed + self.quarantined


@dataclass(frozen=True)
class Reconciliation:
    """raw records = bronze rows = silver postings + duplicates + closed events + quarantined."""

    raw_records: int
    bronze_rows: int
    silver_postings: int
    duplicates: int
    closed_events: int
    quarantined: int
    quarantine_reasons: dict[str, int] = field(default_factory=dict)
    runs: list[RunCounts] = field(default_factory=list)

    @property
    def accounted(self) -> int:
        """Bronze rows that reached silver (new postings, duplicates, closed events) or quarantine."""
        return self.silver_postings + self.duplicates + self.closed_events + self.quarantined

    @property
    def total(self) -> RunCounts:
        """The batch log summed over every run."""
        sums = {name: sum(getattr(run, name) for run in self.runs) for name in ("batches", *BATCH_COUNTS)}
        return RunCounts("total", min((r.started_at for r in self.runs), default=None), **sums)

    @property
    def log_agrees(self) -> bool:
        """True when every run adds up and the log's totals are the tables' figures."""
        t = self.total
        return all(run.adds_up for run in self.runs) and (
            t.records_read,
            t.new,
            t.updated + t.duplicates,
            t.closed,
            t.quarantined,
        ) == (self.bronze_rows, self.silver_postings, self.duplicates, self.closed_events, self.quarantined)

    @property
    def balanced(self) -> bool:
        """True when nothing was lost or counted twice between the layers, by the tables and by the log."""
        return self.raw_records == self.bronze_rows == self.accounted and self.log_agrees


def reconcile(spark: SparkSession, settings: Settings) -> Reconciliation:
    """Count every layer and the quarantine reasons."""

    bronze_df, silver_df, quarantine_df, batches_df = (
        read_table(spark, settings, name)
        for name in ("bronze.job_postings", "silver.job_postings", "silver.quarantine", "silver.stream_batches")
    )
    silver_postings, records_merged, closed_events = 0, 0, 0
    if silver_df is not None:
        row = silver_df.agg(
            F.count(F.lit(1)).alias("n"), F.sum("times_seen").alias("seen"), F.sum("close_events").alias("closed")
        ).first()
        silver_postings, records_merged, closed_events = row["n"], row["seen"] or 0, row["closed"] or 0
    reasons = {}
    if quarantine_df is not None:
        reasons = {
            r["reject_reason"]: r["n"]
            for r in quarantine_df.groupBy("reject_reason").agg(F.count(F.lit(1)).alias("n")).collect()
        }
    return Reconciliation(
        raw_records=count_raw_records(settings.path("lake.raw_root"), settings),
        bronze_rows=bronze_df.count() if bronze_df is not None else 0,
        silver_postings=silver_postings,
        duplicates=records_merged - silver_postings,
        closed_events=closed_events,
        quarantined=sum(reasons.values()),
        quarantine_reasons=dict(sorted(reasons.items())),
        runs=run_counts(batches_df) if batches_df is not None else [],
    )


def run_counts(batches_df: DataFrame) -> list[RunCounts]:
    """The batch log summed per run, oldest run first."""
    rows = (
        batches_df.groupBy("run_id")
        .agg(
            F.min("processed_at").alias("started_at"),
            F.count(F.lit(1)).alias("batches"),
            *[F.sum(name).alias(name) for name in BATCH_COUNTS],
        )
        .orderBy("started_at", "run_id")
        .collect()
    )
    return [RunCounts(**row.asDict()) for row in rows]
