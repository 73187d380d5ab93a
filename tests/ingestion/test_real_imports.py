"""Real postings in the shared data folder load with their shipped mappings, row for row.

Reads `../shared/data/postings` (or `$JOBLAKE_SHARED_DATA/postings`) by path; skipped where that folder
is missing. Rows are counted here with the csv / json modules, apart from the reader. Measured on the
2020 files: every row becomes a posting (0 rejected), title/company/location are set on >= 99.9% of
postings, description on >= 98.9%, and every salary cell with an amount is parsed.
"""

from __future__ import annotations

import csv
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ingestion.avro_codec import decode_posting
from ingestion.data_paths import shared_data_dir, shared_data_path
from ingestion.file_source import count_outcomes, read_file_records
from ingestion.records import REJECT_HEADER

pytestmark = pytest.mark.skipif(
    not shared_data_dir().exists(), reason="real data not present: ../shared/data (set JOBLAKE_SHARED_DATA)"
)

SCRAPED_AT = datetime(2020, 11, 30, tzinfo=UTC)
SALARY_AMOUNT = re.compile(r"[$£€]\s?\d")  # a cell that names an amount, counted apart from the parser

# file under postings/, shipped mapping, expected source, expected keyword
REAL_FILES = [
    ("nhs_jobs_2020.jsonl", "nhs_jobs", "nhs_jobs", "nhs jobs"),
    ("ds_jobs_2020/glassdoor_data_analyst.csv", "glassdoor", "glassdoor", "data analyst"),
    ("ds_jobs_2020/glassdoor_data_scientist.csv", "glassdoor", "glassdoor", "data scientist"),
    ("ds_jobs_2020/linkedin_data_analyst.csv", "linkedin_ds", "linkedin", "data analyst"),
    ("ds_jobs_2020/linkedin_data_scientist.csv", "linkedin_ds", "linkedin", "data scientist"),
    ("ds_jobs_2020/indeed-da-0407.csv", "indeed", "indeed", "data analyst"),
    ("ds_jobs_2020/indeed-ds-0407.csv", "indeed", "indeed", "data scientist"),
]


def _input_rows(path: Path) -> list[dict]:
    """The file's rows as the csv / json modules read them (blank lines are no rows)."""
    if path.suffix == ".csv":
        with path.open(encoding="utf-8", newline="") as handle:
            return [row for row in csv.DictReader(handle) if any((v or "").strip() for v in row.values())]
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _salary_present(row: dict) -> bool:
    """The source gave a salary amount: NHS's own salary_min, else an amount in the salary cell."""
    if "salary_min" in row:
        return row["salary_min"] is not None
    return bool(SALARY_AMOUNT.search(row.get("Salary") or ""))


def _share(postings: list[dict], field: str) -> float:
    return sum(1 for p in postings if p[field]) / len(postings)


@pytest.mark.parametrize("name, mapping, source, keyword", REAL_FILES, ids=[f[0] for f in REAL_FILES])
def test_real_file_loads_row_for_row(name, mapping, source, keyword, record_property):
    path = shared_data_path("postings", name)
    if not path.exists():
        pytest.skip(f"real data not present: {path}")
    rows = _input_rows(path)
    records = list(read_file_records(path, mapping=mapping, scraped_at=SCRAPED_AT))
    outcome = count_outcomes(records)
    postings = [decode_posting(r.value) for r in records if REJECT_HEADER not in dict(r.headers)]
    salaried = [p for p in postings if p["salary_min"] is not None or p["salary_max"] is not None]
    summary = {
        "rows": len(rows),
        "postings": outcome["postings"],
        "rejected": outcome["rejected"],
        "reasons": dict(outcome["reasons"].most_common(5)),
        "distinct_posting_keys": len({r.key for r in records}),
        "salary_present": sum(map(_salary_present, rows)),
        "salary_parsed": len(salaried),
    }
    record_property("import_summary", json.dumps(summary))
    print(f"{name} ({mapping}): {summary}")

    assert outcome["postings"] + outcome["rejected"] == len(rows)  # every row in, one record out
    assert outcome["postings"] / len(rows) >= 0.99  # measured: 100% for every file
    assert all(reason.strip() for reason in outcome["reasons"])
    assert {(p["source"], p["search_keyword"]) for p in postings} == {(source, keyword)}
    for field, least in (("title", 0.99), ("company", 0.99), ("location", 0.99), ("description", 0.98)):
        assert _share(postings, field) >= least, field  # measured: >= 0.999, description >= 0.989
    assert len(salaried) >= 0.98 * summary["salary_present"]  # measured: every amount parsed
    assert all(p["salary_period"] in (None, "hour", "day", "week", "month", "year") for p in postings)
