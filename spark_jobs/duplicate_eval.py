"""Duplicate-group evaluation on the real postings in `../shared/data/postings` (`joblake eval`).

Both datasets go through the same path as the stream (shipped mapping -> Avro record ->
`with_decoded_posting` -> `with_normalised_fields`, one row per posting key, then silver's exact
`duplicate_group_id` by `with_changes` / `with_duplicate_groups`), and `build_duplicate_groups`
groups them. Scores are pairwise: a pair of postings is predicted when they share a group, and
precision, recall and F1 count pairs (groups of n postings hold n(n-1)/2 pairs).

How the labels are derived, apart from the description text the near-duplicate methods read:

- **ds_jobs_2020** (Glassdoor, Indeed, LinkedIn, spring 2020): a true pair is two postings on
  *different boards* with the same normalised company key, normalised title (seniority kept) and
  city and region. Only postings with all four fields are scored, and a label key that one board
  lists more than once is ambiguous (two openings, or one job listed twice?) so its postings are
  left out; only cross-board pairs are scored (same-board predicted pairs are counted apart).
  These labels are noisy both ways: a title edited between boards ("Sr." / "Senior" survives
  normalisation, "Data Scientist - NLP" does not) is a missed true pair, and one employer hiring
  two people for the same title and city is a false one. They are also close to silver's exact
  key (canonical title + company + location), so the `exact` method's recall on them is nearly
  true by construction: the informative figures are those of `minhash` and `embedding` alone.
- **nhs_jobs_2020**: a true pair is two postings whose description in the file is character for
  character the same (after trimming). Reposts with an edited description are real duplicates the
  label misses, so precision on NHS is a lower bound; `false_pairs_same_title` says how many of the
  predicted-but-unlabelled pairs also share the normalised title.

The report gives, per dataset, the label counts, the figures of the table as built (the default
thresholds) and of each method alone, a threshold sweep (Jaccard for minhash, cosine for
embeddings; pairs are scored once and the groups re-formed per threshold, which is what the table
would hold with that threshold), and the seconds each step took. Embeddings are included when the
model (`make jars`) is there. Fails with one readable line when the shared data folder is missing.
"""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from ingestion.data_paths import require_shared_data
from lakehouse.config import ConfigError, load_settings
from spark_jobs.duplicates import DuplicateParams, build_duplicate_groups, scored_candidates
from spark_jobs.skill_eval import precision_recall_f1
from streaming.evaluate import REAL_POSTING_FILES, normalised_postings  # as the normalisation eval reads them
from streaming.silver import with_changes, with_duplicate_groups

logger = logging.getLogger(__name__)

DS_JOBS_FILES = [(name, mapping) for name, mapping in REAL_POSTING_FILES if name.startswith("ds_jobs_2020/")]
NHS_FILE = next((name, mapping) for name, mapping in REAL_POSTING_FILES if mapping == "nhs_jobs")
SCRAPED_AT = datetime(2020, 11, 30, tzinfo=UTC)
JACCARD_SWEEP = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
COSINE_SWEEP = (0.9, 0.93, 0.95, 0.97, 0.98, 0.99)
TITLE_SWEEP = (0.0, 0.25, 0.5, 0.75, 1.0)
SILVER_COLUMNS = [
    "posting_key", "source", "source_job_id", "title_raw", "title", "company_key", "city", "region", "country",
    "description", "posted_at", "first_seen_at", "content_hash", "duplicate_group_id",
]  # fmt: skip

LABEL_DERIVATION = {
    "ds_jobs_2020": "postings on different boards with the same company_key, lower-cased normalised title, city and "
    "region; postings missing one of them are not scored, keys a board lists twice are ambiguous and left out",
    "nhs_jobs_2020": "postings whose description in the file is the same after trimming (empty ones excluded); "
    "precision is a lower bound: edited reposts are unlabelled",
}
Groups = dict[str, str]  # posting_key -> group id; postings without an entry are alone


# --- Silver-like rows ------------------------------------------------------------------------


def silver_rows(spark: SparkSession, files: Iterable[tuple[str, str]], workdir: Path, window_days: int) -> DataFrame:
    """The files' postings as silver rows: normalised, one per posting key, with silver's exact group id."""
    rows_df = normalised_postings(spark, files, workdir).withColumn("first_seen_at", F.col("scraped_at"))
    empty_silver_df = rows_df.select(
        "posting_key",
        "scraped_at",
        "content_hash",
        "posted_at",
        F.lit(None).cast("string").alias("duplicate_key"),
        F.lit(None).cast("string").alias("duplicate_group_id"),
    ).limit(0)
    changes_df = with_changes(rows_df, empty_silver_df)
    return with_duplicate_groups(changes_df, empty_silver_df, window_days).select(*SILVER_COLUMNS)


