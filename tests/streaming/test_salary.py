"""streaming.salary: salary text and structured fields to one struct, built-in functions only."""

from __future__ import annotations

import json

import pytest
from chispa import assert_df_equality
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from ingestion.data_paths import shared_data_dir
from streaming import salary as S

FIELDS_DDL = "text string, min string, max string, currency string, period string"
NONE = (None, None, None, None, None, None)

# (text, (min, max, currency, period, annual_min, annual_max))
TEXT_CASES = [
    ("$120,000 - $150,000 a year", (120e3, 150e3, "USD", "year", 120e3, 150e3)),  # US range with commas
    ("$120k-$150k", (120e3, 150e3, "USD", "year", 120e3, 150e3)),  # k suffix, period inferred
    ("$55 - $65 an hour", (55, 65, "USD", "hour", 114_400, 135_200)),  # hourly range
    ("$55/hr", (55, 55, "USD", "hour", 114_400, 114_400)),  # "/hr", one figure: min = max
    ("$25.50 per hour", (25.5, 25.5, "USD", "hour", 53_040, 53_040)),  # decimal dot
    ("£45k-£55k", (45e3, 55e3, "GBP", "year", 45e3, 55e3)),  # pounds, k on both
    ("£45,000 per annum", (45e3, 45e3, "GBP", "year", 45e3, 45e3)),  # per annum
    ("€60.000 - €75.000 per year", (60e3, 75e3, "EUR", "year", 60e3, 75e3)),  # EUR thousands dot
    ("60.000 € brutto/Jahr", (60e3, 60e3, "EUR", "year", 60e3, 60e3)),  # symbol after, German period
    ("€3.500 brutto pro Monat", (3500, 3500, "EUR", "month", 42e3, 42e3)),  # German monthly
    ("€1.234,56 pro Monat", (1234.56, 1234.56, "EUR", "month", 14_814.72, 14_814.72)),  # decimal comma
    ("45,50 € pro Stunde", (45.5, 45.5, "EUR", "hour", 94_640, 94_640)),  # lone decimal comma
    ("£25.500 per hour", (25.5, 25.5, "GBP", "hour", 53_040, 53_040)),  # one dot group, not EUR: decimal
    ("$1.500.000", (1.5e6, 1.5e6, "USD", "year", 1.5e6, 1.5e6)),  # several dot groups: thousands
    ("1 500 € par mois", (1500, 1500, "EUR", "month", 18e3, 18e3)),  # French: space grouping, "par mois"
    ("£400 per day", (400, 400, "GBP", "day", 104e3, 104e3)),  # day rate
    ("£400 - £450 a day", (400, 450, "GBP", "day", 104e3, 117e3)),  # day-rate range
    ("£450 per diem", (450, 450, "GBP", "day", 117e3, 117e3)),  # per diem
    ("£120 - 150 per day", (120, 150, "GBP", "day", 31_200, 39e3)),  # currency on the first figure only
    ("Up to $90K", (None, 90e3, "USD", "year", None, 90e3)),  # up to: no minimum
    ("Up to £19,750 - Dependent on Experience", (None, 19_750, "GBP", "year", None, 19_750)),  # dash, no 2nd
    ("From £30,000", (30e3, None, "GBP", "year", 30e3, None)),  # from: no maximum
    ("Starting at $60,000", (60e3, None, "USD", "year", 60e3, None)),  # starting at
    ("$50k+", (50e3, None, "USD", "year", 50e3, None)),  # attached plus: no maximum
    ("$8,000/month", (8000, 8000, "USD", "month", 96e3, 96e3)),  # "/month"
    ("£2,500 monthly", (2500, 2500, "GBP", "month", 30e3, 30e3)),  # monthly
    ("£2000pm", (2000, 2000, "GBP", "month", 24e3, 24e3)),  # UK "pm"
    ("$1,500 a week", (1500, 1500, "USD", "week", 78e3, 78e3)),  # weekly
    ("USD 100,000 - 120,000", (100e3, 120e3, "USD", "year", 100e3, 120e3)),  # ISO code first
    ("90K-110K EUR", (90e3, 110e3, "EUR", "year", 90e3, 110e3)),  # ISO code after
    ("$80,000 - $100,000 CAD", (80e3, 100e3, "CAD", "year", 80e3, 100e3)),  # CAD beats "$"
    ("$100,000 - $120,000 (CAD)", (100e3, 120e3, "CAD", "year", 100e3, 120e3)),  # code elsewhere in text
    ("Salary (AUD): $120,000", (120e3, 120e3, "AUD", "year", 120e3, 120e3)),  # dollar named before "$"
    ("$90,000 plus £5,000 relocation", (90e3, 90e3, "USD", "year", 90e3, 90e3)),  # "£" elsewhere: still USD
    ("C$90,000 a year", (90e3, 90e3, "CAD", "year", 90e3, 90e3)),  # prefixed dollar
    ("A$120k", (120e3, 120e3, "AUD", "year", 120e3, 120e3)),  # Australian dollar
    ("CHF 120'000", (120e3, 120e3, "CHF", "year", 120e3, 120e3)),  # Swiss apostrophe grouping
    ("£26,565 - £34,172 a year pro rata", (26_565, 34_172, "GBP", "year", 26_565, 34_172)),  # pro rata
    ("£24,071 to £25,674 a year", (24_071, 25_674, "GBP", "year", 24_071, 25_674)),  # NHS "to"
    ("AfC Band 2: £18,005 - £19,337 pa, pro rata", (18_005, 19_337, "GBP", "year", 18_005, 19_337)),  # band
    ("Salary Range 3 £18,681 pro rata", (18_681, 18_681, "GBP", "year", 18_681, 18_681)),  # range number
    ("Salary range 45-55k", (45e3, 55e3, None, "year", 45e3, 55e3)),  # but "range 45-55k" is money
    ("£13,503 per annum (75% of a Band 2)", (13_503, 13_503, "GBP", "year", 13_503, 13_503)),  # percentage
    ("£24,000 a year, 37.5 hours per week", (24e3, 24e3, "GBP", "year", 24e3, 24e3)),  # hours: not a rate
    ("£14.21 - £16.92 per hour + annual leave", (14.21, 16.92, "GBP", "hour", 29_556.8, 35_193.6)),  # leave
    ("£16.50 per hour, 9am-5pm", (16.5, 16.5, "GBP", "hour", 34_320, 34_320)),  # times are not money
    ("2020/21 pay award: £25,000", (25e3, 25e3, "GBP", "year", 25e3, 25e3)),  # financial year skipped
    ("£82,096 - £110,683 10 PA's", (82_096, 110_683, "GBP", "year", 82_096, 110_683)),  # consultant PAs
    ("£22-36p/h", (22, 36, "GBP", "hour", 45_760, 74_880)),  # "p/h", currency once
    ("£10.81 - £18.27ph", (10.81, 18.27, "GBP", "hour", 22_484.8, 38_001.6)),  # "ph" glued on
    ("£30kpa", (30e3, 30e3, "GBP", "year", 30e3, 30e3)),  # "kpa"
    ("£45-55k", (45e3, 55e3, "GBP", "year", 45e3, 55e3)),  # lower figure borrows k
    ("$500 - 1k", (500, 1000, "USD", "day", 130e3, 260e3)),  # borrowing would overshoot: kept
    ("£30 - £35,000 per annum", (30e3, 35e3, "GBP", "year", 30e3, 35e3)),  # thousands shorthand
    ("£82.096 - £110,683 per annum", (82_096, 110_683, "GBP", "year", 82_096, 110_683)),  # dot typo
    ("£34,605 - £37, 020", (34_605, 37_020, "GBP", "year", 34_605, 37_020)),  # space after comma
    ("£24907 -£30 615", (24_907, 30_615, "GBP", "year", 24_907, 30_615)),  # space-grouped thousands
    ("£1.2m", (1.2e6, 1.2e6, "GBP", "year", 1.2e6, 1.2e6)),  # m for million
    ("£1.2m-£1.5m", (1.2e6, 1.5e6, "GBP", "year", 1.2e6, 1.5e6)),  # million range
    ("£30k up to £40k", (30e3, 40e3, "GBP", "year", 30e3, 40e3)),  # "up to" joins a range
    ("Between £30,000 and £40,000", (30e3, 40e3, "GBP", "year", 30e3, 40e3)),  # "between ... and"
    ("$45 - $30 an hour", (30, 45, "USD", "hour", 62_400, 93_600)),  # min > max swapped
    ("₹5,00,000 - ₹8,00,000 per annum", (5e5, 8e5, "INR", "year", 5e5, 8e5)),  # Indian lakh grouping
    ("5-8 LPA", (5e5, 8e5, "INR", "year", 5e5, 8e5)),  # lakhs per annum
    ("Rs. 50,000 per month", (50e3, 50e3, "INR", "month", 600e3, 600e3)),  # Rs. prefix
    ("$35", (35, 35, "USD", "hour", 72_800, 72_800)),  # inferred: below 500 is hourly
    ("£650", (650, 650, "GBP", "day", 169e3, 169e3)),  # inferred: below 2,000 is daily
    ("$9,000", (9000, 9000, "USD", "month", 108e3, 108e3)),  # inferred: below 15,000 is monthly
    ("45000", (45e3, 45e3, None, "year", 45e3, 45e3)),  # no currency anywhere: null currency
    ("Competitive", NONE),  # no figure: everything null
    ("Competitive salary plus benefits", NONE),  # "salary" alone gives no period
    ("DOE", NONE),  # depending on experience
    ("Negotiable", NONE),  # negotiable
    ("Band 5", NONE),  # a band number is not money
    ("Call 01206 918 701", NONE),  # a phone number is not money
    ("&pound;32,000 p.a.", (32e3, 32e3, "GBP", "year", 32e3, 32e3)),  # HTML entity decoded
    ("", NONE),  # empty
    ("   ", NONE),  # blank
    (None, NONE),  # null
]


