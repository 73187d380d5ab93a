"""Replaying CSV, JSONL and Avro files: mappings, type conversion, and one record (maybe rejected) per row."""

import hashlib
import io
import json
from datetime import UTC, datetime

import pytest
from fastavro import parse_schema, schemaless_writer, writer

from ingestion.avro_codec import SCHEMA_VERSIONS, decode_posting, schema_json
from ingestion.data_paths import shared_data_dir
from ingestion.file_source import count_outcomes, read_file_records
from ingestion.keys import posting_key
from ingestion.mappings import MappingError, load_mapping, shipped_mappings
from ingestion.mappings.salary import Salary, parse_salary, salary_period
from ingestion.raw_zone import land
from ingestion.records import REJECT_HEADER, record_from_posting, rejected_record

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


# --- Mapping files ------------------------------------------------------------------------------


def test_shipped_mappings_all_load():
    assert set(shipped_mappings()) >= {"generic", "nhs_jobs", "glassdoor", "linkedin_ds", "indeed"}
    for name in shipped_mappings():
        assert load_mapping(name).name == name


def test_unknown_mapping_name_lists_the_shipped_ones():
    with pytest.raises(MappingError, match=r"unknown mapping 'monster' \(shipped: generic, glassdoor, "):
        load_mapping("monster")


@pytest.mark.parametrize(
    "document, message",
    [
        ({"fields": {}, "colums": {}}, r"unknown keys \['colums'\]"),  # a typo in a top-level key
        ({"fields": {"job_title": "Title"}}, r"does not have: \['job_title'\]"),  # not a posting field
        ({"fields": {"title": 3}}, "fields.title: expected a column name"),  # not a column name
        ({"fields": {"location": {"column": "A", "join": ["A"]}}}, "exactly one of column, join"),  # both
        ({"fields": {"location": {"join": "City"}}}, "join: expected a list of column names"),  # not a list
        ({"fields": {"job_id": {"column": "Url", "pattern": "(a)(b)"}}}, "has 2 groups"),  # which group?
        ({"fields": {"job_id": {"column": "Url", "pattern": "("}}}, "invalid regular expression"),  # bad regex
        ({"fields": {"title": {"column": "T", "trim": True}}}, r"fields.title: unknown keys \['trim'\]"),
        ({"fields": {}, "source": {"column": "S", "file_name": "x"}}, "exactly one of file_name, column"),
        ({"fields": {}, "keyword": 7}, "keyword: expected a text"),  # neither fixed text nor a rule
        ({"fields": {}, "nulls": "None"}, "nulls: expected a list"),  # one word, not a list
        ({"fields": {}, "salary": {"period": "fortnight"}}, "period: expected one of hour, day"),
        ({"fields": {}, "salary": {"currency": "dollars"}}, "currency: expected an ISO 4217 code"),
    ],
)
def test_invalid_mappings_say_what_is_wrong(document, message):
    with pytest.raises(MappingError, match=message):
        load_mapping(document)


def test_mapping_from_a_yaml_path_or_json_text(tmp_path):
    path = _write(tmp_path, "board.yml", b"source: board\nfields:\n  title: Job Title\n")
    from_file = load_mapping(str(path))
    assert (from_file.name, from_file.source.value, from_file.fields["title"].column) == ("board", "board", "Job Title")
    assert load_mapping('{"title": "Job Title"}').fields["title"].column == "Job Title"  # the CLI's JSON form
    assert load_mapping(None).name == "generic"


PEOPLE_CSV = (
    b"Name,Employer,City,State,Pay,Board,Url,Text,Listed\n"
    b"Data Analyst,Acme,Austin,TX,$60k-$80k,Jobby,https://jobby.test/view/analyst-at-acme-4711?ref=x,"
    b"\"['About us', ' We make things. ', '', 'Apply now']\",05/10/2020\n"
    b"Barista,Cafe Co,Toronto,,$15-$17,,https://jobby.test/view/barista-88,Plain text,N/A\n"
    b"Welder,Forge Ltd,Leeds,,None,Jobby,https://jobby.test/search?q=weld,[Urgent] Night shifts,\n"
)
PEOPLE_MAPPING = {
    "source": {"column": "Board", "values": {"jobby": "jobby_board"}},
    "keyword": {"file_name": r"^jobby_(.+)_\d+$"},
    "fields": {
        "title": "Name",
        "company": "Employer",
        "location": {"join": ["City", "State"]},
        "salary_text": "Pay",
        "job_url": "Url",
        "source_job_id": {"column": "Url", "pattern": r"-(\d+)(?:\?|$)"},
        "description": {"column": "Text", "from_list": True},
        "posted_time": "Listed",
    },
    "nulls": ["None", "N/A"],
    "timestamp_format": "%d/%m/%Y",
    "salary": {"period": "year", "hourly_below": 1000},
}


