"""Lever Postings API: the parser on inline JSON, skip/limit pagination against the fixture server."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from ingestion.avro_codec import encode_posting
from ingestion.fetch import Fetcher
from ingestion.sources.base import Query
from ingestion.sources.lever import POSTINGS_PATH, LeverSource, parse_posting, parse_postings
from lakehouse.config import resolve
from tests.ingestion.fixture_server import FixtureServer

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
CREATED = datetime(2026, 10, 28, 16, 30, tzinfo=UTC)
HTML_ONLY_TEXT = "Globex moves money.\nYou will build APIs.\n\nWe offer equity.\nAnd lunch."


def lever_posting(posting_id: str = "5f1d2c3b-0a9e-4b8c-9d7e-6f5a4b3c2d1e", title: str = "Backend Engineer", **extra):
    """A posting as `/v0/postings/<company>?mode=json` returns it (synthetic)."""
    return {
        "additionalPlain": "We offer equity.\nAnd lunch.",
        "additional": "<div>We offer equity.</div><div>And lunch.</div>",
        "categories": {
            "commitment": "Full Time",
            "department": "Engineering",
            "location": "Berlin",
            "team": "Payments",
            "allLocations": ["Berlin", "Remote - Germany"],
        },
        "createdAt": int(CREATED.timestamp() * 1000),
        "descriptionPlain": "Globex moves money.\n\nYou will build APIs.",
        "description": "<div>Globex moves money.</div><div><br></div><div>You will build APIs.</div>",
        "id": posting_id,
        "lists": [
            {"text": "Requirements", "content": "<li>Go or Python</li><li>Postgres &amp; Kafka</li>"},
            {"text": "Nice to have", "content": "<li>Payments experience</li>"},
        ],
        "text": title,
        "country": "DE",
        "workplaceType": "hybrid",
        "opening": "",
        "openingPlain": "",
        "descriptionBody": "<div>You will build APIs.</div>",
        "descriptionBodyPlain": "You will build APIs.",
        "hostedUrl": f"https://jobs.lever.co/globex/{posting_id}",
        "applyUrl": f"https://jobs.lever.co/globex/{posting_id}/apply",
        "salaryRange": {"currency": "EUR", "interval": "per-year-salary", "min": 70000, "max": 90000},
        "salaryDescriptionPlain": "Base salary plus equity.",
        **extra,
    }


def test_parse_posting_reads_every_field():
    posting = parse_posting(lever_posting(), "globex", NOW, None)
    assert posting == {
        **posting,
        "source": "lever",
        "source_job_id": "5f1d2c3b-0a9e-4b8c-9d7e-6f5a4b3c2d1e",
        "title": "Backend Engineer",
        "company": "Globex",
        "location": "Berlin",
        "employment_type": "Full Time",
        "job_functions": ["Engineering", "Payments"],
        "workplace_type": "Hybrid",
        "job_url": "https://jobs.lever.co/globex/5f1d2c3b-0a9e-4b8c-9d7e-6f5a4b3c2d1e",
        "apply_url": "https://jobs.lever.co/globex/5f1d2c3b-0a9e-4b8c-9d7e-6f5a4b3c2d1e/apply",
        "posted_time": CREATED,
        "salary_text": "Base salary plus equity.",
        "salary_min": 70000.0,
        "salary_max": 90000.0,
        "salary_currency": "EUR",
        "salary_period": "year",
        "search_keyword": "globex",
        "scraped_at": NOW,
    }
    assert posting["description"] == (
        "Globex moves money.\nYou will build APIs.\n\n"
        "Requirements:\n- Go or Python\n- Postgres & Kafka\n\n"
        "Nice to have:\n- Payments experience\n\n"
        "We offer equity.\nAnd lunch."
    )
    encode_posting(posting)


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        # no plain-text fields: the HTML ones are converted
        ({"descriptionPlain": None, "lists": [], "additionalPlain": None}, {"description": HTML_ONLY_TEXT}),
        ({"workplaceType": "unspecified"}, {"workplace_type": None}),  # unspecified is unknown
        ({"workplaceType": "remote"}, {"workplace_type": "Remote"}),  # remote
        ({"salaryRange": None}, {"salary_min": None, "salary_text": None}),  # no salary published
        (
            {"salaryRange": {"currency": "USD", "interval": "per-hour-wage", "min": 45, "max": None}},
            {"salary_min": 45.0, "salary_max": 45.0, "salary_period": "hour"},  # hourly, one bound
        ),
        ({"categories": {"allLocations": ["Paris", "Lyon"]}}, {"location": "Paris; Lyon", "job_functions": []}),
        ({"createdAt": None}, {"posted_time": None}),  # no creation time
        ({"categories": None, "lists": None}, {"location": None}),  # categories missing entirely
    ],
)
def test_parse_posting_variants(extra, expected):
    posting = parse_posting(lever_posting(**extra), "globex", NOW, "backend")
    assert {key: posting[key] for key in expected} == expected
    assert posting["search_keyword"] == "backend"
    encode_posting(posting)


@pytest.mark.parametrize(
    ("payload", "ids"),
    [
        ([lever_posting("a"), lever_posting("b")], ["a", "b"]),  # a page
        ([lever_posting("a"), {"text": "no id"}, None], ["a"]),  # items without an id are skipped
        ({"ok": False, "error": "Document not found"}, []),  # Lever's error object
    ],
)
def test_parse_postings(payload, ids):
    assert [p["source_job_id"] for p in parse_postings(payload, "globex", NOW)] == ids


def run(routes, query: Query, boards=("globex",), page_size: int = 2):
    async def main():
        async with FixtureServer() as server:
            routes(server)
            settings = resolve("test", {}).with_overrides(
                {"scrape.lever_api_url": server.url(""), "scrape.lever_boards": list(boards)}
            )
            source = LeverSource(settings, clock=lambda: NOW, page_size=page_size)
            async with Fetcher(settings) as fetcher:
                postings = [p async for p in source.postings(query, fetcher)]
            return postings, source, server

    return asyncio.run(main())


def serve_pages(server: FixtureServer, pages: list[list[dict]], company: str = "globex") -> None:
    for number, items in enumerate(pages):
        server.route(POSTINGS_PATH.format(company=company), json=items, query={"skip": str(number * 2), "limit": "2"})


def test_source_reads_pages_until_a_short_one():
    pages = [[lever_posting("a"), lever_posting("b")], [lever_posting("c"), lever_posting("d")], [lever_posting("e")]]
    postings, source, server = run(lambda s: serve_pages(s, pages), Query())
    assert [p["source_job_id"] for p in postings] == ["a", "b", "c", "d", "e"]
    asked = [r.query for r in server.requests_to(POSTINGS_PATH.format(company="globex"))]
    assert asked == [{"mode": "json", "skip": str(n), "limit": "2"} for n in (0, 2, 4)]
    assert source.stats == {"pages": 3, "postings": 5, "duplicates": 0, "failed": 0}
    for posting in postings:
        encode_posting(posting)


def test_source_stops_on_an_empty_page_and_skips_shifted_duplicates():
    # "b" moved to the second page while we read (a posting before it closed); the third page is empty.
    pages = [[lever_posting("a"), lever_posting("b")], [lever_posting("b"), lever_posting("c")], []]
    postings, source, _ = run(lambda s: serve_pages(s, pages), Query(keywords="backend engineer"))
    assert [p["source_job_id"] for p in postings] == ["a", "b", "c"]
    assert source.stats["duplicates"] == 1 and source.stats["pages"] == 3


def test_source_filters_titles_and_reports_unknown_companies():
    pages = [[lever_posting("a"), lever_posting("b", title="Office Manager")], []]
    postings, source, _ = run(lambda s: serve_pages(s, pages), Query(keywords="engineer"), boards=("nope", "globex"))
    assert [p["source_job_id"] for p in postings] == ["a"]
    (failure,) = source.failures
    assert failure.startswith("lever company 'nope' page skip=0 failed (http_404 at http://127.0.0.1:")
