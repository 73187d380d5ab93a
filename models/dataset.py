"""Relevance labels for the ranker, from real postings and O*NET occupations (needs ../shared/data).

How the labels are made, in full (the README repeats it):

- Postings: the real NHS Jobs and data-science postings (`streaming.evaluate.REAL_POSTING_FILES`),
  normalised by the streaming job's own functions. A posting's occupation is the O*NET occupation
  its title maps to in joblake's title taxonomy (`streaming/data/job_families.csv`); postings
  without one are left out. Occupations with at least `MIN_POSTINGS` postings are kept, at most
  `MAX_POSTINGS` postings each (chosen by a hash of the posting key, so every run picks the same).
- Resumes: `RESUMES_PER_OCCUPATION` per kept occupation, written from O*NET alone: a title drawn
  from the occupation's alternate titles, the occupation's description as the summary, technology
  skills drawn from its O*NET Technology Skills (hot technologies first), years of experience.
  They are generated at run time from the shared data and never stored in the repository.
- Labels of (resume, posting): 2 for the same O*NET occupation, 1 for the same SOC minor group
  (the code's first three digits: "29-1" healthcare diagnosing or treating practitioners, so a
  nurse and a pharmacist, not a pharmacy technician, "29-2"), else 0.
- Candidates: each resume's `TOP_K` postings by embedding cosine, as matching retrieves them; the
  ranker and the baselines reorder the same candidates.

What this measures, and what it does not: agreement with the title taxonomy's occupation of a
posting. The title features (`title_agreement`, `family_match`) read the same kind of evidence,
so `models.train` also logs a run without them. The taxonomy's mistakes (NHS "Officer" titles
mapped to military officers) are label noise, left in.
"""

from __future__ import annotations

import csv
import hashlib
import random
import tempfile
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from pyspark.sql import DataFrame, SparkSession, Window
from pyspark.sql import functions as F

from ingestion.data_paths import require_shared_data
from lakehouse.config import Settings
from models.baselines import BM25
from models.features import features_of, skill_rarity
from models.profiles import resume_profiles
from spark_jobs.embeddings import embed_texts, with_embedding_text
from spark_jobs.gold import posting_text
from spark_jobs.skills import skill_mentions
from streaming.evaluate import REAL_POSTING_FILES, SCRAPED_AT, normalised_postings

MIN_POSTINGS = 15
MAX_POSTINGS = 40
RESUMES_PER_OCCUPATION = 4
SKILLS_PER_RESUME = (6, 12)  # drawn between these counts
YEARS = (1, 15)
TOP_K = 100
SEED = 0
LABELS_HOW = (
    "2 same O*NET occupation, 1 same SOC minor group, 0 other; posting occupation from the title taxonomy; "
    "resumes written from O*NET (alternate title, description, technology skills)"
)
POOL_COLUMNS = (
    "posting_key", "title", "description", "occupation_code", "job_family", "seniority",
    "country", "city", "workplace_type", "posted_at",
)  # fmt: skip


@dataclass(frozen=True)
class Occupation:
    """What O*NET says about an occupation, for writing resumes."""

    code: str
    title: str
    description: str
    alternate_titles: list[str] = field(default_factory=list)
    technologies: list[tuple[str, bool]] = field(default_factory=list)  # (name, hot)


def relevance(resume_occupation: str, posting_occupation: str | None) -> int:
    """2 same occupation, 1 same SOC minor group, 0 otherwise.

    >>> nurse = "29-1141.00"
    >>> relevance(nurse, "29-1141.00"), relevance(nurse, "29-1171.00"), relevance(nurse, "29-2052.00")
    (2, 1, 0)
    """
    if not posting_occupation:
        return 0
    if posting_occupation == resume_occupation:
        return 2
    return 1 if posting_occupation[:4] == resume_occupation[:4] else 0


def read_occupations(codes: Sequence[str]) -> dict[str, Occupation]:
    """O*NET occupation data, alternate titles and technology skills of `codes`."""
    wanted = set(codes)

    def rows(name: str):
        with require_shared_data("taxonomies", "onet", name).open(newline="", encoding="utf-8") as f:
            yield from (r for r in csv.DictReader(f) if r["O*NET-SOC Code"] in wanted)

    found = {
        r["O*NET-SOC Code"]: Occupation(r["O*NET-SOC Code"], r["Title"], r["Description"])
        for r in rows("onet29.2_Occupation_Data.csv")
    }
    for r in rows("onet29.2_Alternate_Titles.csv"):
        found[r["O*NET-SOC Code"]].alternate_titles.append(r["Alternate Title"])
    for r in rows("onet29.2_Technology_Skills.csv"):
        found[r["O*NET-SOC Code"]].technologies.append((r["Example"], r["Hot Technology"] == "Y"))
    return found


