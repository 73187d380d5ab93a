"""The one line the CLI and `joblake sql` print for a Spark error (lakehouse.sql.error_line), from real Spark errors.

And the driver's log: Spark's own record of a failed task goes to `spark.log_file`, not over that line.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pyspark.sql import functions as F

from lakehouse.cli import spark_error_line
from lakehouse.config import load_settings
from lakehouse.session import log_options
from tests.conftest import REPO

FAILING_RUN = """
from pyspark.sql import functions as F
from lakehouse.cli import spark_error_line
from lakehouse.config import load_settings
from lakehouse.session import get_spark

settings = load_settings("test")
spark = get_spark(settings)

@F.udf("string")
def refuse(value):
    raise ValueError("weights trained on another layer")

try:
    spark.range(2).select(refuse("id")).collect()
except Exception as exc:
    print(spark_error_line(exc, settings))
"""


@pytest.mark.spark
def test_a_python_worker_s_error_is_the_cause_it_raised(spark, settings) -> None:
    @F.udf("string")
    def refuse(value: int) -> str:
        raise ValueError(f"weights trained on another layer (row {value})")

    with pytest.raises(Exception) as raised:
        spark.range(1).select(refuse("id")).collect()
    assert type(raised.value).__name__ == "PythonException"
    assert spark_error_line(raised.value) == "ValueError: weights trained on another layer (row 0)"
    log_file = settings.path("spark.log_file")
    assert spark_error_line(raised.value, settings) == (
        f"ValueError: weights trained on another layer (row 0) (Spark's log: {log_file})"
    )


@pytest.mark.spark
def test_a_jvm_error_is_its_first_line(spark) -> None:
    with pytest.raises(Exception) as raised:
        spark.sql("SELECT * FROM no_such_table_here").collect()
    line = spark_error_line(raised.value)
    assert line.startswith("[TABLE_OR_VIEW_NOT_FOUND] The table or view `no_such_table_here`") and "\n" not in line


@pytest.mark.spark
def test_a_failed_task_is_its_cause(spark) -> None:
    with pytest.raises(Exception) as raised:
        spark.sql("SELECT raise_error(concat('no luck on row ', CAST(id AS STRING))) FROM range(1)").collect()
    assert "Job aborted due to stage failure" in str(raised.value)
    assert spark_error_line(raised.value) == "java.lang.RuntimeException: no luck on row 0"


@pytest.mark.spark
def test_a_failed_task_is_logged_to_the_log_file_and_not_on_the_console(tmp_path: Path) -> None:
    log_file = tmp_path / "logs" / "spark.log"
    env = {**os.environ, "JOBLAKE_PROFILE": "test", "JOBLAKE__SPARK__LOG_FILE": str(log_file)}
    run = subprocess.run(
        [sys.executable, "-c", FAILING_RUN], cwd=REPO, env=env, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout == f"ValueError: weights trained on another layer (Spark's log: {log_file})\n"
    assert run.stderr == ""  # neither the executor's traceback nor Spark's "Setting default log level" notice
    logged = log_file.read_text()
    assert "ERROR" in logged and "Exception in task" in logged
    assert "ValueError: weights trained on another layer" in logged and "\tat org.apache.spark" in logged


@pytest.mark.spark
def test_without_a_log_file_a_failed_task_is_logged_on_the_console(tmp_path: Path) -> None:
    env = {**os.environ, "JOBLAKE_PROFILE": "test", "JOBLAKE__SPARK__LOG_FILE": ""}
    env["JOBLAKE__SPARK__JARS_DIR"] = str(REPO / ".jars" / "spark")
    run = subprocess.run(
        [sys.executable, "-c", FAILING_RUN], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout == "ValueError: weights trained on another layer\n"
    assert "ERROR Executor: Exception in task" in run.stderr  # the driver pod's log, on Kubernetes
    assert list(tmp_path.iterdir()) == []  # and no log file anywhere in the working folder


def test_the_log_options_follow_spark_log_file() -> None:
    settings = load_settings("test")
    assert log_options(settings) == (
        f"-Djoblake.log.file={settings.path('spark.log_file')} -Djoblake.log.file.level=all -Djoblake.log.console=off"
    )
    assert log_options(settings.with_overrides({"spark.log_file": ""})) == "-Djoblake.log.console=all"
