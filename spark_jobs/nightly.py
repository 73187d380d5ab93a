"""The nightly batch entry point: what Airflow's joblake_nightly runs, step by step."""

from __future__ import annotations

from pyspark.sql import SparkSession

from lakehouse.config import Settings
from spark_jobs.gold import run_gold


def run_nightly(spark: SparkSession, settings: Settings) -> dict[str, int]:
    """Run the nightly steps in order; returns rows per table written."""
    return run_gold(spark, settings)
