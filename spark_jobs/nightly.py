"""The nightly batch entry point: what Airflow's joblake_nightly runs, step by step."""

from __future__ import annotations

import logging

from pyspark.sql import SparkSession

from lakehouse.catalog import table_path
from lakehouse.config import Settings
from spark_jobs.embeddings import update_job_embeddings
from spark_jobs.gold import run_gold

logger = logging.getLogger(__name__)


def run_nightly(spark: SparkSession, settings: Settings) -> dict[str, int]:
    """Rebuild the gold star schema and bring the posting embeddings up to date; returns rows per table."""
    silver_df = spark.read.format("delta").load(table_path(settings, "silver.job_postings")).cache()
    try:
        counts = run_gold(spark, settings, silver_df)
        embedded = update_job_embeddings(spark, settings, silver_df)
    finally:
        silver_df.unpersist()
    logger.info("nightly: embeddings %s", embedded)
    path = table_path(settings, "gold.job_embeddings")
    counts["gold.job_embeddings"] = spark.read.format("delta").load(path).count()
    return counts
