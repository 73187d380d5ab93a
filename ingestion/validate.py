"""Re-check active postings and publish a closed event for each one that is gone.

A posting is closed when its page answers 404 or 410, redirects to a search or listing
page instead of the job, or says the job no longer takes applications. Closed events
travel on the posting topic (posting schema v2, event_type "closed") so silver marks the
posting inactive with the date; a page that could not be fetched is not a verdict.
"""

from __future__ import annotations

import asyncio
import os
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ingestion.fetch import Fetcher, FetchError, Page
from ingestion.publish import IngestSummary, ingest_records
from ingestion.records import SourceRecord, record_from_posting
from ingestion.secrets import load_secrets
from lakehouse.config import Settings

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

CLOSED_PHRASES = (
    "no longer accepting applications",
    "this job is no longer available",
    "this job has expired",
    "this position has been filled",
    "job is closed",
    "this vacancy has now closed",
    "applications are now closed",
)
_CLOSED_TEXT = re.compile("|".join(re.escape(p) for p in CLOSED_PHRASES), re.IGNORECASE)
_LISTING_PATH = re.compile(r"(^/?$)|(/search\b)|(/jobs/?$)|(/careers/?$)|(/job-search)", re.IGNORECASE)


@dataclass(frozen=True)
class ActivePosting:
    """What the validator needs of a silver posting."""

    source: str
    source_job_id: str
    job_url: str


@dataclass
class ValidationSummary:
    """How a validation run went: checked, still open, closed by reason, not checkable by reason."""

    checked: int = 0
    still_open: int = 0
    closed: Counter[str] = field(default_factory=Counter)
    unchecked: Counter[str] = field(default_factory=Counter)


def closed_reason(requested_url: str, page: Page) -> str | None:
    """Why the page shows the posting is closed, or None when it still looks open."""
    if page.status in (404, 410):
        return f"http_{page.status}"
    asked, landed = urlsplit(requested_url), urlsplit(page.final_url)
    moved = (asked.netloc, asked.path.rstrip("/")) != (landed.netloc, landed.path.rstrip("/"))
    if moved and (_LISTING_PATH.search(landed.path) or "keywords=" in landed.query):
        return "redirected_to_search"
    if _CLOSED_TEXT.search(page.text):
        return "no_longer_accepting"
    return None


def closed_event(posting: ActivePosting, closed_at: datetime) -> dict[str, Any]:
    """The posting-schema v2 event that tells silver a posting closed."""
    return {
        "source": posting.source,
        "source_job_id": posting.source_job_id,
        "job_url": posting.job_url,
        "event_type": "closed",
        "closed_at": closed_at,
        "scraped_at": closed_at,
    }


async def check_postings(
    postings: Iterable[ActivePosting], fetcher: Fetcher, now: datetime
) -> tuple[list[SourceRecord], ValidationSummary]:
    """Fetch every posting's page; closed events for those that are gone, and the summary."""
    summary = ValidationSummary()

    async def check(posting: ActivePosting) -> SourceRecord | None:
        try:
            page = await fetcher.get(posting.job_url, accept_status=(200, 404, 410))
        except FetchError as error:
            summary.unchecked[error.reason] += 1
            return None
        summary.checked += 1
        reason = closed_reason(posting.job_url, page)
        if reason is None:
            summary.still_open += 1
            return None
        summary.closed[reason] += 1
        return record_from_posting(closed_event(posting, now))

    results = await asyncio.gather(*(check(p) for p in postings))
    return [r for r in results if r is not None], summary


def active_postings(spark: SparkSession, settings: Settings, limit: int | None = None) -> list[ActivePosting]:
    """Active silver postings that have a job URL to re-check (oldest check first)."""
    from lakehouse.catalog import read_table

    silver_df = read_table(spark, settings, "silver.job_postings")
    if silver_df is None:
        return []
    rows_df = silver_df.where("is_active and job_url is not null").orderBy("last_seen_at")
    if limit:
        rows_df = rows_df.limit(limit)
    return [ActivePosting(r["source"], r["source_job_id"], r["job_url"]) for r in rows_df.collect()]


def validate(
    spark: SparkSession, settings: Settings, run_id: str, now: datetime, limit: int | None = None
) -> tuple[ValidationSummary, IngestSummary]:
    """Check active postings and ingest closed events."""
    postings = active_postings(spark, settings, limit)

    async def run() -> tuple[list[SourceRecord], ValidationSummary]:
        secrets = load_secrets(settings.path("scrape.secrets_file"), os.environ)
        async with Fetcher(settings, secrets=secrets) as fetcher:
            return await check_postings(postings, fetcher, now)

    events, summary = asyncio.run(run())
    return summary, ingest_records(events, settings, run_id)
