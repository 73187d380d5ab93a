"""Salary parsing for the silver job: one struct from a posting's salary text and structured fields.

`parse_salary` is a pure `Column -> Column` expression built from `pyspark.sql.functions` only
(regexes, `when`, higher-order functions; no UDFs). The rules, in the order they apply:

1. Amounts. When the source gives a structured min or max (numbers or numeric strings; zero or
   negative counts as absent) the structured pair wins as given; otherwise the first salary
   expression in the text is parsed: a figure, or two joined by "-", "–", "to", "and" or "up to".
   Numbers that are not money are removed before searching ("Band 5", "Salary Range 3", "75%",
   "37.5 hours per week", "12-month", "10 PAs", "9am", "1st", "2020/21", "April 2020", "24/7",
   UK postcodes, phone numbers, job references).
2. Figures. "k" multiplies by 1,000; "m" by 1,000,000 only right before the end, a space, a dash,
   "+", ")", "," or ";" ("£1.2m", never "£2000month"); "lakh"/"LPA" by 100,000, "crore" by
   10,000,000. Separators (see `_amount`): the last of "," and "." is the decimal mark when both
   appear ("€1.234,56"); a lone "," before 1-2 final digits is a decimal comma ("45,50 €"), other
   commas group thousands (Indian lakh grouping "5,00,000" too); a dot followed by exactly three
   digits and the end of the number groups thousands when the currency is EUR ("€60.000") or the
   number has several such groups ("1.500.000"), else a dot is decimal ("25.50", "60.00", and
   "£25.500" is 25.5). Thousands split by a space next to a currency symbol ("£30 615",
   "60 000 €"), by ", " ("£37, 020") or by an apostrophe ("CHF 120'000") are joined.
   In a range, a bare lower figure takes the upper one's multiplier when that keeps it below
   ("£45-55k" is 45,000-55,000; "$500 - 1k" stays 500-1,000); a bare whole lower figure whose
   thousand-fold lies between half the upper figure and the upper figure is shorthand ("£30 -
   £35,000"); and a "d.ddd" figure under 1/100 of the other is read with a thousands dot
   ("£82.096 - £110,683", a common typo).
3. One figure gives min = max, except after "up to"/"max" (min null) and after "from"/"starting
   at"/"min" or before an attached "+" (max null). Finally min > max is swapped.
4. Currency: an ISO code (upper case), a prefixed dollar ("C$", "A$", "NZ$", "US$"...), "£", "€",
   "₹" or "Rs" in the salary expression; else, for a bare "$" there, the dollar the text names
   anywhere ("Salary (AUD): $120k", "C$") or USD; else any of those markers in the text, else a
   currency word ("euros", "pounds", "lakh"...). A "£5k relocation" elsewhere never makes "$90k"
   pounds.
5. Period: the first period phrase in the text (hour: "per hour", "/hr", "p/h", "hourly"; day:
   "a day", "daily", "per diem", "day rate"; week: "pw", "weekly"; month: "pcm", "/month",
   "monthly"; year: "a year", "/yr", "per annum", "p.a.", "annual" but not "annual leave",
   "LPA"), else "salary"/"pro rata" (year); a quantity's rate goes with it ("37.5 hours per week").
   A structured period ("YEAR", "hourly") reads as "per <word>". Structured currency and period
   win alongside structured amounts and fill gaps in parsed ones. With no period at all it is
   inferred from the larger amount: below 500 an hour, below 2,000 a day, below 15,000 a month,
   else a year (`HOURLY_BELOW`, `DAILY_BELOW`, `MONTHLY_BELOW`).
6. Annual amounts multiply by `ANNUAL_FACTORS`. With no amount at all every field is null
   ("Competitive", "DOE", "Negotiable"), so a currency or period never stands alone.
"""

from __future__ import annotations

from pyspark.sql import Column
from pyspark.sql import functions as F

from streaming.normalise import ColumnOrName, _col, _first_match, clean_text, let, map_literal, null_if_empty

__all__ = ["ANNUAL_FACTORS", "SALARY_DDL", "parse_salary"]

# --- Constants -----------------------------------------------------------------------------

