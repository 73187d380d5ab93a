"""Replaying CSV and JSONL files: mapping, type conversion, and one record (maybe rejected) per row."""

import hashlib
from datetime import UTC, datetime

import pytest

from ingestion.avro_codec import decode_posting
from ingestion.file_source import read_file_records
from ingestion.keys import posting_key
from ingestion.records import REJECT_HEADER

SCRAPED_AT = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)
EPOCH = datetime(2025, 10, 9, 8, 53, 20, tzinfo=UTC)  # 1_760_000_000 seconds

BOARD_CSV = (
    b"id,Job Title,Company Name,Where,Posted,Industries,Skills,Min Pay,Reposted,Description\r\n"
    b'101,Sr. Data Engineer,Acme Corp,"Austin, TX",2026-10-05T14:03:00Z,'
    b"\"['Software Development', 'Retail']\",Python; SQL,120000,false,Short text\r\n"
    b'102,Staff Nurse,Cedar Health,"Boston, MA",yesterday-ish,[],,,,Nights\r\n'
    b'103,Jr Analyst,Globex Inc,Remote,1760000000,"[""Financial Services""]","Excel, SQL","95,000",yes,'
    b'"Line one\r\nLine two, with a comma"\r\n'
)
BOARD_MAPPING = {
    "source_job_id": "id",
    "title": "Job Title",
    "company": "Company Name",
    "location": "Where",
    "posted_time": "Posted",
    "industries": "Industries",
    "skills": "Skills",
    "salary_min": "Min Pay",
    "reposted": "Reposted",
    "description": "Description",
}

EXPORT_JSONL = b"\n".join(
    [
        b'{"source_job_id": "j1", "title": "SWE", "posted_time": 1760000000000, "industries": ["A", "B"], '
        b'"salary_min": 100000, "reposted": true, "search_keyword": "software engineer"}',
        b'{"source_job_id": "j2", "title": "broken"',
        b'{"source_job_id": "j3", "title": "Accountant", "salary_min": "lots"}',
        b"",
        b'{"title": "No id here", "company": "Initech Ltd"}',
        b'{"company": null, "reposted": false}',
        b"[1, 2]",
        b'{"source_job_id": "j7", "company": "Umbrella GmbH"}',
    ]
)


def _write(tmp_path, name: str, content: bytes):
    path = tmp_path / name
    path.write_bytes(content)
    return path


def _read(path, **kwargs):
    return list(read_file_records(path, scraped_at=SCRAPED_AT, **kwargs))


def _reason(record) -> str | None:
    return dict(record.headers).get(REJECT_HEADER, b"").decode() or None


def test_csv_with_mapping_converts_every_row(tmp_path):
    records = _read(_write(tmp_path, "board.csv", BOARD_CSV), mapping=BOARD_MAPPING, source="board")
    assert len(records) == 3  # three rows in, three records out
    first, third = decode_posting(records[0].value), decode_posting(records[2].value)
    assert records[0].key == posting_key("board", "101")
    assert first["title"] == "Sr. Data Engineer" and first["location"] == "Austin, TX"
    assert first["posted_time"] == datetime(2026, 10, 5, 14, 3, tzinfo=UTC)
    assert first["industries"] == ["Software Development", "Retail"] and first["skills"] == ["Python", "SQL"]
    assert (first["salary_min"], first["reposted"], first["search_keyword"]) == (120000.0, False, "import")
    assert third["description"] == "Line one\r\nLine two, with a comma"  # quoted multiline field
    assert third["posted_time"] == EPOCH
    assert (third["industries"], third["skills"]) == (["Financial Services"], ["Excel", "SQL"])
    assert (third["salary_min"], third["reposted"]) == (95000.0, True)
    assert first["scraped_at"] == SCRAPED_AT and first["source"] == "board"


