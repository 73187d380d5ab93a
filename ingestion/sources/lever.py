"""Lever job sites through the public Postings API, read page by page with skip/limit.

`GET {lever_api_url}/v0/postings/<company>?mode=json&skip=<n>&limit=<n>` returns a JSON array of
postings; a page shorter than the limit is the last one.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ingestion.fetch import Fetcher, FetchError
from ingestion.sources.base import Clock, Posting, Query, utc_now
from ingestion.sources.text import (
    as_list,
    clean,
    html_to_text,
    is_recent,
    make_posting,
    matches_keywords,
    parse_datetime,
    prettify_slug,
    salary_fields,
    unique,
    workplace_label,
)

if TYPE_CHECKING:
    from lakehouse.config import Settings

SOURCE = "lever"
POSTINGS_PATH = "/v0/postings/{company}"
PAGE_SIZE = 100
MAX_PAGES = 200  # a board that never returns a short page stops here (20,000 postings at the default size)

log = logging.getLogger(__name__)


def parse_postings(payload: Any, company: str, scraped_at: datetime, keyword: str | None = None) -> list[Posting]:
    """Postings from one page of the Postings API; items without an id are skipped, never raised on."""
    items = payload if isinstance(payload, list) else []
    return [parse_posting(item, company, scraped_at, keyword) for item in items if _has_id(item)]


def _has_id(item: Any) -> bool:
    return isinstance(item, dict) and clean(item.get("id")) is not None


def parse_posting(item: dict[str, Any], company: str, scraped_at: datetime, keyword: str | None = None) -> Posting:
    """One Lever posting -> posting dict: title from `text`, categories, createdAt (epoch ms), salaryRange."""
    categories = item.get("categories") if isinstance(item.get("categories"), dict) else {}
    salary = item.get("salaryRange") if isinstance(item.get("salaryRange"), dict) else {}
    all_locations = [place for place in as_list(categories.get("allLocations")) if isinstance(place, str)]
    fields: dict[str, Any] = {
        "title": clean(item.get("text")),
        "company": prettify_slug(company),
        "location": clean(categories.get("location")) or "; ".join(unique(all_locations)) or None,
        "employment_type": clean(categories.get("commitment")),
        "job_functions": unique([categories.get("department"), categories.get("team")]),
        "workplace_type": workplace_label(item.get("workplaceType")),
        "description": _description(item),
        "job_url": clean(item.get("hostedUrl")),
        "apply_url": clean(item.get("applyUrl")),
        "posted_time": parse_datetime(item.get("createdAt")),
    }
    if salary:
        shown = item.get("salaryDescriptionPlain") or html_to_text(item.get("salaryDescription"))
        fields.update(
            salary_fields(salary.get("min"), salary.get("max"), salary.get("currency"), salary.get("interval"), shown)
        )
    return make_posting(SOURCE, clean(item["id"]), scraped_at, search_keyword=keyword or company, **fields)


def _description(item: dict[str, Any]) -> str | None:
    """Opening text, then each list ("Requirements:" and its items), then the closing text."""
    parts = [clean_block(item.get("descriptionPlain")) or html_to_text(item.get("description"))]
    for section in as_list(item.get("lists")):
        if isinstance(section, dict):
            heading = clean(section.get("text"))
            body = html_to_text(section.get("content"))
            parts.append("\n".join(p for p in (f"{heading}:" if heading else None, body) if p))
    parts.append(clean_block(item.get("additionalPlain")) or html_to_text(item.get("additional")))
    return "\n\n".join(p for p in parts if p) or None


def clean_block(text: Any) -> str | None:
    """Plain text with its line breaks kept and blank lines dropped."""
    if not isinstance(text, str):
        return None
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(line for line in lines if line) or None


class LeverSource:
    """Every company in `scrape.lever_boards`, all pages, filtered by the query's keywords and posted_within.

    A company that cannot be read is skipped, counted in `stats["failed"]` and described in `failures`;
    a failure mid-way keeps the pages already read. `stats` also counts pages, postings and duplicates.
    """

    name = SOURCE

    def __init__(
        self, settings: Settings, clock: Clock = utc_now, boards: list[str] | None = None, page_size: int = PAGE_SIZE
    ) -> None:
        self.api_url = str(settings["scrape.lever_api_url"]).rstrip("/")
        self.boards = list(boards if boards is not None else settings["scrape.lever_boards"])
        self.page_size = page_size
        self.clock = clock
        self.stats: dict[str, int] = {}
        self.failures: list[str] = []

    async def postings(self, query: Query, fetcher: Fetcher) -> AsyncIterator[Posting]:
        """Yield the matching postings of each company, page by page until a short page."""
        self.stats = dict.fromkeys(("pages", "postings", "duplicates", "failed"), 0)
        self.failures = []
        now = self.clock()
        for company in self.boards:
            async for posting in self._company(company, query, fetcher):
                if matches_keywords(posting["title"], query.keywords) and is_recent(
                    posting["posted_time"], query.posted_within, now
                ):
                    self.stats["postings"] += 1
                    yield posting

    async def _company(self, company: str, query: Query, fetcher: Fetcher) -> AsyncIterator[Posting]:
        url = self.api_url + POSTINGS_PATH.format(company=company)
        seen: set[str] = set()
        for page in range(MAX_PAGES):
            params = {"mode": "json", "skip": str(page * self.page_size), "limit": str(self.page_size)}
            try:
                result = await fetcher.get(url, params=params, kind="api")
                payload = result.json()
            except FetchError as exc:
                self._fail(f"lever company '{company}' page skip={params['skip']} failed ({exc.reason} at {url})")
                return
            except ValueError as exc:
                self._fail(f"lever company '{company}': response is not JSON ({exc}) at {url}")
                return
            if not isinstance(payload, list):
                self._fail(f"lever company '{company}': expected a JSON array, got {type(payload).__name__} at {url}")
                return
            self.stats["pages"] += 1
            for posting in parse_postings(payload, company, self.clock(), query.keywords or None):
                if posting["source_job_id"] in seen:
                    self.stats["duplicates"] += 1  # a posting moved between pages while we read
                    continue
                seen.add(posting["source_job_id"])
                yield posting
            if len(payload) < self.page_size:
                return

    def _fail(self, message: str) -> None:
        self.stats["failed"] += 1
        self.failures.append(message)
        log.warning(message)
