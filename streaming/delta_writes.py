"""Idempotent Delta writes for foreachBatch functions (txnAppId / txnVersion)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from functools import cache

from pyspark.sql import DataFrame, SparkSession

TXN_APP_ID = "spark.databricks.delta.write.txnAppId"
TXN_VERSION = "spark.databricks.delta.write.txnVersion"
MERGE_MATERIALIZE_SOURCE = "spark.databricks.delta.merge.materializeSource"


@cache
def query_app_id(spark: SparkSession, query_name: str, checkpoint: str) -> str:
    """A Delta txnAppId for one streaming query and checkpoint.

    It carries the query id Spark stores in the checkpoint's metadata file (read through
    Spark, so local and s3a checkpoints alike), so a fresh checkpoint (batch ids restarting
    at 0) is never mistaken for a replay of an old one.
    """
    first_line = spark.read.text(f"{checkpoint.rstrip('/')}/metadata").first()
    return f"joblake.{query_name}.{json.loads(first_line['value'])['id']}"


def append_once(df: DataFrame, path: str, app_id: str, batch_id: int, partition_by: tuple[str, ...] = ()) -> None:
    """Append a micro-batch to a Delta table; a retried batch id is skipped by Delta."""
    writer = df.write.format("delta").mode("append").option("txnAppId", app_id).option("txnVersion", batch_id)
    if partition_by:
        writer = writer.partitionBy(*partition_by)
    writer.save(path)


@contextmanager
def session_conf(spark: SparkSession, values: dict[str, str]) -> Iterator[None]:
    """Within the block, the session has these SQL settings; afterwards each is as it was."""
    before = {key: spark.conf.get(key, None) for key in values}
    for key, value in values.items():
        spark.conf.set(key, value)
    try:
        yield
    finally:
        for key, value in before.items():
            if value is None:
                spark.conf.unset(key)
            else:
                spark.conf.set(key, value)


def idempotent_dml(spark: SparkSession, app_id: str, batch_id: int) -> AbstractContextManager[None]:
    """Within the block, Delta DML (MERGE) commits once per (app_id, batch_id)."""
    return session_conf(spark, {TXN_APP_ID: app_id, TXN_VERSION: str(batch_id)})
