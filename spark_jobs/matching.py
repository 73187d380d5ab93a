"""Match resumes against the gold tables: retrieve by embedding, filter, rank with the champion, explain.

1. Retrieval: the postings of `gold.fact_job_postings` that pass the filters (query words in the
   title or description, a place, remote only, posted within, active only), their embeddings
   from `gold.job_embeddings` (the current model's), and the `RETRIEVE` nearest each resume's
   embedding by cosine: one scan for a whole batch of resumes, each partition keeping its own
   top rows per resume in a pandas function and the driver merging them, so no posting's vector
   leaves its executor.
2. Ranking: the candidates' features (`models.features`), the champion's score and match %
   (`models:/<name>@champion`), times the user's word scores (`--word-score phd=1.1`).
3. Explanation: matched and missing skills per posting, the features that helped most, and a
   skill-gap report: the missing skills the top matches ask for most, with their trend in
   `gold.agg_skill_trends`.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from delta.tables import DeltaTable
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from ingestion.word_scores import word_score
from lakehouse.catalog import read_table, table_path
from lakehouse.config import ConfigError, Settings
from models.cover_letter import draft, polish
from models.features import FEATURES, ResumeProfile, feature_matrix, features_of, skill_rarity
from models.tracking import Champion
from spark_jobs.analytics import lake_table
from spark_jobs.embeddings import MODEL_VERSION, embedding_text
from spark_jobs.table_writes import replace_for_keys

RETRIEVE = 200  # candidates ranked per resume
GAP_FROM = 20  # the top matches a skill gap is counted over
REASONS = 3  # features named as reasons per match
GAP_COLUMNS = ["skill_id", "skill", "top_matches", "share", "growth"]
DELTA_DEFAULT_RETENTION_HOURS = 168  # VACUUM refuses less unless its check is turned off
FEATURE_NAMES = {
    "cosine": "similar text",
    "skill_coverage": "skills you have",
    "rare_skill_overlap": "rare skills you share",
    "title_agreement": "title",
    "family_match": "job family",
    "seniority_fit": "level",
    "location_fit": "place",
    "recency": "recent",
}
RESUME_MATCHES_DDL = (
    "resume_id string, posting_key string, rank int, match_pct double, score double, word_score double, "
    "matched_skills array<string>, missing_skills array<string>, reasons string, "
    "model_name string, model_version string, matched_at timestamp, run_id string"
)


@dataclass(frozen=True)
class MatchFilters:
    """What the job seeker narrows the postings to."""

    query: str | None = None  # every word in the title or the description
    location: str | None = None  # a city, region or country, as written
    remote_only: bool = False
    posted_within: timedelta | None = None
    active_only: bool = True
    word_scores: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class MatchResult:
    """The ranked matches of one resume and its skill-gap report."""

    matches: pd.DataFrame
    skill_gap: pd.DataFrame
    model_version: str


def filtered_postings(spark: SparkSession, settings: Settings, filters: MatchFilters, as_of: datetime) -> DataFrame:
    """Postings passing the filters, with title, company, place, level, posting date and embedding."""
    fact_df = lake_table(spark, settings, "gold.fact_job_postings")
    location_df = lake_table(spark, settings, "gold.dim_location").select(
        "location_sk", "city", "region", "country", "workplace_type"
    )
    company_df = lake_table(spark, settings, "gold.dim_company").select("company_sk", "company_name")
    employment_df = lake_table(spark, settings, "gold.dim_employment").select("employment_sk", "seniority_level")
    embeddings_df = (
        lake_table(spark, settings, "gold.job_embeddings")
        .where(F.col("model_version") == MODEL_VERSION)
        .select("posting_key", "embedding")
    )
    postings_df = (
        fact_df.select(
            "posting_key",
            "title",
            "job_family",
            "is_active",
            "posted_at",
            "first_seen_at",
            "location_sk",
            "company_sk",
            "employment_sk",
        )
        .join(location_df, "location_sk", "left")
        .join(company_df, "company_sk", "left")
        .join(employment_df, "employment_sk", "left")
        .join(embeddings_df, "posting_key")
        .withColumn("posted_at", F.coalesce("posted_at", "first_seen_at"))
    )
    if filters.active_only:
        postings_df = postings_df.where(F.col("is_active"))
    if filters.remote_only:
        postings_df = postings_df.where(F.col("workplace_type") == "remote")
    if filters.posted_within is not None:
        postings_df = postings_df.where(F.col("posted_at") >= F.lit(as_of - filters.posted_within))
    if filters.location:
        place = filters.location.strip().lower()
        postings_df = postings_df.where(
            F.exists(
                F.array(F.lower("city"), F.lower("region"), F.lower("country")),
                lambda p: p == F.lit(place),
            )
        )
    if filters.query:
        silver_df = lake_table(spark, settings, "silver.job_postings").select("posting_key", "description")
        text = F.lower(F.concat_ws(" ", F.col("title"), F.col("description")))
        words = re.findall(r"[\w+#]+", filters.query.lower())
        matching_df = postings_df.join(silver_df, "posting_key", "left")
        for w in words:
            matching_df = matching_df.where(text.rlike(rf"(?<![\w]){re.escape(w)}(?![\w])"))
        postings_df = matching_df.drop("description")
    return postings_df


def _best(keys: np.ndarray, scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The k highest scores with their keys, best first, ties by key (the same k whatever the row order)."""
    if len(scores) > k:
        kept = scores >= np.partition(scores, len(scores) - k)[len(scores) - k]
        keys, scores = keys[kept], scores[kept]
    order = np.lexsort((keys, -scores))[:k]
    return keys[order], scores[order]


