"""joblake_nightly end to end on the local backend: gold (silver gate first) for the data interval's day.

The lake is small (40 generated postings in silver): this is about the DAG running the real commands in order
with the interval's date, not about the night's figures, which tests/spark_jobs measure. No resume folder is
configured, so the last task is skipped; `joblake match --resume FOLDER` itself is tested end to end in
tests/integration/test_match.py, and the command this DAG gives it in tests/dags/test_k8s_backend.py. Running it
here too would add a Spark start, MLflow and a trained champion to a test whose budget is the night itself.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from ingestion.generator import generate_postings
from spark_jobs.nightly import GOLD_TABLES
from tests.dags.conftest import parse_dags
from tests.dags.lake import env_overrides, write_silver
from tests.streaming.bronze_rows import NOW

pytestmark = pytest.mark.spark

RUN_AFTER = datetime(2026, 11, 2, 6, tzinfo=UTC)  # data interval: 2026-11-01 00:00 to 2026-11-02 00:00


def test_the_nightly_dag_builds_gold_for_the_intervals_day(spark, settings, airflow_db, joblake_env, tmp_path):
    overrides = {
        **env_overrides(settings),
        "lake.root": str(tmp_path / "lake"),
        "quality.report_dir": str(tmp_path / "quality"),
    }
    write_silver(spark, settings.with_overrides(overrides), generate_postings(40, seed=11, now=NOW), tmp_path / "cp")
    joblake_env(overrides)

    run = parse_dags().dags["joblake_nightly"].test(logical_date=RUN_AFTER)

    states = {ti.task_id: ti.state for ti in run.get_task_instances()}
    assert states == {
        "build_gold": "success",
        "match_stored_resumes": "skipped",  # orchestration.resume_dir is empty
    }
    assert run.state == "success"
    lake = tmp_path / "lake"
    for name in GOLD_TABLES:
        layer, table = name.split(".")
        assert (lake / layer / table / "_delta_log").is_dir(), f"{name} was not written"
    silver_df = spark.read.format("delta").load(str(lake / "silver" / "job_postings"))
    assert spark.read.format("delta").load(str(lake / "gold" / "fact_job_postings")).count() == silver_df.count()
    nights = spark.read.format("delta").load(str(lake / "gold" / "nightly_runs")).collect()
    assert [(r["run_date"], r["mode"], r["status"]) for r in nights] == [(date(2026, 11, 1), "full", "succeeded")]
    gate_reports = list((tmp_path / "quality").glob("20261101-*/silver_quality.html"))
    assert len(gate_reports) == 1  # the night's silver gate report, named for the interval's day
