"""A corpus of hostile records through the real broker: nothing crashes, nothing is lost or doubled."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime

import pytest

from ingestion.avro_codec import encode_posting, schema_json
from ingestion.keys import posting_key
from ingestion.publish import publish_records
from ingestion.records import SourceRecord, record_from_posting
from lakehouse.catalog import table_path
from streaming.job import run_stream
from streaming.reconcile import reconcile

pytestmark = [pytest.mark.spark, pytest.mark.kafka]

NOW = datetime(2026, 11, 1, 6, tzinfo=UTC)
FLOOD = 2000


def posting(job_id: str, **fields) -> dict:
    return {
        "source": "hostile",
        "source_job_id": job_id,
        "title": "Data Engineer",
        "company": "Acme Corp.",
        "scraped_at": NOW,
        **fields,
    }


def raw(key: str, value: bytes) -> SourceRecord:
    return SourceRecord(key=key, value=value, source="hostile", keyword="hostile", scraped_at=NOW)


def invalid_utf8_title() -> bytes:
    """A valid message whose title bytes are not UTF-8 (same length, so the Avro framing still holds)."""
    message = encode_posting(posting("utf8", title="Data Engineer"))
    return message.replace(b"Data Engineer", b"Data \xff\xfe\xfdgineer")


def wrong_types() -> bytes:
    variant = json.loads(schema_json())
    for field in variant["fields"]:
        if field["name"] == "salary_min":
            field["type"] = ["null", "string"]
    return encode_posting(posting("types", salary_min="lots"), schema_text=json.dumps(variant))


CORPUS = [
    raw("garbage", random.Random(1).randbytes(300)),  # invalid Avro: random bytes
    raw("truncated", encode_posting(posting("cut"))[:25]),  # invalid Avro: cut short
    raw("types", wrong_types()),  # a number written as text
    raw("empty", b""),  # no value at all
    record_from_posting(posting("empty-description", description="")),  # an empty description is fine
    record_from_posting(posting("huge", description="x" * 5_000_000)),  # 5 MB: over the topic's limit
    raw(posting_key("hostile", "utf8"), invalid_utf8_title()),  # invalid UTF-8 inside a string field
    record_from_posting(posting("script", description="<p>Hi</p><script>alert('x')</script><b>SQL</b>")),
    *[record_from_posting(posting("flood", description="same job, scraped again")) for _ in range(FLOOD)],
]


@pytest.fixture(scope="module")
def outcome(kafka_broker, spark, tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    settings = kafka_broker.with_overrides(
        {"lake.root": str(root), "lake.raw_root": str(root / "raw"), "kafka.topic": "hostile.postings"}
    )
    summary = publish_records(CORPUS, settings, "hostile-run")
    run_stream(spark, settings)
    silver = {
        r["source_job_id"]: r
        for r in spark.read.format("delta").load(table_path(settings, "silver.job_postings")).collect()
    }
    quarantine = spark.read.format("delta").load(table_path(settings, "silver.quarantine")).collect()
    return {"summary": summary, "rec": reconcile(spark, settings), "silver": silver, "quarantine": quarantine}


def test_every_record_is_accounted_for(outcome):
    rec = outcome["rec"]
    assert rec.balanced, rec
    assert rec.raw_records == rec.bronze_rows == len(CORPUS)


def test_bad_records_are_quarantined_with_reasons(outcome):
    reasons = {r["key"]: r["reject_reason"] for r in outcome["quarantine"]}
    assert reasons == {
        "garbage": "not_avro",
        "truncated": "avro_decode_error",
        "types": "unknown_schema",
        "empty": "empty_value",
        posting_key("hostile", "huge"): "source_rejected",
        posting_key("hostile", "utf8"): "avro_decode_error",  # Avro strings must be UTF-8
    }
    (oversized,) = [r for r in outcome["quarantine"] if r["reject_reason"] == "source_rejected"]
    assert oversized["reject_detail"].startswith("oversized: 5,0")


def test_the_flood_is_one_posting_and_good_oddities_survive(outcome):
    silver = outcome["silver"]
    assert set(silver) == {"empty-description", "script", "flood"}
    assert silver["flood"]["times_seen"] == FLOOD
    assert silver["script"]["description"] == "Hi SQL"  # tags and the script body are gone
    assert silver["empty-description"]["description"] is None


def test_the_raw_zone_keeps_the_oversized_original(outcome):
    assert outcome["summary"].landed == len(CORPUS) and outcome["summary"].rejected_by_source == 1