def nearest(postings_df: DataFrame, vectors: np.ndarray, k: int) -> list[pd.DataFrame]:
    """For each row of `vectors` (one per resume), the k postings nearest it: posting_key, cosine, best first.

    Unit vectors, so cosine = dot product. One scan of the embeddings serves every resume: each
    batch of postings is multiplied by all the resume vectors at once, and each partition keeps
    only its own k best per resume for the driver to merge.
    """
    queries = np.atleast_2d(np.asarray(vectors, np.float32))
    schema = "query int, posting_key string, cosine double"

    def top_of_partition(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        # a pandas function because scoring a batch of embeddings against every resume is one NumPy product
        best = [(np.empty(0, object), np.empty(0, np.float32)) for _ in queries]
        for batch in batches:
            if batch.empty:
                continue
            keys = batch["posting_key"].to_numpy(object)
            scores = np.stack(batch["embedding"].to_numpy()).astype(np.float32) @ queries.T
            for q, (kept_keys, kept_scores) in enumerate(best):
                best[q] = _best(np.concatenate([kept_keys, keys]), np.concatenate([kept_scores, scores[:, q]]), k)
        for q, (keys, scores) in enumerate(best):
            if len(keys):
                yield pd.DataFrame({"query": q, "posting_key": keys, "cosine": scores.astype(float)})

    rows = postings_df.select("posting_key", "embedding").mapInPandas(top_of_partition, schema).toPandas()
    found = []
    for q in range(len(queries)):
        mine = rows[rows["query"] == q]
        keys, scores = _best(mine["posting_key"].to_numpy(object), mine["cosine"].to_numpy(), k)
        found.append(pd.DataFrame({"posting_key": keys, "cosine": scores}))
    return found


def candidate_details(spark: SparkSession, settings: Settings, postings_df: DataFrame, keys: list[str]) -> pd.DataFrame:
    """The postings `keys` with what ranking and display read: CANDIDATE_COLUMNS, company, description, skills.

    Every table is filtered to the keys before it is joined or grouped (a few hundred postings, not
    the lake): the filter reaches each Delta scan, where file statistics can skip what holds none.
    """
    is_candidate = F.col("posting_key").isin(keys)
    skills_df = (
        lake_table(spark, settings, "gold.bridge_job_skills")
        .where(is_candidate)
        .join(lake_table(spark, settings, "gold.dim_skill").select("skill_id", "skill_name"), "skill_id")
        .groupBy("posting_key")
        .agg(F.sort_array(F.collect_list(F.struct("skill_id", "skill_name"))).alias("skills"))
    )
    silver_df = (
        lake_table(spark, settings, "silver.job_postings").select("posting_key", "description").where(is_candidate)
    )
    details = (
        postings_df.drop("embedding")
        .where(is_candidate)
        .join(skills_df, "posting_key", "left")
        .join(silver_df, "posting_key", "left")
        .withColumnRenamed("seniority_level", "seniority")
        .toPandas()
    )
    skills = [list(s) if s is not None else [] for s in details["skills"]]
    details["skill_ids"] = [[row["skill_id"] for row in s] for s in skills]
    details["skill_names"] = [{row["skill_id"]: row["skill_name"] for row in s} for s in skills]
    return details.drop(columns="skills")


def rarity_of_skills(spark: SparkSession, settings: Settings) -> dict[str, float]:
    """Inverse document frequency of every skill over the postings of gold."""
    bridge_df = lake_table(spark, settings, "gold.bridge_job_skills")
    documents = lake_table(spark, settings, "gold.fact_job_postings").count()
    frequency = {
        r["skill_id"]: r["n"]
        for r in bridge_df.groupBy("skill_id").agg(F.countDistinct("posting_key").alias("n")).collect()
    }
    return skill_rarity(frequency, max(documents, 1))


def reasons(contributions: np.ndarray) -> str:
    """The features that raised the score most, as words: "skills you have +1.2, similar text +0.8".

    >>> reasons(np.array([0.8, 1.2, 0, -0.5, 0, 0, 0, 0.1]))
    'skills you have +1.2, similar text +0.8, recent +0.1'
    """
    order = np.argsort(-contributions, kind="stable")[:REASONS]
    return ", ".join(f"{FEATURE_NAMES[FEATURES[i]]} {contributions[i]:+.1f}" for i in order if contributions[i] > 0)


def rank(
    profile: ResumeProfile,
    candidates: pd.DataFrame,
    champion: Champion,
    rarity: Mapping[str, float],
    filters: MatchFilters,
    as_of: datetime,
) -> pd.DataFrame:
    """The candidates scored by the champion (times the word scores), best first, with skills and reasons."""
    scored = features_of(profile, candidates, rarity, as_of)
    x = feature_matrix(scored, champion.ranker.features)
    contributions = champion.ranker.contributions(x)
    boosts = np.array(
        [
            word_score({"title": t, "description": d}, filters.word_scores)
            for t, d in zip(scored["title"], scored["description"], strict=True)
        ]
    )
    scored["score"] = contributions.sum(axis=1)
    scored["word_score"] = boosts
    scored["match_pct"] = np.minimum(100 * champion.ranker.match_probability(x) * boosts, 100).round(1)
    scored["reasons"] = [reasons(row) for row in contributions]
    scored["matched_skills"] = [
        sorted(names[s] for s in ids if s in profile.skill_ids)
        for ids, names in zip(scored["skill_ids"], scored["skill_names"], strict=True)
    ]
    scored["missing_skills"] = [
        sorted(names[s] for s in ids if s not in profile.skill_ids)
        for ids, names in zip(scored["skill_ids"], scored["skill_names"], strict=True)
    ]
    order = scored["score"] + np.log(boosts)  # word scores multiply the odds
    scored = scored.assign(_order=order).sort_values(["_order", "posting_key"], ascending=[False, True])
    scored["rank"] = range(1, len(scored) + 1)
    return scored.drop(columns="_order").reset_index(drop=True)


def skill_growth(spark: SparkSession, settings: Settings) -> dict[str, float]:
    """Each skill's latest month-over-month growth in gold.agg_skill_trends (none before the first nightly)."""
    trends = read_table(spark, settings, "gold.agg_skill_trends")
    if trends is None:
        return {}
    last = (
        trends.where(F.col("grain") == "month")
        .groupBy("skill_id")
        .agg(F.max_by("growth", "period_start").alias("growth"))
        .where(F.col("growth").isNotNull())
    )
    return {r["skill_id"]: r["growth"] for r in last.collect()}


def skill_gap(ranked: pd.DataFrame, profile: ResumeProfile, growth: Mapping[str, float]) -> pd.DataFrame:
    """Missing skills of the top GAP_FROM matches: how many ask for each, and its latest month-over-month growth.

    >>> ranked = pd.DataFrame({"skill_ids": [["a", "b"], ["b", "c"]],
    ...                        "skill_names": [{"a": "A", "b": "B"}, {"b": "B", "c": "C"}]})
    >>> profile = ResumeProfile("r", None, frozenset({"a"}))
    >>> gap = skill_gap(ranked, profile, {"c": 0.5})
    >>> gap[["skill", "top_matches", "share", "growth"]].values.tolist()
    [['B', 2, 1.0, nan], ['C', 1, 0.5, 0.5]]
    """
    top = ranked.head(GAP_FROM)
    wanted: Counter[str] = Counter()
    names: dict[str, str] = {}
    for ids, skill_names in zip(top["skill_ids"], top["skill_names"], strict=True):
        for s in ids:
            if s not in profile.skill_ids:
                wanted[s] += 1
                names[s] = skill_names[s]
    if not wanted:
        return pd.DataFrame(columns=GAP_COLUMNS)
    gap = pd.DataFrame(
        [
            {"skill_id": s, "skill": names[s], "top_matches": n, "share": round(n / len(top), 3)}
            | {"growth": growth.get(s)}
            for s, n in wanted.items()
        ],
        columns=GAP_COLUMNS,
    )
    gap["_growth"] = [g if math.isfinite(g) else 0.0 for g in gap["growth"].astype(float)]
    return (
        gap.sort_values(["top_matches", "_growth", "skill"], ascending=[False, False, True])
        .drop(columns="_growth")
        .reset_index(drop=True)
    )


def match_resumes(
    spark: SparkSession,
    settings: Settings,
    profiles: Mapping[str, ResumeProfile],
    champion: Champion,
    filters: MatchFilters,
    as_of: datetime,
    top: int = 20,
) -> dict[str, MatchResult]:
    """Each resume's best `top` matches and its skill gap, by resume id.

    The work shared by all the resumes is done once: one scan of the embeddings for every resume
    (`nearest`), one read of the candidates' details, skill rarity and skill trends.
    """
    ids = list(profiles)
    if not ids:
        return {}
    postings_df = filtered_postings(spark, settings, filters, as_of)
    vectors = np.stack([profiles[i].embedding for i in ids])
    retrieved = nearest(postings_df, vectors, max(RETRIEVE, top))
    keys = sorted({k for found in retrieved for k in found["posting_key"]})
    if not keys:
        empty = MatchResult(
            pd.DataFrame(columns=["rank", "posting_key", "title", "company_name", "match_pct"]),
            pd.DataFrame(columns=GAP_COLUMNS),
            champion.version,
        )
        return {i: empty for i in ids}
    details = candidate_details(spark, settings, postings_df, keys)
    rarity, growth = rarity_of_skills(spark, settings), skill_growth(spark, settings)
    results = {}
    for resume_id, found in zip(ids, retrieved, strict=True):
        profile = profiles[resume_id]
        candidates = found.merge(details, on="posting_key")
        ranked = rank(profile, candidates, champion, rarity, filters, as_of)
        results[resume_id] = MatchResult(ranked.head(top), skill_gap(ranked, profile, growth), champion.version)
    return results


def _place(row: pd.Series) -> str:
    parts = [p for p in (row.get("city"), row.get("country")) if isinstance(p, str) and p]
    place = ", ".join(parts) or "-"
    return f"{place} (remote)" if row.get("workplace_type") == "remote" else place


def _short(items: list[str], n: int = 4) -> str:
    return ", ".join(items[:n]) + (f" +{len(items) - n}" if len(items) > n else "") if items else "-"


def match_lines(resume_id: str, result: MatchResult) -> list[str]:
    """The matches as a text table, then the skill gap and keyword suggestions (no resume text)."""
    lines = [f"resume {resume_id}: {len(result.matches)} matches (model version {result.model_version})"]
    if result.matches.empty:
        return [*lines, "no posting passes the filters"]
    header = f"{'#':>3}  {'match':>6}  {'title':<34} {'company':<22} {'location':<22} {'skills you have':<30} missing"
    lines += [header, "-" * len(header)]
    for _, row in result.matches.iterrows():
        lines.append(
            f"{row['rank']:>3}  {row['match_pct']:>5.1f}%  {str(row['title'] or '-')[:34]:<34} "
            f"{str(row.get('company_name') or '-')[:22]:<22} {_place(row)[:22]:<22} "
            f"{_short(row['matched_skills'])[:30]:<30} {_short(row['missing_skills'])}"
        )
    if not result.skill_gap.empty:
        lines.append(f"skill gap (missing skills the top {GAP_FROM} matches ask for most):")
        for _, gap in result.skill_gap.head(10).iterrows():
            trend = "" if gap["growth"] is None or pd.isna(gap["growth"]) else f", {gap['growth']:+.0%} last month"
            lines.append(f"  {gap['skill']}: {gap['top_matches']} of the top matches{trend}")
        keywords = ", ".join(result.skill_gap["skill"].head(5))
        lines.append(f"keyword suggestions: if you have them, name {keywords} on your resume")
    return lines


def write_match_files(result: MatchResult, json_path: str | None = None, csv_path: str | None = None) -> list[str]:
    """Write the matches (and, in JSON, the skill gap) to the files asked for; the paths written."""
    columns = [
        "rank", "posting_key", "title", "company_name", "city", "country", "workplace_type", "match_pct",
        "score", "word_score", "matched_skills", "missing_skills", "reasons",
    ]  # fmt: skip
    matches = result.matches[[c for c in columns if c in result.matches.columns]]
    written = []
    if json_path:
        payload = {
            "model_version": result.model_version,
            "matches": json.loads(matches.to_json(orient="records")),
            "skill_gap": json.loads(result.skill_gap.to_json(orient="records")),
        }
        Path(json_path).write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        written.append(json_path)
    if csv_path:
        flat = matches.assign(
            matched_skills=matches["matched_skills"].map("; ".join),
            missing_skills=matches["missing_skills"].map("; ".join),
        )
        flat.to_csv(csv_path, index=False)
        written.append(csv_path)
    return written


def resume_match_rows(
    resume_id: str, result: MatchResult, champion: Champion, run_id: str, matched_at: datetime
) -> pd.DataFrame:
    """gold.resume_matches rows of one resume's matches: each with the model name and version that ranked it."""
    m = result.matches
    return pd.DataFrame(
        {
            "resume_id": resume_id,
            "posting_key": m["posting_key"],
            "rank": m["rank"].astype("int32"),
            "match_pct": m["match_pct"].astype(float),
            "score": m["score"].astype(float),
            "word_score": m["word_score"].astype(float),
            "matched_skills": m["matched_skills"],
            "missing_skills": m["missing_skills"],
            "reasons": m["reasons"],
            "model_name": champion.name,
            "model_version": champion.version,
            "matched_at": matched_at,
            "run_id": run_id,
        }
    )


def write_resume_matches(spark: SparkSession, settings: Settings, rows: pd.DataFrame) -> int:
    """Replace the rows of the resumes in `rows` in gold.resume_matches (created on first use); rows written."""
    path = table_path(settings, "gold.resume_matches")
    rows_df = (
        spark.createDataFrame(rows, RESUME_MATCHES_DDL) if len(rows) else spark.createDataFrame([], RESUME_MATCHES_DDL)
    )
    keys_df = rows_df.select("resume_id").distinct()
    replace_for_keys(spark, path, keys_df, rows_df, "resume_id")
    return len(rows)


def forget_resume(spark: SparkSession, settings: Settings, resume_id: str) -> int:
    """Delete a resume's rows from gold.resume_matches and VACUUM its old files; the rows deleted.

    The delete is immediate; the files that held the rows stay in the table's history until they
    are older than `privacy.retention_hours`, and every VACUUM (this one, the next `forget`, the
    nightly run) removes those past it.
    """
    path = table_path(settings, "gold.resume_matches")
    if not DeltaTable.isDeltaTable(spark, path):
        return 0
    table = DeltaTable.forPath(spark, path)
    deleted = table.toDF().where(F.col("resume_id") == resume_id).count()
    table.delete(F.col("resume_id") == resume_id)
    vacuum_matches(spark, settings)
    return deleted


def vacuum_matches(spark: SparkSession, settings: Settings) -> None:
    """VACUUM gold.resume_matches with the privacy retention (below Delta's 7-day check when configured so)."""
    path = table_path(settings, "gold.resume_matches")
    if not DeltaTable.isDeltaTable(spark, path):
        return
    hours = float(settings["privacy.retention_hours"])
    if hours < DELTA_DEFAULT_RETENTION_HOURS:
        spark.conf.set("spark.databricks.delta.retentionDurationCheck.enabled", "false")
    DeltaTable.forPath(spark, path).vacuum(hours)


def cover_letter(
    spark: SparkSession, settings: Settings, result: MatchResult, rank: int, profile: ResumeProfile
) -> str:
    """A cover-letter draft for the match at `rank` (polished when an LLM endpoint is configured)."""
    chosen = result.matches[result.matches["rank"] == rank]
    if chosen.empty:
        raise ConfigError(f"--cover-letter {rank}: there is no match ranked {rank} (showing {len(result.matches)})")
    row = chosen.iloc[0]
    passage = (
        spark.createDataFrame([(row["title"], row["description"])], "title string, description string")
        .select(embedding_text(F.col("title"), F.col("description")).alias("text"))
        .first()["text"]
    )
    letter = draft(
        row["title"], row.get("company_name"), passage, row["matched_skills"], row["missing_skills"], profile.title
    )
    return polish(settings, letter, row["title"], row.get("company_name"))