def embeddings_of(silver_df: DataFrame) -> DataFrame | None:
    """gold.job_embeddings rows for the postings, or None when the model is not there (`make jars`)."""
    from spark_jobs.embeddings import ensure_model, has_text, with_embedding, with_embedding_text

    settings = load_settings()
    try:
        ensure_model(settings.path("embeddings.model_jar"), settings.path("embeddings.model_dir"))
    except (ConfigError, FileNotFoundError, OSError):
        return None
    texts_df = with_embedding_text(silver_df.where(has_text()))
    # the shuffle keeps the text's lambdas out of the UDF's input, as in update_job_embeddings
    return with_embedding(
        texts_df.repartition(silver_df.sparkSession.sparkContext.defaultParallelism), settings, SCRAPED_AT
    )


# --- Labels ----------------------------------------------------------------------------------


def ds_jobs_labels(rows: list[dict]) -> tuple[Groups, set[str], dict]:
    """Gold groups of the ds_jobs postings, the postings scored, and label counts (see the module docstring)."""
    key_of = {
        r["posting_key"]: (r["company_key"], r["title"].lower(), r["city"], r["region"])
        for r in rows
        if r["company_key"] and r["title"] and r["city"]
    }
    per_board = Counter((key_of[r["posting_key"]], r["source"]) for r in rows if r["posting_key"] in key_of)
    ambiguous = {key for (key, _), n in per_board.items() if n > 1}
    scored = {k for k, key in key_of.items() if key not in ambiguous}
    gold = {k: "|".join(map(str, key_of[k])) for k in scored}
    source = {r["posting_key"]: r["source"] for r in rows}
    counts = {
        "derivation": LABEL_DERIVATION["ds_jobs_2020"],
        "postings": len(rows),
        "with_label_key": len(key_of),
        "ambiguous_left_out": len(key_of) - len(scored),
        "scored": len(scored),
        **_pair_counts(_restricted(gold, scored), source, cross_source=True, prefix="true_"),
    }
    return gold, scored, counts


def nhs_labels(rows: list[dict], path: Path) -> tuple[Groups, set[str], dict]:
    """Gold groups of the NHS postings: identical descriptions in the file (see the module docstring)."""
    with path.open(encoding="utf-8") as handle:
        text_of = {str(r["id"]): (r.get("description") or "").strip() for r in map(json.loads, handle) if r}
    key_by_id = {r["source_job_id"]: r["posting_key"] for r in rows}
    sizes = Counter(text for text in text_of.values() if text)
    gold = {
        key_by_id[i]: hashlib.sha1(text.encode()).hexdigest()
        for i, text in text_of.items()
        if sizes[text] > 1 and i in key_by_id
    }
    scored = {r["posting_key"] for r in rows}
    counts = {
        "derivation": LABEL_DERIVATION["nhs_jobs_2020"],
        "file_rows": len(text_of),
        "postings": len(rows),
        "rows_in_duplicate_description_groups": sum(n for n in sizes.values() if n > 1),
        "duplicate_description_groups": sum(1 for n in sizes.values() if n > 1),
        **_pair_counts(gold, {}, cross_source=False, prefix="true_"),
    }
    return gold, scored, counts


# --- Scoring ---------------------------------------------------------------------------------


def _restricted(groups: Groups, keep: set[str]) -> Groups:
    return {k: g for k, g in groups.items() if k in keep}


def _pairs(members: Iterable[str], source: dict[str, str], cross_source: bool) -> int:
    members = list(members)
    n = len(members)
    if not cross_source:
        return n * (n - 1) // 2
    per_source = Counter(source[m] for m in members)
    return n * (n - 1) // 2 - sum(c * (c - 1) // 2 for c in per_source.values())


def _pair_counts(groups: Groups, source: dict[str, str], cross_source: bool, prefix: str) -> dict[str, int]:
    members = defaultdict(list)
    for k, g in groups.items():
        members[g].append(k)
    sizes = [m for m in members.values() if len(m) > 1]
    return {f"{prefix}groups": len(sizes), f"{prefix}pairs": sum(_pairs(m, source, cross_source) for m in sizes)}


