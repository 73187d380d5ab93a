"""spark_jobs.duplicates: near-duplicate links, connected components and gold.duplicate_groups on inline rows."""

from __future__ import annotations

from datetime import datetime

import pytest
from chispa import assert_column_equality, assert_df_equality
from pyspark.sql import functions as F

from spark_jobs.duplicates import (
    DuplicateParams,
    build_duplicate_groups,
    connected_components,
    description_shingles,
    lsh_bands,
    near_links,
    updated_near_links,
)

pytestmark = pytest.mark.spark

SILVER_DDL = (
    "posting_key string, source string, title string, company_key string, description string, posted_at timestamp, "
    "first_seen_at timestamp, content_hash string, duplicate_group_id string"
)

BASE = (
    "We are looking for a data engineer to build and run batch and streaming pipelines on Spark and Kafka. "
    "You will own the ingestion of job postings, model the warehouse tables our analysts query every day, "
    "and keep data quality high with automated checks. You have three years of Python and SQL, you know "
    "cloud object storage, and you enjoy mentoring colleagues. We offer a hybrid office in Leeds and a pension."
)
EDITED = BASE.replace("three years", "four years").replace("Leeds", "Manchester")  # two small edits
UNRELATED = (
    "Our ward team needs a registered nurse for night shifts caring for older patients after surgery. "
    "You will plan care with doctors and therapists, give medicines safely and support families. "
    "Full training is given on our electronic records system, with paid registration and a relocation package."
)


def day(n: int) -> datetime:
    return datetime(2024, 3, n, 9, 0)


def silver(spark, rows, title="Data Engineer"):
    """Silver-like rows from (posting_key, source, company_key, description, posted day, group id[, title])."""
    return spark.createDataFrame(
        [
            (key, source, rest[0] if rest else title, company, text, day(d), day(d), f"h-{key}", group)
            for key, source, company, text, d, group, *rest in rows
        ],
        SILVER_DDL,
    )


def groups_of(groups_df) -> set[frozenset[str]]:
    by_group: dict[str, set[str]] = {}
    for row in groups_df.select("group_id", "posting_key").collect():
        by_group.setdefault(row["group_id"], set()).add(row["posting_key"])
    return {frozenset(keys) for keys in by_group.values()}


def test_description_shingles(spark) -> None:
    df = spark.createDataFrame(
        [
            (
                "Build data pipelines, with Spark!",
                ["build data pipelines", "data pipelines with", "pipelines with spark"],
            ),
            ("too short", []),  # fewer words than a shingle
            ("a b c a b c", ["a b c", "b c a", "c a b"]),  # distinct shingles
            (None, []),
        ],
        "text string, expected array<string>",
    ).withColumn("shingles", description_shingles(F.col("text")))
    assert_column_equality(df, "shingles", "expected")


def test_near_duplicates_across_sources_form_one_group(spark) -> None:
    silver_df = silver(
        spark,
        [
            ("k2", "indeed", "acme", EDITED, 3, "k2"),
            ("k1", "glassdoor", "acme", BASE, 5, "k1"),
            ("k3", "linkedin", "acme", UNRELATED, 4, "k3"),  # same company, another job
        ],
    )
    groups_df = build_duplicate_groups(silver_df)
    [k1, k2] = sorted(groups_df.collect(), key=lambda r: r["posting_key"])
    assert (k1["group_id"], k1["group_size"], k1["sources"]) == ("k1", 2, ["glassdoor", "indeed"])
    assert (k1["match_method"], k1["matched_posting_key"], k2["matched_posting_key"]) == ("minhash", "k2", "k1")
    assert 0.6 <= k1["match_similarity"] < 1.0
    # the canonical posting is the earliest posted, not the smallest key
    assert (k2["is_canonical"], k1["is_canonical"], k1["canonical_posting_key"]) == (True, False, "k2")


def test_the_same_text_at_different_companies_is_never_grouped(spark) -> None:
    silver_df = silver(
        spark,
        [
            ("k1", "glassdoor", "acme", BASE, 1, "k1"),
            ("k2", "indeed", "globex", BASE, 1, "k2"),
            ("k3", "linkedin", None, BASE, 1, "k3"),  # no employer to block on: never linked
            ("k4", "indeed", None, BASE, 1, "k4"),
        ],
    )
    assert build_duplicate_groups(silver_df).count() == 0


