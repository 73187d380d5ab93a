"""User word scores."""

import pytest

from ingestion.word_scores import parse_word_scores, rank_by_word_scores, word_score
from lakehouse.config import ConfigError


def test_parse_word_scores():
    assert parse_word_scores(["PhD=1.1", "senior=0.8", "machine  learning=1.5"]) == {
        "phd": 1.1,
        "senior": 0.8,
        "machine learning": 1.5,
    }


@pytest.mark.parametrize(
    "item",
    [
        "phd",  # no value
        "=1.1",  # no word
        "phd=high",  # not a number
        "phd=0",  # zero would wipe out every other score
        "phd=-1",  # negative
        "phd=nan",  # not finite
    ],
)
def test_bad_word_score_is_a_readable_error(item):
    with pytest.raises(ConfigError, match="WORD=POSITIVE_NUMBER"):
        parse_word_scores([item])


@pytest.mark.parametrize(
    ("title", "description", "expected"),
    [
        ("Data Scientist", "PhD preferred", 1.1),  # one boost
        ("Senior Data Scientist", "PhD preferred", 1.1 * 0.8),  # a boost and a damp multiply
        ("Data Scientist", "phd, phd, PHD", 1.1),  # each word counts once
        ("Data Scientist", "Machine\nlearning at scale", 1.5),  # a phrase across a line break
        ("Seniority matters", "Graduate scheme", 1.0),  # 'senior' inside 'seniority' is not the word
        ("Data Scientist", None, 1.0),  # no description, nothing scored
    ],
)
def test_word_score(title, description, expected):
    scores = {"phd": 1.1, "senior": 0.8, "machine learning": 1.5}
    assert word_score({"title": title, "description": description}, scores) == pytest.approx(expected)


def test_rank_puts_boosted_postings_first():
    postings = [{"title": "Senior Analyst"}, {"title": "Analyst", "description": "PhD"}, {"title": "Analyst"}]
    ranked = rank_by_word_scores(postings, {"phd": 1.2, "senior": 0.5})
    assert [p["title"] for _, p in ranked] == ["Analyst", "Analyst", "Senior Analyst"]
    assert [s for s, _ in ranked] == [1.2, 1.0, 0.5]
