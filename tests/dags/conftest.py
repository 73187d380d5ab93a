"""Airflow for the DAG tests: a temporary AIRFLOW_HOME with a SQLite metadata database, set before airflow is imported.

Airflow reads its home and database when it is first imported, so this module sets them at import (pytest imports
it before any test module of this folder) and refuses to go on if something imported airflow earlier.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from lakehouse.config import env_name, load_settings
from tests.conftest import REPO

DAGS = REPO / "dags"

if "airflow" in sys.modules:  # its configuration is already read: the tests would write to the real AIRFLOW_HOME
    raise RuntimeError("airflow was imported before tests/dags/conftest.py could point it at a temporary home")

AIRFLOW_HOME = Path(tempfile.mkdtemp(prefix="joblake-airflow-"))
os.environ.update(
    {
        "AIRFLOW_HOME": str(AIRFLOW_HOME),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{AIRFLOW_HOME / 'airflow.db'}",
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(AIRFLOW_HOME / "logs"),
    }
)
if str(DAGS) not in sys.path:
    sys.path.insert(0, str(DAGS))  # as the DAG processor does with its bundle: the DAGs import joblake_orchestration


@pytest.fixture(scope="session", autouse=True)
def airflow_home() -> Iterator[Path]:
    """The temporary AIRFLOW_HOME, removed after the session."""
    yield AIRFLOW_HOME
    shutil.rmtree(AIRFLOW_HOME, ignore_errors=True)


@pytest.fixture(scope="session")
def airflow_db(airflow_home: Path) -> Path:
    """The metadata database, created by Airflow's own migration code (what `airflow db migrate` runs)."""
    from airflow.utils.db import initdb

    initdb()
    return airflow_home / "airflow.db"


@pytest.fixture
def joblake_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[dict[str, object]], dict[str, str]]]:
    """Set `{"orchestration.backend": "k8s", …}` as JOBLAKE__ variables: what the DAGs parse and their commands read.

    The DAG files read the configuration when they are parsed and the local backend's commands inherit the
    environment, so a test configures both the same way a deployment does.
    """
    env: dict[str, str] = {}

    def configure(overrides: dict[str, object]) -> dict[str, str]:
        for dotted, value in overrides.items():
            name = env_name(dotted)
            text = ",".join(map(str, value)) if isinstance(value, list) else str(value)
            monkeypatch.setenv(name, text)
            env[name] = text
        load_settings.cache_clear()
        return env

    yield configure
    load_settings.cache_clear()


def parse_dags():
    """Every DAG in dags/ as the DAG processor sees it now (with the current environment)."""
    from airflow.dag_processing.dagbag import DagBag

    load_settings.cache_clear()
    return DagBag(dag_folder=str(DAGS), safe_mode=True)
