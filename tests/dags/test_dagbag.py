"""The DAG files parse without errors, follow the house rules, and stay light for the DAG processor."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta

import pytest

from tests.dags.conftest import DAGS, parse_dags

DAG_IDS = {"joblake_ingest", "joblake_stream", "joblake_nightly", "joblake_retrain"}
HEAVY = ("pyspark", "mlflow", "pandas", "spark_jobs", "kubernetes")  # kubernetes: only the k8s backend loads it
NIGHT = "{{ data_interval_start | ds }}"


@pytest.fixture(scope="module")
def dagbag():
    return parse_dags()


def test_every_dag_file_imports_without_errors(dagbag):
    assert dagbag.import_errors == {}
    assert set(dagbag.dag_ids) == DAG_IDS


@pytest.mark.parametrize("dag_id", sorted(DAG_IDS))
def test_every_dag_follows_the_house_rules(dagbag, dag_id):
    dag = dagbag.dags[dag_id]
    assert type(dag.timetable).__name__ == "CronDataIntervalTimetable"  # partitions come from the data interval
    assert dag.start_date.tzinfo is not None and dag.catchup is False
    assert "joblake" in dag.tags and dag.max_active_runs == 1
    assert dag.doc_md and dag.doc_md.strip().startswith(f"### {dag_id}")
    commands = [task for task in dag.tasks if hasattr(task, "arguments")]
    assert commands, "every DAG runs at least one joblake command"
    for task in commands:
        assert task.task_id in dag.doc_md, f"{task.task_id} is not explained in doc_md"
        assert task.owner == "joblake"
        assert task.retries >= 1 and task.retry_delay > timedelta(0)
        assert task.retry_exponential_backoff >= 2 and task.max_retry_delay >= task.retry_delay


def test_the_task_graphs(dagbag):
    nightly = dagbag.dags["joblake_nightly"]
    gold, match = (nightly.get_task(t) for t in ("build_gold", "match_stored_resumes"))
    assert gold.arguments == ["nightly", "--date", NIGHT]
    assert match.arguments[:2] == ["match", "--resume"]
    assert gold.downstream_task_ids == {"match_stored_resumes"} and not gold.upstream_task_ids

    ingest = dagbag.dags["joblake_ingest"]
    validate = ingest.get_task("validate_open_postings")
    assert validate.arguments == ["validate"] and validate.trigger_rule == "all_done"
    assert ingest.get_task("fail_if_a_source_failed").upstream_task_ids == {"validate_open_postings"}

    assert dagbag.dags["joblake_stream"].get_task("stream_to_silver").arguments == [
        "stream",
        "--trigger",
        "availableNow",
    ]
    assert dagbag.dags["joblake_retrain"].task_ids == ["train_challenger_and_promote_if_better"]


def test_ingest_sources_become_one_task_each(joblake_env):
    joblake_env(
        {
            "orchestration.ingest_sources": [
                "scrape --source greenhouse",
                "scrape --source linkedin --query 'Data Engineer' --location Chicago --pages 5",
                "scrape --source linkedin --query Nurse",
                "import /data/drop/nhs_jobs.csv --mapping nhs_jobs",
            ],
            "orchestration.validate_limit": 500,
        }
    )
    ingest = parse_dags().dags["joblake_ingest"]
    arguments = {task.task_id: task.arguments for task in ingest.tasks if hasattr(task, "arguments")}
    assert arguments == {
        "scrape_greenhouse": ["scrape", "--source", "greenhouse", "--quiet"],
        "scrape_linkedin": [
            "scrape", "--source", "linkedin", "--query", "Data Engineer", "--location", "Chicago", "--pages", "5",
            "--quiet",
        ],
        "scrape_linkedin_2": ["scrape", "--source", "linkedin", "--query", "Nurse", "--quiet"],
        "import_nhs_jobs": ["import", "/data/drop/nhs_jobs.csv", "--mapping", "nhs_jobs"],
        "validate_open_postings": ["validate", "--limit", "500"],
    }  # fmt: skip
    sources = {"scrape_greenhouse", "scrape_linkedin", "scrape_linkedin_2", "import_nhs_jobs"}
    assert ingest.get_task("validate_open_postings").upstream_task_ids == sources
    assert ingest.get_task("fail_if_a_source_failed").upstream_task_ids == sources | {"validate_open_postings"}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"orchestration.backend": "yarn"}, "orchestration.backend must be one of local, k8s, got 'yarn'"),  # typo
        (
            {"orchestration.ingest_sources": ["nightly"]},
            "each entry is the arguments of `joblake scrape`",
        ),  # not ingest
    ],
)
def test_bad_orchestration_settings_are_import_errors_that_say_why(joblake_env, overrides, message):
    joblake_env(overrides)
    errors = parse_dags().import_errors
    assert errors and all(message in error for error in errors.values())


@pytest.mark.parametrize("dag_file", sorted(p.name for p in DAGS.glob("joblake_*.py")))
def test_a_dag_file_imports_in_under_a_second_without_heavy_modules(dag_file):
    """Timed in a fresh interpreter after Airflow's own SDK, which the DAG processor has loaded before any file."""
    probe = f"""
import importlib.util, json, sys, time
from airflow.sdk import DAG, BaseNotifier, BaseOperator, CronDataIntervalTimetable
from airflow.sdk.exceptions import AirflowSkipException
sys.path.insert(0, {str(DAGS)!r})
started = time.perf_counter()
spec = importlib.util.spec_from_file_location("dag_file", {str(DAGS / dag_file)!r})
spec.loader.exec_module(importlib.util.module_from_spec(spec))
seconds = time.perf_counter() - started
print(json.dumps({{"seconds": seconds, "heavy": sorted(m for m in {HEAVY!r} if m in sys.modules)}}))
"""
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    assert measured["heavy"] == []
    assert measured["seconds"] < 1.0, measured
