"""The manifests, the image and the k8s configuration profile agree: paths, ports, services, secrets."""

import json
import re
from pathlib import PurePosixPath
from urllib.parse import urlsplit

import pytest
import yaml

from lakehouse.cli import build_parser
from lakehouse.config import resolve
from lakehouse.k8s import JOBS, K8S_DIR, OVERLAYS, render, spark_application
from tests.conftest import REPO

DOCKERFILE = (K8S_DIR / "Dockerfile").read_text(encoding="utf-8")
CLI_FILE = "local:///opt/joblake/lakehouse/cli.py"
CREDENTIAL = re.compile(r"KEY|SECRET|PASSWORD|TOKEN|CREDENTIAL", re.IGNORECASE)
POD_TEMPLATE_KINDS = ("Deployment", "StatefulSet", "Job")


def settings_of(overlay: str):
    """The k8s profile with the overlay's ConfigMap applied, as a joblake pod resolves it."""
    (config,) = [o for o in render(overlay) if o["kind"] == "ConfigMap" and o["metadata"]["name"] == "joblake-config"]
    assert config["data"]["JOBLAKE_PROFILE"] == "k8s"
    return resolve("k8s", config["data"])  # an unknown or mistyped key would raise here


def one(overlay: str, kind: str, name: str) -> dict:
    (obj,) = [o for o in render(overlay) if o["kind"] == kind and o["metadata"]["name"] == name]
    return obj


def pod_specs(overlay: str) -> list[tuple[str, dict]]:
    return [
        (o["metadata"]["name"], o["spec"]["template"]["spec"])
        for o in render(overlay)
        if o["kind"] in POD_TEMPLATE_KINDS
    ]


def env_of(pod: dict) -> dict[str, dict]:
    return {var["name"]: var for var in pod.get("env") or []}


