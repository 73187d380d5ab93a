"""LinkedIn's public guest job search: result cards, then one detail page per job.

Search pages are HTML fragments of `<li>` job cards, 25 per page; each card's
`data-entity-urn="urn:li:jobPosting:<id>"` names the job, whose guest detail page carries the
description and the criteria list. Selectors try the current layout first, then looser
fallbacks, so a renamed class degrades a field rather than losing the posting.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urljoin, urlsplit

from bs4 import BeautifulSoup, Comment, Tag

from ingestion.fetch import Fetcher, FetchError
from ingestion.sources.base import Clock, Posting, Query, utc_now
from ingestion.sources.text import (
    clean,
    element_text,
    html_to_text,
    is_recent,
    make_posting,
    parse_datetime,
    parse_relative_date,
    parse_salary_text,
    select_first,
)

if TYPE_CHECKING:
    from lakehouse.config import Settings

SOURCE = "linkedin"
PAGE_SIZE = 25
SEARCH_PATH = "/jobs-guest/jobs/api/seeMoreJobPostings/search"
DETAIL_PATH = "/jobs-guest/jobs/api/jobPosting/{job_id}"
_JOB_ID = re.compile(r"jobPosting:(\d+)")
_VIEW_ID = re.compile(r"/jobs/view/(?:[^/?#]*?-)?(\d+)")
# Criteria subheader -> posting field; the list-valued ones are split below.
CRITERIA = {
    "seniority level": "seniority_level",
    "employment type": "employment_type",
    "job function": "job_functions",
    "industries": "industries",
}

log = logging.getLogger(__name__)


def parse_search_page(markup: str, now: datetime) -> list[Posting]:
    """Job cards of one search page as partial postings (source_job_id, title, company, location, job_url, ...).

    Cards without a job id are skipped; ids repeat as the page repeats them (the caller dedups).
    `now` resolves relative dates ("3 days ago") when a card has no `datetime` attribute.
    """
    soup = BeautifulSoup(markup, "html.parser")
    cards = []
    for root in _card_roots(soup):
        job_id = _card_job_id(root)
        if job_id is None:
            continue
        link = select_first(root, "a.base-card__full-link", "a[href*='/jobs/view/']")
        listed = select_first(root, "time.job-search-card__listdate", "time.job-search-card__listdate--new", "time")
        listed_text = element_text(listed)
        salary = element_text(select_first(root, "span.job-search-card__salary-info", "[class*=salary]"))
        card: Posting = {
            "source_job_id": job_id,
            "title": element_text(
                select_first(root, "h3.base-search-card__title", "[class*=card__title]", "h3", "span.sr-only")
            ),
            "company": element_text(select_first(root, "h4.base-search-card__subtitle", "[class*=subtitle]", "h4")),
            "location": element_text(select_first(root, "span.job-search-card__location", "[class*=location]")),
            "job_url": _strip_query(link.get("href")) if link is not None else None,
            "posted_time": (parse_datetime(listed.get("datetime")) if listed is not None else None)
            or parse_relative_date(listed_text, now),
            "reposted": bool(listed_text and "reposted" in listed_text.lower()),
        }
        if salary:
            card.update(parse_salary_text(salary))
        cards.append(card)
    return cards


def _card_roots(soup: BeautifulSoup) -> list[Tag]:
    """Card elements: the current urn-tagged cards, else anything with a job id, else job links' list items."""
    tagged = soup.select("[data-entity-urn*='jobPosting:']") or soup.select("[data-job-id]")
    if tagged:
        return tagged
    roots: list[Tag] = []
    for link in soup.select("a[href*='/jobs/view/']"):
        root = link.find_parent("li") or link.parent or link
        if root not in roots:
            roots.append(root)
    return roots


def _card_job_id(root: Tag) -> str | None:
    """The job id from the card's urn, its data-job-id, or its /jobs/view/ link."""
    urn = _JOB_ID.search(str(root.get("data-entity-urn", "")))
    if urn:
        return urn.group(1)
    data_id = clean(root.get("data-job-id"))
    if data_id and data_id.isdigit():
        return data_id
    link = root if root.name == "a" else root.select_one("a[href*='/jobs/view/']")
    view = _VIEW_ID.search(str(link.get("href", ""))) if link is not None else None
    return view.group(1) if view else None


