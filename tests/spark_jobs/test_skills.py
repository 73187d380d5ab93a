"""spark_jobs.skills: the Spark NLP matcher, its context rules and the knowledge tagger, on an inline taxonomy."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyspark.sql import SparkSession

from lakehouse.config import Settings
from spark_jobs.skills import Skill, alias_key, shipped_skills, skill_mentions
from tests.conftest import REPO


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
    """The dictionary's mentions alone (no tagger): the context rules decide."""
    df = spark.createDataFrame([("p1", text)], "posting_key string, text string")
    rows = skill_mentions(df, "posting_key", "text", SKILLS, tagger=False).orderBy("begin").collect()
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
    rows = skill_mentions(df, "posting_key", "text", SKILLS, tagger=False).orderBy("begin").collect()
    assert [(r["skill_id"], r["sentence_index"]) for r in rows] == [("python", 1), ("sql", 2)]


@pytest.mark.spark
def test_null_text_has_no_mentions(spark: SparkSession) -> None:
    df = spark.createDataFrame([("p1", None)], "posting_key string, text string")
    assert skill_mentions(df, "posting_key", "text", SKILLS, tagger=False).count() == 0


@pytest.mark.parametrize(
    ("text", "key"),
    [("Machine-Learning", "machine learning"), ("  Amazon   Web Services ", "amazon web services"), ("C++", "c++")],
)
def test_alias_key(text: str, key: str) -> None:
    assert alias_key(text) == key


def test_shipped_aliases_are_unique() -> None:
    keys = [alias_key(alias) for skill in shipped_skills() for alias in skill.aliases]
    assert len(keys) == len(set(keys)) > 1000


@pytest.fixture(scope="module")
def model_settings(settings: Settings) -> Settings:
    """The test profile with the embedding model read from the repository's .jars/models."""
    models = REPO / ".jars" / "models"
    return settings.with_overrides(
        {
            "embeddings.model_jar": str(models / Path(settings["embeddings.model_jar"]).name),
            "embeddings.model_dir": str(models / Path(settings["embeddings.model_dir"]).name),
        }
    )


TAGGED_SKILLS = (
    *SKILLS,
    _skill("teamwork", "teamwork", category="soft_skill"),
    _skill("parking", "parking", category="other_software"),  # an ordinary word listed as a tool
)


def tagged(spark: SparkSession, settings: Settings, text: str) -> list[tuple[str | None, str]]:
    """The mentions with the knowledge tagger and the shipped weights."""
    df = spark.createDataFrame([("p1", text)], "posting_key string, text string")
    rows = skill_mentions(df, "posting_key", "text", TAGGED_SKILLS, settings=settings).orderBy("begin").collect()
    for row in rows:
        assert text[row["begin"] : row["end"]] == row["surface"]
    return [(row["skill_id"], row["surface"]) for row in rows]


@pytest.mark.spark
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a match the tagger confirms keeps its skill; tools the dictionary does not know have none
        (
            "Deploy on Amazon Web Services. Experience with Kubernetes and Terraform is required.",
            [("amazon_web_services", "Amazon Web Services"), (None, "Kubernetes"), (None, "Terraform")],
        ),
        # the dictionary's rules keep "parking" (not an ambiguous name): the tagger sees no technology
        ("We offer a friendly team and free parking.", []),
        # soft skills are the context rules' to decide, with or without the tagger
        ("You value teamwork.", [("teamwork", "teamwork")]),
        ("", []),
    ],
)
def test_skill_mentions_with_the_tagger(
    spark: SparkSession, model_settings: Settings, text: str, expected: list[tuple[str | None, str]]
) -> None:
    assert tagged(spark, model_settings, text) == expected


@pytest.mark.spark
def test_tagger_mentions_carry_their_sentence(spark: SparkSession, model_settings: Settings) -> None:
    df = spark.createDataFrame(
        [("p1", "Platform Engineer.\nExperience with Kubernetes and Terraform is required."), ("p2", None)],
        "posting_key string, text string",
    )
    rows = skill_mentions(df, "posting_key", "text", TAGGED_SKILLS, settings=model_settings).orderBy("begin").collect()
    assert [(r["posting_key"], r["surface"], r["sentence_index"], r["ambiguous"]) for r in rows] == [
        ("p1", "Kubernetes", 1, False),
        ("p1", "Terraform", 1, False),
    ]