def test_bad_csv_row_becomes_a_rejected_record_with_its_raw_bytes(tmp_path):
    records = _read(_write(tmp_path, "board.csv", BOARD_CSV), mapping=BOARD_MAPPING, source="board")
    rejected = records[1]
    raw = b'102,Staff Nurse,Cedar Health,"Boston, MA",yesterday-ish,[],,,,Nights'
    assert rejected.value == raw
    assert _reason(rejected) == "posted_time: cannot parse 'yesterday-ish' as a timestamp"
    assert rejected.key == hashlib.sha256(raw).hexdigest()
    assert (rejected.source, rejected.keyword, rejected.scraped_at) == ("board", "import", SCRAPED_AT)
    assert [_reason(r) is None for r in records] == [True, False, True]


def test_rejected_multiline_row_keeps_all_its_lines(tmp_path):
    header = b"source_job_id,title,description,salary_max\n"
    content = header + b'1,Nurse,"first\nsecond",plenty\n2,Nurse,ok,70000\n'
    records = _read(_write(tmp_path, "multi.csv", content))
    assert records[0].value == b'1,Nurse,"first\nsecond",plenty'
    assert _reason(records[0]) == "salary_max: cannot parse 'plenty' as a number"
    assert decode_posting(records[1].value)["salary_max"] == 70000.0


def test_jsonl_rows_in_equal_records_out(tmp_path):
    records = _read(_write(tmp_path, "export.jsonl", EXPORT_JSONL), keyword="backfill")
    lines = [line for line in EXPORT_JSONL.split(b"\n") if line.strip()]
    assert len(records) == len(lines) == 7  # the blank line is not a row
    reasons = [_reason(r) for r in records]
    assert reasons == [
        None,
        "invalid JSON: Expecting ',' delimiter at column 42",
        "salary_min: cannot parse 'lots' as a number",
        None,  # no id: derived from content
        "source_job_id: missing, and the row has no content to derive one from",
        "line is a JSON list, not an object",
        None,  # no title: silver quarantines it, the reader does not
    ]
    assert [r.value for r, reason in zip(records, reasons, strict=True) if reason] == [
        lines[1],
        lines[2],
        lines[4],
        lines[5],
    ]
    first = decode_posting(records[0].value)
    assert (first["posted_time"], first["industries"]) == (EPOCH, ["A", "B"])
    assert (first["salary_min"], first["reposted"]) == (100000.0, True)
    assert records[0].keyword == "software engineer" and records[3].keyword == "backfill"
    assert decode_posting(records[6].value)["title"] is None


def test_missing_id_is_a_stable_content_hash(tmp_path):
    row = b'{"title": "No id here", "company": "Initech Ltd", "scraped_at": "%s"}\n'
    path = _write(tmp_path, "a.jsonl", row % b"2026-10-01T00:00:00Z" + row % b"2026-10-02T00:00:00Z")
    other = _write(tmp_path, "b.jsonl", b'{"title": "Another job", "company": "Initech Ltd"}\n')
    ids = [decode_posting(r.value)["source_job_id"] for r in _read(path) + _read(other)]
    assert ids[0] == ids[1] != ids[2]  # a rescrape keeps its id, other content gets another
    assert len(ids[0]) == 40


@pytest.mark.parametrize(
    "content",
    [
        b"\xef\xbb\xbfsource_job_id,title\r\nb1,Engineer\r\n",  # CSV saved by Excel, with a BOM
        b'\xef\xbb\xbf{"source_job_id": "b1", "title": "Engineer"}\n',  # JSONL with a BOM
    ],
)
def test_utf8_bom_is_ignored(tmp_path, content):
    name = "bom.csv" if content[3:4] == b"s" else "bom.jsonl"
    (record,) = _read(_write(tmp_path, name, content))
    posting = decode_posting(record.value)
    assert (posting["source_job_id"], posting["title"]) == ("b1", "Engineer")