HOURS_PER_YEAR = 2_080  # 40 hours a week x 52 weeks
DAYS_PER_YEAR = 260  # 5 working days a week x 52 weeks
WEEKS_PER_YEAR = 52
MONTHS_PER_YEAR = 12
ANNUAL_FACTORS = {
    "hour": HOURS_PER_YEAR,
    "day": DAYS_PER_YEAR,
    "week": WEEKS_PER_YEAR,
    "month": MONTHS_PER_YEAR,
    "year": 1,
}

# Period inferred from the larger amount when neither text nor source names one:
# below 500 an hourly rate, below 2,000 a day rate, below 15,000 a monthly salary, else a yearly one.
HOURLY_BELOW = 500
DAILY_BELOW = 2_000
MONTHLY_BELOW = 15_000

SALARY_DDL = (
    "salary_min double, salary_max double, salary_currency string, salary_period string, "
    "salary_annual_min double, salary_annual_max double"
)

# --- Currencies ----------------------------------------------------------------------------

_ISO_CODES = (
    "USD", "GBP", "EUR", "INR", "CAD", "AUD", "NZD", "CHF", "SGD", "HKD",
    "JPY", "CNY", "SEK", "NOK", "DKK", "PLN", "ZAR", "AED", "BRL", "MXN",
)  # fmt: skip
_DOLLAR_PREFIXES = {
    "us": "USD", "c": "CAD", "ca": "CAD", "can": "CAD", "a": "AUD", "au": "AUD", "nz": "NZD",
    "hk": "HKD", "s": "SGD", "sg": "SGD", "r": "BRL", "mx": "MXN",
}  # fmt: skip
_CURRENCY_WORDS = {
    "euro": "EUR", "euros": "EUR", "pound": "GBP", "pounds": "GBP", "sterling": "GBP", "dollar": "USD",
    "dollars": "USD", "rupee": "INR", "rupees": "INR", "lakh": "INR", "lakhs": "INR", "lac": "INR",
    "lacs": "INR", "lpa": "INR", "crore": "INR", "crores": "INR",
}  # fmt: skip
# marker (lower case, no spaces or dots) -> ISO code; an ISO code found in text maps to itself
_CURRENCY_MARKERS = (
    {f"{prefix}$": code for prefix, code in _DOLLAR_PREFIXES.items()}
    | {"$": "USD", "£": "GBP", "€": "EUR", "₹": "INR", "rs": "INR"}
    | _CURRENCY_WORDS
)

_CODE = rf"(?-i:(?<![A-Za-z])(?:{'|'.join(_ISO_CODES)})(?![A-Za-z]))"  # upper case only: "eur" is no code
_PREFIXED_DOLLAR = rf"(?<![a-z])(?:{'|'.join(sorted(_DOLLAR_PREFIXES, key=len, reverse=True))})\$"
_RUPEES = r"(?<![a-z])rs\.?(?=\s?\d)"
_CURRENCY = rf"(?:{_PREFIXED_DOLLAR}|{_CODE}|{_RUPEES}|[£€₹$])"
_DOLLAR_CODES = ("USD", "CAD", "AUD", "NZD", "SGD", "HKD", "MXN", "BRL")
# a dollar named anywhere in the text says which dollar a bare "$" is
_DOLLAR_CURRENCY = rf"(?i){_PREFIXED_DOLLAR}|(?-i:(?<![A-Za-z])(?:{'|'.join(_DOLLAR_CODES)})(?![A-Za-z]))"
# a marker naming one currency, versus a bare "$" or a currency word
_STRONG_CURRENCY = rf"(?i){_PREFIXED_DOLLAR}|{_CODE}|{_RUPEES}|[£€₹]"
_CURRENCY_WORD = rf"(?<![a-z])(?:{'|'.join(sorted(_CURRENCY_WORDS, key=len, reverse=True))})(?![a-z])"
_WEAK_CURRENCY = rf"(?i)\$|{_CURRENCY_WORD}"

# --- Figures and the salary expression -----------------------------------------------------