def test_mapping_transforms_derive_source_keyword_id_location_description_and_salary(tmp_path):
    records = _read(_write(tmp_path, "jobby_data_analyst_0510.csv", PEOPLE_CSV), mapping=PEOPLE_MAPPING)
    assert [_reason(r) for r in records] == [
        None,
        "source: column 'Board' is empty",  # a per-row source rule without a default
        "source_job_id: Url 'https://jobby.test/search?q=weld' does not match '-(\\\\d+)(?:\\\\?|$)'",
    ]
    first = decode_posting(records[0].value)
    assert (first["source"], first["source_job_id"], first["search_keyword"]) == ("jobby_board", "4711", "data analyst")
    assert records[0].key == posting_key("jobby_board", "4711")
    assert first["location"] == "Austin, TX"
    assert first["description"] == "About us\nWe make things.\nApply now"  # list items, one per line
    assert first["posted_time"] == datetime(2020, 10, 5, tzinfo=UTC)  # day first, as the format says
    assert (first["salary_min"], first["salary_max"], first["salary_currency"], first["salary_period"]) == (
        60000.0,
        80000.0,
        "USD",
        "year",
    )
    assert (records[1].source, records[1].keyword) == ("file", "data analyst")  # rejected: the fallbacks


def test_cells_that_are_no_list_and_null_words_are_kept_as_text_and_null(tmp_path):
    mapping = {**PEOPLE_MAPPING, "source": "jobby", "fields": {**PEOPLE_MAPPING["fields"], "source_job_id": "Url"}}
    records = _read(_write(tmp_path, "jobby_x_1.csv", PEOPLE_CSV), mapping=mapping)
    barista, welder = (decode_posting(r.value) for r in records[1:])
    assert (barista["location"], barista["description"], barista["posted_time"]) == ("Toronto", "Plain text", None)
    assert (barista["salary_min"], barista["salary_max"], barista["salary_period"]) == (15.0, 17.0, "hour")
    assert (welder["salary_text"], welder["description"]) == (None, "[Urgent] Night shifts")  # "[" but no list


def test_callers_source_and_keyword_override_the_mapping(tmp_path):
    path = _write(tmp_path, "jobby_data_analyst_0510.csv", PEOPLE_CSV)
    records = _read(path, mapping=PEOPLE_MAPPING, source="upload", keyword="analysts")
    assert {(r.source, r.keyword) for r in records} == {("upload", "analysts")}


def test_file_name_rule_without_a_match_fails_before_reading(tmp_path):
    path = _write(tmp_path, "export.csv", PEOPLE_CSV)
    with pytest.raises(MappingError, match=r"file name 'export' does not match"):
        read_file_records(path, mapping=PEOPLE_MAPPING, scraped_at=SCRAPED_AT)
    mapping = {**PEOPLE_MAPPING, "keyword": {"file_name": "^jobby_(.+)$", "default": "misc"}}
    assert {r.keyword for r in _read(path, mapping=mapping)} == {"misc"}


def test_shipped_indeed_mapping_reads_source_from_a_column_and_keyword_from_the_file_name(tmp_path):
    content = (
        b"Job Title,Location,Company,Salary,Description,Source\n"
        b'Data Analyst,"Springfield, IL 62701",Acme,"$18 - $21 an hour",Crunch numbers,Indeed\n'
        b"Data Analyst,Remote,Initech,None,Make reports,\n"
    )
    records = _read(_write(tmp_path, "indeed-da-0407.csv", content), mapping="indeed")
    first, second = (decode_posting(r.value) for r in records)
    assert (first["source"], second["source"]) == ("indeed", "indeed")  # "Indeed", and the default
    assert {r.keyword for r in records} == {"data analyst"}  # "da" translated
    assert (first["salary_min"], first["salary_max"], first["salary_period"]) == (18.0, 21.0, "hour")
    assert (second["salary_text"], second["salary_min"]) == (None, None)  # "None" is a null word
    assert len(first["source_job_id"]) == 40  # no id column: the content hash