def test_shared_boilerplate_with_unlike_titles_is_not_a_duplicate(spark) -> None:
    silver_df = silver(
        spark,
        [
            ("k1", "nhs_jobs", "trust", BASE, 1, "k1", "Staff Nurse"),
            ("k2", "nhs_jobs", "trust", EDITED, 1, "k2", "Healthcare Assistant"),  # same text, another job
            ("k3", "nhs_jobs", "trust", EDITED, 1, "k3", "Staff Nurse - Ward 5"),  # same job, a ward added
        ],
    )
    assert groups_of(build_duplicate_groups(silver_df)) == {frozenset({"k1", "k3"})}
    unguarded = DuplicateParams(title_threshold=0.0)
    assert groups_of(build_duplicate_groups(silver_df, params=unguarded)) == {frozenset({"k1", "k2", "k3"})}


def test_groups_are_transitive_across_methods(spark) -> None:
    silver_df = silver(
        spark,
        [
            ("k1", "nhs_jobs", "trust", UNRELATED, 1, "g"),  # exact key shared with k2, text unlike k2's
            ("k2", "nhs_jobs", "trust", BASE, 2, "g"),
            ("k3", "linkedin", "trust", EDITED, 9, "k3"),  # near-duplicate of k2 only
            ("k4", "linkedin", "trust", "Another role entirely with its own words here.", 9, "k4"),
        ],
    )
    groups_df = build_duplicate_groups(silver_df)
    assert groups_of(groups_df) == {frozenset({"k1", "k2", "k3"})}
    methods = {r["posting_key"]: r["match_method"] for r in groups_df.collect()}
    assert methods == {"k1": "exact", "k2": "exact", "k3": "minhash"}
    assert groups_df.select("group_methods").distinct().first()[0] == ["exact", "minhash"]


def test_connected_components_of_a_long_chain(spark) -> None:
    # a path 1-2-...-12 written out of order (needs several rounds) and a separate pair
    nodes = [f"n{i:02d}" for i in range(1, 13)]
    edges = [(nodes[i + 1], nodes[i]) for i in range(0, 11, 2)] + [(nodes[i], nodes[i + 1]) for i in range(1, 11, 2)]
    links_df = spark.createDataFrame([*edges, ("x2", "x1")], "a string, b string")
    expected_df = spark.createDataFrame(
        [(n, "n01") for n in nodes] + [("x1", "x1"), ("x2", "x1")], "node string, component string"
    )
    assert_df_equality(connected_components(links_df), expected_df, ignore_row_order=True, ignore_nullable=True)


def test_connected_components_gives_up_after_max_iterations(spark) -> None:
    links_df = spark.createDataFrame([("a", "b"), ("b", "c"), ("c", "d"), ("d", "e")], "a string, b string")
    with pytest.raises(RuntimeError, match="did not settle"):
        connected_components(links_df, max_iterations=1)


def test_embedding_links_only_with_current_embeddings(spark) -> None:
    silver_df = silver(
        spark,
        [
            ("k1", "glassdoor", "acme", "Data engineer, Leeds office.", 1, "k1"),  # no shingle in common
            ("k2", "linkedin", "acme", "Data engineer in Leeds", 2, "k2"),
            ("k3", "indeed", "acme", "Leeds: data engineer", 3, "k3"),
        ],
    )
    vector = [0.5, 0.5, 0.5, 0.5]
    embeddings_df = spark.createDataFrame(
        [("k1", "h-k1", vector), ("k2", "h-k2", vector), ("k3", "stale", vector)],  # k3's text changed since
        "posting_key string, content_hash string, embedding array<float>",
    )
    assert build_duplicate_groups(silver_df).count() == 0  # without embeddings nothing links them
    assert build_duplicate_groups(silver_df, embeddings_df.where("content_hash = 'stale'")).count() == 0
    groups_df = build_duplicate_groups(silver_df, embeddings_df)
    assert groups_of(groups_df) == {frozenset({"k1", "k2"})}
    assert {(r["match_method"], r["match_similarity"]) for r in groups_df.collect()} == {("embedding", 1.0)}


