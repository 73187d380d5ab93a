"""silver.job_postings (+ gold.job_embeddings) -> gold.duplicate_groups: reposts and cross-board copies of a job.

Two postings of the same employer (same `company_key`) are linked when

- **exact**: silver gave them the same `duplicate_group_id` (normalised title + company + location,
  posting days within `streaming.duplicate_window_days` of each other);
- **minhash**: the Jaccard similarity of their descriptions' word shingle sets (`SHINGLE_WORDS`
  consecutive words of the lower-cased, punctuation-free description) is at least
  `jaccard_threshold`. Candidates come from MinHash LSH: pyspark.ml `MinHashLSH` signatures cut
  into bands of `minhash_rows` hashes, and two postings are candidates when a band agrees *and* the
  company agrees; every candidate's Jaccard is then computed exactly on the shingle sets;
- **embedding** (only when gold.job_embeddings is given): the cosine of their embeddings is at
  least `cosine_threshold`; candidates from random-projection LSH (`BucketedRandomProjectionLSH`,
  the same banding, within the company). Only embeddings of the posting's current `content_hash`
  count.

A minhash or embedding link also needs titles that share at least `title_threshold` of their words
(Jaccard of the normalised titles' word sets): an employer's boilerplate ("About the Trust ...")
can make most of two descriptions the same while the jobs differ, and the title tells them apart
("Staff Nurse" / "Healthcare Assistant"); a copy whose title gained a ward or a site still passes.

`approxSimilarityJoin` is not used: it cannot add the company as a join key, so its buckets would
pair postings of every employer that share boilerplate and filter them afterwards; the banded
self-join on (company_key, band) blocks first and also gives AND-amplification (Spark's own
tables are one hash each).

Postings without a `company_key` are never linked: with no employer to block on, agency and
platform boilerplate would chain unrelated jobs together (silver gives them no exact group either).

Groups are the connected components of the links, computed with Spark by min-label propagation
with pointer jumping, and named by their smallest `posting_key`: a rerun on the same silver gives
the same table. The table holds one row per posting in a group of at least two (a posting with no
row is unique). The canonical posting is the earliest posted (then first seen, then smallest key).

A nightly run keeps each posting's LSH bands (gold.duplicate_lsh_bands) and the near links
(gold.near_duplicate_links): a night with few changed postings hashes only those and scores only
the pairs that share a band with one of them (`updated_near_links`). The LSH functions depend on
the seed alone, and a pair's candidacy and similarities on its two postings, so the stored bands
and links of unchanged postings still hold. The exact links come from silver's key every night (a
group's smallest key can change), and the groups from all the links.

Example: `build_duplicate_groups(silver_df).where("group_size > 2")`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from pyspark.ml.feature import BucketedRandomProjectionLSH, HashingTF, MinHashLSH
from pyspark.ml.functions import array_to_vector, vector_to_array
from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

from lakehouse.config import Settings
from streaming.normalise import let

__all__ = [
    "DUPLICATE_GROUPS_DDL",
    "LSH_BANDS_DDL",
    "METHODS",
    "NEAR_LINKS_DDL",
    "DuplicateParams",
    "build_duplicate_groups",
    "candidate_pairs",
    "connected_components",
    "description_shingles",
    "duplicate_links",
    "exact_links",
    "lsh_bands",
    "matched",
    "near_links",
    "scored_candidates",
    "scored_pairs",
    "updated_near_links",
]

SHINGLE_WORDS = 3  # words per shingle: one edited word changes at most 3 shingles
SHINGLE_FEATURES = 1 << 20  # hashed shingle space of the MinHash input vectors
LSH_SEED = 20200407  # fixed: the same signatures, hence the same candidates, on every run
METHODS = ("exact", "minhash", "embedding")  # a pair matched several ways reports the first

NEAR_LINKS_DDL = "a string, b string, method string, similarity double"  # gold.near_duplicate_links
LSH_BANDS_DDL = "posting_key string, company_key string, band long"  # gold.duplicate_lsh_bands
DUPLICATE_GROUPS_DDL = (
    "group_id string, posting_key string, source string, company_key string, posted_at timestamp, "
    "group_size int, is_canonical boolean, canonical_posting_key string, sources array<string>, "
    "match_method string, match_similarity double, matched_posting_key string, group_methods array<string>"
)


@dataclass(frozen=True)
class DuplicateParams:
    """Thresholds and LSH shape of duplicate detection (settings keys `duplicates.<field>`)."""

    jaccard_threshold: float = 0.6  # description shingle Jaccard that makes two postings one job
    cosine_threshold: float = 0.97  # embedding cosine that does (title + requirements text: must be near-identical)
    title_threshold: float = 0.5  # and near-duplicates' titles share at least half their words (employer boilerplate)
    # P(candidate) = 1 - (1 - J^rows)^bands: 0.94 at J=0.6, 0.996 at J=0.7, 0.15 at J=0.3 (shared boilerplate).
    # Candidates grow with the square of an employer's postings: on the 10k benchmark lake 10 bands of 2 rows
    # gave 133,628 pairs (median J 0.15), 20 of 4 give 39,334; for embeddings 10 bands of 3 rows gave
    # 359,675 (median cosine 0.56), 20 of 8 give 28,805. The duplicate eval's figures did not change.
    minhash_bands: int = 20
    minhash_rows: int = 4
    embedding_bands: int = 20
    embedding_rows: int = 8
    embedding_bucket_length: float = 0.05  # projections of 384-d unit vectors have a spread of about 0.05
    max_iterations: int = 30  # label-propagation rounds; pointer jumping needs about log2(longest chain)

    @classmethod
    def from_settings(cls, settings: Settings) -> DuplicateParams:
        """The `duplicates` section of the settings (lakehouse/conf/common.yml)."""
        return cls(**{f.name: type(f.default)(settings[f"duplicates.{f.name}"]) for f in fields(cls)})


# --- Description shingles --------------------------------------------------------------------


def _words(text: Column) -> Column:
    """The lower-cased words of a text, punctuation dropped: "Sr. Data-Engineer" -> ["sr", "data", "engineer"]."""
    return F.filter(F.split(F.lower(F.coalesce(text, F.lit(""))), r"[^\p{L}\p{N}]+"), lambda t: t != "")


def description_shingles(description: Column, words: int = SHINGLE_WORDS) -> Column:
    """The distinct `words`-word shingles of a text, lower-cased without punctuation; [] when it is shorter.

    "Build data pipelines, with Spark!" (3 words) -> ["build data pipelines", "data pipelines with",
    "pipelines with spark"]
    """
    return let(  # the tokens once: a lambda reading `tokens` itself would split the text again per shingle
        _words(description),
        lambda words_of: F.when(F.size(words_of) < words, F.array().cast("array<string>")).otherwise(
            F.array_distinct(
                F.transform(
                    F.sequence(F.lit(1), F.size(words_of) - words + 1),
                    lambda i: F.array_join(F.slice(words_of, i, words), " "),
                )
            )
        ),
    )


def _method_rank(method: Column) -> Column:
    """Position of a method in METHODS: exact first."""
    return F.create_map(*[F.lit(x) for i, m in enumerate(METHODS) for x in (m, i)])[method]


def _jaccard(a: Column, b: Column) -> Column:
    return F.size(F.array_intersect(a, b)) / F.size(F.array_union(a, b))


def _cosine(a: Column, b: Column) -> Column:
    """Dot product of two unit vectors (array<float>), as a double."""
    return F.aggregate(F.zip_with(a, b, lambda x, y: x.cast("double") * y), F.lit(0.0), lambda acc, v: acc + v)


# --- Candidates ------------------------------------------------------------------------------


def _bands(hashed_df: DataFrame, method: str, rows: int) -> DataFrame:
    """(posting_key, company_key, band): one row per band of `rows` consecutive LSH hashes of a posting."""
    values = F.transform("hashes", lambda v: vector_to_array(v)[0])
    return hashed_df.select(
        "posting_key",
        "company_key",
        F.posexplode(
            F.transform(F.sequence(F.lit(0), F.size(values) - 1, F.lit(rows)), lambda i: F.slice(values, i + 1, rows))
        ).alias("band_index", "band_values"),
    ).select(
        "posting_key",
        "company_key",
        F.xxhash64(F.lit(method), "band_index", "band_values").alias("band"),
    )


def _minhash_bands(shingled_df: DataFrame, params: DuplicateParams) -> DataFrame:
    hashed = HashingTF(inputCol="shingles", outputCol="features", numFeatures=SHINGLE_FEATURES, binary=True)
    vectors_df = hashed.transform(shingled_df.where(F.size("shingles") > 0))
    lsh = MinHashLSH(
        inputCol="features", outputCol="hashes", numHashTables=params.minhash_bands * params.minhash_rows, seed=LSH_SEED
    )
    return _bands(lsh.fit(vectors_df).transform(vectors_df), "minhash", params.minhash_rows)


def _embedding_bands(embedded_df: DataFrame, params: DuplicateParams) -> DataFrame:
    vectors_df = embedded_df.where(F.col("embedding").isNotNull()).withColumn(
        "features", array_to_vector(F.col("embedding"))
    )
    if vectors_df.isEmpty():  # fitting reads the dimension from a first vector
        return embedded_df.sparkSession.createDataFrame([], LSH_BANDS_DDL)
    lsh = BucketedRandomProjectionLSH(
        inputCol="features",
        outputCol="hashes",
        bucketLength=params.embedding_bucket_length,
        numHashTables=params.embedding_bands * params.embedding_rows,
        seed=LSH_SEED,
    )
    return _bands(lsh.fit(vectors_df).transform(vectors_df), "embedding", params.embedding_rows)


def _with_embeddings(postings_df: DataFrame, embeddings_df: DataFrame | None) -> DataFrame:
    """Add `embedding`: the posting's vector when it was computed from its current content, else null."""
    if embeddings_df is None:
        return postings_df.withColumn("embedding", F.lit(None).cast("array<float>"))
    current_df = embeddings_df.select("posting_key", "content_hash", "embedding")
    return postings_df.join(current_df, ["posting_key", "content_hash"], "left")