def _strip_query(href: Any) -> str | None:
    """A card link without LinkedIn's tracking parameters."""
    text = clean(href)
    return text.split("?", 1)[0] if text else None


def parse_job_detail(markup: str, now: datetime) -> dict[str, Any]:
    """Fields of one guest detail page; only what the page shows (missing fields are left out).

    Posting fields: title, company, location, description (text), seniority_level, employment_type,
    job_functions, industries, apply_url, salary fields, posted_time, reposted. Besides them, `applicants`
    is the applicants line as shown ("Be among the first 25 applicants", "Over 200 applicants").
    """
    soup = BeautifulSoup(markup, "html.parser")
    fields: dict[str, Any] = {
        "title": element_text(
            select_first(soup, "h2.top-card-layout__title", "h1.top-card-layout__title", "h1", "h2[class*=title]")
        ),
        "company": element_text(
            select_first(soup, "a.topcard__org-name-link", "span.topcard__flavor a", "[class*=org-name]")
        ),
        "location": element_text(select_first(soup, "span.topcard__flavor--bullet", "[class*=flavor--bullet]")),
        "description": _description(soup),
        "apply_url": _apply_url(soup),
    }
    posted = element_text(select_first(soup, "span.posted-time-ago__text", "[class*=posted-time]"))
    if posted:
        fields["posted_time"] = parse_relative_date(posted, now)
        fields["reposted"] = "reposted" in posted.lower()
    salary = element_text(select_first(soup, ".compensation__salary", "div.salary", "[class*=salary]"))
    if salary:
        fields.update(parse_salary_text(salary))
    fields.update(_criteria(soup))
    fields["applicants"] = element_text(
        select_first(soup, ".num-applicants__caption", "[class*=num-applicants]", "[class*=applicant]")
    )
    return {name: value for name, value in fields.items() if value not in (None, [])}


def _description(soup: BeautifulSoup) -> str | None:
    node = select_first(soup, "div.show-more-less-html__markup", "div.description__text")
    if node is None:
        # Changed layout: the longest element whose class mentions description, criteria list aside.
        candidates = [
            tag
            for tag in soup.select("[class*=description]")
            if "criteria" not in " ".join(tag.get("class", [])) and tag.name not in ("li", "h3", "span")
        ]
        node = max(candidates, key=lambda tag: len(tag.get_text()), default=None)
    if node is None:
        return None
    for button in node.select("button, [class*=show-more-less-button], [class*=criteria]"):
        button.decompose()
    return html_to_text(node.decode_contents())


def _criteria(soup: BeautifulSoup) -> dict[str, Any]:
    """Seniority level, employment type, job functions and industries from the criteria list."""
    items = soup.select("li.description__job-criteria-item") or [li for li in soup.find_all("li") if li.find("h3")]
    fields: dict[str, Any] = {}
    for item in items:
        label = element_text(item.find("h3"))
        value = element_text(select_first(item, "span.description__job-criteria-text", "span"))
        field = CRITERIA.get((label or "").lower())
        if field is None or value is None:
            continue
        if field == "job_functions":
            fields[field] = split_english_list(value)
        elif field == "industries":
            # Industry names hold commas and "and" ("Technology, Information and Internet"): keep as shown.
            fields[field] = [value]
        else:
            fields[field] = value
    return fields


def split_english_list(text: str) -> list[str]:
    """`"Research, Analyst, and Information Technology"` -> three items; `"Engineering and IT"` -> two."""
    parts = re.split(r",\s*(?:and\s+)?|\s+and\s+", text)
    return [part for raw in parts if (part := clean(raw))]


