"""Shared connector helpers: HTML to text, dates, salaries, filters and the posting dict."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ingestion.avro_codec import decode_posting, encode_posting
from ingestion.sources.text import (
    html_to_text,
    is_recent,
    make_posting,
    matches_keywords,
    parse_datetime,
    parse_relative_date,
    parse_salary_text,
    period_from_text,
    prettify_slug,
    salary_fields,
    workplace_label,
)

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<p>Build <b>pipelines</b>.</p><p>Ship them.</p>", "Build pipelines.\nShip them."),  # paragraphs
        ("<ul><li>Python</li><li>SQL</li></ul>", "- Python\n- SQL"),  # list items as bullets
        ("Line one<br>Line two", "Line one\nLine two"),  # <br> breaks the line
        ("&lt;p&gt;Escaped &amp;amp; fine&lt;/p&gt;", "Escaped & fine"),  # Greenhouse-style escaped HTML
        ("<div><p>Cut off <b>mid", "Cut off mid"),  # truncated markup
        ("<style>p{}</style><p>Shown</p><script>x()</script>", "Shown"),  # no script or style text
        ("Plain   text,\n\n  kept", "Plain text,\nkept"),  # plain text is only tidied
        ("<p> </p>", None),  # nothing visible
        (None, None),  # no description
    ],
)
def test_html_to_text(markup, expected):
    assert html_to_text(markup) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3 days ago", NOW - timedelta(days=3)),  # the common case
        ("Reposted 2 weeks ago", NOW - timedelta(weeks=2)),  # prefix words are ignored
        ("an hour ago", NOW - timedelta(hours=1)),  # "an" means one
        ("30+ days ago", NOW - timedelta(days=30)),  # LinkedIn's cap
        ("1 month ago", NOW - timedelta(days=30)),  # months are 30 days
        ("5 mins ago", NOW - timedelta(minutes=5)),  # abbreviated unit
        ("Just now", NOW),  # no number
        ("Yesterday", NOW - timedelta(days=1)),  # a word
        ("Posted on the moon", None),  # not a relative date
        ("", None),  # empty
    ],
)
def test_parse_relative_date(text, expected):
    assert parse_relative_date(text, NOW) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-10-30", datetime(2026, 10, 30, tzinfo=UTC)),  # a date is midnight UTC
        ("2026-10-30T08:00:00-04:00", datetime(2026, 10, 30, 12, tzinfo=UTC)),  # offset converted to UTC
        ("2026-10-30T12:00:00Z", datetime(2026, 10, 30, 12, tzinfo=UTC)),  # Z suffix
        ("2026-10-30T12:00:00+0000", datetime(2026, 10, 30, 12, tzinfo=UTC)),  # offset without colon
        ("2026-10-30T12:00:00", datetime(2026, 10, 30, 12, tzinfo=UTC)),  # naive is UTC
        (1793361600000, datetime(2026, 10, 30, 12, tzinfo=UTC)),  # epoch millis (Lever createdAt)
        (1793361600, datetime(2026, 10, 30, 12, tzinfo=UTC)),  # epoch seconds
        ("next Tuesday", None),  # unreadable
        (True, None),  # not a time
        (None, None),  # missing
    ],
)
def test_parse_datetime(value, expected):
    assert parse_datetime(value) == expected


@pytest.mark.parametrize(
    ("text", "low", "high", "currency", "period"),
    [
        ("$120,000.00/yr - $150,000.00/yr", 120000, 150000, "USD", "year"),  # LinkedIn's format
        ("$120K - $150K a year", 120000, 150000, "USD", "year"),  # K suffix
        ("$120-150K", 120000, 150000, "USD", None),  # one K covers both ends
        ("€50 - €60 per hour", 50, 60, "EUR", "hour"),  # hourly euros
        ("45.000 € - 55.000 € brutto/Jahr", 45000, 55000, "EUR", None),  # European grouping, symbol after
        ("CA$90,000-110,000 annually", 90000, 110000, "CAD", "year"),  # prefixed dollar
        ("100,000 USD - 120,000 USD per year", 100000, 120000, "USD", "year"),  # ISO code after
        ("Up to $150,000 a year", None, 150000, "USD", "year"),  # only a ceiling
        ("From £40k per annum", 40000, None, "GBP", "year"),  # only a floor
        ("$40/hr", 40, 40, "USD", "hour"),  # one amount
        ("Competitive", None, None, None, None),  # no number: text kept, amounts unknown
    ],
)
def test_parse_salary_text(text, low, high, currency, period):
    fields = parse_salary_text(text)
    assert fields == {
        "salary_text": text,
        "salary_min": low,
        "salary_max": high,
        "salary_currency": currency,
        "salary_period": period,
    }


def test_salary_fields_from_structured_values():
    assert salary_fields("90000.0", 110000, "usd", "per-year-salary") == {
        "salary_text": None,
        "salary_min": 90000.0,
        "salary_max": 110000.0,
        "salary_currency": "USD",
        "salary_period": "year",
    }
    assert salary_fields("n/a", None)["salary_min"] is None  # junk is unknown, not an error


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("YEAR", "year"),  # schema.org unitText
        ("per-hour-wage", "hour"),  # Lever interval
        ("per-month-salary", "month"),  # Lever interval
        ("/wk", "week"),  # abbreviation
        ("one-time", None),  # not a period
    ],
)
def test_period_from_text(text, expected):
    assert period_from_text(text) == expected


@pytest.mark.parametrize(
    ("title", "keywords", "expected"),
    [
        ("Senior Data Engineer", "data engineer", True),  # all words, any case
        ("Data Platform Engineer", "data engineer", True),  # words need not be adjacent
        ("Database Administrator", "data", False),  # whole words only
        ("C++ Developer", "c++", True),  # punctuation in a keyword
        ("Data Analyst", "data engineer", False),  # a word missing
        ("Anything", "", True),  # no keywords: everything matches
        (None, "data", False),  # no title
    ],
)
def test_matches_keywords(title, keywords, expected):
    assert matches_keywords(title, keywords) is expected


@pytest.mark.parametrize(
    ("posted", "within", "expected"),
    [
        (NOW - timedelta(days=1), timedelta(days=7), True),  # inside the window
        (NOW - timedelta(days=8), timedelta(days=7), False),  # outside
        (datetime(2026, 10, 25, tzinfo=UTC), timedelta(days=7), True),  # a bare date on the cutoff day: kept
        (datetime(2026, 10, 24, tzinfo=UTC), timedelta(days=7), False),  # the day before: dropped
        (None, timedelta(days=7), True),  # unknown posting time passes
        (NOW - timedelta(days=400), None, True),  # no filter
    ],
)
def test_is_recent(posted, within, expected):
    assert is_recent(posted, within, NOW) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("remote", "Remote"),
        ("TELECOMMUTE", "Remote"),
        ("onsite", "On-site"),
        ("hybrid", "Hybrid"),
        ("unspecified", None),
    ],
)
def test_workplace_label(value, expected):
    assert workplace_label(value) == expected


def test_prettify_slug():
    assert prettify_slug("acme-robotics") == "Acme Robotics"
    assert prettify_slug("globex_corp") == "Globex Corp"


def test_make_posting_fills_every_field_and_encodes():
    posting = make_posting("lever", "abc", NOW, title="Data Engineer", skills=None)
    assert posting["industries"] == [] and posting["skills"] == [] and posting["reposted"] is False
    assert decode_posting(encode_posting(posting)) == posting


def test_make_posting_rejects_unknown_fields():
    with pytest.raises(KeyError, match="applicants"):
        make_posting("linkedin", "1", NOW, applicants="Over 200 applicants")
