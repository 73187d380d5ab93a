r"""Read salary text as shown on postings into amounts, a currency and a period.

`parse_salary("$65,000 - $85,000 a year")` -> `Salary(65000.0, 85000.0, "USD", "year")`. Amounts are
numbers after a currency sign ($, £, €), with thousands separators, decimals and a "k" suffix; the
first amount (and a second one after "-", "–" or "to") is the range. "Up to $X" sets only the
maximum, "from $X" or "$X+" only the minimum. Text without a signed amount ("Competitive",
"Band 5", "DOE") gives None: a salary that is not a number is not an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingestion.mappings import PERIODS, SalaryRule

CURRENCY_SIGNS = {"$": "USD", "£": "GBP", "€": "EUR"}
_NUMBER = r"(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s?([kK](?![a-zA-Z]))?"
_AMOUNT = re.compile(r"([$£€])\s?" + _NUMBER)
_SECOND = re.compile(r"\s*(?:-|–|—|to)\s*([$£€])?\s?" + _NUMBER)
_UP_TO = re.compile(r"(?i)\b(?:up\s+to|max(?:imum)?\.?)\s*$")
_FROM = re.compile(r"(?i)\b(?:from|min(?:imum)?\.?|starting\s+at)\s*$")

# A period named in the text, e.g. "an hour", "per annum", "/yr", "pa".
_PERIOD_WORDS: dict[str, str] = {
    "hour": r"\b(?:an?|per)\s+hour\b|\bhourly\b|/\s*(?:hr|hour)\b|\bph\b|\bp/h\b",
    "day": r"\b(?:a|per)\s+day\b|\bdaily\b|/\s*day\b|\bper\s+diem\b",
    "week": r"\b(?:a|per)\s+week\b|\bweekly\b|/\s*(?:wk|week)\b|\bpw\b",
    "month": r"\b(?:a|per)\s+(?:calendar\s+)?month\b|\bmonthly\b|/\s*(?:mo|month)\b|\bpcm\b",
    "year": r"\b(?:a|per)\s+(?:year|annum)\b|\bannual(?:ly)?\b|\byearly\b|/\s*(?:yr|year)\b|\bp\.?a\b\.?",
}
_PERIOD_IN_TEXT = re.compile("|".join(f"(?P<{name}>{words})" for name, words in _PERIOD_WORDS.items()), re.I)

# A period field's value (after lower-casing and dropping "per"/"a"/"an", "/", dots and "_").
PERIOD_NAMES: dict[str, str] = {
    **dict.fromkeys(("hour", "hours", "hourly", "hr", "h", "ph"), "hour"),
    **dict.fromkeys(("day", "days", "daily", "diem", "d"), "day"),
    **dict.fromkeys(("week", "weeks", "weekly", "wk", "pw", "w"), "week"),
    **dict.fromkeys(("month", "months", "monthly", "mo", "pcm", "calendar month", "m"), "month"),
    **dict.fromkeys(("year", "years", "yearly", "annum", "annual", "annually", "yr", "pa", "y"), "year"),
}


@dataclass(frozen=True)
class Salary:
    """Amounts and units read from a salary text; any of them may be unknown."""

    minimum: float | None
    maximum: float | None
    currency: str | None
    period: str | None


def salary_period(text: str | None) -> str | None:
    """A period field in the hour/day/week/month/year vocabulary: "YEAR" -> "year", "per annum" -> "year"."""
    if text is None:
        return None
    key = re.sub(r"^(?:per|an?)\s+|^/|[._]", "", text.strip().lower()).strip()
    if key in PERIODS or key in PERIOD_NAMES:
        return PERIOD_NAMES.get(key, key)
    raise ValueError(f"cannot read {text!r} as one of {'/'.join(PERIODS)}")


def parse_salary(text: str | None, rule: SalaryRule | None = None) -> Salary | None:
    """The first salary amount or range in `text`, or None when it names no amount with a currency sign."""
    rule = rule or SalaryRule()
    first = _AMOUNT.search(text or "")
    if text is None or first is None:
        return None
    sign, low = first.group(1), _amount(first.group(2), first.group(3), first.group(4))
    second = _SECOND.match(text, first.end())
    high = _amount(second.group(2), second.group(3), second.group(4)) if second else None
    before = text[: first.start()]
    if high is not None:
        minimum, maximum = low, high
    elif _UP_TO.search(before):
        minimum, maximum = None, low
    elif _FROM.search(before) or text[first.end() :].startswith("+"):
        minimum, maximum = low, None
    else:
        minimum, maximum = low, low
    named = _PERIOD_IN_TEXT.search(text)
    period = named.lastgroup if named else None
    if (
        period is None
        and rule.hourly_below is not None
        and max(a for a in (minimum, maximum) if a is not None) < (rule.hourly_below)
    ):
        period = "hour"
    return Salary(minimum, maximum, rule.currency or CURRENCY_SIGNS[sign], period or rule.period)


def _amount(digits: str, decimals: str | None, thousands: str | None) -> float:
    value = float(digits.replace(",", "") + (decimals or ""))
    return value * 1000 if thousands else value
