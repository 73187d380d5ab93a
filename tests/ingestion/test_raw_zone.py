"""Raw landing zone: partition layout and counts."""

from datetime import UTC, datetime

from fastavro import reader

from ingestion.raw_zone import count_raw_records, land, partition_dir
from ingestion.records import SourceRecord, rejected_record

T = datetime(2026, 3, 7, 12, tzinfo=UTC)


def _record(keyword: str, value: bytes = b"v") -> SourceRecord:
    return SourceRecord(key="k", value=value, source="generator", keyword=keyword, scraped_at=T)


def test_partition_folder_follows_the_design():
    assert partition_dir(_record("Data Engineer")) == (
        "source=generator/year=2026/month=03/day=07/keyword=data_engineer"
    )


def test_land_writes_one_file_per_partition_and_counts_every_record(tmp_path):
    records = [
        _record("data engineer"),
        _record("data engineer"),
        _record("nurse"),
        rejected_record(b"{broken", "invalid JSON", "file", "import", T),
    ]
    rows = land(records, str(tmp_path), "run1")
    assert sorted(rows.values()) == [1, 1, 2]
    assert count_raw_records(str(tmp_path)) == 4
    rerun = land(records, str(tmp_path), "run2")
    assert sum(rerun.values()) == 4 and count_raw_records(str(tmp_path)) == 8


def test_raw_rows_keep_the_exact_message_bytes_and_headers(tmp_path):
    bad = rejected_record(b"\x00\xffnot avro", "invalid JSON", "file", "import", T)
    land([bad], str(tmp_path), "r")
    (path,) = tmp_path.glob("**/*.avro")
    with open(path, "rb") as f:
        (row,) = list(reader(f))
    assert row["value"] == b"\x00\xffnot avro"
    assert row["headers"] == {"joblake.reject_reason": b"invalid JSON"}
