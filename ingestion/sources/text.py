"""Helpers every connector shares: HTML to text, dates, salaries, filters and the posting dict itself."""

from __future__ import annotations

import copy
import html
import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from bs4 import BeautifulSoup, Tag

from ingestion.avro_codec import parsed_schema

LIST_FIELDS = ("industries", "job_functions", "skills")
BLOCK_TAGS = ("p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article")
UNIT_SECONDS = {
    "second": 1,
    "minute": 60,
    "hour": 3600,
    "day": 86400,
    "week": 7 * 86400,
    "month": 30 * 86400,  # LinkedIn-style "2 months ago" is approximate anyway
    "year": 365 * 86400,
}
EPOCH_MILLIS_FROM = 1e11  # larger epoch numbers are milliseconds (1e11 seconds is the year 5138)
# "$", "US$", "CA$", "€", ... or an ISO code before/after the amount.
CURRENCY_SYMBOLS = {
    "US$": "USD",
    "CA$": "CAD",
    "C$": "CAD",
    "A$": "AUD",
    "AU$": "AUD",
    "NZ$": "NZD",
    "S$": "SGD",
    "HK$": "HKD",
    "R$": "BRL",
    "$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₹": "INR",
    "CHF": "CHF",
}
ISO_CURRENCIES = (
    "USD",
    "EUR",
    "GBP",
    "CAD",
    "AUD",
    "NZD",
    "CHF",
    "SEK",
    "NOK",
    "DKK",
    "PLN",
    "CZK",
    "HUF",
    "JPY",
    "CNY",
    "INR",
    "SGD",
    "HKD",
    "BRL",
    "MXN",
    "ZAR",
    "ILS",
    "AED",
)
# Patterns that name a pay period, checked in this order.
PERIOD_WORDS = (
    (r"hourly|/\s*h(?:ou)?r\b|\bhour\b|\bhr\b", "hour"),
    (r"daily|/\s*day\b|\bday\b", "day"),
    (r"weekly|/\s*wk\b|\bweek\b", "week"),
    (r"monthly|/\s*mo(?:nth)?\b|\bmonth\b", "month"),
    (r"annual(?:ly)?|yearly|per annum|\bp\.?a\.?(?=\W|$)|/\s*yr\b|/\s*year\b|\byear\b|\byr\b", "year"),
)
_CURRENCY = "|".join(re.escape(s) for s in sorted(CURRENCY_SYMBOLS, key=len, reverse=True))
_NUMBER = r"\d{1,3}(?:[,.\u00a0\u202f ]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d+)?"
_AMOUNT = rf"(?:(?:{_CURRENCY})\s?)?(?:{_NUMBER})(?:\s?[kKmM]\b)?"
# What may follow the first amount before the dash: "/yr", "€", "USD".
_TAIL = rf"(?:\s?(?:/\s?[A-Za-z]+|{_CURRENCY}|[A-Z]{{3}}\b))?"
_RANGE = re.compile(rf"(?P<low>{_AMOUNT}){_TAIL}(?:\s*(?:-|–|—|to)\s*(?P<high>{_AMOUNT}))?")
_RELATIVE = re.compile(
    r"(?P<count>\d+|an?|one)\+?\s*(?P<unit>second|sec|minute|min|hour|hr|day|week|wk|month|mo|year|yr)s?\s+ago",
    re.IGNORECASE,
)
_UNIT_ALIASES = {"sec": "second", "min": "minute", "hr": "hour", "wk": "week", "mo": "month", "yr": "year"}


def clean(value: Any) -> str | None:
    """Whitespace-collapsed text, or None when empty: `"  Data \\n Engineer "` -> `"Data Engineer"`."""
    if value is None:
        return None
    text = re.sub(r"\s+", " ", str(value)).strip()
    return text or None


