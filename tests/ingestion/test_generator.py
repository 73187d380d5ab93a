"""The seeded posting generator: determinism, mix of copies and malformed records, realism."""

import re
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from ingestion.avro_codec import decode_posting, schema_fingerprint
from ingestion.generator import DEFAULT_NOW, generate_postings, generate_records, wrong_type_schema
from ingestion.keys import posting_key

UNDECODABLE = ValueError  # what decode_posting raises for truncated or random bytes
WRONG_TYPE_FINGERPRINT = schema_fingerprint(wrong_type_schema())


def _classify(value: bytes) -> tuple[str, dict | None]:
    """(kind, decoded posting): valid, missing_title, wrong_type or bad_bytes, judged from the bytes alone."""
    if value[2:10] == WRONG_TYPE_FINGERPRINT:
        return "wrong_type", None
    try:
        posting = decode_posting(value)
    except UNDECODABLE:
        return "bad_bytes", None
    return ("valid" if posting["title"] else "missing_title"), posting


@pytest.fixture(scope="module")
def records_5000():
    return generate_records(5000)


@pytest.fixture(scope="module")
def classified_5000(records_5000):
    """(record, kind, posting) per record, decoded once for the whole module."""
    return [(record, *_classify(record.value)) for record in records_5000]


@pytest.fixture(scope="module")
def postings_5000(classified_5000):
    return [posting for _, kind, posting in classified_5000 if kind == "valid"]


def test_same_seed_same_records_other_seed_other_records():
    assert generate_records(300, seed=3) == generate_records(300, seed=3)
    assert generate_records(300, seed=3) != generate_records(300, seed=4)


@pytest.mark.parametrize(
    "count",
    [
        0,  # nothing asked, nothing made
        1,  # a single valid posting
        17,  # the first count that yields a copy
        99,  # just below the malformed threshold
        100,  # first count with malformed records
        1234,  # odd size
    ],
)
def test_count_is_exact(count):
    assert len(generate_records(count)) == count


def test_naive_now_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        generate_records(10, now=datetime(2026, 11, 1))


def test_duplicates_and_reposts_are_two_to_four_percent(records_5000, postings_5000):
    duplicates = sum(n - 1 for n in Counter(r.value for r in records_5000).values())
    reposts = [p for p in postings_5000 if p["reposted"]]
    assert 0.02 <= (duplicates + len(reposts)) / 5000 <= 0.04
    assert duplicates > 0 and reposts


def test_duplicates_are_not_adjacent(records_5000):
    assert all(a != b for a, b in zip(records_5000, records_5000[1:], strict=False))


def test_repost_has_new_id_later_time_and_same_content(postings_5000):
    by_content = {(p["title"], p["company"], p["description"]): p for p in postings_5000 if not p["reposted"]}
    for repost in (p for p in postings_5000 if p["reposted"]):
        original = by_content[(repost["title"], repost["company"], repost["description"])]
        assert repost["source_job_id"] != original["source_job_id"]
        assert repost["posted_time"] > original["posted_time"]


@pytest.mark.parametrize(
    "count, expected",
    [
        (99, {}),  # below 100: no malformed records
        (100, {"bad_bytes": 1, "missing_title": 1, "wrong_type": 1}),  # the minimum: one of each kind
        (1000, {"bad_bytes": 1, "missing_title": 1, "wrong_type": 1}),  # 0.2% is 2, still at least 3
    ],
)
def test_malformed_kinds(count, expected):
    kinds = Counter(_classify(r.value)[0] for r in generate_records(count))
    del kinds["valid"]
    assert dict(kinds) == expected


def test_malformed_share_at_5000(classified_5000):
    kinds = Counter(kind for _, kind, _ in classified_5000)
    assert {k: kinds[k] for k in ("bad_bytes", "missing_title", "wrong_type")} == {
        "bad_bytes": 4,  # 0.2% of 5000 is 10, dealt round-robin: a, b, c, a, ...
        "missing_title": 3,
        "wrong_type": 3,
    }


def test_malformed_decode_behaviour(classified_5000):
    by_kind = {}
    for record, kind, _ in classified_5000:
        by_kind.setdefault(kind, []).append(record)
    for record in by_kind["bad_bytes"] + by_kind["wrong_type"]:
        with pytest.raises(UNDECODABLE):
            decode_posting(record.value)
        assert not record.headers  # the generator plays a buggy producer: it does not know
    for record in by_kind["missing_title"]:
        posting = decode_posting(record.value)
        assert posting["title"] in (None, "")
        assert record.key == posting_key(posting["source"], posting["source_job_id"])


def test_valid_records_decode_and_are_keyed_by_posting_key(classified_5000):
    for record, kind, posting in classified_5000:
        if kind == "valid":
            assert record.key == posting_key("generator", posting["source_job_id"])
            assert record.keyword == posting["search_keyword"]
            assert re.fullmatch(r"gen-\d{7}", posting["source_job_id"])
            assert posting["job_id"] == posting["source_job_id"].removeprefix("gen-")


