"""streaming.normalise: each case is a one-row DataFrame, compared with chispa."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from chispa import assert_column_equality, assert_df_equality
from pyspark.sql import Column, SparkSession
from pyspark.sql import functions as F

from streaming import normalise as N
from streaming import vocab

LOCATION_DDL = "city string, region string, country string, is_remote boolean"


Helper = Callable[[Column], Column]


def check(spark: SparkSession, helper: Helper, value: str | None, expected: str | None) -> None:
    """Apply a one-argument helper to `value` and compare with `expected` via chispa."""
    df = spark.createDataFrame([(value, expected)], "value string, expected string")
    assert_column_equality(df.withColumn("actual", helper(F.col("value"))), "actual", "expected")


# --- clean_text ----------------------------------------------------------------------------


@pytest.mark.spark
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("<p>Hello&nbsp;&nbsp;world</p><br/>Next", "Hello world Next"),  # block tags, nbsp: one space
        ("<b>Data</b> Engineer", "Data Engineer"),  # inline tags vanish without a space
        ("Data<br>Engineer", "Data Engineer"),  # a line break separates words
        ("R&amp;D &ndash; Caf&eacute; &#8211; bar", "R&D - Café - bar"),  # named, Latin-1, numeric entities
        ("x &amp;lt; y", "x &lt; y"),  # double-encoded text is decoded once only
        ("&lt;p&gt;Encoded&lt;/p&gt;", "Encoded"),  # entity-encoded HTML is stripped after decoding
        ("salary < 50k and > 30k", "salary < 50k and > 30k"),  # bare angle brackets are not tags
        ("a &zwnj; b &#x1F600; c", "a b c"),  # unknown entities become a space
        ("<script>var x = 1;</script><style>p {}</style>Text", "Text"),  # script/style bodies dropped
        ("Before<!-- tracking -->After", "Before After"),  # HTML comments dropped
        ("Data\u00a0Engineer\u200b\n\t ", "Data Engineer"),  # unicode spaces, zero-width chars, trim
        ("Caf\u00e9 Ing\u00e9\u00adnieur", "Caf\u00e9 Ing\u00e9nieur"),  # accents kept, soft hyphen dropped
        ("<<b>p>Text", "Text"),  # a tag that stripping another one assembles goes too
        ("  already clean  ", "already clean"),  # plain text is only trimmed
        ("<p> </p>&nbsp;", None),  # nothing but markup: null
        ("", None),  # empty: null
        ("   ", None),  # blank: null
        (None, None),  # null stays null
    ],
)
def test_clean_text(spark: SparkSession, value: str | None, expected: str | None) -> None:
    check(spark, N.clean_text, value, expected)


# --- normalise_title -----------------------------------------------------------------------


@pytest.mark.spark
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Sr. Data Eng", "Senior Data Engineer"),  # abbreviations with a dot
        ("Senior Data Engineer", "Senior Data Engineer"),  # already clean: unchanged
        ("Data Engineer, Senior", "Senior Data Engineer"),  # trailing level moves to the front
        ("Data Engineer, Sr.", "Senior Data Engineer"),  # trailing abbreviated level
        ("Data Engineer - Lead", "Lead Data Engineer"),  # dash-separated trailing level
        ("SENIOR DATA ENGINEER (M/F/D)", "Senior Data Engineer"),  # shouting title, gender marker
        ("Software Engineer (m/w/d) - Remote", "Software Engineer"),  # gender marker and remote suffix
        ("Werkstudent Data Science (all genders)", "Werkstudent Data Science"),  # spelled-out gender marker
        ("Jr. QA Eng | Hybrid", "Junior QA Engineer"),  # QA stays upper-case, "| Hybrid" dropped
        ("Senior DevOps Engineer (Remote, US)", "Senior DevOps Engineer"),  # bracket holding a noise word
        ("Data Engineer - Remote US", "Data Engineer"),  # remote suffix with an area
        ("Data Engineer, 100% Remote", "Data Engineer"),  # comma-separated remote suffix
        ("Remote - Senior Backend Engineer", "Senior Backend Engineer"),  # leading remote prefix
        ("[Remote] Data Analyst", "Data Analyst"),  # square-bracket noise
        ("Full-Stack Developer (Contract)", "Full-Stack Developer"),  # employment noise in brackets
        ("Data Engineer - London", "Data Engineer - London"),  # location fragments are kept
        ("Software Engineer (Backend)", "Software Engineer (Backend)"),  # non-noise brackets are kept
        ("Hybrid Cloud Engineer", "Hybrid Cloud Engineer"),  # "hybrid" without a separator is a word
        ("ml eng", "Machine Learning Engineer"),  # lower-case abbreviations
        ("VP Eng", "VP Engineering"),  # eng after VP is the department
        ("Eng Manager", "Engineering Manager"),  # eng before Manager is the department
        ("Business Dev Manager", "Business Development Manager"),  # dev means development here
        ("front-end dev", "Front-End Developer"),  # capitalised after a hyphen
        ("Senior Dev Ops Engineer", "Senior DevOps Engineer"),  # split DevOps rejoined
        ("SWE II", "Software Engineer II"),  # swe expansion, roman level upper-case
        ("sde iii", "Software Development Engineer III"),  # sde expansion
        ("RN - ICU", "Registered Nurse - ICU"),  # rn expansion, ICU acronym
        ("Sys Admin", "Sys Administrator"),  # admin expansion
        ("Asst. Mgr, Retail", "Assistant Manager, Retail"),  # several abbreviations, comma kept
        ("Assoc. Product Mgr", "Associate Product Manager"),  # assoc and mgr
        ("director of engineering", "Director of Engineering"),  # minor word stays lower-case
        ("Head of Data & AI", "Head of Data & AI"),  # AI acronym, ampersand kept
        ("IOS DEVELOPER", "iOS Developer"),  # iOS keeps its own casing
        ("sql dev", "SQL Developer"),  # SQL acronym
        ("aws etl developer", "AWS ETL Developer"),  # several acronyms
        ("ui/ux designer", "UI/UX Designer"),  # acronyms around a slash
        ("hr business partner", "HR Business Partner"),  # HR acronym
        ("nhs band 5 staff nurse", "NHS Band 5 Staff Nurse"),  # NHS acronym, digits
        ("it support analyst", "IT Support Analyst"),  # IT acronym
        ("GCP Data Engineer", "GCP Data Engineer"),  # unknown acronym kept in a mixed-case title
        ("McKinsey Research Analyst", "McKinsey Research Analyst"),  # mixed-case brand kept
        ("<b>Staff</b> Software Engineer &amp; Tech Lead", "Staff Software Engineer & Tech Lead"),  # HTML
        ("Senior  Data\u00a0Engineer ", "Senior Data Engineer"),  # whitespace collapsed
        ("(Remote)", None),  # nothing but noise: null
        ("", None),  # empty: null
        (None, None),  # null stays null
    ],
)
def test_normalise_title(spark: SparkSession, value: str | None, expected: str | None) -> None:
    check(spark, N.normalise_title, value, expected)


# --- title_without_level / canonical_title -------------------------------------------------


@pytest.mark.spark
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Senior Data Engineer", "Data Engineer"),  # leading level goes
        ("Junior QA Engineer", "QA Engineer"),
        ("Principal Product Manager", "Product Manager"),
        ("Lead Data Engineer", "Data Engineer"),  # "lead" as a level
        ("Lead Generation Specialist", "Lead Generation Specialist"),  # "lead" as a noun stays
        ("Staff Software Engineer", "Software Engineer"),  # staff before an engineering role is a level
        ("Staff Nurse", "Staff Nurse"),  # staff nurse is a role, not a level
        ("Entry Level Data Analyst", "Data Analyst"),
        ("Senior Lead Data Engineer", "Data Engineer"),  # stacked levels all go
        ("Software Engineer III", "Software Engineer"),  # trailing roman level
        ("Software Engineer II", "Software Engineer"),
        ("Director of Engineering", "Director of Engineering"),  # a role that is a level stays
        ("Head of Data & AI", "Head of Data & AI"),
        ("Tech Lead", "Tech Lead"),  # trailing "lead" is the role
        ("Senior", "Senior"),  # nothing but a level: kept
        (None, None),
    ],
)
def test_title_without_level(spark: SparkSession, value: str | None, expected: str | None) -> None:
    check(spark, N.title_without_level, value, expected)


@pytest.mark.spark
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Sr. Data Eng", "Data Engineer"),  # the three spellings agree
        ("Senior Data Engineer", "Data Engineer"),
        ("Data Engineer, Senior", "Data Engineer"),
        ("Data Engineer - Lead", "Data Engineer"),
        ("Jr. QA Eng | Hybrid", "QA Engineer"),  # noise and level both go
        ("SWE II", "Software Engineer"),
        ("SENIOR DATA ENGINEER (M/F/D)", "Data Engineer"),
        ("nhs band 5 staff nurse", "NHS Band 5 Staff Nurse"),
        ("(Remote)", None),
        (None, None),
    ],
)
def test_canonical_title(spark: SparkSession, value: str | None, expected: str | None) -> None:
    check(spark, N.canonical_title, value, expected)


# --- title_seniority / with_seniority_level ------------------------------------------------


@pytest.mark.spark
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Software Engineering Intern", "intern"),  # intern
        ("Summer Internship - Data", "intern"),  # internship
        ("Graduate Trainee Accountant", "intern"),  # trainee beats graduate
        ("Product Lead Intern", "intern"),  # intern beats lead
        ("Junior Developer", "junior"),  # junior
        ("Jr. QA Analyst", "junior"),  # jr.
        ("Entry Level Sales Representative", "junior"),  # entry level
        ("Associate Product Manager", "junior"),  # associate
        ("Graduate Software Engineer", "junior"),  # graduate means junior
        ("Software Engineer I", "junior"),  # trailing roman I
        ("Data Engineer", "mid"),  # no level word: mid
        ("Software Engineer II", "mid"),  # II is mid
        ("Engineering Manager", "mid"),  # manager alone is not a level
        ("Staff Nurse", "mid"),  # staff before a non-engineering role
        ("Lead Generation Specialist", "mid"),  # lead generation is not a level
        ("Internal Auditor", "mid"),  # internal is not intern
        ("Sr. Data Eng", "senior"),  # sr.
        ("Senior Associate", "senior"),  # senior beats associate
        ("Software Engineer III", "senior"),  # trailing roman III
        ("SDE IV - Payments", "senior"),  # roman IV before a separator
        ("Team Lead, Customer Support", "lead"),  # team lead
        ("Senior Team Leader", "lead"),  # leader beats senior
        ("Staff Data Engineer", "lead"),  # staff before an engineering role
        ("Lead Data Scientist", "lead"),  # lead
        ("Principal Engineer", "principal"),  # principal
        ("Distinguished Engineer", "principal"),  # distinguished
        ("Head of Data", "director"),  # head of
        ("Associate Director, Finance", "director"),  # director beats associate
        ("Senior Director of Product", "director"),  # director beats senior
        ("VP Engineering", "executive"),  # vp
        ("Vice-President, Sales", "executive"),  # vice president, hyphenated
        ("Chief Technology Officer", "executive"),  # chief
        ("CTO", "executive"),  # c-level acronym
        ("Co-Founder & CEO", "executive"),  # founder and ceo
        ("", None),  # empty: null
        (None, None),  # null stays null
    ],
)
def test_title_seniority(spark: SparkSession, value: str | None, expected: str | None) -> None:
    check(spark, N.title_seniority, value, expected)


@pytest.mark.spark
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Internship", "intern"),  # LinkedIn internship
        ("Entry level", "junior"),  # LinkedIn entry level
        ("ENTRY_LEVEL", "junior"),  # enum spelling
        ("Associate", "junior"),  # associate is junior, as in titles
        ("Mid-Senior level", "mid"),  # spans mid and senior: the neutral mid
        ("Director", "director"),  # director
        ("Executive", "executive"),  # executive
        ("senior", "senior"),  # already standard: idempotent
        ("Not Applicable", None),  # no level
        ("Board member", None),  # unknown: null
        ("", None),  # empty: null
        (None, None),  # null stays null
    ],
)
def test_with_seniority_level(spark: SparkSession, value: str | None, expected: str | None) -> None:
    check(spark, N.with_seniority_level, value, expected)


# --- companies -----------------------------------------------------------------------------


@pytest.mark.spark
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Acme Corp.", "acme"),  # corp with a dot
        ("ACME Corp", "acme"),  # upper-case
        ("Acme Corporation", "acme"),  # corporation spelled out
        ("Acme, Inc.", "acme"),  # comma before the suffix
        ("Foo Holdings Co., Ltd.", "foo holdings"),  # repeated suffixes
        ("Bar GmbH & Co. KG", "bar"),  # German compound legal form
        ("Société Générale S.A.", "societe generale"),  # accents folded, dotted suffix
        ("Müller & Söhne GmbH", "muller and sohne"),  # umlauts folded, & as and
        ("Johnson & Johnson", "johnson and johnson"),  # & inside the name
        ("Johnson and Johnson", "johnson and johnson"),  # same key as with &
        ("AT&amp;T Inc.", "at and t"),  # HTML entity in the name
        ("L'Oréal", "loreal"),  # apostrophe removed, accent folded
        ("Bloomberg L.P.", "bloomberg"),  # dotted lp
        ("Tata Consultancy Services Pvt. Ltd.", "tata consultancy services"),  # Indian legal form
        ("Accenture plc", "accenture"),  # plc
        ("Spotify AB", "spotify"),  # Swedish ab
        ("The Coca-Cola Company", "the coca cola"),  # company dropped, hyphen as space
        ("Booking.com", "bookingcom"),  # dots inside a name are removed
        ("  Acme   Corp. ", "acme"),  # whitespace
        ("字节跳动", "字节跳动"),  # non-Latin letters kept
        ("Inc.", "inc"),  # a lone suffix is the name
        ("", None),  # empty: null
        (None, None),  # null stays null
    ],
)
def test_company_key(spark: SparkSession, value: str | None, expected: str | None) -> None:
    check(spark, N.company_key, value, expected)


@pytest.mark.spark
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("  Acme   Corp. ", "Acme Corp."),  # trimmed and collapsed, suffix kept
        ("AT&amp;T Inc.", "AT&T Inc."),  # entity decoded
        ("<span>Globex</span> LLC", "Globex LLC"),  # tags stripped
        ("   ", None),  # blank: null
        (None, None),  # null stays null
    ],
)
def test_company_display(spark: SparkSession, value: str | None, expected: str | None) -> None:
    check(spark, N.company_display, value, expected)


# --- parse_location ------------------------------------------------------------------------


@pytest.mark.spark
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Austin, TX", ("Austin", "TX", "United States", False)),  # US state code
        ("New York, NY, United States", ("New York", "NY", "United States", False)),  # LinkedIn US form
        ("Austin, Texas 78701", ("Austin", "TX", "United States", False)),  # state name, ZIP dropped
        ("Texas, United States", (None, "TX", "United States", False)),  # state-level posting
        ("Washington, DC", ("Washington", "DC", "United States", False)),  # DC
        ("London, England, United Kingdom", ("London", "England", "United Kingdom", False)),  # UK nation
        ("London, England", ("London", "England", "United Kingdom", False)),  # nation implies UK
        ("Manchester, UK", ("Manchester", None, "United Kingdom", False)),  # UK alias
        ("Berlin, Germany", ("Berlin", None, "Germany", False)),  # city, country
        ("München, Bayern, Deutschland", ("München", "Bayern", "Germany", False)),  # local country name
        ("Amsterdam, North Holland, Netherlands", ("Amsterdam", "North Holland", "Netherlands", False)),
        ("Paris, Île-de-France, France", ("Paris", "Île-de-France", "France", False)),  # accented region
        ("Sydney, New South Wales, Australia", ("Sydney", "New South Wales", "Australia", False)),  # 3 parts
        ("Toronto, ON", ("Toronto", "ON", None, False)),  # unknown region: no country guessed
        ("London", ("London", None, None, False)),  # a lone unknown part is a city
        ("United States", (None, None, "United States", False)),  # country only
        ("Germany", (None, None, "Germany", False)),  # country only
        ("U.S.", (None, None, "United States", False)),  # dotted alias
        ("Remote", (None, None, None, True)),  # remote only
        ("Remote - US", (None, None, "United States", True)),  # remote in a country
        ("Remote in United States", (None, None, "United States", True)),  # remote with a preposition
        ("Anywhere (Remote)", (None, None, None, True)),  # anywhere, bracketed remote
        ("Remote - EMEA", (None, None, None, True)),  # area wider than a country
        ("Hybrid - London, UK", ("London", None, "United Kingdom", False)),  # hybrid is not remote
        ("Dublin, Ireland (Hybrid)", ("Dublin", None, "Ireland", False)),  # trailing hybrid
        ("", (None, None, None, None)),  # empty: null struct
        (None, (None, None, None, None)),  # null: null struct
    ],
)
def test_parse_location(spark: SparkSession, value: str | None, expected: tuple) -> None:
    df = spark.createDataFrame([(value,)], "value string")
    actual_df = df.select(N.parse_location(F.col("value")).alias("location")).select("location.*")
    expected_df = spark.createDataFrame([expected], LOCATION_DDL)
    assert_df_equality(actual_df, expected_df, ignore_nullable=True)


@pytest.mark.spark
def test_parse_location_is_null_struct_for_null(spark: SparkSession) -> None:
    df = spark.createDataFrame([(None,), ("   ",)], "value string")
    rows = df.select(N.parse_location("value").alias("location")).collect()
    assert [row.location for row in rows] == [None, None]
    assert df.select(N.parse_location("value")).schema[0].dataType.simpleString() == (
        "struct<city:string,region:string,country:string,is_remote:boolean>"
    )


# --- workplace_type ------------------------------------------------------------------------


@pytest.mark.spark
@pytest.mark.parametrize(
    ("location", "workplace", "description", "expected"),
    [
        ("Austin, TX", "Remote", None, "remote"),  # explicit remote
        ("Austin, TX", "Hybrid", None, "hybrid"),  # explicit hybrid
        ("Austin, TX", "On-site", None, "on_site"),  # explicit on-site
        ("Austin, TX", "ON_SITE", None, "on_site"),  # enum spelling
        ("Austin, TX", "onsite", None, "on_site"),  # one word
        ("Austin, TX", "on site", None, "on_site"),  # two words
        ("Remote - US", "On-site", "We are fully remote.", "on_site"),  # explicit field wins
        ("Remote - US", None, None, "remote"),  # location says remote
        ("Berlin (Hybrid)", None, None, "hybrid"),  # location says hybrid
        ("London", "Flexible", "We are a fully remote team.", "remote"),  # unknown field: description
        ("London", None, "<p>Hybrid working: 3 days in the office.</p>", "hybrid"),  # hybrid phrase
        ("London", None, "Work 2 days a week in our office.", "hybrid"),  # office days mean hybrid
        ("London", None, "We build hybrid cloud tooling.", None),  # hybrid cloud is not a workplace
        ("London", None, "This role is not fully remote.", None),  # negated remote
        ("London", None, "Great team, great coffee.", None),  # nothing said
        (None, None, None, None),  # all null
    ],
)
def test_workplace_type(
    spark: SparkSession,
    location: str | None,
    workplace: str | None,
    description: str | None,
    expected: str | None,
) -> None:
    df = spark.createDataFrame(
        [(location, workplace, description, expected)],
        "location string, workplace string, description string, expected string",
    )
    actual = N.workplace_type(F.col("location"), F.col("workplace"), F.col("description"))
    assert_column_equality(df.withColumn("actual", actual), "actual", "expected")


# --- employment_type -----------------------------------------------------------------------


@pytest.mark.spark
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Full-time", "full_time"),  # LinkedIn
        ("FULL_TIME", "full_time"),  # enum spelling
        ("Full Time", "full_time"),  # two words
        ("Permanent", "full_time"),  # UK permanent
        ("Part time", "part_time"),  # two words
        ("PART_TIME", "part_time"),  # enum spelling
        ("Permanent, Part-time", "part_time"),  # part time beats permanent
        ("Contract", "contract"),  # contract
        ("Contractor", "contract"),  # contractor
        ("Fixed term", "contract"),  # fixed term is a contract
        ("Full-time, Fixed-term", "contract"),  # contract beats full time
        ("Freelance", "contract"),  # freelance
        ("Temp", "temporary"),  # short form
        ("Temporary", "temporary"),  # long form
        ("Per diem", "temporary"),  # per diem
        ("Internship", "internship"),  # internship
        ("Volunteer", "volunteer"),  # volunteer
        ("Other", "other"),  # LinkedIn other
        ("Zero hours", "other"),  # unknown: other
        ("", None),  # empty: null
        ("  ", None),  # blank: null
        (None, None),  # null stays null
    ],
)
def test_employment_type(spark: SparkSession, value: str | None, expected: str | None) -> None:
    check(spark, N.employment_type, value, expected)


# --- the module as a whole -----------------------------------------------------------------


@pytest.mark.spark
def test_helpers_compile_to_builtin_expressions_only(spark: SparkSession) -> None:
    df = spark.createDataFrame(
        [("Sr. Data Eng", "Acme Corp.", "Austin, TX", "Remote", "Full-time")],
        "title string, company string, location string, workplace string, kind string",
    )
    out_df = df.select(
        N.clean_text("title"), N.normalise_title("title"), N.title_seniority("title"),
        N.with_seniority_level("kind"), N.company_key("company"), N.company_display("company"),
        N.parse_location("location"), N.workplace_type("location", "workplace", "title"),
        N.employment_type("kind"),
    )  # fmt: skip
    plan = out_df._jdf.queryExecution().executedPlan().toString()
    assert "PythonUDF" not in plan and "BatchEvalPython" not in plan and "ArrowEvalPython" not in plan
    assert out_df.count() == 1


@pytest.mark.spark
@pytest.mark.parametrize("ansi", ["false", "true"])  # ANSI mode turns out-of-bounds reads into errors
def test_helpers_work_unaliased_and_under_ansi(spark: SparkSession, ansi: str) -> None:
    previous = spark.conf.get("spark.sql.ansi.enabled")
    spark.conf.set("spark.sql.ansi.enabled", ansi)
    try:
        df = spark.createDataFrame([("Remote",), ("",), (None,)], "value string")
        # no aliases on purpose: Spark must be able to name every helper's column itself
        rows = df.select(
            N.parse_location("value"), N.normalise_title("value"), N.company_key("value"),
            N.with_seniority_level("value"), N.employment_type("value"),
        ).collect()  # fmt: skip
    finally:
        spark.conf.set("spark.sql.ansi.enabled", previous)
    assert [tuple(row) for row in rows] == [
        ((None, None, None, True), "Remote", "remote", None, "other"),
        (None, None, None, None, None),
        (None, None, None, None, None),
    ]


def test_seniority_vocabularies_use_the_shared_levels() -> None:
    levels = set(vocab.SENIORITY_LEVELS)
    assert {level for level, _ in vocab.TITLE_SENIORITY_WORDS} <= levels
    assert set(vocab.TITLE_NUMERAL_LEVELS.values()) <= levels
    assert set(vocab.LINKEDIN_SENIORITY.values()) <= levels


def test_employment_types_are_the_documented_vocabulary() -> None:
    assert vocab.EMPLOYMENT_TYPES == [
        "internship", "volunteer", "contract", "temporary", "part_time", "full_time", "other",
    ]  # fmt: skip


def test_lookup_keys_are_normalised() -> None:
    # map keys are compared with lower-cased, dot-free text
    for mapping in (vocab.COUNTRIES, vocab.UK_NATIONS, vocab.LINKEDIN_SENIORITY, vocab.TITLE_CASING):
        assert all(key == key.lower() for key in mapping)
    assert all("." not in key for key in vocab.COUNTRIES)
    assert all(len(code) == 2 and code.isupper() for code in vocab.US_STATES)
    assert all(suffix == suffix.lower() and "." not in suffix for suffix in vocab.LEGAL_SUFFIXES)


def test_alternation_puts_longer_phrases_first() -> None:
    # "sa" must not win over "sas", and a space matches a hyphen too ("part-time")
    assert N._alternation(["sa", "sas", "part time"]) == r"part[\s-]*time|sas|sa"
