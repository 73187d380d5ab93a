"""How the nightly job writes gold Delta tables: rerunnable writes, and putting tables back after a failed night."""

from __future__ import annotations

from delta.tables import DeltaTable
from pyspark.sql import DataFrame, SparkSession


def table_version(spark: SparkSession, path: str) -> int | None:
    """The table's latest version, None when it does not exist."""
    if not DeltaTable.isDeltaTable(spark, path):
        return None
    return DeltaTable.forPath(spark, path).history(1).first()["version"]


def overwrite(df: DataFrame, path: str) -> None:
    """Replace the table's content (and schema) with df."""
    df.write.format("delta").mode("overwrite").option("overwriteSchema", "true").save(path)


def overwrite_if_changed(spark: SparkSession, path: str, df: DataFrame) -> bool:
    """Overwrite the table with df unless it already holds exactly those rows; True when it wrote.

    A night with nothing new leaves derived tables (dimensions, aggregates) at their version, so a
    rerun is a no-op in the table history too.
    """
    df = df.localCheckpoint()  # computed once for the comparison and the write
    if DeltaTable.isDeltaTable(spark, path):
        current_df = spark.read.format("delta").load(path)
        same_schema = current_df.schema.simpleString() == df.schema.simpleString()
        if same_schema and current_df.exceptAll(df).isEmpty() and df.exceptAll(current_df).isEmpty():
            return False
    overwrite(df, path)
    return True


def replace_for_keys(spark: SparkSession, path: str, keys_df: DataFrame, rows_df: DataFrame, key: str) -> None:
    """Replace every row whose key is in keys_df by rows_df's rows (a bridge's rows of changed postings).

    Two commits (delete, then append); the nightly job restores its tables when anything fails between
    them, and a rerun of the same changes deletes and appends the same rows again.
    """
    if not DeltaTable.isDeltaTable(spark, path):
        overwrite(rows_df, path)
        return
    (
        DeltaTable.forPath(spark, path)
        .alias("t")
        .merge(keys_df.select(key).distinct().alias("k"), f"t.`{key}` = k.`{key}`")
        .whenMatchedDelete()
        .execute()
    )
    rows_df.write.format("delta").mode("append").save(path)


def restore_versions(spark: SparkSession, versions: dict[str, int | None]) -> list[str]:
    """Put each table back at the version it had before the run; returns the paths it restored.

    A table the run created (no version before) is left: there is no earlier good state to go back to.
    """
    restored = []
    for path, version in versions.items():
        if version is not None and table_version(spark, path) != version:
            DeltaTable.forPath(spark, path).restoreToVersion(version)
            restored.append(path)
    return restored