def parse_all(spark: SparkSession, rows: list[tuple]) -> list[tuple]:
    """`parse_salary` of many `(text, min, max, currency, period)` rows in one Spark job, in order."""
    df = spark.createDataFrame([(i, *row) for i, row in enumerate(rows)], f"i int, {FIELDS_DDL}")
    out_df = df.select("i", S.parse_salary("text", "min", "max", "currency", "period").alias("salary"))
    return [tuple(row.salary) for row in sorted(out_df.collect(), key=lambda row: row.i)]


@pytest.fixture(scope="module")
def parsed_text(spark: SparkSession) -> dict[str | None, tuple]:
    """Every text case parsed at once (no structured fields), by text: one job instead of one per case."""
    texts = [text for text, _ in TEXT_CASES]
    assert len(set(texts)) == len(texts), "each text case must be unique"
    return dict(zip(texts, parse_all(spark, [(text, None, None, None, None) for text in texts]), strict=True))


@pytest.mark.spark
@pytest.mark.parametrize(("text", "expected"), TEXT_CASES)
def test_parse_salary_text(parsed_text: dict[str | None, tuple], text: str | None, expected: tuple) -> None:
    actual = parsed_text[text]
    assert actual[2:4] == expected[2:4]  # currency, period
    assert actual[:2] + actual[4:] == pytest.approx(expected[:2] + expected[4:], rel=1e-9)


