"""models.metrics: NDCG, average precision, precision@k on hand-checked rankings."""

from __future__ import annotations

import doctest

import pytest

from models import metrics
from models.metrics import average_precision, mean_metrics, ndcg_at, precision_at, ranked_labels


def test_doctests() -> None:
    assert doctest.testmod(metrics).failed == 0


@pytest.mark.parametrize(
    ("labels", "k", "expected"),
    [
        ([2, 1, 0, 0], 10, 1.0),  # already the best order
        ([0, 0, 0], 10, 0.0),  # nothing relevant: 0, not a division by zero
        ([0, 2], 1, 0.0),  # the relevant job fell below the cut
        ([1, 2], 2, (1 + 3 / 1.584962500721156) / (3 + 1 / 1.584962500721156)),  # swapped grades
    ],
)
def test_ndcg(labels, k, expected) -> None:
    assert ndcg_at(labels, k) == pytest.approx(expected)


def test_average_precision_and_precision_count_only_the_own_occupation() -> None:
    assert average_precision([1, 1, 2]) == pytest.approx(1 / 3)  # related jobs are not hits
    assert average_precision([0, 1]) == 0.0
    assert precision_at([2, 1, 2, 0, 2, 2], 5) == pytest.approx(3 / 5)


def test_mean_metrics_over_queries() -> None:
    found = mean_metrics([[2, 0], [0, 2]])
    assert found["queries"] == 2
    assert found["map"] == pytest.approx((1 + 0.5) / 2)
    with pytest.raises(ValueError, match="no rankings"):
        mean_metrics([])


def test_ranked_labels_sort_by_score_and_keep_ties_stable() -> None:
    assert ranked_labels([1.0, 3.0, 1.0, 2.0], ["a", "b", "c", "d"]) == ["b", "d", "a", "c"]
