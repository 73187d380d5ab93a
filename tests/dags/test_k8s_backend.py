"""The k8s backend: every task submits its job's SparkApplication, rendered by lakehouse.k8s, with the command's
arguments and the run's date. Nothing here contacts a cluster: the DAGs are parsed and one task is rendered."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.dags.conftest import parse_dags

NIGHT = "{{ data_interval_start | ds }}"
SOURCES = ["scrape --source greenhouse", "import /data/drop/postings.json --mapping nhs_jobs"]
RESUMES = "/var/lib/joblake/resumes"

# (dag, task) -> (the SparkApplication's job, the joblake arguments it runs)
EXPECTED = {
    ("joblake_ingest", "scrape_greenhouse"): ("scrape", ["scrape", "--source", "greenhouse", "--quiet"]),
    ("joblake_ingest", "import_postings"): ("scrape", ["import", "/data/drop/postings.json", "--mapping", "nhs_jobs"]),
    ("joblake_ingest", "validate_open_postings"): ("validate", ["validate"]),
    ("joblake_nightly", "build_gold"): ("nightly", ["nightly", "--date", NIGHT]),
    ("joblake_nightly", "match_stored_resumes"): ("match", ["match", "--resume", RESUMES]),
    ("joblake_retrain", "train_challenger_and_promote_if_better"): ("train-ranker", ["train-ranker"]),
}


@pytest.fixture
def k8s_dags(joblake_env, monkeypatch):
    """The DAGs as a deployment with the k8s profile parses them."""
    monkeypatch.setenv("JOBLAKE_PROFILE", "k8s")
    joblake_env({"orchestration.ingest_sources": SOURCES, "orchestration.resume_dir": RESUMES})
    bag = parse_dags()
    assert bag.import_errors == {}
    return bag.dags


def test_every_task_submits_its_jobs_spark_application(k8s_dags):
    from airflow.providers.cncf.kubernetes.operators.spark_kubernetes import SparkKubernetesOperator

    from lakehouse.k8s import spark_application

    commands = {
        (dag_id, task.task_id)
        for dag_id, dag in k8s_dags.items()
        for task in dag.tasks
        if task.task_id != "fail_if_a_source_failed"
    }
    assert commands == set(EXPECTED) | {("joblake_stream", "stream_to_silver")}
    for (dag_id, task_id), (job, arguments) in EXPECTED.items():
        task = k8s_dags[dag_id].get_task(task_id)
        assert isinstance(task, SparkKubernetesOperator), task_id
        assert task.template_spec == spark_application(job, overlay="prod", arguments=arguments), task_id
        assert task.kubernetes_conn_id == "kubernetes_default"
        expected_namespace = task.template_spec.get("metadata", {}).get("namespace") or "default"
        assert task.namespace == expected_namespace  # orchestration.namespace is empty: the manifest's own
        assert task.retries == 3 and task.retry_exponential_backoff == 2.0  # the k8s profile's retries


def test_the_run_date_reaches_the_applications_arguments(k8s_dags):
    task = k8s_dags["joblake_nightly"].get_task("build_gold")
    interval = {
        "data_interval_start": datetime(2026, 11, 30, tzinfo=UTC),
        "data_interval_end": datetime(2026, 12, 1, tzinfo=UTC),
    }
    task.render_template_fields(interval)
    assert task.template_spec["spec"]["arguments"] == ["nightly", "--date", "2026-11-30"]
    import_task = k8s_dags["joblake_ingest"].get_task("import_postings")
    import_task.render_template_fields(interval)  # a `.json` argument is data, not a template file to load
    assert import_task.template_spec["spec"]["arguments"][:2] == ["import", "/data/drop/postings.json"]


def test_the_stream_task_keeps_the_applied_stream_application_alive(k8s_dags):
    """The stream is not watched to its end (it has none): the task checks the application and re-submits it."""
    from joblake_orchestration.kubernetes import KeepSparkApplicationRunning

    from lakehouse.k8s import spark_application

    task = k8s_dags["joblake_stream"].get_task("stream_to_silver")
    assert isinstance(task, KeepSparkApplicationRunning)
    arguments = ["stream", "--trigger", "processingTime:30 seconds"]  # the k8s profile's streaming.trigger
    assert task.application == spark_application("stream", overlay="prod", arguments=arguments)
    assert task.application["metadata"]["name"] == "joblake-stream"  # the overlay's own: never a second copy
    assert task.namespace == task.application["metadata"]["namespace"]
