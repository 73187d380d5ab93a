"""Train the ranker, score it against the baselines on a held-out split, and log and register it in MLflow.

Input: labelled candidates, one row per (resume, posting) with the resume's `occupation` (its
group for the split), the `label` (0, 1, 2), every feature of FEATURES and the `bm25` baseline
score. The split is by occupation: every resume of a held-out occupation is in the test split,
so the model is scored on occupations it never saw. Four runs go to the experiment, each with
the same test split and tagged with the data version: `bm25`, `embedding` (the cosine alone) and
`linear_pairwise` (the model), plus `linear_pairwise_no_titles`, the model without the title
features (the labels come from titles, see models/dataset.py). The model is registered; its
version becomes the champion only when its test NDCG@10 beats both baselines' and is at least
the current champion's, scored on the same test split (so a retraining never swaps a better
model for a worse one, whatever data the old one was trained on).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import mlflow
import pandas as pd

from lakehouse.config import Settings
from models import ranker as ranker_module
from models.features import FEATURES, feature_matrix
from models.metrics import mean_metrics, ranked_labels
from models.ranker import LinearRanker, fit_ranker
from models.tracking import configure, current_champion, experiment_id, log_ranker, register

TEST_SHARE = 0.3  # of the occupations, chosen by a hash of the code (stable across runs and machines)
BASELINES = {"bm25": "bm25", "embedding": "cosine"}  # run name -> the score column it ranks by
MODEL_RUN = "linear_pairwise"
ABLATION_RUN = "linear_pairwise_no_titles"  # the model without the title features, logged for comparison
TITLE_FEATURES = ("title_agreement", "family_match")


@dataclass(frozen=True)
class TrainResult:
    """What a training round found: each run's test metrics, the model, and its registry version."""

    metrics: dict[str, dict[str, float]]  # run name -> test metrics
    ranker: LinearRanker
    model_version: str
    is_champion: bool  # whether it took the champion alias
    run_ids: dict[str, str]
    why: str  # why it took the alias or not, one line


def is_test_occupation(occupation: str) -> bool:
    """Whether an occupation is in the held-out split: the first byte of its SHA-256, below TEST_SHARE of 256."""
    return hashlib.sha256(occupation.encode()).digest()[0] < TEST_SHARE * 256


def split(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(train, test) rows, by the resume's occupation."""
    test = frame["occupation"].map(is_test_occupation)
    return frame[~test], frame[test]


def evaluate(frame: pd.DataFrame, score: pd.Series) -> dict[str, float]:
    """Mean NDCG@10, MAP and precision@5 of ranking each resume's candidates by `score`."""
    scored = frame.assign(_score=score.to_numpy())
    return mean_metrics(
        ranked_labels(group["_score"].tolist(), group["label"].tolist()) for _, group in scored.groupby("resume_id")
    )


def data_version(frame: pd.DataFrame) -> str:
    """A short hash of the labelled pairs (resume, posting, label): runs on the same data share it."""
    rows = frame[["resume_id", "posting_key", "label"]].sort_values(["resume_id", "posting_key"])
    return hashlib.sha256(rows.to_csv(index=False).encode()).hexdigest()[:12]


def _split_tags(frame: pd.DataFrame, train: pd.DataFrame, test: pd.DataFrame, version: str, how: str) -> dict:
    return {
        "data_version": version,
        "labels": how,
        "split": f"by occupation, {TEST_SHARE:.0%} held out by hash",
        "train_resumes": str(train["resume_id"].nunique()),
        "test_resumes": str(test["resume_id"].nunique()),
        "candidates": str(len(frame)),
    }


def train_and_register(frame: pd.DataFrame, settings: Settings, labels_how: str) -> TrainResult:
    """Fit on the train split, log four runs scored on the test split, register the model; see the module doc."""
    client = configure(settings)
    experiment = experiment_id(client, settings)
    train, test = split(frame)
    if train.empty or test.empty:
        raise ValueError("the labelled candidates need occupations in both the train and the test split")
    version = data_version(frame)
    tags = _split_tags(frame, train, test, version, labels_how)
    metrics: dict[str, dict[str, float]] = {}
    run_ids: dict[str, str] = {}
    for name, column in BASELINES.items():
        with mlflow.start_run(experiment_id=experiment, run_name=name, tags=tags) as run:
            metrics[name] = evaluate(test, test[column])
            mlflow.log_params({"kind": "baseline", "score": column})
            mlflow.log_metrics({f"test_{k}": v for k, v in metrics[name].items()})
            run_ids[name] = run.info.run_id
    without_titles = tuple(f for f in FEATURES if f not in TITLE_FEATURES)
    with mlflow.start_run(experiment_id=experiment, run_name=ABLATION_RUN, tags=tags) as run:
        metrics[ABLATION_RUN] = _log_model_run(fit_ranker(train, without_titles), train, test)
        run_ids[ABLATION_RUN] = run.info.run_id
    ranker = fit_ranker(train)
    incumbent = current_champion(settings)
    with mlflow.start_run(experiment_id=experiment, run_name=MODEL_RUN, tags=tags) as run:
        metrics[MODEL_RUN] = _log_model_run(ranker, train, test)
        model_uri = log_ranker(ranker, train)
        run_ids[MODEL_RUN] = run.info.run_id
        ndcg = metrics[MODEL_RUN]["ndcg_at_10"]
        beats = all(ndcg > metrics[name]["ndcg_at_10"] for name in BASELINES)
        mlflow.set_tag("beats_baselines", str(beats).lower())
        why = "beats both baselines" if beats else "does not beat the baselines"
        promote = beats
        if incumbent is not None:
            run_name = f"champion_v{incumbent.version}"
            metrics[run_name] = evaluate(
                test, pd.Series(incumbent.ranker.score(feature_matrix(test, incumbent.ranker.features)))
            )
            mlflow.log_metric("test_ndcg_at_10_of_champion", metrics[run_name]["ndcg_at_10"])
            if beats and ndcg < metrics[run_name]["ndcg_at_10"]:
                promote, why = False, f"beats the baselines but not champion version {incumbent.version}"
            elif beats:
                why = f"beats both baselines and champion version {incumbent.version}"
    model_version = register(client, settings, model_uri, run.info.run_id, champion=promote)
    return TrainResult(metrics, ranker, model_version, promote, run_ids, why)


def _log_model_run(ranker: LinearRanker, train: pd.DataFrame, test: pd.DataFrame) -> dict[str, float]:
    """Log a fitted ranker's parameters, weights and train/test metrics in the active run; its test metrics."""
    scores = {
        name: pd.Series(ranker.score(feature_matrix(part, ranker.features)))
        for name, part in (("train", train), ("test", test))
    }
    found = {name: evaluate(part, scores[name]) for name, part in (("train", train), ("test", test))}
    mlflow.log_params(
        {
            "kind": "model",
            "model": "linear pairwise logistic (RankNet)",
            "C": ranker_module.C,
            "max_pairs_per_query": ranker_module.MAX_PAIRS_PER_QUERY,
            "features": ",".join(ranker.features),
        }
    )
    for name, values in found.items():
        mlflow.log_metrics({f"{name}_{k}": v for k, v in values.items()})
    mlflow.log_metrics({f"weight_{f}": float(w) for f, w in zip(ranker.features, ranker.weights, strict=True)})
    return found["test"]