def dockerfile_copies() -> dict[str, str]:
    """COPY source -> destination, destinations made absolute against the WORKDIR in force."""
    copies, workdir = {}, "/"
    for line in DOCKERFILE.splitlines():
        if line.startswith("WORKDIR "):
            workdir = line.split()[1]
        if line.startswith("COPY "):
            *sources, destination = [part for part in line.split()[1:] if not part.startswith("--")]
            for source in sources:
                copies[source] = str(PurePosixPath(workdir) / destination)
    return copies


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_config_map_resolves_as_the_k8s_profile(overlay):
    settings = settings_of(overlay)
    assert settings["lake.root"].startswith("s3a://") and settings["kafka.managed"] is False


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("job", JOBS)
def test_every_job_runs_the_cli_with_arguments_it_accepts(overlay, job):
    app = spark_application(job, overlay)
    assert app["spec"]["mainApplicationFile"] == CLI_FILE
    args = build_parser().parse_args(app["spec"]["arguments"])
    assert args.command == job
    assert (
        (REPO / "lakehouse" / "cli.py")
        .read_text()
        .rstrip()
        .endswith('if __name__ == "__main__":\n    sys.exit(main())')
    )


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_stream_runs_for_good_with_checkpoints_on_s3_and_scraped_metrics(overlay):
    settings, stream = settings_of(overlay), spark_application("stream", overlay)
    assert settings["streaming.trigger"].startswith("processingTime:")
    assert stream["spec"]["restartPolicy"]["type"] == "Always"
    checkpoints = stream["spec"]["sparkConf"]["spark.sql.streaming.checkpointLocation"]
    assert checkpoints == f"{settings['lake.root']}/_checkpoints" and checkpoints.startswith("s3a://")
    annotations = stream["spec"]["driver"]["annotations"]
    assert annotations["prometheus.io/scrape"] == "true"
    assert annotations["prometheus.io/port"] == str(settings["streaming.metrics_port"]) == "9108"
    assert settings["streaming.metrics_addr"] == "0.0.0.0"


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("job", JOBS)
def test_jars_and_python_are_where_the_image_puts_them(overlay, job):
    settings, conf = settings_of(overlay), spark_application(job, overlay)["spec"]["sparkConf"]
    copies = dockerfile_copies()
    assert copies[".jars/spark/"].rstrip("/") == settings["spark.jars_dir"]
    assert (
        conf["spark.driver.extraClassPath"]
        == conf["spark.executor.extraClassPath"]
        == f"{settings['spark.jars_dir']}/*"
    )
    model_jar = PurePosixPath(settings["embeddings.model_jar"])
    assert copies[f".jars/models/{model_jar.name}"].rstrip("/") == str(model_jar.parent)
    if (REPO / ".jars" / "models").is_dir():  # after `make jars`: the file the image copies is the one resolved
        assert (REPO / ".jars" / "models" / model_jar.name).is_file()
    assert copies["lakehouse/"] == "/opt/joblake/lakehouse" and CLI_FILE.endswith("/opt/joblake/lakehouse/cli.py")
    assert f"PYSPARK_PYTHON={conf['spark.pyspark.python']}" in DOCKERFILE


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_kafka_and_mlflow_services_are_the_configured_endpoints(overlay):
    settings = settings_of(overlay)
    ports = {
        o["metadata"]["name"]: {p["port"] for p in o["spec"]["ports"]}
        for o in render(overlay)
        if o["kind"] == "Service"
    }
    for server in settings["kafka.bootstrap_servers"].split(","):
        host, port = server.rsplit(":", 1)
        assert int(port) in ports[host]
    tracking = urlsplit(settings["mlflow.tracking_uri"])
    assert tracking.port in ports[tracking.hostname]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_topic_job_creates_the_configured_topic_on_every_replica(overlay):
    settings, kafka = settings_of(overlay), one(overlay, "StatefulSet", "joblake-kafka")
    (create,) = one(overlay, "Job", "joblake-kafka-topics")["spec"]["template"]["spec"]["containers"]
    options = dict(arg.removeprefix("--").split("=", 1) for arg in create["command"][1:] if "=" in arg)
    assert options["topic"] == settings["kafka.topic"]
    assert int(options["partitions"]) == settings["kafka.topic_partitions"]
    replicas = kafka["spec"]["replicas"]
    assert int(options["replication-factor"]) == replicas
    (broker,) = kafka["spec"]["template"]["spec"]["containers"]
    env = {name: var.get("value") for name, var in env_of(broker).items()}
    assert len(env["KAFKA_CONTROLLER_QUORUM_VOTERS"].split(",")) == replicas
    assert int(env["KAFKA_MIN_INSYNC_REPLICAS"]) == int(options["config"].split("=")[1]) == max(1, replicas - 1)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_drivers_mount_what_the_configuration_points_at(overlay):
    settings = settings_of(overlay)

    def mounts(job: str) -> dict[str, str]:
        driver = spark_application(job, overlay)["spec"]["driver"]
        return {m["mountPath"]: m["name"] for m in driver.get("volumeMounts") or []} | {
            s["path"]: s["name"] for s in driver.get("secrets") or []
        }

    for job in ("scrape", "validate"):  # the ingest ledger
        assert str(PurePosixPath(settings["scrape.state_db"]).parent) in mounts(job)
    for job in ("scrape", "validate", "match"):  # the per-host secrets file (and the LLM's header)
        assert mounts(job)[str(PurePosixPath(settings["scrape.secrets_file"]).parent)] == "joblake-http-secrets"
    match = spark_application("match", overlay)["spec"]
    assert match["arguments"][match["arguments"].index("--resume") + 1] in mounts("match")
    if "resume_dir" in settings.values.get("orchestration", {}) and settings["orchestration.resume_dir"]:
        assert settings["orchestration.resume_dir"] in mounts("match")  # the folder Airflow's match task names
    train = spark_application("train-ranker", overlay)["spec"]["driver"]
    assert env_of(train)["JOBLAKE_SHARED_DATA"]["value"] in mounts("train-ranker")


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_credentials_come_only_from_secret_references(overlay):
    objects = render(overlay)
    assert "Secret" not in {o["kind"] for o in objects}
    text = json.dumps(objects)
    assert "AKIA" not in text  # no AWS access key id pasted anywhere
    pods = [pod for _, spec in pod_specs(overlay) for pod in spec["containers"]]
    pods += [spark_application(job, overlay)["spec"][role] for job in JOBS for role in ("driver", "executor")]
    for pod in pods:
        for name, var in env_of(pod).items():
            if CREDENTIAL.search(name):
                assert "secretKeyRef" in var.get("valueFrom", {}), name
        for source in pod.get("envFrom") or []:
            assert "secretRef" not in source  # spark-submit could not name its keys
    for job in JOBS:
        driver_env = env_of(spark_application(job, overlay)["spec"]["driver"])
        assert driver_env["AWS_SECRET_ACCESS_KEY"]["valueFrom"]["secretKeyRef"]["name"] == "joblake-s3"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_pods_run_unprivileged_with_bounded_resources_and_probes(overlay):
    uid = int(re.findall(r"^USER (\d+)", DOCKERFILE, re.MULTILINE)[-1])  # the user the image runs as
    for name, spec in pod_specs(overlay):
        assert spec["securityContext"]["runAsNonRoot"] is True, name
        assert spec["automountServiceAccountToken"] is False, name
        for container in spec["containers"]:
            assert container["securityContext"]["allowPrivilegeEscalation"] is False, name
            assert container["securityContext"]["capabilities"]["drop"] == ["ALL"], name
            assert set(container["resources"]["requests"]) == set(container["resources"]["limits"]) == {"cpu", "memory"}
            if name != "joblake-kafka-topics":  # servers: started, ready and alive are all checked
                assert {"startupProbe", "readinessProbe", "livenessProbe"} <= set(container), name
    for job in JOBS:
        spec = spark_application(job, overlay)["spec"]
        for role in ("driver", "executor"):
            assert spec[role]["podSecurityContext"]["runAsNonRoot"] is True
            assert spec[role]["podSecurityContext"]["runAsUser"] == uid
            assert {"cores", "memory"} <= set(spec[role])
        assert {"coreLimit", "memoryOverhead"} <= set(spec["driver"])


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_images_are_pinned_and_the_joblake_image_is_the_overlays(overlay):
    objects = render(overlay)
    images = [c["image"] for _, spec in pod_specs(overlay) for c in spec["containers"]]
    images += [
        o["spec"].get("image") or o["spec"]["template"]["image"] for o in objects if "sparkoperator" in o["apiVersion"]
    ]
    for image in images:
        assert ":" in image.rsplit("/", 1)[-1] and not image.endswith(":latest"), image
    expected = {"dev": "ghcr.io/joblake/joblake:0.1.0-dev", "prod": "ghcr.io/joblake/joblake:0.1.0"}[overlay]
    assert {i for i in images if "joblake/joblake" in i} == {expected}


def test_batch_jobs_are_suspended_schedules_airflow_submits():
    for overlay in OVERLAYS:
        scheduled = [o for o in render(overlay) if o["kind"] == "ScheduledSparkApplication"]
        assert {o["metadata"]["name"] for o in scheduled} == set(JOBS.values()) - {"joblake-stream"}
        for app in scheduled:
            assert app["spec"]["suspend"] is True and app["spec"]["concurrencyPolicy"] == "Forbid"


def test_the_two_common_spark_patches_stay_equal():
    spark = K8S_DIR / "base" / "spark"
    common = yaml.safe_load((spark / "common.yaml").read_text())
    scheduled = yaml.safe_load((spark / "common-scheduled.yaml").read_text())
    assert common["spec"] == scheduled["spec"]["template"]
