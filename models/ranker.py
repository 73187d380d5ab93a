"""The ranking model: a linear pairwise ranker whose score splits into per-feature reasons.

Trained as RankNet with a linear scorer: for every resume, every pair of candidates with different
labels is one example (the difference of their standardised features, 1 when the first is the
better job), fitted by L2-regularised logistic regression without intercept. The score of a
candidate is then w · z (z its standardised features), so each feature's share w_i · z_i is a
reason a job seeker can read ("skills you have: +1.2"). A Platt scaling of the scores, fitted on
the same training candidates, turns a score into `match_probability`: the model's estimate of the
chance that the job is in the resume's own occupation, shown as the match %.

`RankerModel` wraps the weights as an MLflow pyfunc model: `predict` takes a DataFrame with the
feature columns and returns the scores; `unwrap_python_model().ranker` gives the reasons.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import mlflow.pyfunc
import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression

from models.features import FEATURES, feature_matrix
from models.metrics import RELEVANT

MAX_PAIRS_PER_QUERY = 2_000  # pairs sampled per resume (seeded): enough signal, bounded memory
C = 1.0  # inverse L2 strength of the pairwise logistic regression
SEED = 0


@dataclass(frozen=True)
class LinearRanker:
    """Weights over standardised features, and the Platt scaling of the score."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    platt_slope: float
    platt_bias: float

    def standardised(self, x: np.ndarray) -> np.ndarray:
        """(n, features) rows as the weights read them."""
        return (np.asarray(x, np.float64) - self.mean) / self.scale

    def contributions(self, x: np.ndarray) -> np.ndarray:
        """(n, features): each feature's share of each row's score (the score is their sum)."""
        return self.standardised(x) * self.weights

    def score(self, x: np.ndarray) -> np.ndarray:
        """(n,) ranking scores: higher is a better match."""
        return self.contributions(x).sum(axis=1)

    def match_probability(self, x: np.ndarray) -> np.ndarray:
        """(n,) the calibrated chance that each row's job is in the resume's occupation."""
        return 1 / (1 + np.exp(-(self.platt_slope * self.score(x) + self.platt_bias)))

    def to_dict(self) -> dict:
        """Plain lists and numbers (for MLflow params and JSON)."""
        return {
            "features": list(self.features),
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "weights": self.weights.tolist(),
            "platt_slope": self.platt_slope,
            "platt_bias": self.platt_bias,
        }

    @classmethod
    def from_dict(cls, values: dict) -> LinearRanker:
        """The ranker `to_dict` described."""
        return cls(
            features=tuple(values["features"]),
            mean=np.asarray(values["mean"], np.float64),
            scale=np.asarray(values["scale"], np.float64),
            weights=np.asarray(values["weights"], np.float64),
            platt_slope=float(values["platt_slope"]),
            platt_bias=float(values["platt_bias"]),
        )


def pairs(
    x: np.ndarray, labels: np.ndarray, queries: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Pairwise examples: x_i - x_j for candidates of one query with labels_i != labels_j, and 1 where i is better.

    Both orders of each pair are kept, so the classes balance and no intercept is needed; at most
    `MAX_PAIRS_PER_QUERY` pairs per query, sampled with `rng`.
    """
    diffs, better = [], []
    for query in np.unique(queries):
        rows = np.flatnonzero(queries == query)
        i, j = np.triu_indices(len(rows), k=1)
        i, j = rows[i], rows[j]
        keep = labels[i] != labels[j]
        i, j = i[keep], j[keep]
        if len(i) > MAX_PAIRS_PER_QUERY:
            chosen = rng.choice(len(i), MAX_PAIRS_PER_QUERY, replace=False)
            i, j = i[chosen], j[chosen]
        d = x[i] - x[j]
        up = labels[i] > labels[j]
        diffs += [d, -d]
        better += [up, ~up]
    if not sum(len(d) for d in diffs):
        raise ValueError("no pair of candidates with different labels to learn from")
    return np.vstack(diffs), np.concatenate(better)


def fit_ranker(
    frame: pd.DataFrame, features: Sequence[str] = FEATURES, label: str = "label", query: str = "resume_id"
) -> LinearRanker:
    """Fit the pairwise ranker and its Platt scaling on candidate rows (one per resume and posting)."""
    x = feature_matrix(frame, features)
    labels, queries = frame[label].to_numpy(), frame[query].to_numpy()
    mean = x.mean(axis=0)
    scale = np.where(x.std(axis=0) > 0, x.std(axis=0), 1.0)
    z = (x - mean) / scale
    dz, better = pairs(z, labels, queries, np.random.default_rng(SEED))
    pairwise = LogisticRegression(C=C, fit_intercept=False, max_iter=1000).fit(dz, better)
    weights = pairwise.coef_[0]
    scores = (z * weights).sum(axis=1)[:, None]
    relevant = labels >= RELEVANT
    if relevant.all() or not relevant.any():
        raise ValueError("the training candidates need both relevant and other jobs for the match %")
    platt = LogisticRegression(C=1e6, max_iter=1000).fit(scores, relevant)
    return LinearRanker(tuple(features), mean, scale, weights, float(platt.coef_[0, 0]), float(platt.intercept_[0]))


class RankerModel(mlflow.pyfunc.PythonModel):
    """The ranker as an MLflow pyfunc model: DataFrame of feature columns in, scores out.

    Logged as code (`models/ranker_model_code.py`), not as a pickle: the weights travel as the
    `ranker` artifact (the JSON of `LinearRanker.to_dict`) and are read back in `load_context`.
    """

    def __init__(self, ranker: LinearRanker | None = None) -> None:
        self.ranker = ranker

    def load_context(self, context) -> None:
        """Read the weights from the model's `ranker` artifact."""
        self.ranker = LinearRanker.from_dict(json.loads(Path(context.artifacts["ranker"]).read_text()))

    def predict(self, context, model_input: pd.DataFrame, params: dict | None = None) -> np.ndarray:  # noqa: ARG002
        """Scores for each row of `model_input` (its feature columns, by name)."""
        return self.ranker.score(feature_matrix(model_input, self.ranker.features))
