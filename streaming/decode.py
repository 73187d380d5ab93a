"""Decode bronze payloads into posting structs and give every bad record a reason."""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql.avro.functions import from_avro

from ingestion.avro_codec import HEADER_LEN, MAGIC, known_writer_schemas, schema_json
from ingestion.records import REJECT_HEADER

# Reason codes of silver.quarantine, in the order they are checked.
REASONS = {
    "source_rejected": "the source could not convert its input (detail in reason_detail)",
    "empty_value": "the Kafka record has no value",
    "not_avro": "the value is not an Avro single-object message",
    "unknown_schema": "written with a schema that is not a known posting schema version (wrong types)",
    "avro_decode_error": "the Avro body is corrupt or truncated",
    "missing_source_job_id": "source or source_job_id is empty",
    "missing_title": "the posting has no title",
    "unknown_event_type": "event_type is neither posting nor closed",
    "closed_unknown_posting": "a closed event for a posting silver has never seen",
}

EVENT_TYPES = ("posting", "closed")

# Fields the schema declares non-null: from_avro's PERMISSIVE mode turns a corrupt body
# into a struct of nulls, so a null here can only mean the body did not decode.
REQUIRED_FIELDS = ("source", "source_job_id", "scraped_at")


def _header(headers: Column, name: str) -> Column:
    """The value of a Kafka header as a string, or null."""
    return F.filter(headers, lambda h: h["key"] == F.lit(name))[0]["value"].cast("string")


def _decoded(payload: Column, fingerprint: Column) -> Column:
    """from_avro with the writer schema each known fingerprint names, read as the current schema."""
    current = schema_json()
    decoded = None
    for fp, writer in known_writer_schemas().items():
        # Spark: the schema argument is the writer's, option avroSchema the reader's (evolved) one
        branch = from_avro(payload, writer, {"mode": "PERMISSIVE", "avroSchema": current})
        decoded = (F.when if decoded is None else decoded.when)(fingerprint == F.lit(bytearray(fp)), branch)
    return decoded


def _any_null(struct: Column, fields: tuple[str, ...]) -> Column:
    condition = F.lit(False)
    for name in fields:
        condition = condition | struct[name].isNull()
    return condition


def _blank(col: Column) -> Column:
    return col.isNull() | (F.trim(col) == "")


def with_decoded_posting(bronze_df: DataFrame) -> DataFrame:
    """Add `posting` (struct or null), `reject_reason` and `reject_detail` to bronze rows."""
    value = F.col("value")
    fingerprint = F.substring(value, len(MAGIC) + 1, 8)
    payload = F.expr(f"substring(value, {HEADER_LEN + 1})")
    is_framed = F.substring(value, 1, len(MAGIC)) == F.lit(bytearray(MAGIC))
    known = fingerprint.isin([F.lit(bytearray(fp)) for fp in known_writer_schemas()])
    source_reject = _header(F.col("headers"), REJECT_HEADER)
    posting = F.when(is_framed & known, _decoded(payload, fingerprint))
    p = F.col("posting")
    reason = (
        F.when(source_reject.isNotNull(), "source_rejected")
        .when(value.isNull() | (F.length(value) == 0), "empty_value")
        .when(~is_framed | (F.length(value) <= HEADER_LEN), "not_avro")
        .when(~known, "unknown_schema")
        .when(p.isNull() | _any_null(p, REQUIRED_FIELDS), "avro_decode_error")
        .when(_blank(p["source"]) | _blank(p["source_job_id"]), "missing_source_job_id")
        .when((p["event_type"] == "posting") & _blank(p["title"]), "missing_title")
        .when(~p["event_type"].isin(*EVENT_TYPES), "unknown_event_type")
    )
    return (
        bronze_df.withColumn("posting", posting)
        .withColumn("reject_reason", reason)
        .withColumn("reject_detail", source_reject)
    )