# (text, min, max, currency, period) -> expected struct
STRUCTURED_CASES = [
    (
        ("£13.62 per hour", "28333", "28333", "GBP", "YEAR"),  # NHS: annualised fields beat the hourly text
        (28333.0, 28333.0, "GBP", "year", 28333.0, 28333.0),
    ),
    (
        ("$45k - $55k", "50000", None, None, None),  # a lone structured min wins; currency from the text
        (50000.0, None, "USD", "year", 50000.0, None),
    ),
    (
        ("£400 a day", "0", "0", "GBP", "YEAR"),  # zero amounts are absent: the text is parsed
        (400.0, 400.0, "GBP", "day", 104000.0, 104000.0),
    ),
    (
        (None, "120000", "100000", "USD", "yearly"),  # structured min > max swapped
        (100000.0, 120000.0, "USD", "year", 100000.0, 120000.0),
    ),
    (
        (None, "35", "45", "usd", "hourly"),  # lower-case code, period word
        (35.0, 45.0, "USD", "hour", 72800.0, 93600.0),
    ),
    (
        ("£28,333.20 per annum", "£28,333.20", None, "£", None),  # symbol in the fields
        (28333.2, None, "GBP", "year", 28333.2, None),
    ),
    (
        ("3.500 - 4.000", None, None, "EUR", "MONTH"),  # source currency/period fill the text's gaps
        (3500.0, 4000.0, "EUR", "month", 42000.0, 48000.0),
    ),
    (
        ("£30 per hour", None, None, "GBP", "YEAR"),  # the text's own period beats a default field
        (30.0, 30.0, "GBP", "hour", 62400.0, 62400.0),
    ),
    (
        ("Competitive", None, None, "GBP", "YEAR"),  # no amount anywhere: currency/period dropped too
        NONE,
    ),
    (
        ("", "", "", "", ""),  # empty strings everywhere
        NONE,
    ),
]


