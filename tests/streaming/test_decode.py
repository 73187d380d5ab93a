"""Decoding bronze payloads: every bad record gets exactly one reason."""

import json

import pytest

from ingestion.avro_codec import encode_posting, schema_json
from ingestion.records import REJECT_HEADER
from streaming.decode import REASONS, with_decoded_posting
from tests.streaming.bronze_rows import BRONZE_DDL, bronze_row, posting, posting_row

pytestmark = pytest.mark.spark


def _wrong_type_message() -> bytes:
    variant = json.loads(schema_json())
    for f in variant["fields"]:
        if f["name"] == "posted_time":
            f["type"] = ["null", "string"]
    return encode_posting({**posting("g9"), "posted_time": "3 days ago"}, schema_text=json.dumps(variant))


CASES = [
    # (bronze row, expected reason)
    (posting_row(0, "g1"), None),  # a good posting
    (bronze_row(b"", 1), "empty_value"),  # tombstone-like empty value
    (bronze_row(b'{"title": "json"}', 2), "not_avro"),  # JSON sent to an Avro topic
    (bronze_row(_wrong_type_message(), 3), "unknown_schema"),  # posted_time written as a string
    (bronze_row(encode_posting(posting("g4"))[:20], 4), "avro_decode_error"),  # truncated body
    (bronze_row(encode_posting(posting("g5"))[:10] + b"\xff" * 40, 5), "avro_decode_error"),  # garbage body
    (posting_row(6, "g6", title="   "), "missing_title"),  # blank title
    (posting_row(7, "g7", title=None), "missing_title"),  # no title
    (posting_row(8, ""), "missing_source_job_id"),  # empty source id
    (bronze_row(b"raw csv line", 9, headers=[(REJECT_HEADER, bytearray(b"bad date"))]), "source_rejected"),
]


def test_each_record_gets_its_reason(spark):
    rows_df = spark.createDataFrame([row for row, _ in CASES], BRONZE_DDL)
    got = {r["kafka_offset"]: r["reject_reason"] for r in with_decoded_posting(rows_df).collect()}
    assert got == {row[5]: reason for row, reason in CASES}
    assert {reason for _, reason in CASES if reason} <= set(REASONS)


def test_good_posting_decodes_with_defaults(spark):
    rows_df = spark.createDataFrame([posting_row(0, "g1", skills=["SQL"])], BRONZE_DDL)
    row = with_decoded_posting(rows_df).select("posting.*", "reject_detail").first()
    assert (row["title"], row["skills"], row["reposted"]) == ("Sr. Data Eng", ["SQL"], False)
    assert row["reject_detail"] is None


def test_source_rejection_keeps_its_detail(spark):
    rows_df = spark.createDataFrame([CASES[-1][0]], BRONZE_DDL)
    assert with_decoded_posting(rows_df).first()["reject_detail"] == "bad date"


def test_older_schema_version_decodes_with_the_current_reader(spark):
    v1_message = encode_posting(posting("g1"), schema_text=schema_json("posting.v1.avsc"))
    rows_df = spark.createDataFrame([bronze_row(v1_message, 0)], BRONZE_DDL)
    row = with_decoded_posting(rows_df).select("reject_reason", "posting.title", "posting.event_type").first()
    assert (row["reject_reason"], row["title"], row["event_type"]) == (None, "Sr. Data Eng", "posting")