def _features(silver_df: DataFrame, embeddings_df: DataFrame | None) -> DataFrame:
    """Postings with an employer: posting_key, company_key, shingles, title_words, embedding (current or null)."""
    return (
        silver_df.where(F.col("company_key").isNotNull())
        .select(
            "posting_key",
            "company_key",
            "content_hash",
            description_shingles(F.col("description")).alias("shingles"),
            F.array_distinct(_words(F.col("title"))).alias("title_words"),
        )
        .transform(_with_embeddings, embeddings_df)
    )


def lsh_bands(
    silver_df: DataFrame, embeddings_df: DataFrame | None = None, params: DuplicateParams = DuplicateParams()
) -> DataFrame:
    """LSH_BANDS_DDL rows of every posting with an employer: its MinHash bands, and its embedding's with embeddings.

    A posting's bands depend on that posting alone: the LSH functions come from the seed, not the data.
    """
    postings_df = _features(silver_df, embeddings_df)
    bands_df = _minhash_bands(postings_df, params)
    if embeddings_df is not None:
        bands_df = bands_df.unionByName(_embedding_bands(postings_df, params))
    return bands_df


def candidate_pairs(bands_df: DataFrame, of_df: DataFrame | None = None) -> DataFrame:
    """Pairs (a < b, company_key) of postings sharing a band and an employer; with `of_df`, those with one of its bands.

    `of_df` (LSH_BANDS_DDL): the bands of some postings (a night's changed ones), also in `bands_df`.
    """
    left = (bands_df if of_df is None else of_df).alias("l")
    return (
        left.join(bands_df.alias("r"), ["company_key", "band"])
        .where(F.col("l.posting_key") != F.col("r.posting_key"))
        .select(
            F.least("l.posting_key", "r.posting_key").alias("a"),
            F.greatest("l.posting_key", "r.posting_key").alias("b"),
            "company_key",
        )
        .distinct()
    )


