"""Object storage: a local S3-compatible server (s3proxy) run from the Maven-resolved jars, and the
boto3 client the project's own code uses for `s3://` / `s3a://` locations.

`LocalS3Server.start` launches s3proxy as a background JVM with the filesystem backend (objects
are plain files under `s3.server_state_dir`/data, so they survive restarts) and waits until it
answers a signed request; `stop` shuts it down. Credentials come from the environment
(`AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY`) when set; otherwise a key pair is generated once
per state directory and kept in a 0600 file there. They are never printed or logged.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lakehouse.config import ConfigError, Settings
from lakehouse.jvm_service import JvmService

S3_SCHEMES = ("s3://", "s3a://")
MAIN_CLASS = "org.gaul.s3proxy.Main"
HEAP = "256m"

LOGBACK = """\
<configuration>
  <appender name="file" class="ch.qos.logback.core.FileAppender">
    <file>{log}</file>
    <encoder><pattern>[%d] %level %msg (%logger{{20}})%n</pattern></encoder>
  </appender>
  <root level="WARN"><appender-ref ref="file"/></root>
</configuration>
"""


class ObjectStoreError(RuntimeError):
    """Object storage could not be reached, started or used; the message says why."""


@dataclass(frozen=True)
class S3Credentials:
    """An access key pair; the secret is left out of repr so it cannot leak into logs."""

    access_key: str
    secret_key: str = field(repr=False)


def is_s3_uri(location: str) -> bool:
    """True for `s3://…` and `s3a://…` locations."""
    return location.startswith(S3_SCHEMES)


def split_s3_uri(uri: str) -> tuple[str, str]:
    """`s3a://bucket/raw/zone/` -> ("bucket", "raw/zone"); accepts s3:// and s3a://."""
    if not is_s3_uri(uri):
        raise ConfigError(f"'{uri}' is not an s3:// or s3a:// location")
    bucket, _, prefix = uri.split("://", 1)[1].partition("/")
    if not bucket:
        raise ConfigError(f"'{uri}' names no bucket")
    return bucket, prefix.strip("/")


def _environment_credentials() -> S3Credentials | None:
    access_key, secret_key = os.environ.get("AWS_ACCESS_KEY_ID"), os.environ.get("AWS_SECRET_ACCESS_KEY")
    return S3Credentials(access_key, secret_key) if access_key and secret_key else None


def _write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read (0600), atomically."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(text)
    os.replace(tmp, path)


class LocalS3Server(JvmService):
    """The project-managed S3-compatible server (s3proxy, filesystem backend) the settings describe."""

    label = "s3proxy"
    error = ObjectStoreError

    def __init__(self, settings: Settings):
        if not settings["s3.managed"]:
            raise ConfigError(f"profile {settings.profile} uses an external object store; nothing to start")
        super().__init__(
            Path(settings.path("s3.server_state_dir")),
            int(settings["s3.server_port"]),
            "s3.server_port",
            float(settings["s3.start_timeout_s"]),
        )
        self.settings = settings

    @property
    def log_file(self) -> Path:
        return self.state_dir / "server.log"

    @property
    def credentials_file(self) -> Path:
        return self.state_dir / "credentials.json"

    @property
    def data_dir(self) -> Path:
        return self.state_dir / "data"

    @property
    def endpoint_url(self) -> str:
        return f"http://localhost:{self.port}"

    def credentials(self) -> S3Credentials:
        """The key pair the server accepts: from the environment, else generated once for this state dir."""
        from_env = _environment_credentials()
        if from_env:
            return from_env
        try:
            stored = json.loads(self.credentials_file.read_text())
            return S3Credentials(stored["access_key"], stored["secret_key"])
        except FileNotFoundError:
            pass
        except (ValueError, KeyError) as exc:
            raise ObjectStoreError(f"{self.credentials_file} is unreadable ({type(exc).__name__}): delete it") from None
        generated = S3Credentials("JOBLAKE" + secrets.token_hex(6).upper(), secrets.token_urlsafe(30))
        self.state_dir.mkdir(parents=True, exist_ok=True)
        _write_private(
            self.credentials_file,
            json.dumps({"access_key": generated.access_key, "secret_key": generated.secret_key}),
        )
        return generated

    def _classpath(self) -> str:
        jars_dir = Path(self.settings.path("s3.server_jars_dir"))
        if not list(jars_dir.glob("s3proxy-*.jar")):
            raise ObjectStoreError(f"s3proxy jars are not resolved in {jars_dir}: run `make jars` first")
        return f"{jars_dir}/*"

    def command(self) -> list[str]:
        """Write s3proxy's properties (0600: they hold the secret) and logback config; the server command."""
        classpath = self._classpath()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        creds = self.credentials()
        props = {
            "s3proxy.endpoint": f"http://127.0.0.1:{self.port}",
            "s3proxy.authorization": "aws-v2-or-v4",
            "s3proxy.identity": creds.access_key,
            "s3proxy.credential": creds.secret_key,
            "jclouds.provider": "filesystem",
            "jclouds.identity": creds.access_key,
            "jclouds.credential": creds.secret_key,
            "jclouds.filesystem.basedir": str(self.data_dir),
        }
        config = self.state_dir / "s3proxy.properties"
        _write_private(config, "".join(f"{k}={v}\n" for k, v in props.items()))
        logback = self.state_dir / "logback.xml"
        logback.write_text(LOGBACK.format(log=self.log_file))
        return self.java(
            classpath,
            MAIN_CLASS,
            "--properties",
            str(config),
            heap=HEAP,
            properties={"logback.configurationFile": str(logback)},
        )

    def ready(self) -> bool:
        """True when the server answers a signed ListBuckets; refused credentials are an error."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            _boto3_client(self.endpoint_url, self.settings, self.credentials(), quick=True).list_buckets()
            return True
        except ClientError as exc:
            if _error_code(exc) in AUTH_ERRORS:
                raise ObjectStoreError(
                    f"the S3 server on port {self.port} refuses the project's credentials (it was started "
                    "with other ones): stop it and start it again"
                ) from None
            return False
        except BotoCoreError:
            return False


AUTH_ERRORS = {"AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "403"}


def s3_endpoint(settings: Settings) -> str | None:
    """The S3 endpoint URL: `s3.endpoint_url`, else the managed local server's, else None (AWS itself)."""
    if settings["s3.endpoint_url"]:
        return str(settings["s3.endpoint_url"])
    return f"http://localhost:{settings['s3.server_port']}" if settings["s3.managed"] else None


