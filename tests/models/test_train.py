"""models.train and models.tracking against a real MLflow store (SQLite) and registry in a temporary folder."""

from __future__ import annotations

from pathlib import Path

import mlflow
import numpy as np
import pytest
from mlflow import MlflowClient

from lakehouse.config import ConfigError, Settings
from models.features import FEATURES
from models.tracking import CHAMPION, load_champion
from models.train import ABLATION_RUN, BASELINES, MODEL_RUN, data_version, is_test_occupation, split, train_and_register
from tests.models.labelled import labelled_candidates


@pytest.fixture
def mlflow_settings(settings: Settings, tmp_path: Path) -> Settings:
    return settings.with_overrides({"mlflow.tracking_uri": f"sqlite:///{tmp_path / 'mlflow.db'}"})


def test_split_holds_out_whole_occupations() -> None:
    frame = labelled_candidates()
    train, test = split(frame)
    assert not set(train["occupation"]) & set(test["occupation"])
    assert 0.1 < test["occupation"].nunique() / frame["occupation"].nunique() < 0.5
    assert is_test_occupation("29-1141.00") == is_test_occupation("29-1141.00")  # a hash, not a draw


def test_data_version_follows_the_labels_not_the_row_order() -> None:
    frame = labelled_candidates(resumes=5)
    assert data_version(frame) == data_version(frame.sample(frac=1, random_state=1))
    assert data_version(frame) != data_version(frame.assign(label=frame["label"].iloc[::-1].to_numpy()))


def test_training_logs_baselines_and_model_and_registers_the_champion(mlflow_settings: Settings) -> None:
    frame = labelled_candidates()
    result = train_and_register(frame, mlflow_settings, labels_how="made up for the test")
    assert result.is_champion
    assert result.metrics[MODEL_RUN]["ndcg_at_10"] > max(result.metrics[b]["ndcg_at_10"] for b in BASELINES)

    client = MlflowClient(mlflow.get_tracking_uri())
    experiment = client.get_experiment_by_name(mlflow_settings["mlflow.experiment"])
    runs = {r.info.run_name: r for r in client.search_runs([experiment.experiment_id])}
    assert set(runs) == {*BASELINES, MODEL_RUN, ABLATION_RUN}
    assert len({r.data.tags["data_version"] for r in runs.values()}) == 1  # one held-out split for all
    for run in runs.values():
        assert {"test_ndcg_at_10", "test_map", "test_precision_at_5"} <= set(run.data.metrics)
    assert runs[MODEL_RUN].data.params["features"] == ",".join(FEATURES)

    champion = load_champion(mlflow_settings)
    assert (champion.version, champion.run_id) == (result.model_version, result.run_ids[MODEL_RUN])
    x = frame[list(FEATURES)].to_numpy()
    np.testing.assert_allclose(champion.ranker.score(x), result.ranker.score(x))
    alias = client.get_model_version_by_alias(mlflow_settings["mlflow.model_name"], CHAMPION)
    assert str(alias.version) == result.model_version


def test_a_model_that_does_not_beat_the_baselines_is_registered_without_the_alias(mlflow_settings: Settings) -> None:
    first = train_and_register(labelled_candidates(), mlflow_settings, labels_how="made up")
    frame = labelled_candidates(seed=1)
    frame["bm25"] = frame["label"] + np.random.default_rng(0).uniform(0, 0.1, len(frame))  # a baseline that knows
    second = train_and_register(frame, mlflow_settings, labels_how="made up")
    assert not second.is_champion and second.model_version != first.model_version
    assert second.why == "does not beat the baselines"
    assert load_champion(mlflow_settings).version == first.model_version  # the champion stays


def test_a_model_worse_than_the_champion_on_its_own_test_split_does_not_take_the_alias(
    mlflow_settings: Settings,
) -> None:
    first = train_and_register(labelled_candidates(), mlflow_settings, labels_how="made up")
    frame = labelled_candidates()
    in_train = ~frame["occupation"].map(is_test_occupation)
    noise = np.random.default_rng(0).uniform(size=int(in_train.sum()))
    frame.loc[in_train, "skill_coverage"] = noise  # the new model cannot learn what skills say
    second = train_and_register(frame, mlflow_settings, labels_how="made up")
    ndcg = second.metrics[MODEL_RUN]["ndcg_at_10"]
    assert ndcg > max(second.metrics[b]["ndcg_at_10"] for b in BASELINES)
    assert ndcg < second.metrics[f"champion_v{first.model_version}"]["ndcg_at_10"]
    assert not second.is_champion
    assert second.why == f"beats the baselines but not champion version {first.model_version}"
    assert load_champion(mlflow_settings).version == first.model_version

    third = train_and_register(labelled_candidates(), mlflow_settings, labels_how="made up")  # as good: newest wins
    assert third.is_champion and load_champion(mlflow_settings).version == third.model_version


def test_no_champion_is_one_readable_line(mlflow_settings: Settings) -> None:
    with pytest.raises(ConfigError, match=r"no ranking model registered as joblake-ranker@champion .*train-ranker"):
        load_champion(mlflow_settings)