_NUM = r"\d+(?:[.,]\d+)*"
_MULTIPLIER = (
    r"(?:\s?(?:k|lakhs?|lacs?|lpa|crores?|cr)(?![a-z])"
    r"|\s?k(?=p\.?[ahwdm]|pcm)"  # "£30kpa"
    r"|m(?=$|[\s+),;\-–—]))"  # "£1.2m", never "£2000month"
)
_MULTIPLIERS = {
    "k": 1e3, "m": 1e6, "lakh": 1e5, "lakhs": 1e5, "lac": 1e5, "lacs": 1e5, "lpa": 1e5,
    "cr": 1e7, "crore": 1e7, "crores": 1e7,
}  # fmt: skip
# a figure starts at a currency marker or at a digit not glued to a word ("B2B", "Covid-19")
_FIGURE = rf"(?:{_CURRENCY}\s?|(?<![a-z\d.,])(?<![a-jln-z]-)){_NUM}(?:{_MULTIPLIER})?"
_FIGURE_PARTS = rf"(?i)^({_NUM})\s?(.*)$"
_FIGURE_TOKEN = rf"(?i){_NUM}(?:{_MULTIPLIER})?"
_RANGE_JOIN = r"\s*(?:[-–—~]+|(?<![a-z])(?:(?:up\s+)?to|and|bis|until)(?![a-z]))\s*"
_UP_TO = r"up\s*to|upto|max(?:imum)?(?:\s+of)?|not\s+exceeding|bis\s+zu"
_FROM = r"from|starting\s+(?:at|from)|min(?:imum)?(?:\s+of)?|at\s+least|ab"
# group 1: "up to"/"from" qualifier, group 2: the figures, group 3: an attached "+"
_SALARY = (
    rf"(?i)(?:(?<![a-z])({_UP_TO}|{_FROM})(?![a-z])\s*:?\s*)?"
    rf"({_FIGURE}(?:{_RANGE_JOIN}{_FIGURE})?)(\+)?(?:\s?(?:{_CODE}|[£€₹$]))?"
)

# thousands split by a space: "£37, 020", and "£30 615" / "60 000 €" next to a currency symbol
_SPACED_THOUSANDS = [
    (r"(?<![\d.,])(\d{1,3}),\s(\d{3})(?!\d|[.,]\d)", "$1,$2"),
    (r"(?<=[£€₹$]\s?)(\d{1,3})\s(\d{3})(?!\d|[.,]\d)", "$1$2"),
    (r"(?<![\d.,])(\d{1,3})\s(\d{3})(?=\s?[£€₹$])", "$1$2"),
    (r"(?<=\d)['’](?=\d{3}(?!\d))", ""),  # Swiss grouping: "CHF 120'000"
]
_NOT_MONEY = "|".join(
    [
        # pay bands, grades and spine points: "Band 5", "Band 8a-8b", "Grade 6/7", "Salary Range 3"
        r"(?<![a-z])(?:bands?|grades?|levels?|(?:spine\s+)?points?|steps?|tiers?|scales?|afc)\s*:?\s*"
        r"\d{1,2}[a-d]?(?:\s*(?:[-–/&,]|to|and|or)\s*\d{1,2}[a-d]?)*(?!\d|[.,]\d|\s?k(?![a-z]))",
        r"(?<![a-z])range\s*:?\s*\d(?!\d|[.,]\d|\s?k(?![a-z])|\s*[-–])",  # not "range 45-55k"
        r"\d+(?:[.,]\d+)?\s*%",
        # quantities with their rate: "37.5 hours per week", "3 days a week", "12-month", "10 PA's"
        r"(?<![£€₹$\d.,])(?<![£€₹$]\s)\d+(?:[.,]\d+)?(?:\s*(?:-|–|to)\s*\d+(?:[.,]\d+)?)?[\s-]*"
        r"(?:hours?|hrs?|days?|weeks?|wks?|months?|mths?|years?|yrs?|sessions?|nights?|shifts?|"
        r"programmed\s+activities)(?![a-z])"
        r"(?:\s*(?:per|an?|each|/|p\.?/?)\s*(?:week|wk|w|day|d|month|year|annum|shift|fortnight)(?![a-z]))?",
        r"(?<![£€₹$\d.,])(?<![£€₹$]\s)\d{1,2}\s*pa'?s?(?![a-z])",  # NHS programmed activities: "10 PAs"
        r"(?<![£€₹$\d.,])\d{1,2}(?:[:.]\d{2})?\s?[ap]\.?m\.?(?![a-z])",  # times: "9am", "5.30 pm"
        r"\d+(?:st|nd|rd|th)(?![a-z])",  # ordinals: "1st April"
        r"(?<![£€₹$\d.,])(?:19|20)\d{2}\s*/\s*(?:19|20)?\d{2}(?!\d)",  # financial years: "2020/21"
        r"(?<![a-z])(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(?:19|20)\d{2}(?!\d)",
        r"(?<![\d.,])\d{1,2}/\d{1,2}/\d{2,4}(?!\d)",  # dates: "01/04/2020"
        r"24\s*/\s*7",
        r"(?-i:(?<![A-Za-z])[A-Z]{1,2}\d[A-Z\d]?\s+\d[A-Z]{2}(?![A-Za-z]))",  # UK postcodes: "NP22 5PW"
        r"(?<![\d.,])0\d{2,4}[\s-]?\d{3}[\s-]?\d{3,4}(?!\d)",  # phone numbers: "01206 918 701"
        r"(?<![a-z])(?:ref(?:erence)?|job\s*(?:id|no)|vacancy\s*(?:id|no))\.?\s*(?:no\.?|number|id)?\s*[:#]?\s*"
        r"[\w/-]*\d[\w/-]*",
    ]
)