def html_to_text(markup: Any) -> str | None:
    """Readable text from an HTML fragment: paragraphs and list items on their own lines, items as "- ".

    Escaped HTML (`&lt;p&gt;…`, as Greenhouse serves it) is unescaped first. Never raises on broken markup;
    anything but a string gives None.
    """
    if not isinstance(markup, str):
        return None
    if "<" not in markup and re.search(r"&lt;\s*/?\s*[a-zA-Z]", markup):
        markup = html.unescape(markup)
    if "<" not in markup:
        return _tidy_lines(html.unescape(markup))
    soup = BeautifulSoup(markup, "html.parser")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    for tag in soup.find_all("li"):
        tag.insert(0, "- ")
    for tag in soup.find_all(BLOCK_TAGS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    return _tidy_lines(soup.get_text())


def _tidy_lines(text: str) -> str | None:
    lines = [re.sub(r"[ \t\r\f\v\xa0]+", " ", line).strip() for line in text.split("\n")]
    lines = [line for line in lines if line and line != "-"]
    return "\n".join(lines) or None


def element_text(node: Tag | None) -> str | None:
    """Whitespace-collapsed text of one element, or None."""
    return clean(node.get_text(" ")) if node is not None else None


def select_first(root: Tag, *selectors: str) -> Tag | None:
    """The first element matching the first selector that matches anything (newest layout first)."""
    for selector in selectors:
        found = root.select_one(selector)
        if found is not None:
            return found
    return None


def parse_datetime(value: Any) -> datetime | None:
    """A tz-aware UTC datetime from ISO text, a date, or epoch seconds/millis; None when it cannot tell.

    Naive values are taken as UTC: `"2026-10-30"` -> 2026-10-30 00:00 UTC, `1761955200000` -> epoch millis.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, int | float):
        seconds = value / 1000 if abs(value) >= EPOCH_MILLIS_FROM else value
        try:
            return datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    text = clean(value)
    if text is None:
        return None
    if re.fullmatch(r"\d{10,13}", text):
        return parse_datetime(int(text))
    text = re.sub(r"(?i)z$", "+00:00", text)
    text = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", text)  # +0000 -> +00:00
    try:
        return parse_datetime(datetime.fromisoformat(text))
    except ValueError:
        return None


def parse_relative_date(text: str | None, now: datetime) -> datetime | None:
    """`"3 days ago"` -> now - 3 days; also "an hour ago", "30+ days ago", "just now", "today", "yesterday"."""
    phrase = clean(text)
    if phrase is None:
        return None
    lowered = phrase.lower()
    match = _RELATIVE.search(lowered)
    if match:
        count = match["count"]
        amount = 1 if count in ("a", "an", "one") else int(count)
        unit = _UNIT_ALIASES.get(match["unit"], match["unit"])
        return now - timedelta(seconds=amount * UNIT_SECONDS[unit])
    if re.search(r"\b(just now|moments? ago|today|new)\b", lowered):
        return now
    if re.search(r"\byesterday\b", lowered):
        return now - timedelta(days=1)
    return None


def is_recent(posted: datetime | None, within: timedelta | None, now: datetime) -> bool:
    """Whether a posting passes a posted-within filter; unknown posting times pass (they cannot be judged).

    A time of exactly midnight is a bare date (LinkedIn cards, JSON-LD `datePosted`) and counts as the end of
    that day, so a job posted late on the cutoff day is kept.
    """
    if within is None or posted is None:
        return True
    if posted.time() == time(0):
        posted += timedelta(days=1)
    return posted >= now - within


def matches_keywords(title: str | None, keywords: str | None) -> bool:
    """Whether every keyword word occurs in the title as a word, ignoring case: "data eng" fails "Data Engineer"."""
    words = (keywords or "").lower().split()
    if not words:
        return True
    lowered = (title or "").lower()
    return all(re.search(rf"(?<!\w){re.escape(word)}(?!\w)", lowered) for word in words)


def prettify_slug(slug: str) -> str:
    """A display name from a board token: `"acme-robotics"` -> `"Acme Robotics"`."""
    return " ".join(part.capitalize() for part in re.split(r"[-_\s]+", slug) if part) or slug


def split_list(value: Any) -> list[str]:
    """A list of clean strings from a string ("a, b"), a list, or nothing."""
    if value is None:
        return []
    items = value if isinstance(value, list | tuple) else [value] if isinstance(value, dict) else str(value).split(",")
    return [text for item in items if (text := clean(item if not isinstance(item, dict) else item.get("name")))]


def period_from_text(text: str | None) -> str | None:
    """hour, day, week, month or year from words like "/yr", "per hour", "YEAR", "per-month-salary"."""
    lowered = (text or "").lower().replace("-", " ")
    for pattern, period in PERIOD_WORDS:
        if re.search(pattern, lowered):
            return period
    return None


def currency_from_text(text: str | None) -> str | None:
    """ISO 4217 code from a symbol or code in the text: "$120K" -> USD, "CA$90,000" -> CAD, "EUR 50k" -> EUR."""
    if not text:
        return None
    upper = text.upper()
    for code in ISO_CURRENCIES:
        if re.search(rf"(?<![A-Z]){code}(?![A-Z])", upper):
            return code
    for symbol in sorted(CURRENCY_SYMBOLS, key=len, reverse=True):
        if symbol in text:
            return CURRENCY_SYMBOLS[symbol]
    return None


def _amount(text: str) -> float | None:
    raw = re.sub(rf"{_CURRENCY}|\s", "", text)
    multiplier = 1.0
    if raw[-1:].lower() == "k":
        multiplier, raw = 1_000.0, raw[:-1]
    elif raw[-1:].lower() == "m":
        multiplier, raw = 1_000_000.0, raw[:-1]
    if re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d+)?", raw):  # 45.000,50 (European grouping)
        raw = raw.replace(".", "").replace(",", ".")
    raw = raw.replace(",", "")
    try:
        return float(raw) * multiplier
    except ValueError:
        return None


def parse_salary_text(text: str | None) -> dict[str, Any]:
    """The five salary fields from text as shown: `"$120K - $150K/yr"` -> 120000.0, 150000.0, USD, year.

    salary_text is always the cleaned input; amounts stay None when no number is found.
    """
    shown = clean(text)
    fields: dict[str, Any] = {
        "salary_text": shown,
        "salary_min": None,
        "salary_max": None,
        "salary_currency": None,
        "salary_period": None,
    }
    if shown is None:
        return fields
    match = _RANGE.search(shown)
    if match:
        low = _amount(match["low"])
        high = _amount(match["high"]) if match["high"] else low
        if match["high"] and low is not None and high is not None and low < 1000 <= high:
            low *= 1000 if match["high"].strip().lower().endswith("k") else 1  # "$120 - $150K": K covers both
        before = shown[: match.start()].lower()
        if not match["high"] and re.search(r"\b(up to|max(imum)?)\s*$", before):
            low = None  # "Up to $150K": only the top is known
        elif not match["high"] and re.search(r"\b(from|min(imum)?|starting at)\s*$", before):
            high = None
        fields["salary_min"], fields["salary_max"] = low, high
    fields["salary_currency"] = currency_from_text(shown)
    fields["salary_period"] = period_from_text(shown[match.end() :] if match else shown) or period_from_text(shown)
    return fields


def salary_fields(
    low: Any, high: Any, currency: Any = None, period: Any = None, shown: str | None = None
) -> dict[str, Any]:
    """The five salary fields from structured values (numbers or numeric strings); junk becomes None."""
    low_value, high_value = _number(low), _number(high)
    return {
        "salary_text": clean(shown),
        "salary_min": low_value,
        "salary_max": high_value if high_value is not None else low_value,
        "salary_currency": clean(currency).upper() if clean(currency) else None,
        "salary_period": period_from_text(str(period)) if period else None,
    }


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    return _amount(str(value)) if re.search(r"\d", str(value)) else None


def workplace_label(value: Any) -> str | None:
    """Remote, Hybrid or On-site from a source's code ("remote", "onsite", "TELECOMMUTE", "on_site")."""
    lowered = re.sub(r"[\s_-]+", "", str(value or "").lower())
    if lowered in ("remote", "telecommute", "fullyremote"):
        return "Remote"
    if lowered == "hybrid":
        return "Hybrid"
    if lowered in ("onsite", "inoffice", "office", "inperson"):
        return "On-site"
    return None


def as_list(value: Any) -> list[Any]:
    """A JSON value as a list: lists as they are, nothing as [], anything else as a one-item list."""
    return value if isinstance(value, list) else [] if value is None else [value]


def unique(items: Iterable[str | None]) -> list[str]:
    """Non-empty items in first-seen order, without repeats."""
    return list(dict.fromkeys(text for item in items if (text := clean(item))))


def make_posting(source: str, source_job_id: str, scraped_at: datetime, **fields: Any) -> dict[str, Any]:
    """A posting dict with every field of the current posting schema: its defaults overlaid by `fields`.

    Raises KeyError for a field the schema does not have, so a typo cannot silently drop data.
    """
    posting = {field["name"]: copy.deepcopy(field.get("default")) for field in parsed_schema()["fields"]}
    unknown = set(fields) - set(posting)
    if unknown:
        raise KeyError(f"not posting fields: {sorted(unknown)}")
    posting.update(fields)
    posting.update(source=source, source_job_id=source_job_id, scraped_at=scraped_at)
    for name in LIST_FIELDS:
        posting[name] = list(posting[name] or [])
    return posting