def s3_credentials(settings: Settings) -> S3Credentials | None:
    """Credentials from the environment, else the managed server's; None leaves them to the SDK's own chain."""
    if settings["s3.managed"]:
        return LocalS3Server(settings).credentials()
    return _environment_credentials()


def _boto3_client(endpoint: str | None, settings: Settings, creds: S3Credentials | None, quick: bool = False) -> Any:
    import boto3
    from botocore.config import Config

    config = Config(
        s3={"addressing_style": "path" if settings["s3.path_style_access"] else "auto"},
        retries={"max_attempts": 1 if quick else 4, "mode": "standard"},
        connect_timeout=1 if quick else 10,
        read_timeout=5 if quick else 60,
    )
    keys = {"aws_access_key_id": creds.access_key, "aws_secret_access_key": creds.secret_key} if creds else {}
    return boto3.session.Session().client(
        "s3", endpoint_url=endpoint, region_name=settings["s3.region"], config=config, **keys
    )


def s3_client(settings: Settings) -> Any:
    """A boto3 S3 client for the configured endpoint, region, addressing style and credentials."""
    return _boto3_client(s3_endpoint(settings), settings, s3_credentials(settings))


def _error_code(exc: Exception) -> str:
    return str(getattr(exc, "response", {}).get("Error", {}).get("Code", ""))


@contextmanager
def s3_errors(settings: Settings, action: str) -> Iterator[None]:
    """Turn boto3 failures inside the block into one-line ObjectStoreErrors naming the action."""
    from botocore.exceptions import ClientError, EndpointConnectionError, NoCredentialsError

    try:
        yield
    except EndpointConnectionError:
        hint = ": start the local S3 server (s3.managed)" if settings["s3.managed"] else ""
        raise ObjectStoreError(f"{action}: S3 is not reachable at {s3_endpoint(settings) or 'AWS'}{hint}") from None
    except NoCredentialsError:
        raise ObjectStoreError(f"{action}: no S3 credentials (set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)") from None
    except ClientError as exc:
        code = _error_code(exc)
        if code in {"NoSuchBucket", "404"}:
            raise ObjectStoreError(f"{action}: the bucket does not exist") from None
        if code in AUTH_ERRORS:
            raise ObjectStoreError(f"{action}: S3 refused the credentials ({code})") from None
        message = exc.response.get("Error", {}).get("Message", "")
        raise ObjectStoreError(f"{action}: {code} {message}".strip()) from None


def ensure_bucket(settings: Settings, bucket: str) -> bool:
    """Create the bucket unless it exists; True when this call created it."""
    from botocore.exceptions import ClientError

    client = s3_client(settings)
    with s3_errors(settings, f"creating bucket {bucket}"):
        try:
            client.head_bucket(Bucket=bucket)
            return False
        except ClientError as exc:
            if _error_code(exc) not in {"404", "NoSuchBucket"}:
                raise
        region = settings["s3.region"]
        location = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
        try:
            client.create_bucket(Bucket=bucket, **location)
        except ClientError as exc:
            if _error_code(exc) != "BucketAlreadyOwnedByYou":
                raise
            return False
    return True
