"""Tests for `spark_jobs.derive_skill_taxonomy`: the alias and category rules on inline names, the
shipped `spark_jobs/data/skills.csv`, and (with the shared data folder) that it is regenerated as shipped."""

from __future__ import annotations

import csv
import re

import pytest

from ingestion.data_paths import shared_data_dir
from spark_jobs.derive_skill_taxonomy import (
    ACRONYM,
    CATEGORIES,
    COLUMNS,
    FAMILY,
    OUTPUT,
    SOURCES,
    EscoConcept,
    Technology,
    alias_key,
    build_from,
    common_words,
    derive_skills,
    esco_category,
    expansion_length,
    is_ambiguous_alias,
    onet_category,
    product_aliases,
    same_name,
    slugify,
    strip_qualifier,
    strip_use_verb,
)

# The ordinary words the inline cases need (the real vocabulary comes from occupation descriptions).
WORDS = frozenset({"access", "accounting", "case", "clinical", "database", "statistics", "teams", "word", "shell"})


# --- Aliases of O*NET names ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "popular", "present", "absent"),
    [
        ("Microsoft Excel", True, {"microsoft excel", "excel"}, set()),  # vendor dropped, "excel" in COMMON_WORDS
        ("Microsoft Teams", False, {"microsoft teams"}, {"teams"}),  # a bare common word only for Hot/In Demand
        ("Oracle Java", False, {"oracle java", "java"}, set()),
        ("Apache Kafka", False, {"kafka"}, set()),
        ("Amazon Redshift", False, {"redshift"}, set()),
        ("Amazon Web Services AWS software", True, {"amazon web services", "aws"}, {"web services"}),
        ("Structured query language SQL", True, {"sql", "structured query language"}, {"structured query"}),
        ("Oracle Database", True, {"oracle database"}, {"database", "oracle"}),  # nothing distinctive left
        ("Salesforce software", True, {"salesforce"}, set()),  # a popular product named "X software"
        ("Accounting software", True, {"accounting software"}, {"accounting"}),  # a description stays whole
        ("Computer aided software engineering CASE tools", False, {"computer aided software engineering"}, {"case"}),
        ("Rust programming language", True, {"rust"}, set()),  # a language's name is a name
        ("Node.js", True, {"node.js", "nodejs"}, set()),  # punctuation variant
        ("Microsoft .NET Framework", True, {".net", "dotnet", ".net framework"}, set()),
        ("C#", True, {"c#", "c sharp"}, set()),
        ("Oracle PL/SQL", True, {"pl/sql", "plsql"}, set()),
        ("Amazon Simple Storage Service S3", True, {"s3", "amazon s3"}, set()),  # a product code
        ("Microsoft Visual Basic for Applications VBA", True, {"vba"}, {"microsoft visual basic for"}),
        ("EpicCare Ambulatory Electronic Medical Records (EMR) software", False, set(), {"emr"}),  # not its acronym
        ("Oracle Clinical", False, {"oracle clinical"}, {"clinical"}),
        ("Hypertext preprocessor PHP", True, {"php", "hypertext preprocessor"}, {"hypertext"}),
        ("Google", True, set(), {"google"}),  # a vendor alone is never an alias
    ],
)
def test_product_aliases(name, popular, present, absent):
    aliases = product_aliases(name, WORDS, is_popular=popular).aliases
    assert present <= set(aliases)
    assert not absent & set(aliases)


def test_product_family_alias_is_weakest():
    aliases = product_aliases("IBM SPSS Statistics", WORDS).aliases
    assert aliases["spss statistics"] < FAMILY and aliases["spss"] == FAMILY
    assert product_aliases("Oracle Golden Gate", WORDS).aliases.get("golden") is None  # an English word, no family


@pytest.mark.parametrize(
    ("name", "display"),
    [
        ("Amazon Web Services AWS software", "Amazon Web Services"),
        ("Microsoft Excel", "Microsoft Excel"),
        ("Structured query language SQL", "Structured query language (SQL)"),
        ("Salesforce software", "Salesforce"),
        ("Accounting software", "Accounting software"),
    ],
)
def test_display_name(name, display):
    assert product_aliases(name, WORDS, is_popular=True).display == display


@pytest.mark.parametrize(
    ("acronym", "words", "length"),
    [
        ("AWS", ["Amazon", "Web", "Services"], 3),  # initials
        ("HTML", ["Hypertext", "markup", "language"], 3),  # letters in order ("hyperText")
        ("VBA", ["Microsoft", "Visual", "Basic", "for", "Applications"], 4),  # stopwords skipped
        ("OpenGL", ["Open", "Graphics", "Library"], 3),  # the capitals of a mixed-case acronym
        ("SQL", ["Microsoft"], 0),  # "Microsoft SQL Server": SQL is not spelt out
    ],
)
def test_expansion_length(acronym, words, length):
    assert expansion_length(acronym, words) == length


# --- ESCO labels ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "clean"),
    [("Python (computer programming)", "Python"), ("Chef (tools for software configuration management)", "Chef")],
)
def test_strip_qualifier(label, clean):
    assert strip_qualifier(label) == clean


