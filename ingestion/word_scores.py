"""User word scores: `phd=1.1 senior=0.8` boosts or damps postings that mention a word.

A posting's score is the product of the scores of every distinct scored word or phrase its
title or description contains (whole words, case-insensitive); a posting with none scores 1.
The same scores feed resume matching later, so they are parsed and applied in one place.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

from lakehouse.config import ConfigError


def parse_word_scores(items: Iterable[str]) -> dict[str, float]:
    """['phd=1.1', 'senior=0.8'] -> {'phd': 1.1, 'senior': 0.8}; a readable error for a bad item."""
    scores: dict[str, float] = {}
    for item in items:
        word, sep, value = item.partition("=")
        try:
            score = float(value)
        except ValueError:
            score = math.nan
        if not sep or not word.strip() or not math.isfinite(score) or score <= 0:
            raise ConfigError(f"--word-score takes WORD=POSITIVE_NUMBER (e.g. phd=1.1), got '{item}'")
        scores[" ".join(word.lower().split())] = score
    return scores


def _pattern(phrase: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in phrase.split()]
    return re.compile(r"(?<![\w])" + r"\s+".join(words) + r"(?![\w])", re.IGNORECASE)


def word_score(posting: Mapping[str, Any], scores: Mapping[str, float]) -> float:
    """The product of the scores of the scored words the posting's title or description mentions."""
    text = f"{posting.get('title') or ''}\n{posting.get('description') or ''}"
    return math.prod(score for phrase, score in scores.items() if _pattern(phrase).search(text))


def rank_by_word_scores(
    postings: Iterable[Mapping[str, Any]], scores: Mapping[str, float]
) -> list[tuple[float, Mapping[str, Any]]]:
    """Postings with their scores, best first (ties keep their order)."""
    scored = [(word_score(p, scores), p) for p in postings]
    return sorted(scored, key=lambda pair: -pair[0])