def scored_pairs(pairs_df: DataFrame, silver_df: DataFrame, embeddings_df: DataFrame | None = None) -> DataFrame:
    """Candidate pairs (a, b, company_key) with their similarities; no threshold applied.

    Columns: a, b, company_key, jaccard (of description shingles; null when a description has none),
    cosine (of current embeddings; null without), title_similarity (Jaccard of title words; 0 without).
    Only the postings of the pairs are read.
    """
    ends_df = pairs_df.select(F.col("a").alias("posting_key")).unionByName(
        pairs_df.select(F.col("b").alias("posting_key"))
    )
    features_df = _features(silver_df.join(ends_df.distinct(), "posting_key", "left_semi"), embeddings_df).select(
        "posting_key", "shingles", "title_words", "embedding"
    )
    fa, fb = features_df.alias("fa"), features_df.alias("fb")
    both_shingled = (F.size("fa.shingles") > 0) & (F.size("fb.shingles") > 0)
    titled = (F.size("fa.title_words") > 0) & (F.size("fb.title_words") > 0)
    return (
        pairs_df.join(fa, F.col("a") == F.col("fa.posting_key"))
        .join(fb, F.col("b") == F.col("fb.posting_key"))
        .select(
            "a",
            "b",
            "company_key",
            F.when(both_shingled, _jaccard(F.col("fa.shingles"), F.col("fb.shingles"))).alias("jaccard"),
            _cosine(F.col("fa.embedding"), F.col("fb.embedding")).alias("cosine"),
            F.when(titled, _jaccard(F.col("fa.title_words"), F.col("fb.title_words")))
            .otherwise(0.0)
            .alias("title_similarity"),
        )
    )


