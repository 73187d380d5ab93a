"""Greenhouse Job Board API: the parser on inline JSON, the source against the fixture server."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from ingestion.avro_codec import encode_posting
from ingestion.fetch import Fetcher
from ingestion.sources.base import Query
from ingestion.sources.greenhouse import JOBS_PATH, GreenhouseSource, parse_board_jobs, parse_job
from lakehouse.config import resolve
from tests.ingestion.fixture_server import FixtureServer
from tests.ingestion.sources.greenhouse_pages import job

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def test_parse_job_reads_every_field():
    posting = parse_job(job(), "acme-robotics", NOW)
    assert posting == {
        **posting,
        "source": "greenhouse",
        "source_job_id": "4567001",
        "job_id": "REQ-118",
        "title": "Senior Data Engineer",
        "company": "Acme Robotics",
        "location": "Austin, TX",
        "employment_type": "Full-time",
        "workplace_type": "Hybrid",
        "job_functions": ["Data Platform"],
        "job_url": "https://boards.greenhouse.io/acme-robotics/jobs/4567001",
        "apply_url": "https://boards.greenhouse.io/acme-robotics/jobs/4567001",
        "posted_time": datetime(2026, 10, 20, 18, tzinfo=UTC),
        "salary_text": "$140,000 — $180,000 USD",
        "salary_min": 140000.0,
        "salary_max": 180000.0,
        "salary_currency": "USD",
        "search_keyword": "acme-robotics",
        "scraped_at": NOW,
    }
    assert posting["description"].startswith("Acme builds warehouse robots.\nWhat you'll do\n- Own our Spark pipelines")
    assert "- Mentor & review" in posting["description"]  # escaped twice in the payload, shown once
    encode_posting(posting)


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"company_name": "Acme Robotics, Inc."}, {"company": "Acme Robotics, Inc."}),  # company_name wins
        ({"location": {"name": ""}}, {"location": "Austin"}),  # empty location: the offices
        ({"first_published": None}, {"posted_time": datetime(2026, 10, 29, 13, 15, 2, tzinfo=UTC)}),  # updated_at
        ({"content": None, "metadata": None}, {"description": None, "salary_min": None, "employment_type": None}),
        (
            # a currency-range custom field beats the pay-transparency block
            {
                "metadata": [
                    {"name": "Salary Range", "value": {"min_value": "90000.0", "max_value": "110000.0", "unit": "EUR"}}
                ]
            },
            {"salary_min": 90000.0, "salary_max": 110000.0, "salary_currency": "EUR", "salary_text": None},
        ),
        ({"departments": [], "offices": [], "location": None}, {"job_functions": [], "location": None}),  # none
    ],
)
def test_parse_job_variants(extra, expected):
    posting = parse_job(job(**extra), "acme-robotics", NOW)
    assert {key: posting[key] for key in expected} == expected
    encode_posting(posting)


@pytest.mark.parametrize(
    ("payload", "ids"),
    [
        ({"jobs": [job(1), job(2)], "meta": {"total": 2}}, ["1", "2"]),  # the usual shape
        ({"jobs": [job(1), {"title": "no id"}, "junk"]}, ["1"]),  # items without an id are skipped
        ({"jobs": []}, []),  # an empty board
        ({"error": "not found"}, []),  # not a board payload
        ([], []),  # not even an object
    ],
)
def test_parse_board_jobs(payload, ids):
    assert [p["source_job_id"] for p in parse_board_jobs(payload, "acme", NOW)] == ids


def run(boards: list[str], routes, query: Query):
    async def main():
        async with FixtureServer() as server:
            routes(server)
            settings = resolve("test", {}).with_overrides(
                {"scrape.greenhouse_api_url": server.url(""), "scrape.greenhouse_boards": boards}
            )
            source = GreenhouseSource(settings, clock=lambda: NOW)
            async with Fetcher(settings) as fetcher:
                postings = [p async for p in source.postings(query, fetcher)]
            return postings, source, server

    return asyncio.run(main())


def test_source_filters_by_keywords_and_recency():
    old = job(3, "Data Engineer", first_published="2026-09-01T00:00:00Z")
    jobs = {"jobs": [job(1), job(2, "Product Designer"), old], "meta": {"total": 3}}
    postings, source, server = run(
        ["acme-robotics"],
        lambda s: s.route(JOBS_PATH.format(board="acme-robotics"), json=jobs),
        Query(keywords="data engineer", posted_within=timedelta(days=30)),
    )
    assert [p["source_job_id"] for p in postings] == ["1"]
    assert postings[0]["search_keyword"] == "data engineer"
    assert server.requests_to(JOBS_PATH.format(board="acme-robotics"))[0].query == {"content": "true"}
    assert source.stats == {"boards": 1, "postings": 1, "failed": 0}


def test_source_reports_a_missing_board_and_reads_the_others():
    postings, source, server = run(
        ["no-such-board", "acme-robotics"],
        lambda s: s.route(JOBS_PATH.format(board="acme-robotics"), json={"jobs": [job(1)]}),
        Query(),
    )
    assert [p["source_job_id"] for p in postings] == ["1"]
    assert postings[0]["search_keyword"] == "acme-robotics"  # no keywords: the board token
    (failure,) = source.failures
    assert failure.startswith("greenhouse board 'no-such-board' not found (http_404 at http://127.0.0.1:")
    assert failure.endswith("/v1/boards/no-such-board/jobs); check scrape.greenhouse_boards")
    assert source.stats["failed"] == 1
