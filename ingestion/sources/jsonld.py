"""Career pages that embed schema.org `JobPosting` objects as JSON-LD.

Every `<script type="application/ld+json">` block is parsed leniently (HTML comment or CDATA
wrappers, trailing commas, raw newlines inside strings, several values in one block); a block
that still does not parse is counted and skipped. JobPosting objects are found anywhere in a
block: top level, in a list, in `@graph`, or nested (an ItemList's `itemListElement`).

A listing page's `<a rel="next">` / `<link rel="next">` is followed up to `query.pages` pages
per career page. Detail pages that a listing only links to (without embedding JSON-LD) are not
followed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import AsyncIterator
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup

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
    salary_fields,
    split_list,
    unique,
    workplace_label,
)

if TYPE_CHECKING:
    from lakehouse.config import Settings

SOURCE = "jsonld"
_WRAPPERS = re.compile(r"^\s*(?://\s*)?(?:<!--|<!\[CDATA\[)|(?://\s*)?(?:-->|\]\]>)\s*$")
_CLOSER = re.compile(r"\s*[}\]]")
_DECODER = json.JSONDecoder(strict=False)  # strict=False: raw newlines/tabs inside strings are common

log = logging.getLogger(__name__)


def json_ld_blocks(markup: str) -> tuple[list[Any], int]:
    """The parsed values of every ld+json script on a page, and how many blocks could not be parsed."""
    soup = BeautifulSoup(markup, "html.parser")
    values: list[Any] = []
    broken = 0
    for script in soup.find_all("script", attrs={"type": re.compile(r"ld\+json", re.IGNORECASE)}):
        text = script.string if script.string is not None else script.get_text()
        try:
            values.extend(loads_lenient(text))
        except ValueError:
            broken += 1
    return values, broken


def loads_lenient(text: str) -> list[Any]:
    """Every JSON value in `text`, tolerating wrappers, trailing commas and raw control characters.

    Raises ValueError when nothing parses.
    """
    body = text.strip()
    while True:
        unwrapped = _WRAPPERS.sub("", body).strip()
        if unwrapped == body:
            break
        body = unwrapped
    for candidate in (body, _drop_trailing_commas(body)):
        values = _decode_all(candidate)
        if values:
            return values
    raise ValueError("not JSON")


def _decode_all(text: str) -> list[Any]:
    """Consecutive JSON values (`{..}{..}` or `{..};`); empty when the first one does not parse."""
    values = []
    position = 0
    while position < len(text):
        try:
            value, position = _DECODER.raw_decode(text, position)
        except ValueError:
            return values
        values.append(value)
        while position < len(text) and text[position] in " \t\r\n;,":
            position += 1
    return values


def _drop_trailing_commas(text: str) -> str:
    """Remove commas that directly precede `}` or `]`, outside strings."""
    out: list[str] = []
    in_string = escaped = False
    for index, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char == "," and _CLOSER.match(text, index + 1):
            continue
        out.append(char)
    return "".join(out)


def find_job_postings(value: Any) -> list[dict[str, Any]]:
    """Every object typed JobPosting (`"@type": "JobPosting"` or a list holding it) anywhere in `value`."""
    found: list[dict[str, Any]] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if _is_job_posting(item):
                found.append(item)
            else:
                stack.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            stack.extend(reversed(item))
    return found


def _is_job_posting(item: dict[str, Any]) -> bool:
    types = as_list(item.get("@type"))
    return any(isinstance(t, str) and t.rsplit("/", 1)[-1].rsplit(":", 1)[-1] == "JobPosting" for t in types)


def parse_job_posting(item: dict[str, Any], page_url: str, scraped_at: datetime, keyword: str | None) -> Posting:
    """One JobPosting object -> posting dict.

    source_job_id is `<page host>:<identifier>` when the posting has an identifier (identifiers are only
    unique per employer), else its absolute url, else a hash of page url, title, company and datePosted.
    """
    url = _absolute(item.get("url"), page_url)
    identifier = _identifier(item.get("identifier"))
    title = clean(item.get("title")) or clean(item.get("name"))
    company = _name(item.get("hiringOrganization"))
    if identifier:
        source_job_id = f"{urlsplit(page_url).netloc}:{identifier}"
    elif url:
        source_job_id = url
    else:
        source_job_id = _hash(page_url, title, company, item.get("datePosted"))
    fields: dict[str, Any] = {
        "job_id": identifier,
        "title": title,
        "company": company,
        "location": _locations(item.get("jobLocation")) or _names(item.get("applicantLocationRequirements")),
        "workplace_type": next((w for t in as_list(item.get("jobLocationType")) if (w := workplace_label(t))), None),
        "employment_type": ", ".join(split_list(item.get("employmentType"))) or None,
        "industries": split_list(item.get("industry")),
        "skills": split_list(item.get("skills")),
        "description": html_to_text(item.get("description")),
        "job_url": url or page_url,
        "apply_url": _apply_url(item, url, page_url),
        "posted_time": parse_datetime(item.get("datePosted")),
        "expire_time": parse_datetime(item.get("validThrough")),
        **_salary(item.get("baseSalary")),
    }
    return make_posting(SOURCE, source_job_id, scraped_at, search_keyword=keyword, **fields)


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value


def _name(value: Any) -> str | None:
    value = _first(value)
    return clean(value.get("name")) if isinstance(value, dict) else clean(value) if isinstance(value, str) else None


def _names(value: Any) -> str | None:
    return "; ".join(unique(_name(item) for item in as_list(value))) or None


def _identifier(value: Any) -> str | None:
    value = _first(value)
    if isinstance(value, dict):
        value = value.get("value") or value.get("@id") or value.get("name")
    return clean(value) if isinstance(value, str | int | float) and not isinstance(value, bool) else None


def _locations(value: Any) -> str | None:
    """Place addresses as "Locality, Region, Country", several joined with "; "."""
    shown = []
    for place in as_list(value):
        address = place.get("address") if isinstance(place, dict) else place
        if isinstance(address, list):
            address = _first(address)
        if isinstance(address, dict):
            parts = [address.get("addressLocality"), address.get("addressRegion"), _name(address.get("addressCountry"))]
            shown.append(", ".join(unique(p if isinstance(p, str) else None for p in parts)))
        elif isinstance(address, str):
            shown.append(address)
    return "; ".join(unique(shown)) or None


def _salary(value: Any) -> dict[str, Any]:
    """baseSalary as MonetaryAmount: value {minValue, maxValue | value, unitText} or a bare number, currency."""
    amount = _first(value)
    if not isinstance(amount, dict):
        return {}
    quantity = amount.get("value")
    if isinstance(quantity, dict):
        low = quantity.get("minValue", quantity.get("value"))
        high = quantity.get("maxValue", quantity.get("value"))
        unit = quantity.get("unitText") or amount.get("unitText")
    else:
        low = high = quantity
        unit = amount.get("unitText")
    fields = salary_fields(low, high, amount.get("currency"), unit)
    return fields if fields["salary_min"] is not None or fields["salary_max"] is not None else {}


def _apply_url(item: dict[str, Any], url: str | None, page_url: str) -> str | None:
    """An ApplyAction target, else the posting url when `directApply` says applying happens there."""
    for action in as_list(item.get("potentialAction")):
        if isinstance(action, dict) and "Apply" in str(action.get("@type", "")):
            target = action.get("target")
            target = target.get("urlTemplate") or target.get("url") if isinstance(target, dict) else target
            if isinstance(target, str) and clean(target):
                return _absolute(target, page_url)
    direct = item.get("directApply")
    return url if direct is True or str(direct).lower() == "true" else None


def _absolute(value: Any, page_url: str) -> str | None:
    text = clean(value) if isinstance(value, str) else None
    return urljoin(page_url, text) if text else None


def _hash(*parts: Any) -> str:
    return hashlib.sha1("\x1f".join(str(p) for p in parts).encode()).hexdigest()


def parse_career_page(
    markup: str, page_url: str, scraped_at: datetime, keyword: str | None
) -> tuple[list[Posting], int]:
    """The postings a page embeds and how many of its JSON-LD blocks were broken."""
    blocks, broken = json_ld_blocks(markup)
    postings = [parse_job_posting(item, page_url, scraped_at, keyword) for item in find_job_postings(blocks)]
    return postings, broken


def next_page_url(markup: str, page_url: str) -> str | None:
    """The absolute URL of `<a rel="next">` or `<link rel="next">`, if the page has one."""
    link = BeautifulSoup(markup, "html.parser").select_one("a[rel~=next][href], link[rel~=next][href]")
    return _absolute(link.get("href"), page_url) if link is not None else None


class JsonLdSource:
    """Every URL in `scrape.career_pages`, following rel=next up to `query.pages` pages each.

    search_keyword is the query's keywords, else the career page's host. `stats` after a run: pages,
    postings, duplicates (same source_job_id again in the run), broken_blocks (JSON-LD that did not
    parse), failed (pages that could not be fetched, described in `failures`).
    """

    name = SOURCE

    def __init__(self, settings: Settings, clock: Clock = utc_now, pages: list[str] | None = None) -> None:
        self.career_pages = list(pages if pages is not None else settings["scrape.career_pages"])
        self.clock = clock
        self.stats: dict[str, int] = {}
        self.failures: list[str] = []

    async def postings(self, query: Query, fetcher: Fetcher) -> AsyncIterator[Posting]:
        """Yield the matching postings of each career page and its next pages."""
        self.stats = dict.fromkeys(("pages", "postings", "duplicates", "broken_blocks", "failed"), 0)
        self.failures = []
        seen: set[str] = set()
        now = self.clock()
        for start in self.career_pages:
            keyword = query.keywords or urlsplit(start).netloc or None
            url: str | None = start
            visited: set[str] = set()
            while url and url not in visited and len(visited) < max(query.pages, 1):
                visited.add(url)
                try:
                    page = await fetcher.get(url)
                except FetchError as exc:
                    self._fail(f"career page {url} could not be read ({exc.reason})")
                    break
                self.stats["pages"] += 1
                postings, broken = parse_career_page(page.text, page.final_url or url, self.clock(), keyword)
                if broken:
                    self.stats["broken_blocks"] += broken
                    log.warning("career page %s: %d JSON-LD block(s) could not be parsed", url, broken)
                for posting in postings:
                    if posting["source_job_id"] in seen:
                        self.stats["duplicates"] += 1
                        continue
                    seen.add(posting["source_job_id"])
                    if matches_keywords(posting["title"], query.keywords) and is_recent(
                        posting["posted_time"], query.posted_within, now
                    ):
                        self.stats["postings"] += 1
                        yield posting
                url = next_page_url(page.text, page.final_url or url)

    def _fail(self, message: str) -> None:
        self.stats["failed"] += 1
        self.failures.append(message)
        log.warning(message)
