"""LinkedIn guest search cards and detail pages: parsers on inline markup, the source against the fixture server."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from ingestion.avro_codec import encode_posting
from ingestion.fetch import Fetcher
from ingestion.sources.base import Query
from ingestion.sources.linkedin import (
    DETAIL_PATH,
    SEARCH_PATH,
    LinkedInSource,
    parse_job_detail,
    parse_search_page,
    split_english_list,
)
from lakehouse.config import resolve
from tests.ingestion.fixture_server import FixtureServer
from tests.ingestion.sources.linkedin_pages import card, detail_page

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


CHANGED_CARD = """
<li class="jobs-search__result" data-job-id="4099">
  <a class="result-card__link" href="/jobs/view/4099/">Platform Engineer</a>
  <h3 class="result-card__title">Platform Engineer</h3>
  <h4 class="result-card__subtitle">Globex</h4>
  <span class="result-card__location">Remote</span>
  <time>3 days ago</time>
</li>"""

CHANGED_DETAIL = """
<main>
  <h1 class="job-header">Platform Engineer</h1>
  <div class="job-description-v2"><p>Run the platform.</p><button>Show more</button></div>
  <ul>
    <li><h3>Seniority level</h3><span>Entry level</span></li>
    <li><h3>Job function</h3><span>Research, Analyst, and Information Technology</span></li>
  </ul>
  <a class="apply-button apply-button--offsite" href="https://jobs.globex.example/apply/4099">Apply</a>