# --- Periods -------------------------------------------------------------------------------

_END = r"(?![a-z])"
_QUALIFIED = r"(?:(?<![a-z])(?:per|an?|each|every|pro|im|par)\s*|/\s*)"
_ABBREVIATED = r"(?<![a-jl-z])p\.?/?"  # "pa", "p.a.", "p/h", "£30kpa"; a "k" may come right before
# period -> (units after per/a/an/pro/par/"/", units after "/" only, letters after "p", words on their own);
# English first, with the German and French phrases job boards use ("pro Monat", "par an")
_PERIOD_PHRASES = {
    "hour": (r"hours?|hrs?|stunde|heure", r"h|std", r"h|hr", r"hourly|stündlich"),
    "day": (r"days?|diem|tag|jour", r"d", r"d", r"daily|day\s+rate|täglich"),
    "week": (r"weeks?|wk|woche|semaine", r"w", r"w", r"weekly|wöchentlich"),
    "month": (r"(?:calendar\s+)?months?|mth|mnth|monat|mois", r"mo|m", r"m|cm|c\.m", r"monthly|monatlich|mensuel"),
    "year": (
        r"years?|yr|annum|anum|jahr|année",
        r"y|a|an",
        r"a",
        r"yearly|annual(?:ly)?(?!\s+leave)|annum|jährlich|annuel|par\s+an|lpa",  # a lone "an" is English
    ),
}
_PERIOD_PATTERNS = [
    (
        period,
        rf"{_QUALIFIED}(?:{units}){_END}|/\s*(?:{short}){_END}|{_ABBREVIATED}(?:{letters})\.?{_END}"
        rf"|(?<![a-z])(?:{words}){_END}",
    )
    for period, (units, short, letters, words) in _PERIOD_PHRASES.items()
]
_ANY_PERIOD = "(?i)" + "|".join(f"(?:{pattern})" for _, pattern in _PERIOD_PATTERNS)
_ANCHORED_PERIODS = [(period, f"^(?:{pattern})$") for period, pattern in _PERIOD_PATTERNS]
_YEARLY_HINT = r"(?i)(?<![a-z])(?:salary|salaries|gehalt|pro[\s-]*rata|ctc)(?![a-z])"


# --- Helpers -------------------------------------------------------------------------------


def _currency_of(marker: Column) -> Column:
    """ISO code of a currency marker found by the regexes above ("C$" -> CAD, "GBP" -> GBP), null for ""."""
    key = F.regexp_replace(F.lower(marker), r"[\s.]", "")
    return F.when(marker != "", F.coalesce(map_literal(_CURRENCY_MARKERS)[key], F.upper(marker)))


