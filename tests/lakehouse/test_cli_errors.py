"""lakehouse.cli.spark_error_line: a Spark error as the one line the CLI prints, from real Spark errors."""

from __future__ import annotations

import pytest
from pyspark.sql import functions as F

from lakehouse.cli import spark_error_line


@pytest.mark.spark
def test_a_python_worker_s_error_is_the_cause_it_raised(spark) -> None:
    @F.udf("string")
    def refuse(value: int) -> str:
        raise ValueError(f"weights trained on another layer (row {value})")

    with pytest.raises(Exception) as raised:
        spark.range(1).select(refuse("id")).collect()
    assert type(raised.value).__name__ == "PythonException"
    assert spark_error_line(raised.value) == "ValueError: weights trained on another layer (row 0)"


@pytest.mark.spark
def test_a_jvm_error_is_its_first_line(spark) -> None:
    with pytest.raises(Exception) as raised:
        spark.sql("SELECT * FROM no_such_table_here").collect()
    line = spark_error_line(raised.value)
    assert line.startswith("AnalysisException: [TABLE_OR_VIEW_NOT_FOUND]") and "\n" not in line