</main>"""


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        # current layout: every card field
        (
            card("4012345678"),
            [
                {
                    "source_job_id": "4012345678",
                    "title": "Data Engineer",
                    "company": "Acme Robotics",
                    "location": "Austin, TX",
                    "job_url": "https://www.linkedin.com/jobs/view/data-engineer-at-acme-4012345678",
                    "posted_time": datetime(2026, 10, 30, tzinfo=UTC),
                    "reposted": False,
                }
            ],
        ),
        # changed layout: id from data-job-id, fields from looser selectors, relative date
        (
            CHANGED_CARD,
            [
                {
                    "source_job_id": "4099",
                    "title": "Platform Engineer",
                    "company": "Globex",
                    "location": "Remote",
                    "job_url": "/jobs/view/4099/",
                    "posted_time": NOW - timedelta(days=3),
                    "reposted": False,
                }
            ],
        ),
    ],
)
def test_parse_search_page(markup, expected):
    assert parse_search_page(markup, NOW) == expected


@pytest.mark.parametrize(
    ("markup", "ids"),
    [
        (card("1") + card("2") + card("1"), ["1", "2", "1"]),  # a repeated card stays (the source dedups)
        (card("1") + card("2")[:400], ["1", "2"]),  # truncated page: the cut card still has its urn
        (card("1") + card("2")[:120], ["1"]),  # cut before the urn: skipped
        ('<li><div class="base-card"><h3>No id</h3></div></li>', []),  # a card without a job id
        ("", []),  # the empty page LinkedIn returns past the last result
        (
            '<li><a href="https://www.linkedin.com/jobs/view/senior-dev-at-x-555?trk=y">Dev</a></li>',
            ["555"],
        ),  # link only
    ],
)
def test_parse_search_page_ids(markup, ids):
    assert [c["source_job_id"] for c in parse_search_page(markup, NOW)] == ids


def test_parse_search_page_reads_card_salary_and_repost():
    markup = card("9").replace(
        '<div class="job-posting-benefits', '<span class="job-search-card__salary-info">$60/hr</span><div class="x'
    )
    markup = markup.replace('datetime="2026-10-30">', 'datetime="2026-10-30">Reposted ')
    (parsed,) = parse_search_page(markup, NOW)
    assert parsed["salary_min"] == 60 and parsed["salary_period"] == "hour" and parsed["reposted"] is True


def test_parse_job_detail_current_layout():
    detail = parse_job_detail(detail_page(), NOW)
    assert detail == {
        "title": "Data Engineer",
        "company": "Acme Robotics",
        "location": "Austin, TX",
        "description": "Build pipelines.\n- Python\n- Spark",
        "apply_url": "https://careers.acme.example/jobs/77?source=linkedin",
        "posted_time": NOW - timedelta(days=2),
        "reposted": False,
        "salary_text": "$120,000.00/yr - $150,000.00/yr",
        "salary_min": 120000.0,
        "salary_max": 150000.0,
        "salary_currency": "USD",
        "salary_period": "year",
        "seniority_level": "Mid-Senior level",
        "employment_type": "Full-time",
        "job_functions": ["Engineering", "Information Technology"],
        "industries": ["Technology, Information and Internet"],
        "applicants": "Be among the first 25 applicants",
    }


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        # changed layout: h1 title, any [class*=description] body, bare criteria items, apply button
        (
            CHANGED_DETAIL,
            {
                "title": "Platform Engineer",
                "description": "Run the platform.",
                "seniority_level": "Entry level",
                "job_functions": ["Research", "Analyst", "Information Technology"],
                "apply_url": "https://jobs.globex.example/apply/4099",
            },
        ),
        # truncated page: what arrived is kept
        (detail_page()[:1200], {"title": "Data Engineer", "company": "Acme Robotics", "location": "Austin, TX"}),
        # escaped markup inside the description is shown as text, not as tags
        (
            detail_page(description="<p>Use &lt;b&gt; tags &amp; SQL</p>"),
            {"description": "Use <b> tags & SQL\n- Python\n- Spark"},
        ),
        # an Easy Apply job has no offsite apply URL
        (detail_page().replace('<code id="applyUrl"', '<code id="other"'), {"apply_url": None}),
        # a reposted job
        (detail_page().replace(">2 days ago<", ">Reposted 1 week ago<"), {"reposted": True}),
        ("<html><body><p>Sign in to view</p></body></html>", {}),  # an interstitial: nothing to take
    ],
)
def test_parse_job_detail_fallbacks(markup, expected):
    detail = parse_job_detail(markup, NOW)
    assert {key: detail.get(key) for key in expected} == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Engineering", ["Engineering"]),  # one function
        ("Engineering and Information Technology", ["Engineering", "Information Technology"]),  # two
        ("Research, Analyst, and Information Technology", ["Research", "Analyst", "Information Technology"]),  # three
    ],
)
def test_split_english_list(text, expected):
    assert split_english_list(text) == expected


def settings_for(server: FixtureServer, **overrides):
    values = {"scrape.linkedin_base_url": server.url(""), "scrape.max_retries": 2, **overrides}
    return resolve("test", {}).with_overrides(values)


def run(scenario):
    """Serve the routes a scenario sets up, run the source, return (postings, source, server)."""

    async def main():
        async with FixtureServer() as server:
            source = scenario(server)
            async with Fetcher(settings_for(server)) as fetcher:
                postings = [p async for p in source.postings(QUERY, fetcher)]
            return postings, source, server

    return asyncio.run(main())


QUERY = Query(keywords="data engineer", location="Austin, TX", posted_within=timedelta(days=7), pages=5)


def serve_search(server: FixtureServer, pages: dict[int, str]) -> None:
    for start, markup in pages.items():
        server.route(SEARCH_PATH, text=markup, query={"start": str(start)})


def serve_detail(server: FixtureServer, job_id: str, **kwargs) -> None:
    server.route(DETAIL_PATH.format(job_id=job_id), **kwargs)


def test_source_pages_until_an_empty_page_and_merges_details():
    def scenario(server):
        serve_search(server, {0: card("1") + card("2", title="Analytics Engineer"), 25: card("3"), 50: ""})
        for job_id in ("1", "2", "3"):
            serve_detail(server, job_id, text=detail_page())
        return LinkedInSource(settings_for(server), clock=lambda: NOW)

    postings, source, server = run(scenario)
    assert [p["source_job_id"] for p in postings] == ["1", "2", "3"]
    assert server.hits(SEARCH_PATH) == 3  # the empty third page ended pagination before query.pages=5
    first = server.requests_to(SEARCH_PATH)[0].query
    assert first == {"keywords": "data engineer", "location": "Austin, TX", "f_TPR": "r604800", "start": "0"}
    posting = postings[0]
    assert posting["source"] == "linkedin" and posting["search_keyword"] == "data engineer"
    assert posting["scraped_at"] == NOW and posting["description"] == "Build pipelines.\n- Python\n- Spark"
    assert posting["posted_time"] == datetime(2026, 10, 30, tzinfo=UTC)  # the card's date wins over "2 days ago"
    assert posting["job_url"] == "https://www.linkedin.com/jobs/view/data-engineer-at-acme-1"
    assert postings[1]["title"] == "Data Engineer"  # the detail page's title is the fuller one
    assert source.stats == {"pages": 3, "postings": 3, "partial": 0, "duplicates": 0, "failed": 0}
    for posting in postings:
        encode_posting(posting)


def test_source_dedups_ids_across_pages_and_stops_on_a_page_of_repeats():
    def scenario(server):
        serve_search(server, {0: card("1") + card("2"), 25: card("2") + card("3"), 50: card("3") + card("1")})
        for job_id in ("1", "2", "3"):
            serve_detail(server, job_id, text=detail_page())
        return LinkedInSource(settings_for(server), clock=lambda: NOW)

    postings, source, server = run(scenario)
    assert [p["source_job_id"] for p in postings] == ["1", "2", "3"]
    assert server.hits(SEARCH_PATH) == 3  # page 3 held only seen ids: no fourth request
    assert sum(server.hits(DETAIL_PATH.format(job_id=i)) for i in "123") == 3  # one detail request per id
    assert source.stats["duplicates"] == 3


def test_source_keeps_the_card_when_the_detail_page_fails():
    def scenario(server):
        serve_search(server, {0: card("1") + card("2"), 25: ""})
        serve_detail(server, "1", text=detail_page())
        serve_detail(server, "2", text="server error", status=500)  # 500 forever
        return LinkedInSource(settings_for(server), clock=lambda: NOW)

    postings, source, server = run(scenario)
    by_id = {p["source_job_id"]: p for p in postings}
    assert by_id["2"]["description"] is None and by_id["2"]["title"] == "Data Engineer"
    assert by_id["2"]["company"] == "Acme Robotics" and by_id["1"]["description"] is not None
    assert server.hits(DETAIL_PATH.format(job_id="2")) == 3  # first try plus max_retries=2
    assert source.stats["partial"] == 1
    assert source.failures == [
        "linkedin job 2: detail page failed (retries_exhausted_500); kept the card without description"
    ]
    for posting in postings:
        encode_posting(posting)


def test_source_skips_cards_older_than_posted_within_without_a_detail_request():
    def scenario(server):
        serve_search(server, {0: card("1") + card("2", listed="2026-10-01"), 25: ""})
        for job_id in ("1", "2"):
            serve_detail(server, job_id, text=detail_page())
        return LinkedInSource(settings_for(server), clock=lambda: NOW)

    postings, _, server = run(scenario)
    assert [p["source_job_id"] for p in postings] == ["1"]
    assert server.hits(DETAIL_PATH.format(job_id="2")) == 0


def test_source_records_a_failing_search_page_and_stops():
    def scenario(server):
        serve_search(server, {0: card("1")})  # start=25 has no route: 404
        serve_detail(server, "1", text=detail_page())
        return LinkedInSource(settings_for(server), clock=lambda: NOW)

    postings, source, _ = run(scenario)
    assert [p["source_job_id"] for p in postings] == ["1"]
    assert source.failures == ["linkedin search page start=25 failed: http_404"]


def test_source_without_posted_within_sends_no_time_filter():
    source = LinkedInSource(resolve("test", {}), clock=lambda: NOW)
    assert source.search_params(Query(keywords="nurse", pages=2), 1) == {"keywords": "nurse", "start": "25"}
