"""Ranking metrics over graded relevance: NDCG@k, average precision and precision@k, then their means.

A ranking is the list of its candidates' relevance labels in ranked order (0 not relevant, 1 a
related job, 2 the resume's own occupation). NDCG gains are 2^label - 1 and the ideal ranking is
the candidate set's own labels sorted; average precision and precision@k count a candidate as
relevant when its label is at least `RELEVANT`, the resume's own occupation. A resume whose
candidates hold nothing relevant scores 0 for AP and precision (and 0 NDCG when every label is 0):
retrieval missed it, and the mean says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

RELEVANT = 2  # the label a candidate needs to count as relevant for AP and precision@k


def dcg(labels: Sequence[float], k: int) -> float:
    """Discounted cumulative gain of the first k labels: sum (2^label - 1) / log2(rank + 1).

    >>> round(dcg([2, 0, 1], 3), 4)
    3.5
    """
    gains = np.power(2.0, np.asarray(labels[:k], np.float64)) - 1
    return float(np.sum(gains / np.log2(np.arange(2, len(gains) + 2))))


def ndcg_at(labels: Sequence[float], k: int = 10) -> float:
    """DCG@k over the DCG@k of the same labels in the best order; 0 when no label is above 0.

    >>> ndcg_at([2, 1, 0], 3), round(ndcg_at([0, 1, 2], 3), 4)
    (1.0, 0.5869)
    """
    ideal = dcg(sorted(labels, reverse=True), k)
    return dcg(labels, k) / ideal if ideal > 0 else 0.0


def average_precision(labels: Sequence[float], relevant: int = RELEVANT) -> float:
    """Mean of precision@rank over the ranks that hold a relevant candidate; 0 with none.

    >>> round(average_precision([2, 0, 2, 1]), 4)
    0.8333
    """
    hits = np.asarray(labels) >= relevant
    if not hits.any():
        return 0.0
    precision = np.cumsum(hits) / np.arange(1, len(hits) + 1)
    return float(precision[hits].mean())


def precision_at(labels: Sequence[float], k: int = 5, relevant: int = RELEVANT) -> float:
    """Share of the first k places that hold a relevant candidate (an empty place counts as not relevant).

    >>> precision_at([2, 2, 0], 5)
    0.4
    """
    return float(np.sum(np.asarray(labels[:k]) >= relevant) / k)


def ranked_labels(scores: Sequence[float], labels: Sequence[float]) -> list[float]:
    """The labels in the order of descending score; ties keep the candidates' order (a stable sort).

    >>> ranked_labels([0.1, 0.9, 0.5], [0, 2, 1])
    [2, 1, 0]
    """
    order = np.argsort(-np.asarray(scores, np.float64), kind="stable")
    return [labels[i] for i in order]


def mean_metrics(rankings: Iterable[Sequence[float]]) -> dict[str, float]:
    """NDCG@10, MAP and precision@5 averaged over rankings (label lists in ranked order), and their count."""
    rows = [(ndcg_at(r, 10), average_precision(r), precision_at(r, 5)) for r in rankings]
    if not rows:
        raise ValueError("no rankings to evaluate")
    ndcg, ap, p5 = np.mean(rows, axis=0)
    return {"ndcg_at_10": float(ndcg), "map": float(ap), "precision_at_5": float(p5), "queries": len(rows)}