def _text_currency(expression: Column, text: Column) -> Column:
    """Currency of a salary expression within its text (module docstring, rule 4)."""
    dollar = F.coalesce(_currency_of(F.regexp_extract(text, _DOLLAR_CURRENCY, 0)), F.lit("USD"))
    return F.coalesce(
        _currency_of(F.regexp_extract(expression, _STRONG_CURRENCY, 0)),
        F.when(expression.contains("$"), dollar),
        _currency_of(F.regexp_extract(text, _STRONG_CURRENCY, 0)),
        _currency_of(F.regexp_extract(expression, _WEAK_CURRENCY, 0)),
        _currency_of(F.regexp_extract(text, _WEAK_CURRENCY, 0)),
    )


def _field_currency(value: Column) -> Column:
    """A source's currency field: any three-letter code as given (upper-cased), else a marker ("$")."""
    field = F.trim(value)
    return F.when(field.rlike("^[A-Za-z]{3}$"), F.upper(field)).otherwise(
        _currency_of(F.regexp_extract(field, rf"{_STRONG_CURRENCY}|\$|{_CURRENCY_WORD}", 0))
    )


def _period_of(text: Column) -> Column:
    """hour/day/week/month/year of the first period phrase in `text`, else null."""
    return _first_match(null_if_empty(F.lower(F.regexp_extract(text, _ANY_PERIOD, 0))), _ANCHORED_PERIODS)


def _amount(number: Column, is_eur: Column) -> Column:
    """A number string ("120,000", "60.000", "1.234,56", "25.50", "5,00,000") as a double, else null.

    Both "," and "." present: the last one is the decimal mark. Only ",": decimal before exactly 1-2
    final digits after a single comma ("45,50"), else thousands. Only ".": thousands in "d.ddd.ddd"
    (several groups) or, for EUR, in "d.ddd" (one group); else decimal ("25.500" in GBP is 25.5).
    """

    def parse(s: Column) -> Column:
        has_dot, has_comma = s.contains("."), s.contains(",")
        is_dot_thousands = s.rlike(r"^\d{1,3}(?:\.\d{3}){2,}$") | (
            F.coalesce(is_eur, F.lit(False)) & s.rlike(r"^\d{1,3}\.\d{3}$")
        )
        plain = (
            F.when(has_dot & has_comma & s.rlike(r",\d+$"), F.translate(s, ",.", "."))
            .when(has_dot & has_comma, F.translate(s, ",", ""))
            .when(s.rlike(r"^\d+,\d{1,2}$"), F.translate(s, ",", "."))
            .when(has_comma, F.translate(s, ",", ""))
            .when(is_dot_thousands, F.translate(s, ".", ""))
            .when(s.rlike(r"^\d{1,3}(?:\.\d{3})+\.\d{1,2}$"), F.regexp_replace(s, r"\.(?=.*\.)", ""))
            .otherwise(s)
        )
        # cast only what is surely a number: an invalid string would fail under ANSI mode
        return let(plain, lambda p: F.when(p.rlike(r"^\d+(?:\.\d+)?$"), p.cast("double")))

    return let(number, parse)


def _figure(token: Column, is_eur: Column) -> Column:
    """`struct(base, multiplier, grouped)` of a figure token: "55k" -> (55.0, 1000.0, null).

    `grouped` is the value with its dot read as a thousands separator, for a "d.ddd" figure only.
    """
    number = F.regexp_extract(token, _FIGURE_PARTS, 1)
    word = F.lower(F.trim(F.regexp_extract(token, _FIGURE_PARTS, 2)))
    multiplier = map_literal({name: str(times) for name, times in _MULTIPLIERS.items()})[word].cast("double")
    return F.struct(
        _amount(number, is_eur).alias("base"),
        F.coalesce(multiplier, F.lit(1.0)).alias("multiplier"),
        F.when(number.rlike(r"^\d{1,3}\.\d{3}$"), F.translate(number, ".", "").cast("double")).alias("grouped"),
    )


