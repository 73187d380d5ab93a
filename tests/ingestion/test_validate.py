"""The job validator against a real local HTTP server."""

import asyncio
from datetime import UTC, datetime

import pytest

from ingestion.avro_codec import decode_posting
from ingestion.fetch import Fetcher, Page
from ingestion.validate import ActivePosting, check_postings, closed_reason
from lakehouse.config import resolve
from tests.ingestion.fixture_server import FixtureServer

NOW = datetime(2026, 11, 2, 6, tzinfo=UTC)


@pytest.mark.parametrize(
    ("status", "final_url", "text", "expected"),
    [
        (200, "https://x.test/jobs/1", "<h1>Data Engineer</h1> Apply now", None),  # still open
        (404, "https://x.test/jobs/1", "Not found", "http_404"),  # removed
        (410, "https://x.test/jobs/1", "Gone", "http_410"),  # removed for good
        (200, "https://x.test/jobs/search?keywords=data", "results", "redirected_to_search"),  # bounced to search
        (200, "https://x.test/careers", "Our open roles", "redirected_to_search"),  # bounced to the listing
        (200, "https://x.test/jobs/1/", "Apply", None),  # trailing slash is the same page
        (200, "https://x.test/jobs/1", "No longer accepting applications", "no_longer_accepting"),  # closed banner
    ],
)
def test_closed_reason(status, final_url, text, expected):
    page = Page(url="https://x.test/jobs/1", final_url=final_url, status=status, text=text, headers={})
    assert closed_reason("https://x.test/jobs/1", page) == expected


def test_check_postings_publishes_closed_events_only_for_closed_pages():
    settings = resolve("test", {})

    async def scenario():
        async with FixtureServer() as server:
            server.route("/jobs/1", text="<h1>Data Engineer</h1><button>Apply</button>")
            server.route("/jobs/2", text="gone", status=404)
            server.route("/jobs/3", text="<p>This job is no longer accepting applications.</p>")
            server.redirect("/jobs/4", "/jobs/search?keywords=data")
            server.route("/jobs/search", text="<ul>results</ul>")
            server.route("/jobs/5", text="down", faults=["500"] * 20)
            postings = [ActivePosting("greenhouse", str(i), server.url(f"/jobs/{i}")) for i in range(1, 6)]
            async with Fetcher(settings) as fetcher:
                return await check_postings(postings, fetcher, NOW)

    events, summary = asyncio.run(scenario())
    assert summary.checked == 4 and summary.still_open == 1
    assert dict(summary.closed) == {"http_404": 1, "no_longer_accepting": 1, "redirected_to_search": 1}
    assert dict(summary.unchecked) == {"retries_exhausted_500": 1}
    decoded = sorted((decode_posting(e.value) for e in events), key=lambda p: p["source_job_id"])
    assert [(p["source_job_id"], p["event_type"], p["closed_at"]) for p in decoded] == [
        ("2", "closed", NOW),
        ("3", "closed", NOW),
        ("4", "closed", NOW),
    ]
