"""models.ranker: pairwise examples, the fit, the reasons and the match %."""

from __future__ import annotations

import numpy as np
import pytest

from models.features import FEATURES
from models.ranker import LinearRanker, RankerModel, fit_ranker, pairs
from tests.models.labelled import labelled_candidates


def test_pairs_keep_both_orders_of_differently_labelled_candidates_of_one_query() -> None:
    x = np.array([[1.0], [2.0], [4.0], [8.0]])
    labels = np.array([2, 0, 0, 1])
    queries = np.array(["a", "a", "a", "b"])  # the lone "b" candidate has nobody to pair with
    diffs, better = pairs(x, labels, queries, np.random.default_rng(0))
    assert sorted(diffs[:, 0].tolist()) == [-3.0, -1.0, 1.0, 3.0]  # (0,1) and (0,2), both ways; not (1,2): a tie
    assert better.tolist() == [True, True, False, False]
    with pytest.raises(ValueError, match="no pair"):
        pairs(x[:1], labels[:1], queries[:1], np.random.default_rng(0))


def test_fit_learns_which_features_carry_the_label() -> None:
    ranker = fit_ranker(labelled_candidates())
    weight = dict(zip(ranker.features, ranker.weights, strict=True))
    assert weight["skill_coverage"] > 1 and weight["family_match"] > 1
    noise = [abs(weight[f]) for f in FEATURES if f not in ("skill_coverage", "family_match", "cosine")]
    assert max(noise) < 0.25 * min(weight["skill_coverage"], weight["family_match"])


def test_contributions_sum_to_the_score_and_the_match_probability_follows_it() -> None:
    frame = labelled_candidates(resumes=10)
    ranker = fit_ranker(frame)
    x = frame[list(FEATURES)].to_numpy()
    np.testing.assert_allclose(ranker.contributions(x).sum(axis=1), ranker.score(x))
    probability = ranker.match_probability(x)
    assert ((probability > 0) & (probability < 1)).all()
    order = np.argsort(ranker.score(x))
    assert (np.diff(probability[order]) >= 0).all()  # calibration keeps the order
    own = frame["label"] == 2
    assert probability[own].mean() > 0.5 > probability[~own].mean()


def test_round_trip_and_pyfunc_wrapper() -> None:
    frame = labelled_candidates(resumes=8)
    ranker = fit_ranker(frame)
    again = LinearRanker.from_dict(ranker.to_dict())
    x = frame[list(FEATURES)].to_numpy()
    np.testing.assert_allclose(again.score(x), ranker.score(x))
    shuffled = frame[list(reversed(FEATURES))]  # columns are read by name
    np.testing.assert_allclose(RankerModel(ranker).predict(None, shuffled), ranker.score(x))


def test_fit_needs_candidates_of_the_own_occupation_for_the_match_percentage() -> None:
    frame = labelled_candidates(resumes=4)
    with pytest.raises(ValueError, match="both relevant and other"):
        fit_ranker(frame.assign(label=frame["label"].clip(upper=1)))  # related and unrelated jobs only