@pytest.mark.parametrize(
    ("preferred", "alternative", "same"),
    [
        ("Microsoft Access", "MS Access", True),  # vendor variant
        ("CSS", "Cascading Style Sheets", True),  # acronym and expansion
        ("Lightweight Directory Access Protocol", "LDAP", True),
        ("PostgreSQL", "Postgres", True),  # a shorter spelling
        ("cloud technologies", "cloud computing", True),  # generic head words swapped
        ("JavaScript", "Mocha", False),  # a different product listed among the alternatives
        ("statistics", "data", False),  # a looser word
        ("Python (computer programming)", "Python3", False),  # a version
        ("computer equipment", "computer", False),
    ],
)
def test_same_name(preferred, alternative, same):
    assert same_name(preferred, alternative) is same


@pytest.mark.parametrize(
    ("label", "thing"),
    [
        ("utilise machine learning", "machine learning"),
        ("perform data analysis", "data analysis"),
        ("use databases", None),  # one generic word
        ("use a telecine", None),  # an article, not a name
        ("manage ICT projects", None),  # not a "use" verb
    ],
)
def test_strip_use_verb(label, thing):
    assert strip_use_verb(label) == thing


# --- Ambiguity and categories -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("alias", "category", "ambiguous"),
    [
        ("excel", "office_productivity", True),  # a verb in prose
        ("microsoft excel", "office_productivity", False),  # several tokens never are
        ("r", "programming_language", True),  # a letter
        ("go", "programming_language", True),
        ("julia", "programming_language", True),  # a personal name (COMMON_WORDS)
        ("python", "programming_language", False),
        ("c#", "programming_language", False),  # not letters only
        ("s3", "cloud", False),
        ("statistics", "knowledge", False),  # knowledge is a word by nature
        ("german", "human_language", False),
        ("polish", "human_language", True),  # also a verb
    ],
)
def test_is_ambiguous_alias(alias, category, ambiguous):
    assert is_ambiguous_alias(alias, WORDS, category) is ambiguous


def test_common_words_are_lower_case_and_repeated():
    texts = ["Use Python to process data.", "Data is processed with care.", "They process Word files."]
    assert common_words(texts) == frozenset({"process"})  # "data" is lower case once, "processed" once
    assert "python" not in common_words(texts * 3)  # never written in lower case


@pytest.mark.parametrize(
    ("name", "commodity", "category"),
    [
        ("Oracle Java", "Object or component oriented development software", "programming_language"),
        ("Eclipse IDE", "Development environment software", "devops_tool"),
        ("Apache Spark", "Business intelligence and data analysis software", "data_platform"),
        ("TensorFlow", "Analytical or scientific software", "ml_ai"),
        ("Amazon Elastic Compute Cloud EC2", "Data base user interface and query software", "cloud"),
        ("Amazon DynamoDB", "Data base management system software", "database"),
        ("Microsoft Excel", "Spreadsheet software", "office_productivity"),  # by its commodity
        ("Bash", "Operating system software", "programming_language"),  # the name overrides the commodity
        ("Kitty Hawk", "Analytical or scientific software", "other_software"),  # nothing known
    ],
)
def test_onet_category(name, commodity, category):
    assert onet_category(name, product_aliases(name, WORDS), commodity) == category


@pytest.mark.parametrize(
    ("label", "broader", "category"),
    [
        ("Python (computer programming)", ["computer programming"], "programming_language"),
        ("Hadoop", ["software frameworks"], "data_platform"),  # names before the broader concept
        ("Puppet (tools for software configuration management)", [], "devops_tool"),
        ("statistics", [], "knowledge"),
        ("machine learning", [], "ml_ai"),
        ("Agile development", [], "methodology"),
        ("Hybrid model", [], "knowledge"),  # sentence case: not a product
        ("Maltego", ["penetration testing tool"], "other_software"),
    ],
)
def test_esco_category(label, broader, category):
    assert esco_category(label, {strip_qualifier(label).lower(): 0}, broader) == category


@pytest.mark.parametrize(
    ("name", "slug"),
    [("Python", "python"), ("C++", "cpp"), ("C#", "csharp"), (".NET", "dotnet"), ("Node.js", "node_js")],
)
def test_slugify(name, slug):
    assert slugify(name) == slug


# --- Merging and ties on inline sources -----------------------------------------------------------------


def _tech(occupations: int, hot: bool = False, commodity: str = "Development environment software") -> Technology:
    tech = Technology(occupations={f"15-{n:04d}.00" for n in range(occupations)}, is_hot=hot)
    tech.commodities[commodity] += 1
    return tech


