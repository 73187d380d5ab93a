"""The local S3-compatible server and the project's S3 client: lifecycle, buckets, credentials, errors."""

from __future__ import annotations

import socket
import stat
from pathlib import Path

import pytest

from lakehouse.config import ConfigError, Settings
from lakehouse.objectstore import (
    LocalS3Server,
    ObjectStoreError,
    ensure_bucket,
    s3_client,
    s3_credentials,
    split_s3_uri,
)
from lakehouse.session import s3a_options

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def no_aws_env(monkeypatch):
    """No AWS_* credentials in the environment, so the managed server's own ones are used."""
    monkeypatch.delenv("AWS_ACCESS_KEY_ID", raising=False)
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY", raising=False)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _managed(settings: Settings, state_dir: Path, port: int | None = None, **overrides) -> Settings:
    port = port or settings["s3.server_port"]
    return settings.with_overrides(
        {
            "s3.managed": True,
            "s3.endpoint_url": f"http://localhost:{port}",
            "s3.server_port": port,
            "s3.server_state_dir": str(state_dir),
            "s3.server_jars_dir": str(REPO / ".jars" / "s3proxy"),
            **overrides,
        }
    )


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("s3a://lake/raw", ("lake", "raw")),  # the Spark scheme
        ("s3://lake/raw/zone/", ("lake", "raw/zone")),  # boto3's scheme; trailing slash dropped
        ("s3a://lake", ("lake", "")),  # the bucket root
    ],
)
def test_split_s3_uri(uri, expected):
    assert split_s3_uri(uri) == expected


@pytest.mark.parametrize("uri", ["/data/lake", "gs://lake/raw", "s3a:///raw"])
def test_split_s3_uri_rejects_other_locations(uri):
    with pytest.raises(ConfigError):
        split_s3_uri(uri)


def test_unmanaged_profile_has_no_server_to_start(settings):
    with pytest.raises(ConfigError, match="external object store"):
        LocalS3Server(settings.with_overrides({"s3.managed": False}))


def test_missing_jars_is_a_readable_error(settings, tmp_path, no_aws_env):
    server = LocalS3Server(_managed(settings, tmp_path / "s3", port=_free_port(), **{"s3.server_jars_dir": "/nope"}))
    with pytest.raises(ObjectStoreError, match=r"s3proxy jars are not resolved in /nope: run `make jars` first"):
        server.start()
    assert server.pid() is None


def test_port_taken_is_a_readable_error(settings, tmp_path, no_aws_env):
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        server = LocalS3Server(_managed(settings, tmp_path / "s3", port=squatter.getsockname()[1]))
        with pytest.raises(ObjectStoreError, match="is taken by another process"):
            server.start()


def test_generated_credentials_are_private_and_stable_per_state_dir(settings, tmp_path, no_aws_env):
    server = LocalS3Server(_managed(settings, tmp_path / "a"))
    creds = server.credentials()
    assert stat.S_IMODE(server.credentials_file.stat().st_mode) == 0o600
    assert LocalS3Server(_managed(settings, tmp_path / "a")).credentials() == creds  # generated once
    assert LocalS3Server(_managed(settings, tmp_path / "b")).credentials() != creds  # per state dir
    assert creds.secret_key not in repr(creds)


def test_environment_credentials_win_and_are_not_stored(settings, tmp_path, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "envkey")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "envsecret")
    managed = _managed(settings, tmp_path / "s3")
    assert LocalS3Server(managed).credentials().access_key == "envkey"
    assert s3_credentials(managed).secret_key == "envsecret"
    assert not (tmp_path / "s3" / "credentials.json").exists()


def test_spark_s3a_options_follow_the_endpoint_and_carry_credentials(settings, tmp_path, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "envkey")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "envsecret")
    options = s3a_options(_managed(settings, tmp_path, port=19123))
    assert options["fs.s3a.endpoint"] == "http://localhost:19123"
    assert options["fs.s3a.connection.ssl.enabled"] == "false"
    assert options["fs.s3a.path.style.access"] == "true"
    assert (options["fs.s3a.access.key"], options["fs.s3a.secret.key"]) == ("envkey", "envsecret")
    assert s3a_options(settings) == {}  # no endpoint, not managed: AWS defaults, nothing set


def test_spark_s3a_options_leave_credentials_out_when_there_are_none(settings, no_aws_env):
    external = settings.with_overrides({"s3.endpoint_url": "https://objects.example.org"})
    options = s3a_options(external)
    assert options["fs.s3a.connection.ssl.enabled"] == "true"
    assert not any("key" in name or "credentials" in name for name in options)  # the SDK's own chain decides


@pytest.mark.s3
def test_server_starts_stops_and_restarts_keeping_objects(settings, tmp_path, no_aws_env):
    # its own port and state dir, so the session-wide server keeps running
    managed = _managed(settings, tmp_path / "s3", port=_free_port())
    server = LocalS3Server(managed)
    try:
        assert server.start() is True
        assert server.pid() is not None
        assert server.start() is False  # already running: nothing to do
        assert ensure_bucket(managed, "restart-check") is True
        s3_client(managed).put_object(Bucket="restart-check", Key="a/b.txt", Body=b"kept")
        assert server.stop() is True
        assert server.pid() is None and not server.port_open()
        assert server.stop() is False
        assert server.start() is True
        body = s3_client(managed).get_object(Bucket="restart-check", Key="a/b.txt")["Body"].read()
        assert body == b"kept"
    finally:
        server.stop()
    properties = tmp_path / "s3" / "s3proxy.properties"
    assert stat.S_IMODE(properties.stat().st_mode) == 0o600  # it holds the secret


@pytest.mark.s3
def test_ensure_bucket_creates_once_and_objects_round_trip(s3_server):
    assert ensure_bucket(s3_server, "roundtrip") is True
    assert ensure_bucket(s3_server, "roundtrip") is False
    client = s3_client(s3_server)
    client.put_object(Bucket="roundtrip", Key="raw/x.bin", Body=b"\x00\x01payload")
    assert client.get_object(Bucket="roundtrip", Key="raw/x.bin")["Body"].read() == b"\x00\x01payload"
    listed = client.list_objects_v2(Bucket="roundtrip", Prefix="raw/")
    assert [obj["Key"] for obj in listed["Contents"]] == ["raw/x.bin"]


@pytest.mark.s3
def test_wrong_credentials_are_a_readable_error(s3_server, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "intruder")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret")
    with pytest.raises(ObjectStoreError, match="creating bucket denied: S3 refused the credentials") as failure:
        ensure_bucket(s3_server, "denied")
    assert "not-the-secret" not in str(failure.value)


def test_unreachable_endpoint_is_a_readable_error(settings, tmp_path, no_aws_env):
    managed = _managed(settings, tmp_path / "s3", port=_free_port())
    with pytest.raises(ObjectStoreError, match=r"S3 is not reachable at http://localhost:\d+"):
        ensure_bucket(managed, "nowhere")