def test_rerun_and_row_order_give_the_same_table(spark) -> None:
    rows = [
        ("k1", "glassdoor", "acme", BASE, 5, "k1"),
        ("k2", "indeed", "acme", EDITED, 5, "k2"),  # same posting day: canonical by smallest key
        ("k3", "linkedin", "acme", BASE, 5, "k3"),
        ("k4", "linkedin", "globex", UNRELATED, 1, "g"),
        ("k5", "indeed", "globex", UNRELATED, 2, "g"),
    ]
    first_df = build_duplicate_groups(silver(spark, rows))
    again_df = build_duplicate_groups(silver(spark, rows[::-1]).repartition(3))
    assert_df_equality(first_df, again_df, ignore_row_order=True)
    assert groups_of(first_df) == {frozenset({"k1", "k2", "k3"}), frozenset({"k4", "k5"})}
    assert {r["canonical_posting_key"] for r in first_df.collect()} == {"k1", "k4"}


def test_updated_near_links_equal_near_links_found_over_every_posting(spark) -> None:
    before = [
        ("k1", "glassdoor", "acme", BASE, 1, "k1"),
        ("k2", "indeed", "acme", EDITED, 2, "k2"),
        ("k3", "linkedin", "acme", UNRELATED, 3, "k3"),
        ("k4", "linkedin", "globex", UNRELATED, 1, "k4"),
        ("k5", "indeed", "globex", UNRELATED, 2, "k5"),
        ("k6", "indeed", "initech", BASE, 1, "k6"),
    ]
    after = [
        before[0],
        ("k2", "indeed", "acme", UNRELATED, 2, "k2"),  # edited: no longer k1's copy
        ("k3", "linkedin", "acme", "Apply now for a data engineering role in Leeds.", 3, "k3"),  # edited
        before[3],  # k5 gone
        ("k7", "glassdoor", "globex", UNRELATED, 4, "k7"),  # new: k4's copy
        before[5],
        ("k8", "linkedin", "initech", EDITED, 2, "k8"),  # new: k6's copy
    ]
    a, b, c, d = [1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0], [0.0, 0.0, 0.0, 1.0]
    e, f = [0.6, 0.8, 0.0, 0.0], [0.0, 0.0, 0.6, 0.8]
    vectors = {"k1": a, "k2": b, "k3": b, "k4": c, "k5": d, "k6": a, "k7": e, "k8": f}  # k1 and k6: other employers
    embeddings_df = spark.createDataFrame(
        [(k, f"h-{k}", v) for k, v in vectors.items()],
        "posting_key string, content_hash string, embedding array<float>",
    )
    before_df, after_df = silver(spark, before), silver(spark, after)
    stored_df = near_links(before_df, embeddings_df)
    assert {(r["a"], r["b"]) for r in stored_df.collect()} == {("k1", "k2"), ("k2", "k3"), ("k4", "k5")}
    changed_df = spark.createDataFrame([(k,) for k in ("k2", "k3", "k5", "k7", "k8")], "posting_key string")
    new_bands_df = lsh_bands(after_df.join(changed_df, "posting_key", "left_semi"), embeddings_df)
    kept_bands_df = lsh_bands(before_df, embeddings_df).join(changed_df, "posting_key", "left_anti")
    bands_df = kept_bands_df.unionByName(new_bands_df)

    updated_df = updated_near_links(stored_df, changed_df, new_bands_df, bands_df, after_df, embeddings_df)

    expected_df = near_links(after_df, embeddings_df)
    assert {(r["a"], r["b"], r["method"]) for r in expected_df.collect()} == {
        ("k2", "k3", "embedding"),
        ("k4", "k7", "minhash"),
        ("k6", "k8", "minhash"),
    }
    assert_df_equality(updated_df, expected_df, ignore_row_order=True, ignore_nullable=True)
    # a posting's bands do not depend on the other postings hashed with it: kept and new bands are silver's
    assert_df_equality(bands_df, lsh_bands(after_df, embeddings_df), ignore_row_order=True, ignore_nullable=True)


def test_params_from_settings(settings) -> None:
    assert DuplicateParams.from_settings(settings) == DuplicateParams()  # common.yml states the defaults
    changed = settings.with_overrides({"duplicates.jaccard_threshold": "0.8", "duplicates.minhash_bands": 12})
    params = DuplicateParams.from_settings(changed)
    assert (params.jaccard_threshold, params.minhash_bands, params.cosine_threshold) == (0.8, 12, 0.97)
