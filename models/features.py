"""Features of a (resume, posting) pair, the inputs of the ranking model, computed on a candidate set.

Candidates come from retrieval (the postings nearest the resume's embedding), a few hundred per
resume, so the features are plain NumPy over a pandas frame on the driver. Each is a number in
[0, 1] that a job seeker can read:

- `cosine`: the embeddings' cosine (both are unit vectors: their dot product);
- `skill_coverage`: the share of the posting's skills the resume has;
- `rare_skill_overlap`: the same share with every skill weighted by its rarity (inverse document
  frequency over the postings), so a shared niche tool counts more than a shared "SQL";
- `title_agreement`: the overlap (Jaccard) of the title words, seniority words left out;
- `family_match`: 1 for the same job family (SOC major group of the title), 0 for another, 0.5
  when either title has none;
- `seniority_fit`: 1 for the same level, less by a third per level apart, 0.5 when unknown;
- `location_fit`: 1 for a remote job or the resume's own city, 0.5 for its country or when the
  resume names no place, 0 elsewhere;
- `recency`: exp(-days since posting / `RECENCY_DAYS`), 0 when the date is unknown.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from streaming.title_taxonomy import title_words
from streaming.vocab import SENIORITY_LEVELS

FEATURES: tuple[str, ...] = (
    "cosine",
    "skill_coverage",
    "rare_skill_overlap",
    "title_agreement",
    "family_match",
    "seniority_fit",
    "location_fit",
    "recency",
)
RECENCY_DAYS = 30.0
SENIORITY_STEP = 1 / 3  # fit lost per level apart
UNKNOWN = 0.5  # a feature's value when one side does not say
CANDIDATE_COLUMNS = (  # what features_of reads from each candidate row
    "posting_key",
    "cosine",
    "skill_ids",
    "title",
    "job_family",
    "seniority",
    "country",
    "city",
    "workplace_type",
    "posted_at",
)


@dataclass(frozen=True)
class ResumeProfile:
    """What matching knows of a resume: never its text, only what was derived from it."""

    resume_id: str
    embedding: np.ndarray = field(repr=False)
    skill_ids: frozenset[str]
    title: str | None = None
    job_family: str | None = None
    seniority: str | None = None
    country: str | None = None
    city: str | None = None


def skill_rarity(document_frequency: Mapping[str, int], documents: int) -> dict[str, float]:
    """Smoothed inverse document frequency per skill: log((1 + N) / (1 + df)) + 1.

    >>> {k: round(v, 3) for k, v in skill_rarity({"sql": 90, "dbt": 2}, 100).items()}
    {'sql': 1.104, 'dbt': 4.517}
    """
    return {skill: math.log((1 + documents) / (1 + df)) + 1 for skill, df in document_frequency.items()}


def title_agreement(a: str | None, b: str | None) -> float:
    """Jaccard overlap of two titles' words, seniority words left out.

    >>> title_agreement("Senior Data Engineer", "Data Platform Engineer"), title_agreement("Nurse", None)
    (0.6666666666666666, 0.0)
    """
    wa, wb = set(title_words(a or "")), set(title_words(b or ""))
    return len(wa & wb) / len(wa | wb) if wa and wb else 0.0


def family_match(a: str | None, b: str | None) -> float:
    """1 for the same job family, 0 for different ones, UNKNOWN when either is missing."""
    return UNKNOWN if not a or not b else float(a == b)


def seniority_fit(a: str | None, b: str | None) -> float:
    """1 for the same level, SENIORITY_STEP less per level apart (not below 0), UNKNOWN when unknown.

    >>> seniority_fit("senior", "senior"), seniority_fit("junior", "senior"), seniority_fit(None, "lead")
    (1.0, 0.33333333333333337, 0.5)
    """
    if a not in SENIORITY_LEVELS or b not in SENIORITY_LEVELS:
        return UNKNOWN
    apart = abs(SENIORITY_LEVELS.index(a) - SENIORITY_LEVELS.index(b))
    return max(0.0, 1 - SENIORITY_STEP * apart)


def location_fit(resume: ResumeProfile, country: str | None, city: str | None, workplace_type: str | None) -> float:
    """1 remote or the resume's city, UNKNOWN its country or no place on the resume, 0 elsewhere."""
    if workplace_type == "remote":
        return 1.0
    if not resume.country:
        return UNKNOWN
    if resume.country != country:
        return 0.0
    return 1.0 if resume.city and city and resume.city.lower() == city.lower() else UNKNOWN


def _utc(moment: datetime) -> datetime:
    """A timestamp in UTC; a naive one (Spark's toPandas gives those, in the session's UTC) is read as UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def recency(posted_at: datetime | None, as_of: datetime) -> float:
    """exp(-age in days / RECENCY_DAYS); 0 for an unknown date, 1 for a date after `as_of`."""
    if posted_at is None or pd.isna(posted_at):
        return 0.0
    days = max((_utc(as_of) - _utc(posted_at)).total_seconds() / 86400, 0.0)
    return math.exp(-days / RECENCY_DAYS)


def skill_shares(
    resume_skills: frozenset[str], posting_skills: Iterable[str], rarity: Mapping[str, float]
) -> tuple[float, float]:
    """(share of the posting's skills the resume has, the same weighted by rarity); 0s for a posting without skills."""
    wanted = set(posting_skills)
    if not wanted:
        return 0.0, 0.0
    shared = wanted & resume_skills
    weight = max(rarity.values(), default=1.0)  # a skill the rarity table has not seen is as rare as the rarest
    total = sum(rarity.get(s, weight) for s in wanted)
    return len(shared) / len(wanted), sum(rarity.get(s, weight) for s in shared) / total


def features_of(
    resume: ResumeProfile, candidates: pd.DataFrame, rarity: Mapping[str, float], as_of: datetime
) -> pd.DataFrame:
    """`candidates` (CANDIDATE_COLUMNS) with one column per feature of FEATURES added."""
    missing = [c for c in CANDIDATE_COLUMNS if c not in candidates.columns]
    if missing:
        raise ValueError(f"candidate rows lack {', '.join(missing)}")
    out = candidates.copy()
    shares = [
        skill_shares(resume.skill_ids, skills if skills is not None else (), rarity) for skills in out["skill_ids"]
    ]
    out["cosine"] = out["cosine"].astype(float).clip(-1.0, 1.0)
    out["skill_coverage"] = [s[0] for s in shares]
    out["rare_skill_overlap"] = [s[1] for s in shares]
    out["title_agreement"] = [title_agreement(resume.title, t) for t in out["title"]]
    out["family_match"] = [family_match(resume.job_family, f) for f in out["job_family"]]
    out["seniority_fit"] = [seniority_fit(resume.seniority, s) for s in out["seniority"]]
    rows = zip(out["country"], out["city"], out["workplace_type"], strict=True)
    out["location_fit"] = [location_fit(resume, country, city, workplace) for country, city, workplace in rows]
    out["recency"] = [recency(p, as_of) for p in out["posted_at"]]
    return out


def feature_matrix(frame: pd.DataFrame, features: Sequence[str] = FEATURES) -> np.ndarray:
    """(n, features) float64 rows in the model's column order."""
    return frame[list(features)].to_numpy(np.float64)