def _apply_url(soup: BeautifulSoup) -> str | None:
    """The offsite apply link: the hidden `code#applyUrl` comment, else an apply button's href."""
    url = None
    code = soup.select_one("code#applyUrl")
    if code is not None:
        comment = next((c for c in code.children if isinstance(c, Comment)), None)
        url = clean(str(comment if comment is not None else code.get_text()).strip().strip('"'))
    if not url:
        link = select_first(
            soup, "a[data-tracking-control-name*='apply-link-offsite']", "a.apply-button[href]", "a[class*=apply][href]"
        )
        url = clean(link.get("href")) if link is not None else None
    if not url:
        return None
    target = parse_qs(urlsplit(url).query).get("url")
    return target[0] if "externalApply" in url and target else url


class LinkedInSource:
    """LinkedIn guest search plus one detail page per new job.

    `stats` after a run: pages (search pages read), postings (yielded), partial (yielded from the card
    alone because the detail page failed), duplicates (ids seen earlier in the run), failed (requests
    that failed); `failures` holds one readable line per failure.
    """

    name = SOURCE

    def __init__(self, settings: Settings, clock: Clock = utc_now) -> None:
        self.base_url = str(settings["scrape.linkedin_base_url"]).rstrip("/")
        self.clock = clock
        self.stats: dict[str, int] = {}
        self.failures: list[str] = []

    def search_params(self, query: Query, page: int) -> dict[str, str]:
        """Query parameters of one search page: keywords, location, f_TPR=r<seconds>, start."""
        params = {"keywords": query.keywords}
        if query.location:
            params["location"] = query.location
        if query.posted_within is not None:
            params["f_TPR"] = f"r{int(query.posted_within.total_seconds())}"
        params["start"] = str(page * PAGE_SIZE)
        return params

    async def postings(self, query: Query, fetcher: Fetcher) -> AsyncIterator[Posting]:
        """Yield one posting per new job id, page by page, until query.pages, an empty page or only repeats."""
        self.stats = dict.fromkeys(("pages", "postings", "partial", "duplicates", "failed"), 0)
        self.failures = []
        seen: set[str] = set()
        now = self.clock()
        for page in range(max(query.pages, 1)):
            params = self.search_params(query, page)
            try:
                result = await fetcher.get(self.base_url + SEARCH_PATH, params=params, kind="search")
            except FetchError as exc:
                self._fail(f"linkedin search page start={params['start']} failed: {exc.reason}")
                break
            self.stats["pages"] += 1
            fresh = []
            for card in parse_search_page(result.text, now):
                if card["source_job_id"] in seen:
                    self.stats["duplicates"] += 1
                    continue
                seen.add(card["source_job_id"])
                fresh.append(card)
            if not fresh:  # no cards: the results ended; only repeats: LinkedIn is serving the last page again
                break
            # f_TPR should have filtered already; a card that is older anyway costs no detail request.
            recent = [card for card in fresh if is_recent(card["posted_time"], query.posted_within, now)]
            for posting in await asyncio.gather(*(self._posting(card, query, fetcher) for card in recent)):
                self.stats["postings"] += 1
                yield posting

    async def _posting(self, card: Posting, query: Query, fetcher: Fetcher) -> Posting:
        """The card merged with its detail page; the card alone (description None) when the page fails."""
        job_id = card["source_job_id"]
        detail: dict[str, Any] = {}
        try:
            page = await fetcher.get(self.base_url + DETAIL_PATH.format(job_id=job_id), kind="detail")
            detail = parse_job_detail(page.text, self.clock())
        except FetchError as exc:
            self.stats["partial"] += 1
            self._fail(f"linkedin job {job_id}: detail page failed ({exc.reason}); kept the card without description")
        detail.pop("applicants", None)
        fields = {**card, **{k: v for k, v in detail.items() if k != "posted_time" or card["posted_time"] is None}}
        fields["reposted"] = bool(card.get("reposted") or detail.get("reposted"))
        fields["job_url"] = urljoin(self.base_url + "/", fields["job_url"] or f"/jobs/view/{job_id}")
        fields.pop("source_job_id")
        return make_posting(SOURCE, job_id, self.clock(), search_keyword=query.keywords or None, **fields)

    def _fail(self, message: str) -> None:
        self.stats["failed"] += 1
        self.failures.append(message)
        log.warning(message)
