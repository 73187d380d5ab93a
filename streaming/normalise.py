"""Column helpers the silver job uses to normalise raw job postings.

Every helper is a pure `Column -> Column` expression built from `pyspark.sql.functions` only
(regexes, map literals, higher-order functions; no UDFs), so Catalyst can optimise it and a
test can run it on a one-row DataFrame. Word lists live in `streaming.vocab`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping

from pyspark.sql import Column
from pyspark.sql import functions as F

from streaming.vocab import (
    ACCENTS,
    BLOCK_TAGS,
    COUNTRIES,
    DESCRIPTION_HYBRID_NOUNS,
    DESCRIPTION_REMOTE_PHRASES,
    DEVELOPMENT_CONTEXT_AFTER,
    DEVELOPMENT_CONTEXT_BEFORE,
    EMPLOYMENT_TYPE_WORDS,
    ENGINEERING_CONTEXT_AFTER,
    ENGINEERING_CONTEXT_BEFORE,
    HTML_ENTITIES,
    LEGAL_SUFFIXES,
    LIGATURES,
    LINKEDIN_SENIORITY,
    LOCATION_REMOTE_QUALIFIERS,
    LOCATION_REMOTE_WORDS,
    LOCATION_WORKPLACE_WORDS,
    MACRO_REGIONS,
    STAFF_ROLES,
    TITLE_ABBREVIATIONS,
    TITLE_CASING,
    TITLE_GENDER_NOISE,
    TITLE_LEAD_FALSE_FRIENDS,
    TITLE_MINOR_WORDS,
    TITLE_NOISE,
    TITLE_NOISE_AREAS,
    TITLE_NUMERAL_LEVELS,
    TITLE_SENIORITY_WORDS,
    TITLE_TRAILING_LEVELS,
    UK_NATIONS,
    US_STATES,
    WORKPLACE_WORDS,
)

ColumnOrName = Column | str

__all__ = [
    "canonical_title",
    "clean_text",
    "clean_title_seniority",
    "company_display",
    "company_key",
    "employment_type",
    "normalise_clean_title",
    "normalise_title",
    "parse_location",
    "title_seniority",
    "title_without_level",
    "with_seniority_level",
    "workplace_type",
]

_NOT_WORD_BEFORE = r"(?<![\p{L}\p{N}_])"
_NOT_WORD_AFTER = r"(?![\p{L}\p{N}_])"


def _alternation(words: Iterable[str]) -> str:
    """Regex alternation of literal phrases, longest first; a space or hyphen matches any run of either."""
    phrases = sorted(set(words), key=len, reverse=True)
    return "|".join(r"[\s-]*".join(re.escape(part) for part in re.split(r"[\s-]+", p)) for p in phrases)


def _words(words: Iterable[str]) -> str:
    """Regex matching any of `words` as whole words (letters/digits may not touch either end)."""
    return rf"{_NOT_WORD_BEFORE}(?:{_alternation(words)}){_NOT_WORD_AFTER}"


def map_literal(mapping: Mapping[str, str]) -> Column:
    """A constant Spark `map<string,string>` of a Python dict (one JVM call, folded once by the optimiser)."""
    return F.from_json(F.lit(json.dumps(mapping)), "map<string,string>")


def _col(col: ColumnOrName) -> Column:
    return F.col(col) if isinstance(col, str) else col


def let(value: Column, body: Callable[[Column], Column]) -> Column:
    """`body(value)` with `value` computed once: `body` may use it many times without copying its tree.

    Spark 3.5 has no let-binding; a one-element `transform` is one, from built-in functions only.
    (`[0]`, not `F.get`: a `get` around a lambda breaks Spark's naming of an unaliased column.)
    """
    return F.transform(F.array(value), body)[0]


def null_if_empty(col: Column) -> Column:
    return let(col, lambda text: F.when(text != "", text))


def _first_match(text: Column, patterns: list[tuple[str, str]], default: str | None = None) -> Column:
    """The label of the first `(label, regex)` whose regex finds `text`, else `default`; null stays null."""

    def labels(value: Column) -> Column:
        expr = F.when(value.isNull(), F.lit(None).cast("string"))
        for label, pattern in patterns:
            expr = expr.when(value.rlike(f"(?i){pattern}"), F.lit(label))
        return expr.otherwise(F.lit(default).cast("string"))

    return let(text, labels)


# --- Regexes built once from the vocabularies ----------------------------------------------

# One Unicode property each, not a union of ranges: Java tests a property with one lookup per
# character, a union with one test per member, and these two scan every description in full.
_SPACE = r"\p{IsWhite_Space}+"  # ASCII whitespace, no-break, ideographic and the other Unicode spaces
_ZERO_WIDTH = r"\p{Cf}"  # format characters: zero-width space/joiners, BOM, word joiner, soft hyphen
_SCRIPT_STYLE = r"(?is)<(script|style)\b[^>]*>.*?</\1\s*>"
_COMMENT = r"(?s)<!--.*?-->"
_BLOCK_TAG = rf"(?i)</?(?:{'|'.join(BLOCK_TAGS)})\b[^<>]*>"
_ANY_TAG = r"</?[a-zA-Z][^<>]*>"
_ENTITY = r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});"
_ENTITY_SPLIT = rf"(?={_ENTITY})|(?<=;)"  # every entity becomes a token of its own

_NOISE = rf"(?:{'|'.join(TITLE_NOISE)}|{TITLE_GENDER_NOISE})"
_NOISE_AREA = rf"(?:\s*[,-]?\s*(?:{_alternation(TITLE_NOISE_AREAS)}))?"
_NOISE_RUN = rf"{_NOISE}(?:\s*(?:[,/&+]|\s(?:or|and)\s)?\s*{_NOISE})*{_NOISE_AREA}"
_SEP = r"(?:\s*[,|·:]\s*|\s+[-–—]\s+)"
_TITLE_BRACKET_NOISE = rf"(?i)\s*[(\[][^()\[\]]*?(?<!\w){_NOISE}(?!\w)[^()\[\]]*[)\]]"
_TITLE_TRAILING_NOISE = rf"(?i){_SEP}{_NOISE_RUN}(?=\s*$|{_SEP})|\s+{TITLE_GENDER_NOISE}\s*$"
_TITLE_LEADING_NOISE = rf"(?i)^\s*{_NOISE_RUN}\s*[-–—|·:]\s*"
_TITLE_ABBREV_DOT = rf"(?i)\b({_alternation(TITLE_ABBREVIATIONS)})\."
_TITLE_TRAILING_LEVEL = rf"(?i)^(.+?)\s*(?:,|\s[-–—|]\s)\s*({_alternation(TITLE_TRAILING_LEVELS)})\s*$"
_TITLE_ENGINEERING = (
    rf"(?i)\beng\b(?=\s+(?:{_alternation(ENGINEERING_CONTEXT_AFTER)})\b)"
    rf"|(?<=\b(?:{_alternation(ENGINEERING_CONTEXT_BEFORE)})\s)eng\b"
)
_TITLE_DEVELOPMENT = (
    rf"(?i)\bdev\b(?=\s+(?:{_alternation(DEVELOPMENT_CONTEXT_AFTER)})\b)"
    rf"|(?<=\b(?:{_alternation(DEVELOPMENT_CONTEXT_BEFORE)})\s)dev\b"
)
# Split a title into words and the delimiters between them (zero-width, so nothing is lost).
_TOKEN_DELIMS = r"[\s/()\[\],&+-]"
_TOKEN_SPLIT = rf"(?<={_TOKEN_DELIMS})|(?={_TOKEN_DELIMS})"
_EDGE_PUNCT = r"^[\s,|·:/–—-]+|[\s,|·:/–—-]+$"


def _seniority_patterns() -> list[tuple[str, str]]:
    lead_false_friends = rf"(?![\s-]+(?:{_alternation(TITLE_LEAD_FALSE_FRIENDS)})\b)"
    staff = rf"\bstaff\s+(?:[\w-]+\s+){{0,2}}?{_words(STAFF_ROLES)}"
    patterns = []
    for level, words in TITLE_SENIORITY_WORDS:
        alternatives = [_words(words) + (lead_false_friends if level == "lead" else "")]
        alternatives += [staff] if level == "lead" else []
        numerals = [numeral for numeral, at in TITLE_NUMERAL_LEVELS.items() if at == level]
        if numerals:  # a roman level ends the title or comes right before a separator
            alternatives.append(rf"(?<=\s)(?:{_alternation(numerals)})\b(?=\s*(?:$|[-–—,(|/]))")
        patterns.append((level, "|".join(alternatives)))
    return patterns


_TITLE_SENIORITY_PATTERNS = _seniority_patterns()
_EMPLOYMENT_TYPE_PATTERNS = [(kind, _words(words)) for kind, words in EMPLOYMENT_TYPE_WORDS]
_WORKPLACE_PATTERNS = [(kind, _words(words)) for kind, words in WORKPLACE_WORDS]
_DESCRIPTION_PATTERNS = [
    ("remote", r"(?<!not\s)(?<!n't\s)" + _words(DESCRIPTION_REMOTE_PHRASES)),
    (
        "hybrid",
        rf"\bhybrid[\s-]+{_words(DESCRIPTION_HYBRID_NOUNS)}|\(hybrid\)"
        r"|\b(?:location|workplace|work\s+model|work\s+arrangement)\s*[:–-]\s*hybrid\b"
        r"|\b[1-4]\s+days?\s+(?:(?:a|per)\s+week\s+)?(?:in|at)\s+(?:the\s+|our\s+)?office\b",
    ),
]

_LOCATION_REMOTE = _words(LOCATION_REMOTE_WORDS)
_LOCATION_NOISE = (
    rf"(?i){_words(LOCATION_REMOTE_WORDS + LOCATION_WORKPLACE_WORDS)}"
    rf"(?:\s+{_words(LOCATION_REMOTE_QUALIFIERS)})*|{_words(MACRO_REGIONS)}"
    r"|\b\d{5}(?:-\d{4})?\b"  # US ZIP codes
)

_LEGAL_SUFFIX_RUN = rf"(?<=\S)(?:\s+(?:and\s+)?(?:{_alternation(LEGAL_SUFFIXES)}))+$"
_ACCENTED = "".join(ACCENTS.values())
_PLAIN = "".join(base * len(chars) for base, chars in ACCENTS.items())

# Spark map literals need a live session, so they are built per call from these dicts.
_US_STATE_KEYS = {c.lower(): c for c in US_STATES} | {n.lower(): c for c, n in US_STATES.items()}


# --- Text ----------------------------------------------------------------------------------


def _strip_tags(col: Column) -> Column:
    return F.regexp_replace(F.regexp_replace(col, _BLOCK_TAG, " "), _ANY_TAG, "")


def _collapse(col: Column) -> Column:
    return F.trim(F.regexp_replace(col, _SPACE, " "))


def _decode_entities(col: Column) -> Column:
    """Known entities decoded, unknown ones as a space, in one pass ("&amp;lt;" -> "&lt;")."""
    tokens = F.split(col, _ENTITY_SPLIT)
    decoded = F.transform(
        tokens,
        lambda token: F.coalesce(
            map_literal(HTML_ENTITIES)[token], F.when(token.rlike(f"^{_ENTITY}$"), F.lit(" ")), token
        ),
    )
    return F.array_join(decoded, "")


def _when_contains(text: Column, marker: str, change: Callable[[Column], Column]) -> Column:
    """`change(text)` where `text` holds `marker`, else `text` as it is: a byte search skips the regex passes."""
    return let(text, lambda t: F.when(t.contains(marker), change(t)).otherwise(t))


def _strip_markup(col: Column) -> Column:
    return _strip_tags(F.regexp_replace(F.regexp_replace(col, _SCRIPT_STYLE, " "), _COMMENT, " "))


def _without_zero_width(col: Column) -> Column:
    # format characters are all outside ASCII, and a text is ASCII when it has a byte per character
    return let(
        col, lambda t: F.when(F.length(t) == F.octet_length(t), t).otherwise(F.regexp_replace(t, _ZERO_WIDTH, ""))
    )


def clean_text(col: ColumnOrName) -> Column:
    """Text without HTML tags/entities, single-spaced, trimmed, "" as null: `"<p>R&amp;D</p>"` -> `"R&D"`.

    Most values hold no tag, entity or non-ASCII character: each pass runs only where it can apply.
    """
    text = _when_contains(_col(col), "<", _strip_markup)
    # feeds that entity-encode their HTML ("&lt;p&gt;...") only show tags after decoding
    text = _when_contains(_when_contains(text, "&", _decode_entities), "<", _strip_tags)
    return null_if_empty(_collapse(_without_zero_width(text)))


# --- Titles --------------------------------------------------------------------------------


def _case_token(token: Column) -> Column:
    """Casing of one title token: fixed vocabulary, kept acronym/brand ("GCP", "DevOps"), or capitalised."""
    return F.coalesce(
        map_literal(TITLE_CASING)[F.lower(token)],
        F.when(token.rlike(r"^(?=.*[A-Z])[A-Z0-9]{2,}$|[a-z].*[A-Z]"), token),
        F.initcap(token),
    )


def _lower_minor_words(col: Column) -> Column:
    for word in TITLE_MINOR_WORDS:  # "Head Of Data" -> "Head of Data"; a leading word keeps its capital
        col = F.regexp_replace(col, rf"(?<=\s){word.capitalize()}(?=\s)", word)
    return col


def normalise_title(col: ColumnOrName) -> Column:
    """Display title, de-noised, expanded and cased: `"Sr. Data Eng (m/f/d)"` -> `"Senior Data Engineer"`."""
    return normalise_clean_title(clean_text(col))


def normalise_clean_title(text: ColumnOrName) -> Column:
    """`normalise_title` of a title `clean_text` has cleaned (silver cleans each title once for three columns)."""
    # an all-caps title carries no casing information: lower it so acronyms come from the vocabulary
    text = let(_col(text), lambda t: F.when(t == F.upper(t), F.lower(t)).otherwise(t))
    text = F.regexp_replace(text, _TITLE_BRACKET_NOISE, " ")
    text = F.regexp_replace(text, _TITLE_LEADING_NOISE, "")
    text = F.regexp_replace(text, _TITLE_TRAILING_NOISE, "")
    text = F.regexp_replace(text, r"\(\s*\)|\[\s*\]", " ")
    text = F.regexp_replace(text, _TITLE_ABBREV_DOT + r"(?=\w)", "$1 ")  # "Sr.Engineer"
    text = F.regexp_replace(text, _TITLE_ABBREV_DOT, "$1")
    text = F.regexp_replace(_collapse(text), _TITLE_TRAILING_LEVEL, "$2 $1")
    text = F.regexp_replace(text, r"(?i)\bdev\s*ops\b", "DevOps")
    text = F.regexp_replace(text, _TITLE_ENGINEERING, "Engineering")  # "VP Eng", "Eng Manager"
    text = F.regexp_replace(text, _TITLE_DEVELOPMENT, "Development")  # "Business Dev", "Dev Manager"
    cased = F.array_join(F.transform(F.split(text, _TOKEN_SPLIT), _case_token), "")
    return null_if_empty(F.regexp_replace(_collapse(_lower_minor_words(cased)), _EDGE_PUNCT, ""))


_LEVEL_MODIFIERS = ["senior", "junior", "principal", "entry level", "mid level", "mid senior"]
_LEADING_LEVELS = (
    rf"(?i)^(?:(?:{_alternation(_LEVEL_MODIFIERS)}|lead(?![\s-]+(?:{_alternation(TITLE_LEAD_FALSE_FRIENDS)})\b)"
    rf"|staff(?=\s+(?:[\w-]+\s+){{0,2}}?{_words(STAFF_ROLES)}))[\s-]+)+"
)
_TRAILING_NUMERAL = rf"(?i)\s+(?:{_alternation(TITLE_NUMERAL_LEVELS)}|ii)$"


def title_without_level(title: ColumnOrName) -> Column:
    """A normalised title without its level: `"Senior Data Engineer"` -> `"Data Engineer"`.

    Leading level modifiers (senior, junior, lead, principal, staff before an engineering role,
    entry/mid level) and a trailing roman level go; roles that are levels in themselves
    ("Director of Finance", "Head of Data", "Team Lead") stay. A title that is nothing but a
    level keeps it.
    """
    return let(
        _col(title),
        lambda full: let(
            F.regexp_replace(F.regexp_replace(full, _LEADING_LEVELS, ""), _TRAILING_NUMERAL, ""),
            lambda bare: F.when(bare == "", full).otherwise(bare),
        ),
    )


def canonical_title(col: ColumnOrName) -> Column:
    """The title every level of a role agrees on: `"Sr. Data Eng"`, `"Data Engineer, Senior"` -> `"Data Engineer"`."""
    return title_without_level(normalise_title(col))


# --- Seniority -----------------------------------------------------------------------------


def title_seniority(col: ColumnOrName) -> Column:
    """Seniority level from a raw title (`vocab.TITLE_SENIORITY_WORDS`): `"Sr. Data Eng"` -> `"senior"`."""
    return clean_title_seniority(clean_text(col))


def clean_title_seniority(text: ColumnOrName) -> Column:
    """`title_seniority` of a title `clean_text` has cleaned."""
    return _first_match(_col(text), _TITLE_SENIORITY_PATTERNS, default="mid")


def with_seniority_level(col: ColumnOrName) -> Column:
    """LinkedIn `seniority_level` in the shared vocabulary, else null. `"Mid-Senior level"` -> `"mid"`."""
    key = F.regexp_replace(F.lower(clean_text(col)), r"[\s_-]+", " ")
    key = F.regexp_replace(key, r" level$", "")
    return map_literal(LINKEDIN_SENIORITY)[key]


# --- Companies -----------------------------------------------------------------------------


def company_key(col: ColumnOrName) -> Column:
    """Match key: lower-case ASCII, no punctuation or legal suffixes: `"ACME Corp., Inc."` -> `"acme"`."""
    key = F.translate(F.lower(clean_text(col)), _ACCENTED, _PLAIN)
    for ligature, plain in LIGATURES.items():
        key = F.replace(key, F.lit(ligature), F.lit(plain))
    key = F.regexp_replace(key, r"\s*&\s*", " and ")
    key = F.regexp_replace(key, r"[.'’`]", "")  # "S.A." -> "sa", "O'Neil" -> "oneil"
    key = _collapse(F.regexp_replace(key, r"[^\p{L}\p{N}]+", " "))
    return null_if_empty(F.regexp_replace(key, _LEGAL_SUFFIX_RUN, ""))


def company_display(col: ColumnOrName) -> Column:
    """Company name for display, legal suffix kept: `" Acme  Corp. "` -> `"Acme Corp."`."""
    return clean_text(col)


# --- Locations -----------------------------------------------------------------------------


def _location_key(part: Column) -> Column:
    return F.lower(F.regexp_replace(part, r"\.", ""))


def _location_parts(text: Column) -> Column:
    """Comma-separated parts of a location without remote/workplace words, areas, ZIP codes or brackets."""
    rest = F.regexp_replace(F.regexp_replace(text, _LOCATION_NOISE, " "), r"[()\[\]]", " ")
    rest = F.regexp_replace(rest, r"\s+[-–—|/]\s+|\s*[|;/]\s*", ",")
    return F.filter(F.transform(F.split(rest, ","), lambda part: F.trim(part)), lambda part: part != "")


def _location_lookups(part: Column) -> Column:
    """A part with its vocabulary lookups, so each map is consulted once per part."""
    key = _location_key(part)
    return F.struct(
        part.alias("name"),
        map_literal(_US_STATE_KEYS)[key].alias("state"),
        map_literal(UK_NATIONS)[key].alias("nation"),
        map_literal(COUNTRIES)[key].alias("country"),
    )


def _location_struct(text: Column, parts: Column) -> Column:
    n = F.size(parts)
    # `when` guards keep an index in bounds, so this works with spark.sql.ansi.enabled too
    first = F.when(n >= 1, parts[0])
    last = F.when(n >= 1, parts[n - 1])
    before_last = F.when(n >= 2, parts[n - 2])
    last_is_region = last["state"].isNotNull() | last["nation"].isNotNull()
    first_is_region = first["state"].isNotNull() | first["nation"].isNotNull()
    has_country = last["country"].isNotNull()
    country = F.coalesce(
        last["country"],
        F.when(last["state"].isNotNull(), F.lit("United States")),
        F.when(last["nation"].isNotNull(), F.lit("United Kingdom")),
        F.when(n >= 3, last["name"]),  # "Sydney, New South Wales, Australia": trust the third part
    )
    region = (
        F.when(has_country & (n >= 3), before_last)
        .when(has_country & (n == 2) & first_is_region, first)
        .when(~has_country & last_is_region, last)
        .when(~has_country & (n >= 3), before_last)
        .when(~has_country & (n == 2), last)  # "Toronto, ON": a region we do not know, so no country
    )
    region_name = F.coalesce(
        F.when(country == "United States", region["state"]),
        F.when(country == "United Kingdom", region["nation"]),
        region["name"],
    )
    is_country_or_region_only = (n == 1) & (has_country | last_is_region)
    is_region_then_country = (n == 2) & has_country & first_is_region
    city = F.when(~is_country_or_region_only & ~is_region_then_country, first["name"])
    return F.struct(
        city.alias("city"),
        region_name.alias("region"),
        country.alias("country"),
        text.rlike(f"(?i){_LOCATION_REMOTE}").alias("is_remote"),
    )


def parse_location(col: ColumnOrName) -> Column:
    """Struct city/region/country/is_remote: `"Austin, TX"` -> `(Austin, TX, United States, false)`."""
    return let(
        clean_text(col),
        lambda text: F.when(
            text.isNotNull(),
            let(
                F.transform(_location_parts(text), _location_lookups),
                lambda parts: _location_struct(text, parts),
            ),
        ),
    )


# --- Workplace and employment --------------------------------------------------------------


def workplace_type(location_col: ColumnOrName, workplace_col: ColumnOrName, description_col: ColumnOrName) -> Column:
    """remote/hybrid/on_site from the workplace field, else the location, else the description, else null."""
    workplace = F.replace(clean_text(workplace_col), F.lit("_"), F.lit(" "))  # "ON_SITE"
    location, description = clean_text(location_col), clean_text(description_col)
    explicit = _first_match(workplace, _WORKPLACE_PATTERNS)
    from_location = _first_match(location, _WORKPLACE_PATTERNS[:2])  # an office address says nothing
    from_description = _first_match(description, _DESCRIPTION_PATTERNS)
    return F.coalesce(explicit, from_location, from_description)


def employment_type(col: ColumnOrName) -> Column:
    """Employment type (`vocab.EMPLOYMENT_TYPES`), null if empty: `"FULL_TIME"` -> `"full_time"`."""
    text = F.replace(clean_text(col), F.lit("_"), F.lit(" "))  # "FULL_TIME": "_" is a word character
    return _first_match(text, _EMPLOYMENT_TYPE_PATTERNS, default="other")
