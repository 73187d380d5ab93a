"""A small silver table for the DAG tests, written by the streaming job's own foreachBatch function."""

from __future__ import annotations

from pathlib import Path

from ingestion.avro_codec import encode_posting
from ingestion.keys import posting_key
from lakehouse.config import Settings
from streaming.silver import silver_writer
from tests.conftest import REPO
from tests.streaming.bronze_rows import BRONZE_DDL, NOW, bronze_row


def write_silver(spark, settings: Settings, postings: list[dict], checkpoint: Path) -> None:
    """Postings -> one bronze micro-batch -> silver.job_postings under settings' lake (as `joblake stream` would)."""
    checkpoint.mkdir(parents=True)
    (checkpoint / "metadata").write_text('{"id":"dag-test"}\n')
    write_batch = silver_writer(settings, str(checkpoint), clock=lambda: NOW, run_id="dag-test")
    rows = [
        bronze_row(encode_posting(p), i, key=posting_key(p["source"], p["source_job_id"]))
        for i, p in enumerate(postings)
    ]
    write_batch(spark.createDataFrame(rows, BRONZE_DDL), 0)


def env_overrides(settings: Settings) -> dict[str, str]:
    """The keys a DAG test's commands must agree with the test process on, as absolute paths."""
    models = REPO / ".jars" / "models"
    return {
        "spark.jars_dir": settings["spark.jars_dir"],
        "embeddings.model_jar": str(models / Path(settings["embeddings.model_jar"]).name),
        "embeddings.model_dir": str(models / Path(settings["embeddings.model_dir"]).name),
    }