def scored_candidates(
    silver_df: DataFrame, embeddings_df: DataFrame | None = None, params: DuplicateParams = DuplicateParams()
) -> DataFrame:
    """Every candidate pair from either LSH, with its similarities (`scored_pairs`); no threshold applied."""
    pairs_df = candidate_pairs(lsh_bands(silver_df, embeddings_df, params))
    return scored_pairs(pairs_df, silver_df, embeddings_df)


def exact_links(silver_df: DataFrame) -> DataFrame:
    """Pairs silver gave one `duplicate_group_id` (a, b, "exact", 1.0): each posting to its group's smallest key."""
    return (
        silver_df.where(F.col("duplicate_group_id").isNotNull() & F.col("company_key").isNotNull())
        .withColumn("_first", F.min("posting_key").over(Window.partitionBy("duplicate_group_id")))
        .where(F.col("posting_key") != F.col("_first"))
        .select(
            F.col("_first").alias("a"),
            F.col("posting_key").alias("b"),
            F.lit("exact").alias("method"),
            F.lit(1.0).alias("similarity"),
        )
    )


def matched(scored_df: DataFrame, params: DuplicateParams = DuplicateParams()) -> DataFrame:
    """The scored pairs over a threshold, as near links (NEAR_LINKS_DDL: a, b, minhash or embedding, similarity)."""
    return (
        scored_df.where(F.col("title_similarity") >= params.title_threshold)
        .select(
            "a",
            "b",
            F.when(F.col("jaccard") >= params.jaccard_threshold, "minhash")
            .when(F.col("cosine") >= params.cosine_threshold, "embedding")
            .alias("method"),
            F.when(F.col("jaccard") >= params.jaccard_threshold, F.col("jaccard"))
            .otherwise(F.col("cosine"))
            .alias("similarity"),
        )
        .where(F.col("method").isNotNull())
    )


def near_links(
    silver_df: DataFrame, embeddings_df: DataFrame | None = None, params: DuplicateParams = DuplicateParams()
) -> DataFrame:
    """Every near link (NEAR_LINKS_DDL) of silver: candidate pairs over a threshold."""
    return matched(scored_candidates(silver_df, embeddings_df, params), params)


def updated_near_links(
    stored_links_df: DataFrame,
    changed_df: DataFrame,
    new_bands_df: DataFrame,
    bands_df: DataFrame,
    silver_df: DataFrame,
    embeddings_df: DataFrame | None = None,
    params: DuplicateParams = DuplicateParams(),
) -> DataFrame:
    """The near links after the postings of `changed_df` (posting_key) changed, from the links stored before.

    `new_bands_df` holds the changed postings' bands (`lsh_bands` of their silver rows), `bands_df`
    every posting's, the new ones included. The stored links between unchanged postings stay; the
    pairs sharing a band with a changed posting are scored again. The result is what `near_links`
    gives over all of silver, as long as `params` and the embedding model are the ones the stored
    rows were found with (a posting whose embedding was redone counts as changed).
    """
    keys_df = changed_df.select("posting_key").distinct()
    kept_df = stored_links_df.join(keys_df.withColumnRenamed("posting_key", "a"), "a", "left_anti").join(
        keys_df.withColumnRenamed("posting_key", "b"), "b", "left_anti"
    )
    found_df = matched(scored_pairs(candidate_pairs(bands_df, new_bands_df), silver_df, embeddings_df), params)
    return kept_df.select("a", "b", "method", "similarity").unionByName(found_df)


def duplicate_links(
    silver_df: DataFrame,
    embeddings_df: DataFrame | None = None,
    params: DuplicateParams = DuplicateParams(),
    near_df: DataFrame | None = None,
) -> DataFrame:
    """Matched pairs (a < b): a, b, method, similarity; one row per pair, the first method of METHODS that matched.

    `near_df`: the near links when they are known already (`updated_near_links`), else `near_links`.
    """
    near_df = near_df if near_df is not None else near_links(silver_df, embeddings_df, params)
    rank = _method_rank(F.col("method"))
    first = Window.partitionBy("a", "b").orderBy(rank, F.col("similarity").desc())
    return (
        exact_links(silver_df)
        .unionByName(near_df)
        .withColumn("_n", F.row_number().over(first))
        .where("_n = 1")
        .drop("_n")
    )


