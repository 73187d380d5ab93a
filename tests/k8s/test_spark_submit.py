"""spark_application and spark_submit_command: the job's SparkApplication and the plain spark-submit that runs it."""

import shlex

import pytest

import lakehouse.k8s as k8s
from lakehouse.config import ConfigError, resolve
from lakehouse.k8s import JOBS, K8S_DIR, format_command, spark_application, spark_submit_command

K8S = resolve("k8s", {})


def parsed(argv: list[str]) -> tuple[dict[str, str], dict[str, str], list[str]]:
    """(options, --conf map, main file and arguments) of a spark-submit argv."""
    assert argv[0] == "spark-submit"
    options, conf, i = {}, {}, 1
    while argv[i].startswith("--"):
        if argv[i] == "--conf":
            key, _, value = argv[i + 1].partition("=")
            assert key not in conf, f"--conf {key} given twice"
            conf[key] = value
        else:
            options[argv[i]] = argv[i + 1]
        i += 2
    return options, conf, argv[i:]


def test_an_unknown_job_is_a_one_line_error_naming_the_jobs():
    with pytest.raises(ConfigError) as error:
        spark_application("nightlly")
    assert str(error.value) == (
        "unknown job 'nightlly' (choose one of stream, nightly, validate, scrape, train-ranker, match)"
    )


@pytest.mark.parametrize("job", JOBS)
def test_arguments_replace_the_manifests_and_nothing_else(job):
    default = spark_application(job)
    given = spark_application(job, arguments=[job, "--help"])
    assert given["kind"] == "SparkApplication" and given["metadata"]["name"] == JOBS[job]
    assert given["metadata"]["namespace"] == "joblake"
    assert given["spec"]["arguments"] == [job, "--help"]
    assert {**given["spec"], "arguments": default["spec"]["arguments"]} == default["spec"]


def test_a_batch_job_is_its_schedules_template():
    nightly = spark_application("nightly", "dev", ["nightly", "--date", "2026-11-30"])
    assert nightly["apiVersion"] == "sparkoperator.k8s.io/v1beta2"
    assert nightly["metadata"]["labels"]["app.kubernetes.io/instance"] == "joblake-dev"
    assert nightly["spec"]["arguments"] == ["nightly", "--date", "2026-11-30"]
    assert "schedule" not in nightly["spec"] and nightly["spec"]["image"] == "ghcr.io/joblake/joblake:0.1.0-dev"


@pytest.mark.parametrize("job", JOBS)
@pytest.mark.parametrize("overlay", ["dev", "prod"])
def test_the_command_runs_the_cli_in_the_image_with_the_jars_and_the_service_account(job, overlay):
    app = spark_application(job, overlay)
    options, conf, main = parsed(spark_submit_command(K8S, job, overlay))
    assert options == {
        "--master": "k8s://https://kubernetes.default.svc",
        "--deploy-mode": "cluster",
        "--name": JOBS[job],
    }
    assert main == ["local:///opt/joblake/lakehouse/cli.py", *app["spec"]["arguments"]]
    assert conf["spark.kubernetes.namespace"] == {"dev": "joblake-dev", "prod": "joblake"}[overlay]
    assert conf["spark.kubernetes.container.image"] == app["spec"]["image"]
    assert conf["spark.kubernetes.authenticate.driver.serviceAccountName"] == "joblake-spark-driver"
    assert conf["spark.kubernetes.authenticate.executor.serviceAccountName"] == "joblake-spark-executor"
    jars = f"{K8S['spark.jars_dir']}/*"
    assert conf["spark.driver.extraClassPath"] == conf["spark.executor.extraClassPath"] == jars
    assert conf["spark.kubernetes.driverEnv.JOBLAKE_PROFILE"] == conf["spark.executorEnv.JOBLAKE_PROFILE"] == "k8s"
    for key, value in app["spec"]["sparkConf"].items():
        assert conf[key] == value
    for role in ("driver", "executor"):
        pod = app["spec"][role]
        assert conf[f"spark.{role}.cores"] == str(pod["cores"]) and conf[f"spark.{role}.memory"] == pod["memory"]


def test_the_nightly_command_sizes_pods_and_scales_executors():
    _, conf, main = parsed(spark_submit_command(K8S, "nightly", arguments=["nightly", "--date", "2026-11-30"]))
    assert main[1:] == ["nightly", "--date", "2026-11-30"]
    assert conf["spark.executor.instances"] == "2"
    assert (
        conf["spark.kubernetes.executor.request.cores"] == "2" and conf["spark.kubernetes.executor.limit.cores"] == "4"
    )
    assert conf["spark.executor.memory"] == "8g" and conf["spark.executor.memoryOverhead"] == "4g"
    assert conf["spark.dynamicAllocation.enabled"] == "true"
    assert conf["spark.dynamicAllocation.shuffleTracking.enabled"] == "true"
    assert conf["spark.dynamicAllocation.maxExecutors"] == "6"
    assert conf["spark.kubernetes.driver.annotation.prometheus.io/port"] == "4040"