def test_postings_round_trip_through_records():
    postings = generate_postings(50, seed=11)
    records = generate_records(50, seed=11)
    decoded = [decode_posting(r.value) for r in records]
    assert all(p["event_type"] == "posting" and p["closed_at"] is None for p in decoded)
    v1_fields = [{k: v for k, v in p.items() if k not in ("event_type", "closed_at")} for p in decoded]
    originals = [p for p in v1_fields if not p["reposted"]]
    assert all(p in postings for p in originals)


def test_job_families_cover_at_least_eight_keywords(postings_5000):
    keywords = Counter(p["search_keyword"] for p in postings_5000)
    expected = {"data engineer", "software engineer", "nurse", "accountant", "sales", "marketing"}
    assert expected <= set(keywords)
    assert len(keywords) >= 8


@pytest.mark.parametrize(
    "region, pattern",
    [
        ("US", r", (TX|NY|CA|WA|IL|MA|GA)\b|United States"),  # "Austin, TX", "New York, NY, United States"
        ("UK", r"United Kingdom|, UK$|England"),  # "London, England, United Kingdom", "Manchester, UK"
        (
            "EU",
            r"Germany|Netherlands|France|Spain|Ireland",
        ),  # "Berlin, Germany", "Paris, Île-de-France, France"
        ("remote", r"Remote"),  # "Remote", "Remote - US", "Anywhere (Remote)"
    ],
)
def test_locations_cover_regions(postings_5000, region, pattern):
    assert any(re.search(pattern, p["location"]) for p in postings_5000), region


def test_remote_locations_are_remote_workplaces(postings_5000):
    for p in postings_5000:
        assert ("Remote" in p["location"]) == (p["workplace_type"] == "Remote")


@pytest.mark.parametrize(
    "pattern",
    [
        r"^\$\d{2,3},\d{3} - \$\d{2,3},\d{3} a year$",  # "$120,000 - $150,000 a year"
        r"^\$\d+ - \$\d+ an hour$",  # "$55 - $65 an hour"
        r"^£\d+k-£\d+k$",  # "£45k-£55k"
        r"^€\d+\.\d{3} - €\d+\.\d{3} per year$",  # "€60.000 - €75.000 per year"
        r"^£\d+ per day$",  # "£400 per day"
        r"^Up to \$\d+K$",  # "Up to $90K"
        r"^Competitive$",  # no number at all
    ],
)
def test_salary_formats_vary(postings_5000, pattern):
    assert any(re.match(pattern, p["salary_text"] or "") for p in postings_5000)


def test_salary_shares(postings_5000):
    with_text = [p for p in postings_5000 if p["salary_text"]]
    structured = [p for p in with_text if p["salary_currency"]]
    assert 0.5 <= len(with_text) / len(postings_5000) <= 0.7
    assert 0.35 <= len(structured) / len(with_text) <= 0.55
    assert all(p["salary_currency"] is None for p in postings_5000 if not p["salary_text"])
    assert {p["salary_period"] for p in structured} == {"hour", "day", "year"}
    assert all(p["salary_min"] is not None or p["salary_max"] is not None for p in structured)


@pytest.mark.parametrize(
    "pattern",
    [
        r"^Sr\. ",  # "Sr. Data Engineer"
        r", Senior\b",  # "Data Engineer, Senior"
        r"\bEng\.",  # "Senior Data Eng."
        r"^Jr\.? ",  # "Jr Data Analyst"
        r"\bSWE\b",  # "Staff SWE"
        r"^Registered Nurse - ",  # "Registered Nurse - ICU"
        r"\(m/[wf]/d\)",  # German postings: "Data Engineer (m/w/d)"
        r"^\s|\s$",  # stray whitespace
    ],
)
def test_titles_are_messy(postings_5000, pattern):
    assert any(re.search(pattern, p["title"]) for p in postings_5000)


def test_companies_have_legal_suffix_variants(postings_5000):
    companies = {p["company"] for p in postings_5000}
    assert {"Acme Corp.", "Acme Corp", "Acme Corporation"} <= companies
    assert len({re.split(r",? (Inc|LLC|Corp|Ltd|GmbH)", c)[0].lower() for c in companies}) >= 55


def test_descriptions_are_80_to_300_words_and_mention_skills(postings_5000):
    for p in postings_5000:
        words = re.sub(r"<[^>]+>", " ", p["description"]).split()
        assert 80 <= len(words) <= 300
    text = " ".join(p["description"] for p in postings_5000)
    for phrase in ("Go or Rust", "R and Python for statistics", "Kubernetes", "patient care", "Excel"):
        assert phrase in text
    assert any(p["description"].startswith("<p>") for p in postings_5000)


def test_skills_listed_for_about_30_percent(postings_5000):
    share = sum(bool(p["skills"]) for p in postings_5000) / len(postings_5000)
    assert 0.25 <= share <= 0.35


def test_times_sit_in_the_30_days_before_now(postings_5000):
    for p in postings_5000:
        assert DEFAULT_NOW - timedelta(days=30) <= p["posted_time"] < p["scraped_at"] <= DEFAULT_NOW
        if p["expire_time"] and not p["reposted"]:
            assert p["expire_time"] - p["posted_time"] in (timedelta(days=30), timedelta(days=60))


def test_now_moves_the_window():
    now = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    assert all(p["scraped_at"] <= now for p in generate_postings(20, now=now))