@pytest.mark.parametrize(
    "field, cell, expected",
    [
        ("posted_time", "2026-10-05T14:03:00Z", datetime(2026, 10, 5, 14, 3, tzinfo=UTC)),  # ISO with Z
        ("posted_time", "2026-10-05T16:03:00+02:00", datetime(2026, 10, 5, 14, 3, tzinfo=UTC)),  # offset
        ("posted_time", "2026-10-05 14:03:00", datetime(2026, 10, 5, 14, 3, tzinfo=UTC)),  # naive = UTC
        ("expire_time", "2026-10-05", datetime(2026, 10, 5, tzinfo=UTC)),  # a date: midnight UTC
        ("expire_time", "1760000000", EPOCH),  # epoch seconds
        ("expire_time", "1760000000000", EPOCH),  # epoch milliseconds
        ("posted_time", "", None),  # empty: no timestamp
        ("industries", '["A", "B, C"]', ["A", "B, C"]),  # JSON array keeps commas inside items
        ("industries", "['A', 'B']", ["A", "B"]),  # Python list text
        ("job_functions", "Engineering; Information Technology", ["Engineering", "Information Technology"]),
        ("skills", "Python, SQL ,Spark", ["Python", "SQL", "Spark"]),  # comma separated, padded
        ("skills", "", []),  # empty list
        ("salary_min", "120000", 120000.0),  # plain number
        ("salary_min", "95,000", 95000.0),  # thousands separators
        ("salary_max", "87.5", 87.5),  # decimal
        ("reposted", "TRUE", True),  # case-insensitive words
        ("reposted", "0", False),  # digits
        ("reposted", "", False),  # empty: the schema default
        ("company", "  Acme Corp.  ", "Acme Corp."),  # text is trimmed
        ("location", "", None),  # empty text is null
    ],
)
def test_csv_cell_conversions(tmp_path, field, cell, expected):
    quoted = cell.replace('"', '""')
    content = f'source_job_id,title,{field}\r\nx1,Engineer,"{quoted}"\r\n'.encode()
    (record,) = _read(_write(tmp_path, "one.csv", content))
    assert _reason(record) is None
    assert decode_posting(record.value)[field] == expected


@pytest.mark.parametrize(
    "field, cell, reason",
    [
        ("posted_time", "yesterday-ish", "posted_time: cannot parse 'yesterday-ish' as a timestamp"),  # words
        ("expire_time", "2026-13-45", "expire_time: cannot parse '2026-13-45' as a timestamp"),  # no such day
        ("salary_max", "$120k", "salary_max: cannot parse '$120k' as a number"),  # salary text in a number
        ("reposted", "maybe", "reposted: cannot parse 'maybe' as true/false"),  # not a boolean
        ("skills", "['a', ", "skills: cannot read \"['a',\" as a list"),  # broken list literal (cell trimmed)
    ],
)
def test_unconvertible_cells_reject_the_row(tmp_path, field, cell, reason):
    content = f'source_job_id,title,{field}\r\nx1,Engineer,"{cell} "\r\n'.encode()
    (record,) = _read(_write(tmp_path, "one.csv", content))
    assert _reason(record) == reason
    assert record.value == content.split(b"\r\n")[1]


@pytest.mark.parametrize(
    "row, reason",
    [
        (b"x1,Engineer,extra", "row has 3 fields but the header has 2"),  # more cells than columns
        (b"x1,Caf\xe9 worker", "row is not valid UTF-8"),  # Latin-1 bytes in a UTF-8 file
    ],
)
def test_malformed_csv_rows_are_rejected_not_dropped(tmp_path, row, reason):
    (record,) = _read(_write(tmp_path, "one.csv", b"source_job_id,title\n" + row + b"\n"))
    assert (_reason(record), record.value) == (reason, row)


def test_short_csv_row_leaves_missing_columns_null(tmp_path):
    (record,) = _read(_write(tmp_path, "one.csv", b"source_job_id,title,company\nx1\n"))
    assert decode_posting(record.value)["title"] is None


def test_unknown_mapping_field_fails_fast(tmp_path):
    with pytest.raises(ValueError, match="job_title"):
        read_file_records(tmp_path / "none.csv", mapping={"job_title": "Title"}, scraped_at=SCRAPED_AT)