def test_the_stream_command_carries_checkpoints_metrics_and_the_config_map(monkeypatch):
    _, conf, _ = parsed(spark_submit_command(K8S, "stream", "dev"))
    assert conf["spark.sql.streaming.checkpointLocation"] == "s3a://joblake-lake-dev/_checkpoints"
    assert conf["spark.kubernetes.driverEnv.JOBLAKE__LAKE__ROOT"] == "s3a://joblake-lake-dev"
    assert conf["spark.executorEnv.JOBLAKE__KAFKA__BOOTSTRAP_SERVERS"] == "joblake-kafka-bootstrap:9092"
    assert conf["spark.kubernetes.driver.annotation.prometheus.io/port"] == "9108"
    assert conf["spark.kubernetes.driver.label.app.kubernetes.io/part-of"] == "joblake"


def test_secrets_stay_references(monkeypatch):
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s3cr3t-value")
    monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", "pa55word")
    argv = spark_submit_command(resolve("k8s", {}), "match")
    assert not [token for token in argv if "s3cr3t-value" in token or "pa55word" in token]
    _, conf, _ = parsed(argv)
    assert conf["spark.kubernetes.driver.secretKeyRef.AWS_SECRET_ACCESS_KEY"] == "joblake-s3:secret-access-key"
    assert conf["spark.kubernetes.executor.secretKeyRef.AWS_ACCESS_KEY_ID"] == "joblake-s3:access-key-id"
    assert conf["spark.kubernetes.driver.secretKeyRef.MLFLOW_TRACKING_PASSWORD"] == "joblake-mlflow:password"
    assert conf["spark.kubernetes.driver.secrets.joblake-http-secrets"] == "/etc/joblake/secrets"
    assert not [key for key in conf if key.endswith(("Env.AWS_SECRET_ACCESS_KEY", "Env.MLFLOW_TRACKING_PASSWORD"))]


def test_volumes_become_spark_volume_configuration():
    _, conf, _ = parsed(spark_submit_command(K8S, "scrape"))
    prefix = "spark.kubernetes.driver.volumes.persistentVolumeClaim.ingest-state"
    assert conf[f"{prefix}.mount.path"] == "/var/lib/joblake"
    assert conf[f"{prefix}.mount.readOnly"] == "false"
    assert conf[f"{prefix}.options.claimName"] == "joblake-ingest-state"
    _, conf, _ = parsed(spark_submit_command(K8S, "train-ranker"))
    assert conf["spark.kubernetes.driver.volumes.persistentVolumeClaim.shared-data.mount.readOnly"] == "true"
    assert conf["spark.kubernetes.driverEnv.JOBLAKE__SPARK__MASTER"] == "local[4]"


def test_the_master_comes_from_the_settings():
    outside = resolve("k8s", {"JOBLAKE__SPARK__MASTER": "k8s://https://api.cluster.internal:6443"})
    options, _, _ = parsed(spark_submit_command(outside, "validate"))
    assert options["--master"] == "k8s://https://api.cluster.internal:6443"
    with pytest.raises(ConfigError, match="needs a k8s://"):
        spark_submit_command(resolve("test", {}), "validate")


def test_a_field_without_translation_is_refused(monkeypatch):
    objects = k8s.render("prod")
    (stream,) = [o for o in objects if o["metadata"]["name"] == "joblake-stream" and o["kind"] == "SparkApplication"]
    stream["spec"]["driver"]["tolerations"] = [{"key": "spot", "operator": "Exists"}]
    monkeypatch.setattr(k8s, "render", lambda overlay: objects)
    with pytest.raises(ConfigError, match=r"spec.driver.tolerations has no spark-submit translation"):
        spark_submit_command(K8S, "stream")


def test_format_command_round_trips_a_real_command():
    argv = spark_submit_command(K8S, "nightly", arguments=["nightly", "--date", "2026-11-30"])
    text = format_command(argv)
    assert shlex.split(text.replace("\\\n", " ")) == argv
    assert text.splitlines()[-1] == "  nightly --date 2026-11-30"


def test_the_readme_shows_the_current_stream_command():
    readme = (K8S_DIR / "README.md").read_text(encoding="utf-8")
    assert f"```bash\n{format_command(spark_submit_command(K8S, 'stream'))}\n```" in readme