def test_salary_columns_win_over_the_parsed_text_and_period_words_are_normalised(tmp_path):
    content = (
        b"source_job_id,salary_text,salary_min,salary_max,salary_period\n"
        b'n1,"\xc2\xa325,000 - \xc2\xa330,000 per annum",25500,,YEAR\n'
        b'n2,"\xc2\xa39.50 an hour",,,\n'
        b"n3,negotiable,,,fortnight\n"
    )
    records = _read(_write(tmp_path, "nhs.csv", content), mapping={"fields": {}, "salary": True})
    own, parsed = decode_posting(records[0].value), decode_posting(records[1].value)
    assert (own["salary_min"], own["salary_max"], own["salary_period"]) == (25500.0, None, "year")
    assert (parsed["salary_min"], parsed["salary_currency"], parsed["salary_period"]) == (9.5, "GBP", "hour")
    assert _reason(records[2]) == "salary_period: cannot read 'fortnight' as one of hour/day/week/month/year"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("$65,000 - $85,000 a year", Salary(65000.0, 85000.0, "USD", "year")),  # a range and a period
        ("$25 an hour", Salary(25.0, 25.0, "USD", "hour")),  # one amount: min = max
        ("Up to $45 an hour", Salary(None, 45.0, "USD", "hour")),  # a ceiling only
        ("From £30k", Salary(30000.0, None, "GBP", None)),  # a floor only, no period named
        ("$50k-$90k", Salary(50000.0, 90000.0, "USD", None)),  # "k" thousands, no period
        ("£26,100.50 to £31,200 DOE (trainees £21,000)", Salary(26100.5, 31200.0, "GBP", None)),  # first range
        ("£24,500.25 - £ 33,000.75 pa pro rata", Salary(24500.25, 33000.75, "GBP", "year")),  # "pa", spaced sign
        ("€3.000 per month", Salary(3.0, 3.0, "EUR", "month")),  # a dot is a decimal point, not thousands
        ("$100k+", Salary(100000.0, None, "USD", None)),  # "+": a floor
        ("Competitive", None),  # no amount
        ("Band 5", None),  # a number without a currency sign is no amount
        (None, None),
    ],
)
def test_parse_salary(text, expected):
    assert parse_salary(text) == expected


def test_parse_salary_rule_fills_the_period_and_currency():
    from ingestion.mappings import SalaryRule

    rule = SalaryRule(period="year", hourly_below=1000, currency="CAD")
    assert parse_salary("$20-$30", rule) == Salary(20.0, 30.0, "CAD", "hour")  # below 1,000 and no period: hourly
    assert parse_salary("$50k-$90k", rule) == Salary(50000.0, 90000.0, "CAD", "year")
    assert parse_salary("$500 a week", rule).period == "week"  # a named period wins


@pytest.mark.parametrize(
    "text, period",
    [("YEAR", "year"), ("per annum", "year"), ("Hourly", "hour"), ("a month", "month"), ("p.a.", "year"), (None, None)],
)
def test_salary_period_vocabulary(text, period):
    assert salary_period(text) == period


# --- Avro files ---------------------------------------------------------------------------------


def _avro(tmp_path, name: str, schema: dict, rows: list[dict], codec: str = "deflate"):
    path = tmp_path / name
    with path.open("wb") as out:
        writer(out, parse_schema(schema), rows, codec=codec)
    return path


def test_posting_avro_files_are_read_with_the_current_schema(tmp_path):
    oldest = json.loads(schema_json(SCHEMA_VERSIONS[0]))
    postings = [
        {"source": "greenhouse", "source_job_id": "g1", "title": "SRE", "search_keyword": "sre", "scraped_at": EPOCH},
        {"source": "lever", "source_job_id": "l9", "title": "Nurse", "scraped_at": EPOCH},
    ]
    path = _avro(tmp_path, "postings.avro", oldest, [{**_empty_posting(oldest), **p} for p in postings])
    records = _read(path, mapping="glassdoor", source="ignored")  # a posting file needs no mapping
    assert [r.key for r in records] == [posting_key("greenhouse", "g1"), posting_key("lever", "l9")]
    assert [(r.source, r.keyword) for r in records] == [("greenhouse", "sre"), ("lever", "none")]
    decoded = decode_posting(records[0].value)
    assert (decoded["title"], decoded["scraped_at"]) == ("SRE", EPOCH)