@pytest.fixture(scope="module")
def parsed_fields(spark: SparkSession) -> dict[tuple, tuple]:
    """Every structured case parsed at once, by its input row."""
    rows = [fields for fields, _ in STRUCTURED_CASES]
    assert len(set(rows)) == len(rows), "each structured case must be unique"
    return dict(zip(rows, parse_all(spark, rows), strict=True))


@pytest.mark.spark
@pytest.mark.parametrize(("fields", "expected"), STRUCTURED_CASES)
def test_parse_salary_structured_fields(parsed_fields: dict[tuple, tuple], fields: tuple, expected: tuple) -> None:
    assert parsed_fields[fields] == expected


@pytest.mark.spark
def test_parse_salary_takes_numeric_fields_and_columns(spark: SparkSession) -> None:
    df = spark.createDataFrame(
        [("ignored £1", 52000.0, 60000, "GBP", "YEAR")],
        "text string, min double, max int, currency string, period string",
    )
    actual_df = df.select(
        S.parse_salary(F.col("text"), F.col("min"), F.col("max"), F.col("currency"), F.col("period")).alias("salary")
    )
    expected_df = spark.createDataFrame(
        [((52000.0, 60000.0, "GBP", "year", 52000.0, 60000.0),)], f"salary struct<{S.SALARY_DDL}>"
    )
    assert_df_equality(actual_df, expected_df, ignore_nullable=True)


@pytest.mark.spark
def test_parse_salary_compiles_to_builtin_expressions_only(spark: SparkSession) -> None:
    df = spark.createDataFrame([("£45k-£55k", None, None, None, None)], FIELDS_DDL)
    out_df = df.select(S.parse_salary("text", "min", "max", "currency", "period").alias("salary"))
    for plan in (out_df._jdf.queryExecution().optimizedPlan(), out_df._jdf.queryExecution().executedPlan()):
        text = plan.toString()
        assert "PythonUDF" not in text and "BatchEvalPython" not in text and "ArrowEvalPython" not in text
    assert out_df.count() == 1


@pytest.mark.spark
@pytest.mark.parametrize("ansi", ["false", "true"])  # ANSI mode turns bad casts and out-of-bounds reads into errors
def test_parse_salary_works_unaliased_and_under_ansi(spark: SparkSession, ansi: str) -> None:
    previous = spark.conf.get("spark.sql.ansi.enabled")
    spark.conf.set("spark.sql.ansi.enabled", ansi)
    try:
        df = spark.createDataFrame(
            [("$55/hr", None, None, None, None), ("1.2.3 - x", "n/a", "abc", "??", "?"), (None,) * 5], FIELDS_DDL
        )
        # no alias on purpose: Spark must be able to name the column itself
        rows = df.select(S.parse_salary("text", "min", "max", "currency", "period")).collect()
    finally:
        spark.conf.set("spark.sql.ansi.enabled", previous)
    assert [tuple(row[0]) for row in rows] == [(55.0, 55.0, "USD", "hour", 114400.0, 114400.0), NONE, NONE]


def test_annual_factors_are_the_documented_constants() -> None:
    assert S.ANNUAL_FACTORS == {"hour": 2080, "day": 260, "week": 52, "month": 12, "year": 1}
    assert S.HOURLY_BELOW < S.DAILY_BELOW < S.MONTHLY_BELOW
    assert [field.split()[0] for field in S.SALARY_DDL.split(", ")] == [
        "salary_min", "salary_max", "salary_currency", "salary_period", "salary_annual_min", "salary_annual_max",
    ]  # fmt: skip


NHS_JOBS = shared_data_dir() / "postings" / "nhs_jobs_2020.jsonl"


@pytest.mark.spark
@pytest.mark.skipif(not NHS_JOBS.is_file(), reason=f"real data not found: {NHS_JOBS}")
def test_parse_salary_covers_real_nhs_salary_texts(spark: SparkSession) -> None:
    with NHS_JOBS.open(encoding="utf-8") as lines:
        texts = [(json.loads(line).get("salary_text"),) for line in lines if line.strip()]
    df = spark.createDataFrame(texts, "text string")
    none = F.lit(None).cast("string")
    salary = S.parse_salary("text", none, none, none, none)
    parsed = df.select((salary["salary_min"].isNotNull() | salary["salary_max"].isNotNull()).alias("is_parsed"))
    share = parsed.where("is_parsed").count() / len(texts)
    print(f"NHS salary_text parsed to a min or max: {share:.1%} of {len(texts)}")
    assert share >= 0.90