def pair_scores(predicted: Groups, gold: Groups, source: dict[str, str], cross_source: bool) -> dict:
    """Pairwise precision, recall and F1 of predicted against gold groups (postings absent from a mapping are alone).

    >>> pair_scores({"a": "1", "b": "1", "c": "1"}, {"a": "x", "b": "x"}, {}, False)["precision"]
    0.3333
    """
    cells = defaultdict(list)
    for k, g in predicted.items():
        if k in gold:
            cells[(g, gold[k])].append(k)
    true_positive = sum(_pairs(m, source, cross_source) for m in cells.values())
    n_predicted = _pair_counts(predicted, source, cross_source, "")["pairs"]
    n_gold = _pair_counts(gold, source, cross_source, "")["pairs"]
    return {
        "predicted_pairs": n_predicted,
        "true_positive_pairs": true_positive,
        **precision_recall_f1(true_positive, n_predicted, true_positive, n_gold),
        "predicted_groups": _pair_counts(predicted, source, cross_source, "")["groups"],
    }


def components(edges: Iterable[tuple[str, str]]) -> Groups:
    """Union-find over the edges: posting_key -> smallest key of its component (the table's group id)."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {x: root(x) for x in parent}


# --- One dataset -----------------------------------------------------------------------------

Candidate = tuple[str, str, float | None, float | None, float]  # a, b, jaccard, cosine, title_similarity


def near_edges(candidates: list[Candidate], method: str, threshold: float, title: float) -> list[tuple[str, str]]:
    """The candidate pairs `method` ("minhash" or "embedding") links at `threshold`, with the title guard."""
    column = 2 if method == "minhash" else 3
    return [(c[0], c[1]) for c in candidates if c[column] is not None and c[column] >= threshold and c[4] >= title]


def exact_edges(rows: list[dict]) -> list[tuple[str, str]]:
    """Silver's exact groups as edges (member -> smallest member), as `duplicate_links` makes them."""
    members = defaultdict(list)
    for r in rows:
        if r["company_key"] and r["duplicate_group_id"]:
            members[r["duplicate_group_id"]].append(r["posting_key"])
    return [(min(m), k) for m in members.values() for k in m if k != min(m)]


def false_pairs_same_title(table: Groups, gold: Groups, rows: list[dict], cross_source: bool) -> int:
    """Predicted pairs the labels call false whose normalised titles are the same (a label miss, or another opening)."""
    title = {r["posting_key"]: r["title"] for r in rows}
    source = {r["posting_key"]: r["source"] for r in rows}
    count = 0
    for m in _members(table).values():
        for i, a in enumerate(m):
            for b in m[i + 1 :]:
                is_true = a in gold and b in gold and gold[a] == gold[b]
                if (not cross_source or source[a] != source[b]) and not is_true:
                    count += title[a] is not None and title[a] == title[b]
    return count


def evaluate_dataset(
    silver_df: DataFrame,
    embeddings_df: DataFrame | None,
    labels: Callable[[list[dict]], tuple[Groups, set[str], dict]],
    cross_source: bool,
    params: DuplicateParams,
) -> dict:
    """Labels, the table's scores, each method's, a threshold sweep and timings for one dataset."""
    columns = ["posting_key", "source", "source_job_id", "title", "company_key", "city", "region", "duplicate_group_id"]
    rows = [r.asDict() for r in silver_df.select(*columns).collect()]
    gold, scored, label_counts = labels(rows)
    source = {r["posting_key"]: r["source"] for r in rows}

    started = time.perf_counter()
    groups_df = build_duplicate_groups(silver_df, embeddings_df, params)
    table = {r["posting_key"]: r["group_id"] for r in groups_df.select("posting_key", "group_id").collect()}
    seconds = {"build_duplicate_groups": round(time.perf_counter() - started, 1)}
    started = time.perf_counter()
    candidates: list[Candidate] = [
        (r["a"], r["b"], r["jaccard"], r["cosine"], r["title_similarity"])
        for r in scored_candidates(silver_df, embeddings_df, params).collect()
    ]
    seconds["scored_candidates"] = round(time.perf_counter() - started, 1)

    def score(groups: Groups) -> dict:
        return pair_scores(_restricted(groups, scored), gold, source, cross_source)

    def linked(jaccard: float | None, cosine: float | None, title: float, exact: bool = True) -> Groups:
        edges = exact_edges(rows) if exact else []
        if jaccard is not None:
            edges += near_edges(candidates, "minhash", jaccard, title)
        if cosine is not None and embeddings_df is not None:
            edges += near_edges(candidates, "embedding", cosine, title)
        return components(edges)

    j, c, t = params.jaccard_threshold, params.cosine_threshold, params.title_threshold
    by_method = {"exact": score(linked(None, None, t)), "minhash": score(linked(j, None, t, exact=False))}
    sweep = {
        "minhash_jaccard": {str(x): score(linked(x, None, t, exact=False)) for x in JACCARD_SWEEP},
        "exact_plus_minhash_jaccard": {str(x): score(linked(x, None, t)) for x in JACCARD_SWEEP},
        "all_methods_title_threshold": {str(x): score(linked(j, c, x)) for x in TITLE_SWEEP},
    }
    if embeddings_df is not None:
        by_method["embedding"] = score(linked(None, c, t, exact=False))
        sweep["embedding_cosine"] = {str(x): score(linked(None, x, t, exact=False)) for x in COSINE_SWEEP}
    report = {
        "labels": label_counts,
        "table": {
            **score(table),
            "rows": len(table),
            "groups": len(set(table.values())),
            "same_as_union_find": table == linked(j, c, t),  # the sweep re-forms groups as the table does
            "false_pairs_same_title": false_pairs_same_title(_restricted(table, scored), gold, rows, cross_source),
        },
        "by_method": by_method,
        "sweep": sweep,
        "candidate_pairs": len(candidates),
        "seconds": seconds,
    }
    if cross_source:
        same_board = sum(_pairs(m, source, False) - _pairs(m, source, True) for m in _members(table).values())
        report["table"]["same_board_pairs_not_scored"] = same_board
    return report