def test_derive_skills_merges_sources_and_resolves_ties():
    technologies = {
        "Oracle Java": _tech(100, hot=True, commodity="Object or component oriented development software"),
        "Sun Microsystems Java": _tech(11, commodity="Object or component oriented development software"),
        "Apache Spark": _tech(23, hot=True, commodity="Business intelligence and data analysis software"),
        "Content management systems CMS": _tech(4, commodity="Web page creation and editing software"),
        "Career management systems CMS": _tech(2, commodity="Data base user interface and query software"),
        "Kitty Hawk": _tech(1, commodity="Analytical or scientific software"),  # one occupation, SOC 15: kept
    }
    concepts = {
        "id-java": EscoConcept("id-java", "Java (computer programming)", ["Java Posse"], {"K0613"}),
        "id-spark": EscoConcept("id-spark", "SPARK", [], {"K0613"}),  # a Java micro-framework, not Apache Spark
    }
    rows = {row["skill_id"]: row for row in derive_skills(technologies, concepts, [], frozenset({"spark"}))}
    java = rows["java"]
    assert (java["source"], java["esco_id"], java["category"]) == ("onet+esco", "id-java", "programming_language")
    assert "java" in java["aliases"].split("|") and "java posse" not in java["aliases"]
    assert rows["sun_microsystems_java"]["aliases"] == "sun microsystems java"  # "java" went to the Hot one
    assert rows["apache_spark"]["ambiguous"] == "true" and rows["apache_spark"]["source"] == "onet"
    assert "spark" not in rows  # ESCO's SPARK lost its only alias to Apache Spark, not merged with it
    assert rows["content_management_systems_cms"]["aliases"] == "content management systems|cms"  # more used
    assert rows["career_management_systems_cms"]["aliases"] == "career management systems"
    assert rows["kitty_hawk"]["source"] == "onet"


def test_acronym_spelt_out_wins_over_a_vendor_product():
    technologies = {
        "Enterprise resource planning ERP software": _tech(73, commodity="Enterprise resource planning ERP software"),
        "SAP ERP": _tech(4, hot=True, commodity="Enterprise resource planning ERP software"),
    }
    rows = {row["skill_id"]: row for row in derive_skills(technologies, {}, [], frozenset())}
    assert "erp" in rows["enterprise_resource_planning_software_erp"]["aliases"].split("|")  # spelt out, 73 uses
    assert rows["sap_erp"]["aliases"] == "sap erp"
    assert product_aliases("SAP ERP", frozenset()).aliases.get("erp") != ACRONYM


# --- The shipped file ------------------------------------------------------------------------------------


def read_shipped() -> list[dict[str, str]]:
    with open(OUTPUT, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == COLUMNS
        return list(reader)


def test_shipped_taxonomy_is_valid_and_compact():
    rows = read_shipped()
    assert 2_000 <= len(rows) <= 6_000
    assert OUTPUT.stat().st_size < 1_000_000
    assert len({row["skill_id"] for row in rows}) == len(rows)
    assert [row["skill_id"] for row in rows] == sorted(row["skill_id"] for row in rows)
    keys = [alias_key(alias) for row in rows for alias in row["aliases"].split("|")]
    assert len(keys) == len(set(keys))  # one skill per alias, as the matcher compares them
    for row in rows:
        assert re.fullmatch(r"[a-z0-9]+(_[a-z0-9]+)*", row["skill_id"]), row
        assert row["name"] and row["aliases"] and all(row["aliases"].split("|")), row
        assert all(alias == alias.lower().strip() for alias in row["aliases"].split("|")), row
        assert row["category"] in CATEGORIES, row
        assert {row["is_hot"], row["in_demand"], row["ambiguous"]} <= {"true", "false"}, row
        assert row["source"] and set(row["source"].split("+")) <= set(SOURCES), row
        has_esco = "esco" in row["source"].split("+")
        assert bool(row["esco_id"]) == has_esco or row["category"] == "soft_skill", row
        if any(len(alias) <= 2 and alias.isalpha() for alias in row["aliases"].split("|")):
            assert row["ambiguous"] == "true", row


@pytest.mark.parametrize(
    ("skill_id", "category", "ambiguous", "alias"),
    [
        ("python", "programming_language", "false", "python"),
        ("sql", "programming_language", "false", "structured query language"),
        ("amazon_web_services", "cloud", "false", "aws"),
        ("microsoft_excel", "office_productivity", "true", "excel"),
        ("r", "programming_language", "true", "r"),
        ("apache_kafka", "data_platform", "false", "kafka"),
        ("tensorflow", "ml_ai", "false", "tensorflow"),
        ("machine_learning", "ml_ai", "false", "machine learning"),
        ("teamwork", "soft_skill", "false", "teamwork"),
        ("german", "human_language", "false", "german"),
        ("statistics", "knowledge", "false", "statistics"),
    ],
)
def test_shipped_taxonomy_holds_the_usual_skills(skill_id, category, ambiguous, alias):
    row = {row["skill_id"]: row for row in read_shipped()}[skill_id]
    assert (row["category"], row["ambiguous"]) == (category, ambiguous)
    assert alias in row["aliases"].split("|")


@pytest.mark.skipif(
    not (shared_data_dir() / "taxonomies").is_dir(),
    reason=f"shared taxonomies not found in {shared_data_dir()} (set JOBLAKE_SHARED_DATA)",
)
def test_regenerating_from_shared_data_gives_the_shipped_file():
    assert build_from(shared_data_dir()) == read_shipped()
