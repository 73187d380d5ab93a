"""Every manifest of both overlays passes its schema strictly, and a misspelt field fails it."""

import copy
import socket

import pytest

from lakehouse.k8s import JOBS, OVERLAYS, render, spark_application
from tests.k8s.schemas import SCHEMAS_DIR, core_errors, crd_errors, is_custom_resource

needs_crds = pytest.mark.skipif(
    not SCHEMAS_DIR.is_dir(), reason=f"the Spark Operator CRD schemas are not at {SCHEMAS_DIR} (shared/k8s-schemas)"
)


def rendered(overlay: str, kind: str, name: str) -> dict:
    (obj,) = [o for o in render(overlay) if o["kind"] == kind and o["metadata"]["name"] == name]
    return copy.deepcopy(obj)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_core_objects_pass_the_kubernetes_schemas(overlay):
    core = [o for o in render(overlay) if not is_custom_resource(o)]
    assert {o["kind"] for o in core} >= {"Deployment", "StatefulSet", "Service", "ConfigMap", "Role", "Job"}
    failures = {f"{o['kind']}/{o['metadata']['name']}": core_errors(o) for o in core}
    assert {k: v for k, v in failures.items() if v} == {}


@needs_crds
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_spark_operator_objects_pass_their_crds(overlay):
    custom = [o for o in render(overlay) if is_custom_resource(o)]
    assert {o["kind"] for o in custom} == {"SparkApplication", "ScheduledSparkApplication"}
    failures = {f"{o['kind']}/{o['metadata']['name']}": crd_errors(o) for o in custom}
    assert {k: v for k, v in failures.items() if v} == {}


@needs_crds
@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("job", JOBS)
def test_each_jobs_spark_application_passes_the_crd(overlay, job):
    assert crd_errors(spark_application(job, overlay, arguments=[job, "--help"])) == []


def test_a_misspelt_field_fails_a_core_kind():
    mlflow = rendered("prod", "Deployment", "mlflow")
    container = mlflow["spec"]["template"]["spec"]["containers"][0]
    container["imagePulPolicy"] = container.pop("imagePullPolicy")
    assert any("imagePulPolicy" in error for error in core_errors(mlflow))


@needs_crds
@pytest.mark.parametrize(
    ("kind", "name", "misspell"),
    [
        ("SparkApplication", "joblake-stream", lambda a: a["spec"]["driver"].__setitem__("corelimit", "1")),
        ("SparkApplication", "joblake-stream", lambda a: a["spec"]["restartPolicy"].__setitem__("onFailureRetry", 3)),
        ("ScheduledSparkApplication", "joblake-nightly", lambda a: a["spec"]["template"].__setitem__("argument", [])),
        ("ScheduledSparkApplication", "joblake-nightly", lambda a: a["spec"].__setitem__("schedul", "@daily")),
    ],
)
def test_a_misspelt_field_fails_a_spark_operator_kind_only_when_checked_strictly(kind, name, misspell):
    app = rendered("prod", kind, name)
    misspell(app)
    assert crd_errors(app, strict=True)
    assert crd_errors(app, strict=False) == []  # the API server would prune it silently: hence strict


@needs_crds
def test_a_wrong_type_fails_a_spark_application():
    app = rendered("prod", "SparkApplication", "joblake-stream")
    app["spec"]["executor"]["instances"] = "two"
    assert any("instances" in error for error in crd_errors(app))


def test_validation_needs_no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("schema validation tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    for obj in render("prod"):
        if not is_custom_resource(obj):
            assert core_errors(obj) == []
        elif SCHEMAS_DIR.is_dir():
            assert crd_errors(obj) == []