def _members(groups: Groups) -> dict[str, list[str]]:
    out = defaultdict(list)
    for k, g in groups.items():
        out[g].append(k)
    return out


def evaluate(spark: SparkSession, embeddings: bool = True) -> dict:
    """The duplicate-group report on ds_jobs_2020 and nhs_jobs_2020 (the JSON `joblake eval` writes).

    `embeddings=False` leaves the embedding method out even when the model is there (it is the slow part).
    """
    require_shared_data("postings")
    settings = load_settings()
    params = DuplicateParams.from_settings(settings)
    window_days = int(settings["streaming.duplicate_window_days"])
    nhs_path = require_shared_data("postings", NHS_FILE[0])
    datasets = (
        ("ds_jobs_2020", DS_JOBS_FILES, ds_jobs_labels, True),
        ("nhs_jobs_2020", [NHS_FILE], lambda rows: nhs_labels(rows, nhs_path), False),
    )
    started = time.perf_counter()
    report: dict = {"params": asdict(params), "datasets": {}}
    with tempfile.TemporaryDirectory(prefix="joblake-dup-eval-") as workdir:
        for name, files, labels, cross_source in datasets:
            step = time.perf_counter()
            silver_df = silver_rows(spark, files, Path(workdir), window_days).localCheckpoint()
            seconds = {"silver_rows": round(time.perf_counter() - step, 1)}
            embeddings_df = embeddings_of(silver_df) if embeddings else None
            if embeddings_df is not None:
                step = time.perf_counter()
                embeddings_df = embeddings_df.localCheckpoint()
                seconds["embeddings"] = round(time.perf_counter() - step, 1)
            logger.info("duplicate eval: %s ready (%s), embeddings %s", name, seconds, embeddings_df is not None)
            figures = evaluate_dataset(silver_df, embeddings_df, labels, cross_source, params)
            figures["seconds"] = {**seconds, **figures["seconds"]}
            figures["embeddings"] = embeddings_df is not None
            report["datasets"][name] = figures
    report["seconds"] = round(time.perf_counter() - started, 1)
    return report


def summary(report: dict) -> list[str]:
    """The lines `joblake eval` prints."""
    lines = []
    for name, figures in report["datasets"].items():
        table, labels = figures["table"], figures["labels"]
        lines.append(
            f"{name}: table P {table['precision']:.3f} R {table['recall']:.3f} F1 {table['f1']:.3f} "
            f"({table['predicted_pairs']:,} predicted / {labels['true_pairs']:,} true pairs, "
            f"{table['groups']:,} groups) in {figures['seconds']['build_duplicate_groups']}s"
        )
        for method, scores in figures["by_method"].items():
            lines.append(
                f"{name}: {method:<9} alone P {scores['precision']:.3f} R {scores['recall']:.3f} F1 {scores['f1']:.3f}"
            )
    return lines