# --- Connected components --------------------------------------------------------------------


def connected_components(links_df: DataFrame, max_iterations: int = DuplicateParams.max_iterations) -> DataFrame:
    """(node, component) for every node of the undirected graph `links_df` (a, b): component = its smallest node.

    Min-label propagation with pointer jumping: each round a node takes the smallest label among
    itself and its neighbours, then the label of that label. Each round is checkpointed locally so
    the plan stays small; raises RuntimeError when `max_iterations` rounds do not settle it.
    """
    edges_df = (
        links_df.select(F.col("a").alias("node"), F.col("b").alias("other"))
        .unionByName(links_df.select(F.col("b").alias("node"), F.col("a").alias("other")))
        .localCheckpoint()
    )
    labels_df = edges_df.groupBy("node").agg(F.least(F.min("other"), F.col("node")).alias("label")).localCheckpoint()
    for _ in range(max_iterations):
        neighbour_df = edges_df.join(labels_df.withColumnRenamed("node", "other"), "other").select("node", "label")
        propagated_df = neighbour_df.unionByName(labels_df).groupBy("node").agg(F.min("label").alias("label"))
        jumps_df = propagated_df.select(F.col("node").alias("label"), F.col("label").alias("_jump"))
        new_df = (
            propagated_df.join(jumps_df, "label", "left")
            .select("node", F.least("label", F.coalesce("_jump", "label")).alias("label"))
            .localCheckpoint()
        )
        changed = new_df.join(labels_df.withColumnRenamed("label", "_old"), "node").where("label != _old").count()
        labels_df = new_df
        if changed == 0:
            return labels_df.select("node", F.col("label").alias("component"))
    raise RuntimeError(f"connected components did not settle in {max_iterations} rounds")


# --- The table -------------------------------------------------------------------------------


def build_duplicate_groups(
    silver_df: DataFrame,
    embeddings_df: DataFrame | None = None,
    params: DuplicateParams = DuplicateParams(),
    near_df: DataFrame | None = None,
) -> DataFrame:
    """gold.duplicate_groups rows (DUPLICATE_GROUPS_DDL): one per posting in a group of two or more.

    `near_df`: the near links when they are known already (the nightly job's `updated_near_links`).
    """
    links_df = duplicate_links(silver_df, embeddings_df, params, near_df).localCheckpoint()
    components_df = connected_components(links_df, params.max_iterations)
    ends_df = links_df.select(
        F.col("a").alias("posting_key"), F.col("b").alias("other"), "method", "similarity"
    ).unionByName(links_df.select(F.col("b").alias("posting_key"), F.col("a").alias("other"), "method", "similarity"))
    rank = _method_rank(F.col("method"))
    best = Window.partitionBy("posting_key").orderBy(F.col("similarity").desc(), rank, "other")
    best_df = (
        ends_df.withColumn("_n", F.row_number().over(best))
        .where("_n = 1")
        .select(
            "posting_key",
            F.col("method").alias("match_method"),
            F.col("similarity").alias("match_similarity"),
            F.col("other").alias("matched_posting_key"),
        )
    )
    group = Window.partitionBy("group_id")
    earliest = group.orderBy(
        F.coalesce("posted_at", "first_seen_at").asc_nulls_last(),
        F.col("first_seen_at").asc_nulls_last(),
        "posting_key",
    )
    return (
        components_df.select(F.col("node").alias("posting_key"), F.col("component").alias("group_id"))
        .join(silver_df.select("posting_key", "source", "company_key", "posted_at", "first_seen_at"), "posting_key")
        .join(best_df, "posting_key")
        .withColumn("group_size", F.count(F.lit(1)).over(group).cast("int"))
        .withColumn(
            "canonical_posting_key",
            F.first("posting_key").over(earliest.rowsBetween(Window.unboundedPreceding, Window.unboundedFollowing)),
        )
        .withColumn("is_canonical", F.col("posting_key") == F.col("canonical_posting_key"))
        .withColumn("sources", F.array_sort(F.collect_set("source").over(group)))
        .withColumn("group_methods", F.array_sort(F.collect_set("match_method").over(group)))
        .select(*[column.split()[0] for column in DUPLICATE_GROUPS_DDL.split(", ")])
    )