def write_resume(occupation: Occupation, index: int) -> tuple[str, str]:
    """(resume_id, text) of the index-th resume written for an occupation; the same every run."""
    rng = random.Random(f"{SEED}-{occupation.code}-{index}")
    short = [t for t in occupation.alternate_titles if len(t.split()) <= 5] or [occupation.title]
    title = rng.choice(sorted(short))
    hot = sorted(name for name, is_hot in occupation.technologies if is_hot)
    other = sorted(name for name, is_hot in occupation.technologies if not is_hot)
    rng.shuffle(hot)
    rng.shuffle(other)
    skills = (hot + other)[: rng.randint(*SKILLS_PER_RESUME)]
    years = rng.randint(*YEARS)
    text = "\n".join(
        [
            title,
            "",
            f"Summary: {occupation.description}",
            "",
            f"Skills: {', '.join(skills)}" if skills else "",
            "",
            f"Experience: {years} years as {title}.",
        ]
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16], text


def real_postings(spark: SparkSession, workdir: Path) -> DataFrame:
    """Every real posting, normalised, one per posting key, with its occupation (null when the taxonomy has none)."""
    postings_df = normalised_postings(spark, REAL_POSTING_FILES, workdir)
    return postings_df.withColumn("seniority", F.coalesce("seniority_level", "title_seniority"))


def posting_pool(postings_df: DataFrame) -> DataFrame:
    """Postings of occupations with at least MIN_POSTINGS, at most MAX_POSTINGS each (by a hash of the key)."""
    counted_df = postings_df.where(F.col("occupation_code").isNotNull()).withColumn(
        "_n", F.count(F.lit(1)).over(Window.partitionBy("occupation_code"))
    )
    order = Window.partitionBy("occupation_code").orderBy(F.sha2("posting_key", 256))
    return (
        counted_df.where(F.col("_n") >= MIN_POSTINGS)
        .withColumn("_rank", F.row_number().over(order))
        .where(F.col("_rank") <= MAX_POSTINGS)
        .drop("_n", "_rank")
    )


def pool_with_skills_and_embeddings(pool_df: DataFrame, settings: Settings) -> tuple[pd.DataFrame, np.ndarray]:
    """The pool as pandas (POOL_COLUMNS and skill_ids) and its embeddings (rows in the same order)."""
    pool_df = pool_df.persist()
    skills_df = (
        skill_mentions(posting_text(pool_df), "posting_key", "text", settings=settings)
        .where(F.col("skill_id").isNotNull())
        .groupBy("posting_key")
        .agg(F.sort_array(F.collect_set("skill_id")).alias("skill_ids"))
    )
    texts_df = with_embedding_text(pool_df).select("posting_key", "text")
    pool = (
        pool_df.select(*POOL_COLUMNS)
        .join(skills_df, "posting_key", "left")
        .join(texts_df, "posting_key", "left")
        .orderBy("posting_key")
        .toPandas()
    )
    pool_df.unpersist()
    pool["skill_ids"] = [list(s) if s is not None else [] for s in pool["skill_ids"]]
    vectors = embed_texts([t or "" for t in pool["text"]], settings)
    return pool.drop(columns="text"), vectors


def labelled_candidates(spark: SparkSession, settings: Settings) -> pd.DataFrame:
    """One row per (resume, retrieved posting): features, bm25, label and the resume's occupation."""
    with tempfile.TemporaryDirectory(prefix="joblake-ranking-") as workdir:
        pool, vectors = pool_with_skills_and_embeddings(posting_pool(real_postings(spark, Path(workdir))), settings)
    occupations = read_occupations(sorted(set(pool["occupation_code"])))
    resumes = {
        resume_id: (code, text)
        for code in sorted(occupations)
        for resume_id, text in (write_resume(occupations[code], i) for i in range(RESUMES_PER_OCCUPATION))
    }
    profiles = resume_profiles(spark, [(r, text) for r, (_, text) in resumes.items()], settings)
    frequency = Counter(s for skills in pool["skill_ids"] for s in set(skills))
    rarity = skill_rarity(frequency, len(pool))
    documents = (pool["title"].fillna("") + "\n" + pool["description"].fillna("")).tolist()
    frames = []
    for resume_id, (code, text) in resumes.items():
        profile = profiles[resume_id]
        cosine = vectors @ profile.embedding
        top = np.argsort(-cosine, kind="stable")[:TOP_K]
        candidates = pool.iloc[top].assign(cosine=cosine[top])
        scored = features_of(profile, candidates, rarity, SCRAPED_AT)
        scored["bm25"] = BM25([documents[i] for i in top]).scores(text)
        scored["label"] = [relevance(code, o) for o in scored["occupation_code"]]
        frames.append(scored.assign(resume_id=resume_id, occupation=code))
    return pd.concat(frames, ignore_index=True)


def describe(frame: pd.DataFrame) -> dict:
    """Counts of the labelled set, for the report."""
    per_label = defaultdict(int, frame["label"].value_counts().to_dict())
    return {
        "resumes": int(frame["resume_id"].nunique()),
        "occupations": int(frame["occupation"].nunique()),
        "postings": int(frame["posting_key"].nunique()),
        "candidates": len(frame),
        "labels": {str(k): int(per_label[k]) for k in (2, 1, 0)},
    }
