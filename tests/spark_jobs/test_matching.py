"""Retrieval for a batch of resumes in one scan, and the skill-gap report (spark_jobs/matching.py)."""

from __future__ import annotations

import doctest

import numpy as np
import pytest

from models.features import ResumeProfile
from spark_jobs import matching
from spark_jobs.matching import _best, nearest, skill_gap


def test_doctests() -> None:
    assert doctest.testmod(matching).failed == 0


def test_best_keeps_the_k_highest_and_breaks_ties_by_key() -> None:
    keys = np.array(["d", "b", "a", "c", "e"], dtype=object)
    scores = np.array([0.5, 0.9, 0.5, 0.5, 0.1])
    kept_keys, kept_scores = _best(keys, scores, 3)
    assert list(kept_keys) == ["b", "a", "c"]
    assert list(kept_scores) == [0.9, 0.5, 0.5]
    reversed_keys, _ = _best(keys[::-1], scores[::-1], 3)
    assert list(reversed_keys) == ["b", "a", "c"]  # the same whatever the order rows arrive in


@pytest.mark.spark
def test_nearest_scores_every_resume_in_one_scan_like_a_matrix_product(spark) -> None:
    rng = np.random.default_rng(3)
    embeddings = rng.normal(size=(500, 16)).astype(np.float32)
    embeddings /= np.linalg.norm(embeddings, axis=1, keepdims=True)
    keys = [f"p{i:04d}" for i in range(len(embeddings))]
    postings_df = spark.createDataFrame(
        [(k, e.tolist()) for k, e in zip(keys, embeddings, strict=True)], "posting_key string, embedding array<float>"
    ).repartition(3)
    resumes = rng.normal(size=(4, 16)).astype(np.float32)
    resumes /= np.linalg.norm(resumes, axis=1, keepdims=True)

    found = nearest(postings_df, resumes, 7)

    expected = embeddings @ resumes.T
    assert len(found) == 4
    for q, top in enumerate(found):
        best = np.argsort(-expected[:, q], kind="stable")[:7]
        assert list(top["posting_key"]) == [keys[i] for i in best]
        np.testing.assert_allclose(top["cosine"], expected[best, q], rtol=1e-5)


@pytest.mark.spark
def test_nearest_with_fewer_postings_than_k_returns_them_all(spark) -> None:
    rows = [("a", [1.0, 0.0]), ("b", [0.0, 1.0])]
    postings_df = spark.createDataFrame(rows, "posting_key string, embedding array<float>")
    (top,) = nearest(postings_df, np.array([[0.6, 0.8]]), 5)
    assert list(top["posting_key"]) == ["b", "a"]


def test_skill_gap_counts_missing_skills_over_the_top_matches_and_orders_by_growth() -> None:
    import pandas as pd

    ranked = pd.DataFrame(
        {
            "skill_ids": [["py", "k8s", "tf"], ["py", "tf"], ["k8s"]],
            "skill_names": [
                {"py": "Python", "k8s": "Kubernetes", "tf": "Terraform"},
                {"py": "Python", "tf": "Terraform"},
                {"k8s": "Kubernetes"},
            ],
        }
    )
    profile = ResumeProfile("r", np.zeros(2), frozenset({"py"}))
    gap = skill_gap(ranked, profile, {"tf": 0.25, "k8s": float("nan")})
    assert list(gap["skill"]) == ["Terraform", "Kubernetes"]  # both in 2 of 3; Terraform grows
    assert list(gap["top_matches"]) == [2, 2]
    assert gap["share"].iloc[0] == pytest.approx(0.667)
    assert skill_gap(ranked, ResumeProfile("r", np.zeros(2), frozenset({"py", "k8s", "tf"})), {}).empty
