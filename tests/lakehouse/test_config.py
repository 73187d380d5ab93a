"""Configuration profiles resolve the same keys; the environment overrides single keys."""

import pytest

from lakehouse.config import PROFILES, ConfigError, resolve


def _keys(settings):
    return {(section, key) for section, keys in settings.values.items() for key in keys}


def test_every_profile_resolves_the_same_keys():
    local = resolve("local", {})
    for profile in PROFILES:
        assert _keys(resolve(profile, {})) == _keys(local), profile


@pytest.mark.parametrize(
    ("env", "key", "expected"),
    [
        ({"JOBLAKE__KAFKA__TOPIC": "t2"}, "kafka.topic", "t2"),  # string kept as is
        ({"JOBLAKE__KAFKA__TOPIC_PARTITIONS": "6"}, "kafka.topic_partitions", 6),  # int coerced
        ({"JOBLAKE__KAFKA__MANAGED": "false"}, "kafka.managed", False),  # bool coerced
        ({"UNRELATED": "x"}, "kafka.topic", "jobs.postings.v1"),  # other variables ignored
    ],
)
def test_environment_overrides_one_key(env, key, expected):
    assert resolve("local", env)[key] == expected


@pytest.mark.parametrize(
    ("profile", "env", "message"),
    [
        ("prod", {}, "unknown profile"),  # not a profile
        ("local", {"JOBLAKE__KAFKA__NOPE": "1"}, "names no configuration key"),  # typo in a variable
        ("local", {"JOBLAKE__KAFKA__MANAGED": "maybe"}, "expected true/false"),  # bad bool
    ],
)
def test_bad_configuration_is_a_readable_error(profile, env, message):
    with pytest.raises(ConfigError, match=message):
        resolve(profile, env)


def test_k8s_profile_points_at_object_storage_and_external_kafka():
    k8s = resolve("k8s", {})
    assert k8s["lake.root"].startswith("s3a://")
    assert k8s["kafka.managed"] is False
    assert k8s["spark.page_size"] == ""  # executors' heaps are larger: Spark sizes the page itself


def test_paths_are_absolute_and_uris_untouched(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert resolve("local", {}).path("lake.root") == str(tmp_path / "lake")
    assert resolve("k8s", {}).path("lake.root") == "s3a://joblake-lake"


def test_overrides_reject_unknown_keys():
    with pytest.raises(ConfigError):
        resolve("local", {}).with_overrides({"lake.nope": 1})


def test_k8s_resolves_exactly_the_keys_local_does_including_orchestration():
    local, k8s = resolve("local", {}), resolve("k8s", {})
    assert _keys(k8s) == _keys(local)
    assert set(k8s.values["orchestration"]) == set(local.values["orchestration"])


@pytest.mark.parametrize("profile", PROFILES)
def test_orchestration_alerts_are_off_and_hold_no_credentials(profile):
    orchestration = resolve(profile, {}).values["orchestration"]
    assert orchestration["alert_webhook_url"] == "" and orchestration["alert_email"] == []
    assert not any(word in key for key in orchestration for word in ("token", "password", "secret"))


@pytest.mark.parametrize(
    ("profile", "backend"),
    [
        ("local", "local"),  # a laptop: subprocesses on the worker
        ("test", "local"),  # DAG tests run the real commands locally
        ("k8s", "k8s"),  # a cluster: SparkApplications
    ],
)
def test_each_profile_picks_its_task_backend(profile, backend):
    assert resolve(profile, {})["orchestration.backend"] == backend