def _empty_posting(schema: dict) -> dict:
    return {f["name"]: f.get("default") for f in schema["fields"]}


def test_raw_zone_files_replay_the_exact_messages(tmp_path):
    posting = {"source": "generator", "source_job_id": "x1", "title": "Chef", "search_keyword": "chef"}
    landed = [
        record_from_posting({**posting, "scraped_at": SCRAPED_AT}),
        rejected_record(b"{broken", "invalid JSON", "file", "import", SCRAPED_AT),
    ]
    land(landed, str(tmp_path / "raw"), "run1")
    replayed = [r for path in sorted((tmp_path / "raw").glob("**/*.avro")) for r in _read(path)]

    def message(r):
        return (r.key, r.value, r.headers, r.source, r.keyword, r.scraped_at)

    assert sorted(map(message, replayed)) == sorted(map(message, landed))


def test_other_avro_schemas_go_through_the_mapping_and_bad_rows_keep_their_bytes(tmp_path):
    schema = {
        "type": "record",
        "name": "Vacancy",
        "fields": [
            {"name": "ref", "type": "long"},
            {"name": "headline", "type": "string"},
            {"name": "opened", "type": {"type": "long", "logicalType": "timestamp-millis"}},
            {"name": "pay", "type": ["null", "string"]},
        ],
    }
    rows = [
        {"ref": 7, "headline": "Porter", "opened": EPOCH, "pay": "18000"},
        {"ref": 8, "headline": "Cleaner", "opened": EPOCH, "pay": "lots"},
    ]
    mapping = {"source_job_id": "ref", "title": "headline", "posted_time": "opened", "salary_min": "pay"}
    records = _read(_avro(tmp_path, "vacancies.avro", schema, rows), mapping=mapping, source="council")
    porter = decode_posting(records[0].value)
    assert (porter["source_job_id"], porter["title"], porter["posted_time"], porter["salary_min"]) == (
        "7",
        "Porter",
        EPOCH,
        18000.0,
    )
    row_bytes = io.BytesIO()
    schemaless_writer(row_bytes, parse_schema(schema), rows[1])
    assert (_reason(records[1]), records[1].value) == (
        "salary_min: cannot parse 'lots' as a number",
        row_bytes.getvalue(),
    )


def test_undecodable_avro_record_rejects_the_rest_of_its_block(tmp_path):
    schema = {"type": "record", "name": "Row", "fields": [{"name": "title", "type": "string"}]}
    path = _avro(tmp_path, "rows.avro", schema, [{"title": "x"}, {"title": "y"}], codec="null")
    content = path.read_bytes()
    path.write_bytes(content.replace(b"\x02x\x02y", b"\x7ex\x02y"))  # the first string claims 63 bytes
    records = _read(path)
    assert len(records) == 2  # two rows in the block, two records out
    assert all(_reason(r).startswith("avro: record 1 cannot be decoded (EOFError") for r in records)


def test_a_file_that_is_not_avro_fails_before_reading(tmp_path):
    with pytest.raises(ValueError, match="not a readable Avro container file"):
        read_file_records(_write(tmp_path, "notes.avro", b"hello"), scraped_at=SCRAPED_AT)


# --- Counting and paths -------------------------------------------------------------------------


def test_count_outcomes_counts_postings_and_reasons(tmp_path):
    outcome = count_outcomes(_read(_write(tmp_path, "export.jsonl", EXPORT_JSONL)))
    assert (outcome["postings"], outcome["rejected"]) == (3, 4)
    assert outcome["reasons"]["line is a JSON list, not an object"] == 1


def test_shared_data_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("JOBLAKE_SHARED_DATA", str(tmp_path))
    assert shared_data_dir() == tmp_path
    monkeypatch.delenv("JOBLAKE_SHARED_DATA")
    assert shared_data_dir().parts[-3:] == ("shared", "data") or shared_data_dir().name == "data"
