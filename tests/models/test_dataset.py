"""models.dataset and models.profiles on inline rows: labels, resumes written from O*NET fields, the pool, profiles."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

from lakehouse.config import Settings
from models import dataset, profiles
from models.dataset import MAX_POSTINGS, MIN_POSTINGS, Occupation, posting_pool, relevance, write_resume
from models.profiles import resume_places, resume_profiles, resume_title
from tests.conftest import REPO


def test_doctests() -> None:
    assert doctest.testmod(dataset).failed == 0
    assert doctest.testmod(profiles).failed == 0


@pytest.mark.parametrize(
    ("posting", "expected"),
    [
        ("15-2051.00", 2),  # the same occupation
        ("15-2051.01", 1),  # a sibling occupation in the same minor group
        ("15-2041.00", 1),  # statisticians: the same minor group (15-2)
        ("15-1252.00", 0),  # software developers: another minor group (15-1)
        (None, 0),  # no occupation known
    ],
)
def test_relevance(posting, expected) -> None:
    assert relevance("15-2051.00", posting) == expected


OCCUPATION = Occupation(
    "15-2051.00",
    "Data Scientists",
    "Develop and implement a set of techniques or analytics applications.",
    ["Data Scientist", "Machine Learning Scientist", "Quantitative Analyst Who Has A Very Long Title"],
    [("Python", True), ("SAS", True), ("Apache Spark", True), ("MATLAB", False), ("Tableau", False)] * 3,
)


def test_written_resumes_are_stable_and_read_back() -> None:
    first, again, other = write_resume(OCCUPATION, 0), write_resume(OCCUPATION, 0), write_resume(OCCUPATION, 1)
    assert first == again and first[0] != other[0]
    resume_id, text = first
    title = text.splitlines()[0]
    assert title in ("Data Scientist", "Machine Learning Scientist")  # short alternate titles only
    assert resume_title(text) == title
    assert "Summary: Develop and implement" in text and "Skills: " in text


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Jane Doe\njane@example.org\n+44 7700 900123\nRegistered Nurse\n", "Registered Nurse"),
        ("Curriculum vitae\n\nData Scientist | London\n", "Data Scientist | London"),
        ("Hello\nI like long walks on the beach and reading novels by the sea", None),
    ],
)
def test_resume_title(text, title) -> None:
    assert resume_title(text) == title


@pytest.mark.spark
def test_posting_pool_keeps_big_occupations_and_caps_them(spark) -> None:
    rows = [(f"a{i}", "29-1141.00") for i in range(MAX_POSTINGS + 5)]
    rows += [(f"b{i}", "15-2051.00") for i in range(MIN_POSTINGS)]
    rows += [(f"c{i}", "11-1011.00") for i in range(MIN_POSTINGS - 1)]  # too few
    rows += [("d0", None)]
    pool_df = posting_pool(spark.createDataFrame(rows, "posting_key string, occupation_code string"))
    counts = {r["occupation_code"]: r["count"] for r in pool_df.groupBy("occupation_code").count().collect()}
    assert counts == {"29-1141.00": MAX_POSTINGS, "15-2051.00": MIN_POSTINGS}
    again = {
        r["posting_key"]
        for r in posting_pool(spark.createDataFrame(rows[::-1], "posting_key string, occupation_code string")).collect()
    }
    assert again == {r["posting_key"] for r in pool_df.collect()}  # chosen by a hash, not by order


@pytest.mark.spark
def test_resume_profiles_read_skills_title_and_level(spark, settings: Settings) -> None:
    models = REPO / ".jars" / "models"
    model_settings = settings.with_overrides(
        {
            "embeddings.model_jar": str(models / Path(settings["embeddings.model_jar"]).name),
            "embeddings.model_dir": str(models / Path(settings["embeddings.model_dir"]).name),
        }
    )
    found = resume_profiles(
        spark,
        [
            (
                "r1",
                "Alex Example | Austin, TX\nSenior Data Engineer\n\nSkills: Python, Apache Spark, Kafka and SQL.\n"
                "Tools: Microsoft Word, Microsoft Access, SAS, IBM SPSS Statistics, Microsoft Project, "
                "Microsoft Outlook, Microsoft Excel, Microsoft PowerPoint, R, Microsoft Office\n",
            ),
            ("r2", "Registered Nurse\nTen years on acute medical wards."),
        ],
        model_settings,
    )
    data, nurse = found["r1"], found["r2"]
    assert (data.title, data.seniority, data.job_family) == (
        "Senior Data Engineer",
        "senior",
        "Computer and Mathematical",
    )
    # every listed skill: the knowledge tagger kept neither Excel, Word nor R of the Tools line
    assert {"python", "apache_kafka", "microsoft_excel", "microsoft_word", "r", "sas"} <= data.skill_ids
    assert nurse.title == "Registered Nurse" and nurse.job_family == "Healthcare Practitioners and Technical"
    assert (data.city, data.country) == ("Austin", "United States")
    assert (nurse.city, nurse.country) == (None, None)  # no place named: location fit stays unknown
    assert abs(float(data.embedding @ data.embedding) - 1) < 1e-3
    assert float(data.embedding @ nurse.embedding) < 0.6
    assert "Alex" not in repr(data)  # a profile carries no text


@pytest.mark.spark
def test_resume_places_take_the_first_segment_the_location_parser_knows(spark) -> None:
    found = resume_places(
        spark,
        [
            ("header", "Jane Doe | jane@example.org | Leeds, UK\nNurse"),
            ("labelled", "Sam Roe\nLocation: Toronto, Ontario, Canada\nAccountant"),
            ("skills only", "Data Engineer\nSkills: Python, SQL, Go\nPython, Scala, Java"),
            ("nothing", "Data Engineer"),
        ],
    )
    assert found == {"header": ("Leeds", "United Kingdom"), "labelled": ("Toronto", "Canada")}
