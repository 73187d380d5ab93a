"""Shared fixtures: one Spark session per test run, temporary lake paths, the real broker."""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

os.environ.setdefault("JOBLAKE_PROFILE", "test")

from lakehouse.config import Settings, load_settings  # noqa: E402

if TYPE_CHECKING:
    from lakehouse.broker import LocalBroker

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A TCP port nothing listens on now, so parallel test runs never share a broker."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def lake_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A lake folder for the whole test session."""
    return tmp_path_factory.mktemp("lake")


@pytest.fixture(scope="session")
def settings(lake_root: Path) -> Settings:
    """The test profile with the lake in a temporary folder and jars from the repository."""
    return load_settings("test").with_overrides(
        {
            "lake.root": str(lake_root),
            "lake.raw_root": str(lake_root / "raw"),
            "spark.jars_dir": str(REPO / ".jars" / "spark"),
            "kafka.broker_jars_dir": str(REPO / ".jars" / "kafka"),
        }
    )


@pytest.fixture(scope="session")
def spark(settings: Settings):
    """Session-scoped Spark: local[2], Delta on, UI off, 2 shuffle partitions, UTC."""
    from lakehouse.session import get_spark

    session = get_spark(settings, app_name="joblake-tests")
    yield session
    session.stop()


@pytest.fixture
def table_path(tmp_path: Path) -> str:
    """A fresh Delta table location for one test."""
    return str(tmp_path / "table")


@pytest.fixture
def checkpoint_dir(tmp_path: Path) -> str:
    """A fresh streaming checkpoint location for one test."""
    return str(tmp_path / "checkpoint")


@contextmanager
def local_broker_on_free_ports(settings: Settings, state: Path) -> Iterator[LocalBroker]:
    """Start a real single-node KRaft broker on free ports with its state in `state`; stop it after.

    Yields the broker itself, so a test can `stop()` and `start()` it again on the same ports and data;
    `broker.settings` points `kafka.bootstrap_servers` at it.
    """
    from lakehouse.broker import LocalBroker

    port = free_port()
    broker_settings = settings.with_overrides(
        {
            "kafka.broker_state_dir": str(state),
            "kafka.broker_port": port,
            "kafka.controller_port": free_port(),
            "kafka.bootstrap_servers": f"localhost:{port}",
        }
    )
    broker = LocalBroker(broker_settings)
    broker.start()
    try:
        yield broker
    finally:
        broker.stop()
        shutil.rmtree(state, ignore_errors=True)


@contextmanager
def broker_on_free_ports(settings: Settings, state: Path) -> Iterator[Settings]:
    """Start a real single-node KRaft broker on free ports with its state in `state`; stop it after."""
    with local_broker_on_free_ports(settings, state) as broker:
        yield broker.settings


@pytest.fixture(scope="session")
def kafka_broker(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """A real single-node KRaft broker, started once for the test session and stopped at the end."""
    with broker_on_free_ports(settings, tmp_path_factory.mktemp("kafka")) as broker_settings:
        yield broker_settings


@pytest.fixture(scope="session")
def s3_server(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """A real s3proxy server (filesystem backend in a temporary folder) on a free port, started once."""
    from lakehouse.objectstore import LocalS3Server

    state = tmp_path_factory.mktemp("s3")
    port = free_port()
    s3_settings = settings.with_overrides(
        {
            "s3.managed": True,
            "s3.endpoint_url": f"http://localhost:{port}",
            "s3.server_port": port,
            "s3.server_state_dir": str(state),
            "s3.server_jars_dir": str(REPO / ".jars" / "s3proxy"),
        }
    )
    server = LocalS3Server(s3_settings)
    server.start()
    try:
        yield s3_settings
    finally:
        server.stop()
        shutil.rmtree(state, ignore_errors=True)
