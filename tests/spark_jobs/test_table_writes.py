"""spark_jobs.table_writes: a rerun with the same rows writes no new table version."""

from __future__ import annotations

import pytest

from spark_jobs.table_writes import overwrite_if_changed, same_rows, table_version

pytestmark = pytest.mark.spark

SCHEMA = "city string, postings long, top_skills array<string>"


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ([("Leeds", 2, ["SQL"]), ("York", 1, [])], [("York", 1, []), ("Leeds", 2, ["SQL"])], True),  # order
        ([("Leeds", 2, ["SQL"])], [("Leeds", 2, ["SQL"]), ("Leeds", 2, ["SQL"])], False),  # a duplicate row
        ([("Leeds", 2, ["SQL", "R"])], [("Leeds", 2, ["R", "SQL"])], False),  # array order is content
        ([(None, 2, None)], [(None, 2, None)], True),  # nulls compare equal, as in exceptAll
        ([], [], True),
    ],
)
def test_same_rows_counts_duplicates_and_ignores_order(spark, a, b, same) -> None:
    a_df, b_df = spark.createDataFrame(a, SCHEMA), spark.createDataFrame(b, SCHEMA)
    assert same_rows(a_df, b_df) is same and same_rows(b_df, a_df) is same


def test_overwrite_if_changed_writes_only_new_content(spark, table_path) -> None:
    rows = [("Leeds", 2, ["SQL"]), ("York", 1, [])]
    assert overwrite_if_changed(spark, table_path, spark.createDataFrame(rows, SCHEMA))
    assert not overwrite_if_changed(spark, table_path, spark.createDataFrame(list(reversed(rows)), SCHEMA))
    assert table_version(spark, table_path) == 0
    assert overwrite_if_changed(spark, table_path, spark.createDataFrame(rows[:1], SCHEMA))
    assert table_version(spark, table_path) == 1