def _field_amount(value: Column, is_eur: Column) -> Column:
    """A structured min/max (number or numeric string, "£28,333" too) as a positive double, else null."""
    field = F.trim(value)
    amount = F.when(field.rlike(r"^\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$"), field.cast("double")).otherwise(
        _amount(F.regexp_extract(field, _NUM, 0), is_eur)
    )
    return let(amount, lambda a: F.when(a > 0, a))


def _text_range(figures: Column, qualifier: Column, has_plus: Column) -> Column:
    """`struct(low, high)` of the parsed figures (module docstring, rules 2-3)."""
    first, second = F.get(figures, 0), F.get(figures, 1)
    value = first["base"] * first["multiplier"]
    upper = second["base"] * second["multiplier"]
    is_bare_low = first["multiplier"] == 1
    borrowed = first["base"] * second["multiplier"]  # "£45-55k"
    shorthand = first["base"] * 1_000  # "£30 - £35,000"
    low = (
        F.when(is_bare_low & (second["multiplier"] > 1) & (borrowed <= upper), borrowed)
        .when(
            is_bare_low
            & (second["multiplier"] == 1)
            & (first["base"] == F.floor(first["base"]))
            & (shorthand <= upper)
            & (shorthand * 2 >= upper),
            shorthand,
        )
        .when(first["grouped"].isNotNull() & (value * 100 < upper), first["grouped"] * first["multiplier"])
        .otherwise(value)
    )
    high = F.when(second["grouped"].isNotNull() & (upper * 100 < value), second["grouped"] * second["multiplier"])
    is_up_to = F.lower(qualifier).rlike(f"^(?:{_UP_TO})$")
    is_from = F.lower(qualifier).rlike(f"^(?:{_FROM})$") | has_plus
    is_range = second.isNotNull()
    return F.struct(
        F.when(is_range, low).when(~is_up_to, value).alias("low"),
        F.when(is_range, F.coalesce(high, upper)).when(~is_from, value).alias("high"),
    )


def _inferred_period(amount: Column) -> Column:
    return (
        F.when(amount < HOURLY_BELOW, F.lit("hour"))
        .when(amount < DAILY_BELOW, F.lit("day"))
        .when(amount < MONTHLY_BELOW, F.lit("month"))
        .when(amount.isNotNull(), F.lit("year"))
    )


def _annual(amount: Column, period: Column) -> Column:
    factor = F.lit(None).cast("double")
    for name, times in ANNUAL_FACTORS.items():
        factor = F.when(period == name, F.lit(float(times))).otherwise(factor)
    return amount * factor


# --- The salary struct ---------------------------------------------------------------------


def _found(text: Column, min_field: Column, max_field: Column, currency_field: Column, period_field: Column) -> Column:
    """Stage 1: the salary expression in the de-noised text and the source's fields, as strings."""
    searchable = F.regexp_replace(text, f"(?i){_NOT_MONEY}", " ")
    for pattern, replacement in _SPACED_THOUSANDS:
        searchable = F.regexp_replace(searchable, pattern, replacement)
    field_strings = (
        min_field.cast("string").alias("min"),
        max_field.cast("string").alias("max"),
        _field_currency(currency_field.cast("string")).alias("field_currency"),
        _period_of(F.concat(F.lit("per "), F.trim(period_field.cast("string")))).alias("field_period"),
    )
    return let(
        searchable,
        lambda s: F.struct(
            s.alias("text"),
            F.regexp_extract(s, _SALARY, 0).alias("expression"),
            F.regexp_extract(s, _SALARY, 1).alias("qualifier"),
            (F.regexp_extract(s, _SALARY, 3) == "+").alias("has_plus"),
            F.regexp_extract(s, _SALARY, 2).alias("figures"),
            *field_strings,
        ),
    )


def _labelled(found: Column) -> Column:
    """Stage 2: the currency and period the text names, next to what stage 1 found."""
    text = found["text"]
    return F.struct(
        found.alias("found"),
        _text_currency(found["expression"], text).alias("text_currency"),
        F.coalesce(_period_of(text), F.when(text.rlike(_YEARLY_HINT), F.lit("year"))).alias("text_period"),
    )


