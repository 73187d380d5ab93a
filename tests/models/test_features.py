"""models.features: each feature on hand-made candidates."""

from __future__ import annotations

import doctest
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from models import features
from models.features import FEATURES, ResumeProfile, feature_matrix, features_of, location_fit, skill_shares

AS_OF = datetime(2026, 12, 1, tzinfo=UTC)


def test_doctests() -> None:
    assert doctest.testmod(features).failed == 0


def _resume(**changes) -> ResumeProfile:
    values = dict(
        resume_id="r1",
        embedding=np.ones(3) / np.sqrt(3),
        skill_ids=frozenset({"python", "spark", "dbt"}),
        title="Senior Data Engineer",
        job_family="Computer and Mathematical",
        seniority="senior",
        country="GB",
        city="Leeds",
    )
    return ResumeProfile(**(values | changes))


def _candidates() -> pd.DataFrame:
    return pd.DataFrame(
        [
            # posting_key, cosine, skill_ids, title, job_family, seniority, country, city, workplace, posted_at
            ("p1", 0.8, ["python", "spark"], "Data Engineer", "Computer and Mathematical", "senior", "GB", "Leeds",
             "onsite", AS_OF),
            ("p2", 0.3, ["nursing", "python"], "Staff Nurse", "Healthcare Practitioners", "junior", "GB", "York",
             "onsite", AS_OF - timedelta(days=30)),
            ("p3", 0.5, [], "Analyst", None, None, "US", "Austin", "remote", None),
        ],
        columns=features.CANDIDATE_COLUMNS,
    )  # fmt: skip


def test_features_of_hand_made_candidates() -> None:
    rarity = {"python": 1.0, "spark": 2.0, "nursing": 3.0}
    out = features_of(_resume(), _candidates(), rarity, AS_OF).set_index("posting_key")
    assert out.loc["p1", "skill_coverage"] == 1.0 and out.loc["p1", "rare_skill_overlap"] == 1.0
    assert out.loc["p2", "skill_coverage"] == 0.5
    assert out.loc["p2", "rare_skill_overlap"] == pytest.approx(1 / 4)  # python (1) of python + nursing (1 + 3)
    assert out.loc["p3", ["skill_coverage", "rare_skill_overlap"]].tolist() == [0.0, 0.0]  # no skills found
    assert out.loc["p1", "title_agreement"] == 1.0  # "Senior" is a level, not a title word
    assert out["family_match"].tolist() == [1.0, 0.0, 0.5]
    assert out["seniority_fit"].tolist() == [1.0, pytest.approx(1 / 3), 0.5]
    assert out["location_fit"].tolist() == [1.0, 0.5, 1.0]  # same city; same country; remote
    assert out["recency"].tolist() == [1.0, pytest.approx(np.exp(-1)), 0.0]
    assert feature_matrix(out).shape == (3, len(FEATURES))
    assert ((feature_matrix(out) >= 0) & (feature_matrix(out) <= 1)).all()


def test_missing_columns_are_named() -> None:
    with pytest.raises(ValueError, match="lack title"):
        features_of(_resume(), _candidates().drop(columns="title"), {}, AS_OF)


@pytest.mark.parametrize(
    ("resume", "place", "expected"),
    [
        (dict(country=None, city=None), ("US", "Austin", "onsite"), 0.5),  # the resume names no place
        (dict(), ("FR", "Paris", "onsite"), 0.0),  # another country
        (dict(), ("FR", "Paris", "remote"), 1.0),  # remote is anywhere
        (dict(city=None), ("GB", "Leeds", "hybrid"), 0.5),  # the country, no city to compare
    ],
)
def test_location_fit(resume, place, expected) -> None:
    assert location_fit(_resume(**resume), *place) == expected


def test_unseen_skills_weigh_as_the_rarest() -> None:
    coverage, weighted = skill_shares(frozenset({"new"}), ["new", "python"], {"python": 1.0, "dbt": 4.0})
    assert coverage == 0.5 and weighted == pytest.approx(4 / 5)
