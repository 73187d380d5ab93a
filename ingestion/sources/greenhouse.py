"""Greenhouse job boards through the public Job Board API: one JSON request per board.

`GET {greenhouse_api_url}/v1/boards/<board>/jobs?content=true` returns every open job of the board
with its description as HTML-escaped HTML (`&lt;p&gt;…`).
"""

from __future__ import annotations

import html
import logging
from collections.abc import AsyncIterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bs4 import BeautifulSoup

from ingestion.fetch import Fetcher, FetchError
from ingestion.sources.base import Clock, Posting, Query, utc_now
from ingestion.sources.text import (
    as_list,
    clean,
    element_text,
    html_to_text,
    is_recent,
    make_posting,
    matches_keywords,
    parse_datetime,
    parse_salary_text,
    prettify_slug,
    salary_fields,
    unique,
    workplace_label,
)

if TYPE_CHECKING:
    from lakehouse.config import Settings

SOURCE = "greenhouse"
JOBS_PATH = "/v1/boards/{board}/jobs"
# Custom-field names (metadata[].name, lowercased) that carry a posting field.
EMPLOYMENT_KEYS = ("employment type", "job type", "employment", "time type")
WORKPLACE_KEYS = ("workplace type", "workplace", "remote", "location type", "work location")
SALARY_KEYS = ("salary", "compensation", "pay range", "salary range")

log = logging.getLogger(__name__)


def parse_board_jobs(payload: Any, board: str, scraped_at: datetime, keyword: str | None = None) -> list[Posting]:
    """Postings from a board's `/jobs?content=true` JSON; jobs without an id are skipped, never raised on.

    company is the job's `company_name` when present, else the board token prettified ("acme-robotics" ->
    "Acme Robotics"); search_keyword is `keyword` or the board token.
    """
    jobs = payload.get("jobs") if isinstance(payload, dict) else None
    postings = []
    for job in jobs if isinstance(jobs, list) else []:
        if isinstance(job, dict) and job.get("id") is not None:
            postings.append(parse_job(job, board, scraped_at, keyword))
    return postings


def parse_job(job: dict[str, Any], board: str, scraped_at: datetime, keyword: str | None = None) -> Posting:
    """One Greenhouse job object -> posting dict."""
    content = job.get("content")
    markup = html.unescape(content) if isinstance(content, str) else None
    metadata = _metadata(job.get("metadata"))
    offices = [o.get("name") for o in as_list(job.get("offices")) if isinstance(o, dict)]
    location = job.get("location") if isinstance(job.get("location"), dict) else {}
    fields: dict[str, Any] = {
        "title": clean(job.get("title")),
        "company": clean(job.get("company_name")) or prettify_slug(board),
        "location": clean(location.get("name")) or "; ".join(unique(offices)) or None,
        "description": html_to_text(markup),
        "job_functions": unique(d.get("name") for d in as_list(job.get("departments")) if isinstance(d, dict)),
        "job_url": clean(job.get("absolute_url")),
        "apply_url": clean(job.get("absolute_url")),
        "posted_time": parse_datetime(job.get("first_published")) or parse_datetime(job.get("updated_at")),
        "employment_type": _first_text(metadata, EMPLOYMENT_KEYS),
        "workplace_type": workplace_label(_first_text(metadata, WORKPLACE_KEYS)),
        "job_id": clean(job.get("requisition_id")),
        **_salary(metadata, markup),
    }
    return make_posting(SOURCE, str(job["id"]), scraped_at, search_keyword=keyword or board, **fields)


def _metadata(items: Any) -> dict[str, Any]:
    """Custom fields as lowercased name -> value (a string, list or a currency-range dict)."""
    fields = {}
    for item in as_list(items):
        if isinstance(item, dict) and clean(item.get("name")) and item.get("value") not in (None, "", []):
            fields[clean(item["name"]).lower()] = item["value"]
    return fields


def _first_text(metadata: dict[str, Any], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = metadata.get(key)
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        if isinstance(value, str | int | float) and clean(value):
            return clean(value)
    return None


def _salary(metadata: dict[str, Any], markup: str | None) -> dict[str, Any]:
    """Salary from a currency-range custom field, else the pay-transparency block of the description."""
    for key in SALARY_KEYS:
        value = metadata.get(key)
        if isinstance(value, dict) and (value.get("min_value") or value.get("max_value")):  # currency_range
            return salary_fields(value.get("min_value"), value.get("max_value"), value.get("unit"))
        if isinstance(value, dict) and value.get("amount"):  # currency
            return salary_fields(value["amount"], value["amount"], value.get("unit"))
        if isinstance(value, str) and clean(value):
            return parse_salary_text(value)
    if markup and "pay-range" in markup:
        shown = element_text(BeautifulSoup(markup, "html.parser").select_one(".pay-range"))
        if shown:
            return parse_salary_text(shown)
    return {}


class GreenhouseSource:
    """Every board in `scrape.greenhouse_boards`, filtered by the query's keywords and posted_within.

    A board that cannot be read (404: no such board token) is skipped, counted in `stats["failed"]` and
    described in `failures`; the other boards still yield. `stats` also counts boards and postings.
    """

    name = SOURCE

    def __init__(self, settings: Settings, clock: Clock = utc_now, boards: list[str] | None = None) -> None:
        self.api_url = str(settings["scrape.greenhouse_api_url"]).rstrip("/")
        self.boards = list(boards if boards is not None else settings["scrape.greenhouse_boards"])
        self.clock = clock
        self.stats: dict[str, int] = {}
        self.failures: list[str] = []

    async def postings(self, query: Query, fetcher: Fetcher) -> AsyncIterator[Posting]:
        """Yield the matching postings of each board in turn."""
        self.stats = dict.fromkeys(("boards", "postings", "failed"), 0)
        self.failures = []
        now = self.clock()
        for board in self.boards:
            url = self.api_url + JOBS_PATH.format(board=board)
            try:
                page = await fetcher.get(url, params={"content": "true"}, kind="api")
                payload = page.json()
            except FetchError as exc:
                self._fail(_board_failure(board, url, exc.reason))
                continue
            except ValueError as exc:
                self._fail(f"greenhouse board '{board}': response is not JSON ({exc}) at {url}")
                continue
            self.stats["boards"] += 1
            for posting in parse_board_jobs(payload, board, self.clock(), query.keywords or None):
                if matches_keywords(posting["title"], query.keywords) and is_recent(
                    posting["posted_time"], query.posted_within, now
                ):
                    self.stats["postings"] += 1
                    yield posting

    def _fail(self, message: str) -> None:
        self.stats["failed"] += 1
        self.failures.append(message)
        log.warning(message)


def _board_failure(board: str, url: str, reason: str) -> str:
    """A readable line: `greenhouse board 'acme' not found (http_404 at https://…); check scrape.greenhouse_boards`."""
    if reason == "http_404":
        return f"greenhouse board '{board}' not found ({reason} at {url}); check scrape.greenhouse_boards"
    return f"greenhouse board '{board}' could not be read ({reason} at {url})"
