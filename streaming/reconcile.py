"""Reconciliation: every record read is accounted for, in exactly one place."""

from __future__ import annotations

from dataclasses import dataclass, field

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from ingestion.raw_zone import count_raw_records
from lakehouse.catalog import read_table
from lakehouse.config import Settings


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

    @property
    def accounted(self) -> int:
        """Bronze rows that reached silver (new postings, duplicates, closed events) or quarantine."""
        return self.silver_postings + self.duplicates + self.closed_events + self.quarantined

    @property
    def balanced(self) -> bool:
        """True when nothing was lost or counted twice between the layers."""
        return self.raw_records == self.bronze_rows == self.accounted


def reconcile(spark: SparkSession, settings: Settings) -> Reconciliation:
    """Count every layer and the quarantine reasons."""

    bronze_df, silver_df, quarantine_df = (
        read_table(spark, settings, name)
        for name in ("bronze.job_postings", "silver.job_postings", "silver.quarantine")
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
    )
