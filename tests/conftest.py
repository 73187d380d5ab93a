"""Shared fixtures: one Spark session per test run, temporary lake paths, the real broker."""

from __future__ import annotations

import logging
import os
import shutil
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

os.environ.setdefault("JOBLAKE_PROFILE", "test")
# Airflow's logging sends the root logger's INFO to the stream pytest captured; py4j's connections log
# "Closing down" from __del__ at interpreter exit, after pytest closed that stream ("--- Logging error ---")
logging.getLogger("py4j").setLevel(logging.WARNING)

from lakehouse.config import Settings, env_name, load_settings  # noqa: E402

if TYPE_CHECKING:
    from lakehouse.broker import LocalBroker

REPO = Path(__file__).resolve().parents[1]


class FileClock:
    """Appends each test file's wall time and the run's total to its progress line (`[ 41%] 95s, 17.3 min`).

    CI keeps only part of a run's output and a run stopped by its time limit prints no --durations table:
    these figures say where the time went all the same.
    """

    def __init__(self, reporter) -> None:
        self.reporter = reporter
        self.session_started = self.file_started = time.monotonic()
        self.path: str | None = None

    def lap(self) -> None:
        now = time.monotonic()
        if self.path is not None:
            self.reporter.write(f" {now - self.file_started:.0f}s, {(now - self.session_started) / 60:.1f} min")
        self.file_started = now

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_logstart(self, nodeid: str, location: tuple) -> None:
        if location[0] != self.path:
            self.lap()
            self.path = location[0]

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self) -> None:
        self.lap()


@pytest.hookimpl(trylast=True)  # after the terminal reporter is registered
def pytest_configure(config: pytest.Config) -> None:
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None and config.option.verbose == 0 and not config.option.collectonly:  # the file-per-line view
        config.pluginmanager.register(FileClock(reporter), "joblake-file-clock")


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


@pytest.fixture(scope="session")
def gold_lake(spark, settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """JOBLAKE__ environment overrides for a lake whose gold a real night built, with a registered champion.

    300 generated postings (and 3 undecodable records, which go to silver.quarantine) go into silver through
    the streaming job's own batch function, `run_nightly`
    builds every gold table, and a ranker trained on the made-up labels of tests/models/labelled.py is
    registered as champion in a SQLite MLflow store beside the lake. Built once per test session for the
    tests that read gold (matching, notebooks, the report); set the variables with monkeypatch.setenv
    and clear `load_settings`'s cache, or pass `gold_settings(settings, gold_lake)` to library calls.
    """
    from ingestion.avro_codec import encode_posting
    from ingestion.generator import generate_postings
    from ingestion.keys import posting_key
    from models.train import train_and_register
    from spark_jobs.nightly import run_nightly
    from streaming.silver import silver_writer
    from tests.models.labelled import labelled_candidates
    from tests.streaming.bronze_rows import BRONZE_DDL, NOW, bronze_row

    tmp = tmp_path_factory.mktemp("gold-lake")
    models = REPO / ".jars" / "models"
    overrides = {
        "lake.root": str(tmp / "lake"),
        "quality.report_dir": str(tmp / "quality"),
        "embeddings.model_jar": str(models / Path(settings["embeddings.model_jar"]).name),
        "embeddings.model_dir": str(models / Path(settings["embeddings.model_dir"]).name),
        "mlflow.tracking_uri": f"sqlite:///{tmp / 'mlflow.db'}",
    }
    lake_settings = settings.with_overrides(overrides)
    checkpoint = tmp / "checkpoint"
    checkpoint.mkdir()
    (checkpoint / "metadata").write_text('{"id":"gold-lake"}\n')
    write_batch = silver_writer(lake_settings, str(checkpoint), clock=lambda: NOW, run_id="gold-lake")
    rows = [
        bronze_row(encode_posting(p), i, key=posting_key(p["source"], p["source_job_id"]))
        for i, p in enumerate(generate_postings(300, seed=5, now=NOW))
    ]
    # records the stream cannot decode go to silver.quarantine, as they would from a real topic
    rows += [bronze_row(payload, 300 + i, key="bad") for i, payload in enumerate([b"", b"not avro", b"\x02\xff"])]
    write_batch(spark.createDataFrame(rows, BRONZE_DDL), 0)
    run_nightly(spark, lake_settings, NOW.date())
    train_and_register(labelled_candidates(), lake_settings, labels_how="made up for the tests")
    return {env_name(key): value for key, value in overrides.items()}


def gold_settings(settings: Settings, gold_lake: dict[str, str]) -> Settings:
    """The session's settings pointed at the gold lake (the inverse of the JOBLAKE__ names of `gold_lake`)."""
    return settings.with_overrides(
        {name.removeprefix("JOBLAKE__").lower().replace("__", "."): value for name, value in gold_lake.items()}
    )