def _read(labelled: Column) -> Column:
    """Stage 3: the amounts, each read with the currency it belongs to (for the EUR dot rule)."""
    found, text_currency = labelled["found"], labelled["text_currency"]
    field_is_eur = F.coalesce(found["field_currency"], text_currency) == "EUR"
    text_is_eur = F.coalesce(text_currency, found["field_currency"]) == "EUR"
    figures = F.transform(
        F.regexp_extract_all(found["figures"], F.lit(_FIGURE_TOKEN), 0), lambda token: _figure(token, text_is_eur)
    )
    return F.struct(
        _field_amount(found["min"], field_is_eur).alias("field_min"),
        _field_amount(found["max"], field_is_eur).alias("field_max"),
        found["field_currency"].alias("field_currency"),
        found["field_period"].alias("field_period"),
        let(figures, lambda f: _text_range(f, found["qualifier"], found["has_plus"])).alias("text_range"),
        text_currency.alias("text_currency"),
        labelled["text_period"].alias("text_period"),
    )


def _chosen(read: Column) -> Column:
    """Stage 4: the structured record when it has an amount, else the text; min <= max."""
    use_fields = read["field_min"].isNotNull() | read["field_max"].isNotNull()
    low = F.when(use_fields, read["field_min"]).otherwise(read["text_range"]["low"])
    high = F.when(use_fields, read["field_max"]).otherwise(read["text_range"]["high"])
    currency = F.when(use_fields, F.coalesce(read["field_currency"], read["text_currency"])).otherwise(
        F.coalesce(read["text_currency"], read["field_currency"])
    )
    period = F.when(use_fields, F.coalesce(read["field_period"], read["text_period"])).otherwise(
        F.coalesce(read["text_period"], read["field_period"])
    )
    return let(
        F.struct(low.alias("low"), high.alias("high"), currency.alias("currency"), period.alias("period")),
        lambda c: F.struct(
            F.when(c["low"] > c["high"], c["high"]).otherwise(c["low"]).alias("low"),
            F.when(c["low"] > c["high"], c["low"]).otherwise(c["high"]).alias("high"),
            c["currency"].alias("currency"),
            c["period"].alias("period"),
        ),
    )


def _salary_struct(chosen: Column) -> Column:
    """Stage 5: period inferred when missing, annual amounts, all null without an amount."""
    has_amount = chosen["low"].isNotNull() | chosen["high"].isNotNull()
    period = F.coalesce(chosen["period"], _inferred_period(F.greatest(chosen["low"], chosen["high"])))
    return let(
        F.when(has_amount, period),
        lambda p: F.struct(
            chosen["low"].alias("salary_min"),
            chosen["high"].alias("salary_max"),
            F.when(has_amount, chosen["currency"]).alias("salary_currency"),
            p.alias("salary_period"),
            _annual(chosen["low"], p).alias("salary_annual_min"),
            _annual(chosen["high"], p).alias("salary_annual_max"),
        ),
    )


def parse_salary(
    text_col: ColumnOrName,
    min_col: ColumnOrName,
    max_col: ColumnOrName,
    currency_col: ColumnOrName,
    period_col: ColumnOrName,
) -> Column:
    """Salary struct (`SALARY_DDL`) from the source's fields, else its text; rules in the module docstring.

    `"£45k-£55k"` -> `(45000.0, 55000.0, "GBP", "year", 45000.0, 55000.0)`; `"$55/hr"` ->
    `(55.0, 55.0, "USD", "hour", 114400.0, 114400.0)`. With no period named, one is inferred from
    the larger amount: below 500 hour, below 2,000 day, below 15,000 month, else year. Pass
    `F.lit(None)` for fields a source lacks.
    """
    found = _found(clean_text(text_col), _col(min_col), _col(max_col), _col(currency_col), _col(period_col))
    stages = (_labelled, _read, _chosen, _salary_struct)  # each stage's struct is computed once
    salary = found
    for stage in stages:
        salary = let(salary, stage)
    return salary
