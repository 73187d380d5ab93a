"""schema.org JobPosting JSON-LD: lenient block parsing, field mapping, and career pages on the fixture server."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

import pytest

from ingestion.avro_codec import encode_posting
from ingestion.fetch import Fetcher
from ingestion.sources.base import Query
from ingestion.sources.jsonld import (
    JsonLdSource,
    find_job_postings,
    json_ld_blocks,
    loads_lenient,
    next_page_url,
    parse_career_page,
    parse_job_posting,
)
from lakehouse.config import resolve
from tests.ingestion.fixture_server import FixtureServer

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
PAGE = "https://careers.initech.example/jobs/"


def job_posting(job_id: str = "R-1042", title: str = "Site Reliability Engineer", **extra) -> dict:
    """A JobPosting object as career sites embed it (synthetic)."""
    return {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": title,
        "description": "<p>Keep <em>Initech</em> up.</p><ul><li>Kubernetes</li><li>Terraform</li></ul>",
        "identifier": {"@type": "PropertyValue", "name": "Initech", "value": job_id},
        "datePosted": "2026-10-25",
        "validThrough": "2026-12-31T23:59:59-05:00",
        "employmentType": ["FULL_TIME", "CONTRACTOR"],
        "hiringOrganization": {"@type": "Organization", "name": "Initech", "sameAs": "https://initech.example"},
        "jobLocation": [
            {
                "@type": "Place",
                "address": {
                    "@type": "PostalAddress",
                    "streetAddress": "1 Infinite Loop",
                    "addressLocality": "Denver",
                    "addressRegion": "CO",
                    "postalCode": "80202",
                    "addressCountry": "US",
                },
            },
            {"@type": "Place", "address": {"addressLocality": "Toronto", "addressCountry": {"name": "CA"}}},
        ],
        "baseSalary": {
            "@type": "MonetaryAmount",
            "currency": "USD",
            "value": {"@type": "QuantitativeValue", "minValue": 130000, "maxValue": 160000, "unitText": "YEAR"},
        },
        "industry": "Software Development",
        "skills": "Kubernetes, Terraform",
        "url": f"/jobs/{job_id.lower()}",
        "directApply": True,
        **extra,
    }


def page(*blocks: str, next_href: str | None = None) -> str:
    scripts = "\n".join(f'<script type="application/ld+json">{block}</script>' for block in blocks)
    link = f'<a rel="next" href="{next_href}">Next</a>' if next_href else ""
    return f"<!doctype html><html><head><title>Careers</title>{scripts}</head><body><h1>Jobs</h1>{link}</body></html>"


def test_parse_job_posting_reads_every_field():
    posting = parse_job_posting(job_posting(), PAGE, NOW, "sre")
    assert posting == {
        **posting,
        "source": "jsonld",
        "source_job_id": "careers.initech.example:R-1042",
        "job_id": "R-1042",
        "title": "Site Reliability Engineer",
        "company": "Initech",
        "location": "Denver, CO, US; Toronto, CA",
        "employment_type": "FULL_TIME, CONTRACTOR",
        "industries": ["Software Development"],
        "skills": ["Kubernetes", "Terraform"],
        "description": "Keep Initech up.\n- Kubernetes\n- Terraform",
        "job_url": "https://careers.initech.example/jobs/r-1042",
        "apply_url": "https://careers.initech.example/jobs/r-1042",
        "posted_time": datetime(2026, 10, 25, tzinfo=UTC),
        "expire_time": datetime(2027, 1, 1, 4, 59, 59, tzinfo=UTC),
        "salary_min": 130000.0,
        "salary_max": 160000.0,
        "salary_currency": "USD",
        "salary_period": "year",
        "search_keyword": "sre",
        "scraped_at": NOW,
    }
    encode_posting(posting)


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        # remote job: TELECOMMUTE, no place, an applicant country instead
        (
            {"jobLocationType": "TELECOMMUTE", "jobLocation": None, "applicantLocationRequirements": {"name": "USA"}},
            {"workplace_type": "Remote", "location": "USA"},
        ),
        ({"employmentType": "PART_TIME"}, {"employment_type": "PART_TIME"}),  # a single string
        ({"identifier": None}, {"source_job_id": "https://careers.initech.example/jobs/r-1042", "job_id": None}),
        ({"identifier": 77}, {"source_job_id": "careers.initech.example:77"}),  # a bare number
        ({"hiringOrganization": "Initech LLC"}, {"company": "Initech LLC"}),  # organisation as a string
        ({"jobLocation": {"address": "Austin, TX"}}, {"location": "Austin, TX"}),  # address as a string
        (
            {"baseSalary": {"currency": "EUR", "value": 40, "unitText": "HOUR"}},  # bare value
            {"salary_min": 40.0, "salary_max": 40.0, "salary_currency": "EUR", "salary_period": "hour"},
        ),
        (
            {"baseSalary": {"currency": "GBP", "value": {"value": "55000", "unitText": "YEAR"}}},  # one value
            {"salary_min": 55000.0, "salary_max": 55000.0, "salary_period": "year"},
        ),
        ({"baseSalary": {"currency": "USD", "value": {"unitText": "YEAR"}}}, {"salary_currency": None}),  # no amount
        ({"directApply": False}, {"apply_url": None}),  # applying happens elsewhere
        (
            {"potentialAction": {"@type": "ApplyAction", "target": {"urlTemplate": "https://ats.example/apply/9"}}},
            {"apply_url": "https://ats.example/apply/9"},
        ),
        ({"description": "&lt;p&gt;Escaped &amp;amp; shown&lt;/p&gt;"}, {"description": "Escaped & shown"}),
        ({"datePosted": "sometime", "validThrough": None}, {"posted_time": None, "expire_time": None}),
        ({"title": None, "name": "Named Job"}, {"title": "Named Job"}),  # name when title is missing
    ],
)
def test_parse_job_posting_variants(extra, expected):
    posting = parse_job_posting(job_posting(**extra), PAGE, NOW, None)
    assert {key: posting[key] for key in expected} == expected
    encode_posting(posting)


def test_parse_job_posting_without_identifier_or_url_hashes_stably():
    bare = {"@type": "JobPosting", "title": "Clerk", "hiringOrganization": {"name": "Initech"}}
    first = parse_job_posting(bare, PAGE, NOW, None)["source_job_id"]
    assert first == parse_job_posting(dict(bare), PAGE, NOW, None)["source_job_id"] and len(first) == 40


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": 1}', [{"a": 1}]),  # plain JSON
        ('<!--\n{"a": 1}\n-->', [{"a": 1}]),  # wrapped in an HTML comment
        ('//<![CDATA[\n{"a": 1}\n//]]>', [{"a": 1}]),  # wrapped in CDATA
        ('{"a": [1, 2,], "b": {"c": 3,},}', [{"a": [1, 2], "b": {"c": 3}}]),  # trailing commas
        ('{"a": "x,}"}', [{"a": "x,}"}]),  # a comma before a brace inside a string is kept
        ('{"d": "line one\nline two"}', [{"d": "line one\nline two"}]),  # raw newline inside a string
        ('{"a": 1}\n{"b": 2};', [{"a": 1}, {"b": 2}]),  # two values in one block
        ('{"a": 1}}', [{"a": 1}]),  # stray characters after a value: the value is kept
    ],
)
def test_loads_lenient(text, expected):
    assert loads_lenient(text) == expected


@pytest.mark.parametrize("text", ['{"title": "cut', "", "not json at all", "<!-- -->"])  # all beyond repair
def test_loads_lenient_rejects_broken_json(text):
    with pytest.raises(ValueError):
        loads_lenient(text)


@pytest.mark.parametrize(
    ("value", "titles"),
    [
        (job_posting(title="A"), ["A"]),  # a single object
        ([job_posting(title="A"), {"@type": "Organization"}, job_posting(title="B")], ["A", "B"]),  # a list
        ({"@context": "https://schema.org", "@graph": [{"@type": "WebPage"}, job_posting(title="A")]}, ["A"]),
        ({"@type": "ItemList", "itemListElement": [{"@type": "ListItem", "item": job_posting(title="A")}]}, ["A"]),
        (job_posting(title="A", **{"@type": ["JobPosting", "Thing"]}), ["A"]),  # a list of types
        (job_posting(title="A", **{"@type": "http://schema.org/JobPosting"}), ["A"]),  # a full type IRI
        ({"@type": "Organization", "name": "Initech"}, []),  # no posting
    ],
)
def test_find_job_postings(value, titles):
    assert [p["title"] for p in find_job_postings(value)] == titles


def test_json_ld_blocks_skip_and_count_broken_ones():
    markup = (
        page(
            json.dumps(job_posting("1")),
            '{"@type": "JobPosting", "title": "broken',  # cut off
            json.dumps({"@type": "Organization", "name": "Initech"}),
        )
        + '<script type="text/javascript">var x = {"@type": "JobPosting"};</script>'
    )  # not JSON-LD
    values, broken = json_ld_blocks(markup)
    assert [v["@type"] for v in values] == ["JobPosting", "Organization"] and broken == 1


def test_parse_career_page_on_truncated_html():
    markup = page(json.dumps(job_posting("1")), json.dumps(job_posting("2")))
    cut = markup[: markup.rindex("<script") + 120]  # the download stopped inside the second block
    postings, broken = parse_career_page(cut, PAGE, NOW, None)
    assert [p["job_id"] for p in postings] == ["1"] and broken == 1


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ('<a rel="next" href="?page=2">Next</a>', "https://careers.initech.example/jobs/?page=2"),  # relative link
        ('<link rel="next" href="https://careers.initech.example/jobs/2">', "https://careers.initech.example/jobs/2"),
        ('<a rel="nofollow next" href="/p3">3</a>', "https://careers.initech.example/p3"),  # several rel values
        ('<a href="/p2">Next</a>', None),  # no rel=next
    ],
)
def test_next_page_url(markup, expected):
    assert next_page_url(markup, PAGE) == expected


def run(routes, query: Query, pages: list[str]):
    async def main():
        async with FixtureServer() as server:
            routes(server)
            settings = resolve("test", {}).with_overrides({"scrape.career_pages": [server.url(p) for p in pages]})
            source = JsonLdSource(settings, clock=lambda: NOW)
            async with Fetcher(settings) as fetcher:
                postings = [p async for p in source.postings(query, fetcher)]
            return postings, source, server

    return asyncio.run(main())


def test_source_reads_two_postings_and_survives_a_broken_block():
    markup = page(
        json.dumps({"@context": "https://schema.org", "@graph": [job_posting("1"), job_posting("2", "Data Engineer")]}),
        '{"@type": "JobPosting", "title": "Broken" "description": }',  # beyond repair
    )
    postings, source, server = run(lambda s: s.route("/careers", text=markup), Query(), ["/careers"])
    assert [p["title"] for p in postings] == ["Site Reliability Engineer", "Data Engineer"]
    assert postings[0]["source_job_id"] == "127.0.0.1:" + str(server.port) + ":1"
    assert postings[0]["search_keyword"] == f"127.0.0.1:{server.port}"  # no keywords: the career site's host
    assert postings[0]["job_url"] == server.url("/jobs/1")
    assert source.stats == {"pages": 1, "postings": 2, "duplicates": 0, "broken_blocks": 1, "failed": 0}
    for posting in postings:
        encode_posting(posting)


def test_source_follows_next_links_up_to_query_pages_and_dedups():
    def routes(server):
        server.route("/jobs", text=page(json.dumps(job_posting("1")), next_href="/jobs?page=2"))
        server.route("/jobs", text=page(json.dumps([job_posting("1"), job_posting("2")]), next_href="/jobs?page=3"),
                     query={"page": "2"})  # fmt: skip
        server.route("/jobs", text=page(json.dumps(job_posting("3"))), query={"page": "3"})

    postings, source, server = run(routes, Query(keywords="engineer", pages=2), ["/jobs"])
    assert [p["job_id"] for p in postings] == ["1", "2"]  # page 3 is beyond query.pages
    assert server.hits("/jobs") == 2 and source.stats["duplicates"] == 1
    assert postings[0]["search_keyword"] == "engineer"


def test_source_reports_an_unreachable_page_and_reads_the_rest():
    postings, source, _ = run(
        lambda s: s.route("/ok", text=page(json.dumps(job_posting("1")))), Query(), ["/missing", "/ok"]
    )
    assert [p["job_id"] for p in postings] == ["1"]
    (failure,) = source.failures
    assert failure.startswith("career page http://127.0.0.1:") and failure.endswith(
        "/missing could not be read (http_404)"
    )
