"""spark_jobs.skills: the Spark NLP skill matcher and its context rules, on a small inline taxonomy."""

from __future__ import annotations

import pytest
from pyspark.sql import SparkSession

from spark_jobs.skills import Skill, alias_key, shipped_skills, skill_mentions


def _skill(skill_id: str, *aliases: str, ambiguous: bool = False, category: str = "programming_language") -> Skill:
    return Skill(skill_id, aliases[0], category, False, False, ambiguous, "onet", None, aliases)


SKILLS = (
    _skill("python", "python"),
    _skill("sql", "sql", "structured query language"),
    _skill("amazon_web_services", "amazon web services", "aws", category="cloud"),
    _skill("web_services", "web services", category="other_software"),
    _skill("machine_learning", "machine learning", category="ml_ai"),
    _skill("scikit_learn", "scikit-learn", category="ml_ai"),
    _skill("cplusplus", "c++"),
    _skill("r", "r", ambiguous=True),
    _skill("go", "go", ambiguous=True),
    _skill("microsoft_excel", "microsoft excel", "excel", ambiguous=True, category="office_productivity"),
)


def found(spark: SparkSession, text: str) -> list[tuple[str, str]]:
    df = spark.createDataFrame([("p1", text)], "posting_key string, text string")
    rows = skill_mentions(df, "posting_key", "text", SKILLS).orderBy("begin").collect()
    for row in rows:  # offsets point at the surface in the text
        assert text[row["begin"] : row["end"]] == row["surface"]
    return [(row["skill_id"], row["surface"]) for row in rows]


@pytest.mark.spark
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Strong Python and SQL skills.", [("python", "Python"), ("sql", "SQL")]),  # case-insensitive
        ("You know PYTHON, sql and c++.", [("python", "PYTHON"), ("sql", "sql"), ("cplusplus", "c++")]),
        ("Deploy on Amazon Web Services.", [("amazon_web_services", "Amazon Web Services")]),  # longest match
        ("We call REST web services.", [("web_services", "web services")]),
        (
            "Machine-learning with scikit-learn.",
            [("machine_learning", "Machine-learning"), ("scikit_learn", "scikit-learn")],
        ),
        ("Pythonic code and SQLite files.", []),  # whole tokens only
        ("Analyse data in Python, R and SQL.", [("python", "Python"), ("r", "R"), ("sql", "SQL")]),  # R beside skills
        ("Programming languages: Go or Rust.", [("go", "Go")]),  # a cue word makes Go a language
        ("Ready to go the extra mile?", []),  # lower case: prose
        ("Go to market with the sales team.", []),  # capitalised but nothing technical around it
        ("Grade R support worker.", []),
        ("You will excel at customer service.", []),
        ("Advanced Excel and Python.", [("microsoft_excel", "Excel"), ("python", "Python")]),
        ("Experience with Microsoft Excel.", [("microsoft_excel", "Microsoft Excel")]),
        ("Python Developers write SQL.", [("sql", "SQL")]),  # a skill before a role noun names the role
        ("The Machine Learning team uses scikit-learn.", [("scikit_learn", "scikit-learn")]),
        ("", []),
    ],
)
def test_skill_mentions(spark: SparkSession, text: str, expected: list[tuple[str, str]]) -> None:
    assert found(spark, text) == expected


@pytest.mark.spark
def test_mentions_carry_their_sentence(spark: SparkSession) -> None:
    df = spark.createDataFrame(
        [("p1", "Data Engineer.\nWe use Python daily. And SQL.")], "posting_key string, text string"
    )
    rows = skill_mentions(df, "posting_key", "text", SKILLS).orderBy("begin").collect()
    assert [(r["skill_id"], r["sentence_index"]) for r in rows] == [("python", 1), ("sql", 2)]


@pytest.mark.spark
def test_null_text_has_no_mentions(spark: SparkSession) -> None:
    df = spark.createDataFrame([("p1", None)], "posting_key string, text string")
    assert skill_mentions(df, "posting_key", "text", SKILLS).count() == 0


@pytest.mark.parametrize(
    ("text", "key"),
    [("Machine-Learning", "machine learning"), ("  Amazon   Web Services ", "amazon web services"), ("C++", "c++")],
)
def test_alias_key(text: str, key: str) -> None:
    assert alias_key(text) == key


def test_shipped_aliases_are_unique() -> None:
    keys = [alias_key(alias) for skill in shipped_skills() for alias in skill.aliases]
    assert len(keys) == len(set(keys)) > 1000
