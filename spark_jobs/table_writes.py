"""How the nightly job writes gold Delta tables: rerunnable writes, and putting tables back after a failed night."""

from __future__ import annotations

from delta.tables import DeltaTable
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F


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
        if current_df.schema.simpleString() == df.schema.simpleString() and same_rows(current_df, df):
            return False
    overwrite(df, path)
    return True


def same_rows(a_df: DataFrame, b_df: DataFrame) -> bool:
    """Whether two frames of one schema hold the same rows, duplicates counted (one job: both exceptAll ways)."""
    side = "__joblake_side"
    tagged_df = a_df.withColumn(side, F.lit(1)).unionByName(b_df.withColumn(side, F.lit(-1)))
    return tagged_df.groupBy(*a_df.columns).agg(F.sum(side).alias(side)).where(F.col(side) != 0).isEmpty()


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
