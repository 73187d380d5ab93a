"""MLflow for the ranking model: where runs go, how the champion is registered, and how matching loads it.

One experiment (`mlflow.experiment`) holds every training run and both baselines, each tagged with
the evaluation data's version so runs on the same held-out split can be compared. The model is
registered as `mlflow.model_name`; a version that beats the baselines and the current champion
(both scored on its own held-out split) gets the alias `champion`, and matching loads
`models:/<name>@champion` and writes that version on every row.

The local profile keeps the tracking store and registry in SQLite (`mlflow.tracking_uri`) with
the artifacts in a folder beside it (`mlflow.artifact_root`, default `<db folder>/mlartifacts`);
the k8s profile talks to an MLflow server, which decides where artifacts go.
"""

from __future__ import annotations

import importlib.metadata
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

import mlflow
import mlflow.pyfunc
import pandas as pd
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

from lakehouse.config import ConfigError, Settings
from models.ranker import LinearRanker

CHAMPION = "champion"
MODEL_ARTIFACT = "ranker"
MODEL_CODE = str(Path(__file__).with_name("ranker_model_code.py"))
RUNTIME_PACKAGES = ("numpy", "pandas", "scikit-learn", "mlflow")  # what the pyfunc model needs to load


@dataclass(frozen=True)
class Champion:
    """The registered ranker matching uses, and which version it is."""

    ranker: LinearRanker
    name: str
    version: str
    run_id: str


def _sqlite_file(uri: str) -> Path | None:
    """The database file of a `sqlite:///` URI (relative paths are relative to the working directory)."""
    return Path(uri.removeprefix("sqlite:///")) if uri.startswith("sqlite:///") else None


def configure(settings: Settings) -> MlflowClient:
    """Point MLflow's tracking and registry at the profile's store; a client on it."""
    uri = settings["mlflow.tracking_uri"]
    database = _sqlite_file(uri)
    if database is not None:
        database = database.resolve()
        database.parent.mkdir(parents=True, exist_ok=True)
        uri = f"sqlite:///{database}"
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    return MlflowClient(tracking_uri=uri, registry_uri=uri)


def artifact_location(settings: Settings) -> str | None:
    """Where a new experiment keeps its artifacts: the setting, else beside a SQLite store, else the server's choice."""
    configured = settings["mlflow.artifact_root"]
    if configured:
        return configured if "://" in configured else Path(configured).resolve().as_uri()
    database = _sqlite_file(settings["mlflow.tracking_uri"])
    return (database.resolve().parent / "mlartifacts").as_uri() if database is not None else None


def experiment_id(client: MlflowClient, settings: Settings) -> str:
    """The id of the profile's experiment, created on first use."""
    name = settings["mlflow.experiment"]
    found = client.get_experiment_by_name(name)
    if found is not None:
        return found.experiment_id
    return client.create_experiment(name, artifact_location=artifact_location(settings))


def runtime_requirements() -> list[str]:
    """Pinned pip requirements of the pyfunc model (given, so MLflow does not infer them by loading it)."""
    return [f"{package}=={importlib.metadata.version(package)}" for package in RUNTIME_PACKAGES]


def log_ranker(ranker: LinearRanker, example: pd.DataFrame) -> str:
    """Log the ranker as a pyfunc model (code plus its weights as JSON) in the active run; its model URI."""
    with tempfile.TemporaryDirectory(prefix="joblake-ranker-") as folder:
        weights = Path(folder) / "ranker.json"
        weights.write_text(json.dumps(ranker.to_dict(), indent=2))
        info = mlflow.pyfunc.log_model(
            name=MODEL_ARTIFACT,
            python_model=MODEL_CODE,
            artifacts={"ranker": str(weights)},
            input_example=example[list(ranker.features)].head(5),
            pip_requirements=runtime_requirements(),
        )
    return info.model_uri


def register(client: MlflowClient, settings: Settings, model_uri: str, run_id: str, champion: bool) -> str:
    """Register the run's model (the alias `champion` moves to it when `champion`); the new version."""
    name = settings["mlflow.model_name"]
    version = str(mlflow.register_model(model_uri, name, tags={"run_id": run_id}).version)
    if champion:
        client.set_registered_model_alias(name, CHAMPION, version)
    return version


def current_champion(settings: Settings) -> Champion | None:
    """The champion ranker of the registry, or None when no version has the alias yet."""
    client = configure(settings)
    name = settings["mlflow.model_name"]
    try:
        version = client.get_model_version_by_alias(name, CHAMPION)
    except MlflowException:
        return None
    model = mlflow.pyfunc.load_model(f"models:/{name}@{CHAMPION}")
    return Champion(model.unwrap_python_model().ranker, name, str(version.version), version.run_id)


def load_champion(settings: Settings) -> Champion:
    """The champion ranker of the registry; a readable error when none is registered yet."""
    champion = current_champion(settings)
    if champion is None:
        raise ConfigError(
            f"no ranking model registered as {settings['mlflow.model_name']}@{CHAMPION} at "
            f"{settings['mlflow.tracking_uri']}; run `joblake train-ranker` first"
        )
    return champion
