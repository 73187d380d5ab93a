"""Single-object Avro encoding of postings."""

import json
from datetime import UTC, datetime

import pytest

from ingestion.avro_codec import HEADER_LEN, MAGIC, decode_posting, encode_posting, schema_json
from ingestion.keys import posting_key
from ingestion.records import record_from_posting

NOW = datetime(2026, 11, 1, 6, tzinfo=UTC)
POSTING = {"source": "generator", "source_job_id": "gen-1", "title": "Data Engineer", "scraped_at": NOW}


def test_round_trip_fills_defaults():
    decoded = decode_posting(encode_posting(POSTING))
    assert decoded["title"] == "Data Engineer"
    assert decoded["skills"] == [] and decoded["reposted"] is False and decoded["salary_min"] is None
    assert decoded["scraped_at"] == NOW


def test_message_starts_with_marker_and_fingerprint():
    message = encode_posting(POSTING)
    assert message[:2] == MAGIC and len(message) > HEADER_LEN


def test_posting_that_does_not_fit_the_schema_is_a_value_error():
    with pytest.raises(ValueError, match="does not fit"):
        encode_posting({**POSTING, "posted_time": "yesterday"})


def test_other_writer_schema_is_rejected_by_fingerprint():
    variant = json.loads(schema_json())
    variant["fields"] = [f for f in variant["fields"] if f["name"] != "job_id"]
    with pytest.raises(ValueError, match="unknown writer schema"):
        decode_posting(encode_posting(POSTING, schema_text=json.dumps(variant)))


@pytest.mark.parametrize(
    "message",
    [
        b"{'title': 'json'}",  # not Avro at all
        b"",  # empty
    ],
)
def test_non_avro_bytes_are_rejected(message):
    with pytest.raises(ValueError, match="not an Avro single-object message"):
        decode_posting(message)


def test_record_is_keyed_by_posting_key():
    record = record_from_posting({**POSTING, "search_keyword": "data engineer"})
    assert record.key == posting_key("generator", "gen-1")
    assert record.keyword == "data engineer"
