"""A resume's profile for matching: its skills (the postings' Spark NLP pipeline), embedding, title, level.

The text goes through the postings' pipeline: `spark_jobs.skills.skill_mentions` for skills (the
dictionary and its context rules, without the knowledge tagger: see `resume_profiles`), the same
MiniLM model for the embedding, and the title taxonomy for the job family. The title is the first
of the resume's opening lines that the taxonomy recognises as a job title (a name or an address
line is not one). The place is the first segment of the opening lines ("Jane Doe | Austin, TX |
jane@...") that the postings' own location parser (`streaming.normalise.parse_location`) reads as
a known country, US state or UK nation. The profile keeps what was derived, never the text:
nothing here logs or stores it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from lakehouse.config import Settings
from models.features import ResumeProfile
from spark_jobs.embeddings import embed_texts
from spark_jobs.skills import skill_mentions
from streaming.normalise import parse_location, title_seniority
from streaming.title_taxonomy import best_phrase, with_job_family
from streaming.vocab import COUNTRIES

TITLE_LINES = 12  # a resume's title is in its first lines
TITLE_MAX_WORDS = 8
SKILLS_IN_TEXT = 30  # skill names at most in the embedding text
OPENING_CHARS = 600  # of the resume after its title and skills, as REQUIREMENT_CHARS for postings
_NOT_A_TITLE = re.compile(r"@|https?:|www\.|\d{4,}|\+\d")  # e-mail, web, phone or postcode lines
_NOT_A_PLACE = re.compile(r"@|https?:|www\.|:")  # e-mail, web, or a label such as "Skills:"
_SEGMENTS = re.compile(r"\s+[|•·–—]\s+|\s*[|•·]\s*")  # how header lines separate their fields
_PLACE_LABEL = re.compile(r"^(?:location|address|based in|lives? in)\s*[:–-]?\s*", re.IGNORECASE)
PLACE_MAX_WORDS = 6
KNOWN_COUNTRIES = frozenset(COUNTRIES.values())


def resume_title(text: str) -> str | None:
    """The first of the opening lines that reads as a job title, or None.

    >>> resume_title("Jane Doe\\njane@example.org\\nSenior Data Engineer\\nSkills: Python")
    'Senior Data Engineer'
    """
    for line in text.splitlines()[:TITLE_LINES]:
        line = line.strip(" -|:\t")
        if line and len(line.split()) <= TITLE_MAX_WORDS and not _NOT_A_TITLE.search(line) and best_phrase(line):
            return line
    return None


def place_candidates(text: str) -> list[str]:
    """Segments of the opening lines that may say where the person is, in order.

    A segment names a place when it has a comma ("Austin, TX") or a label ("Location: Leeds");
    e-mail, web and "Skills: a, b" segments are not places.

    >>> place_candidates("Jane Doe\\nData Engineer | Austin, TX | jane@example.org\\nSkills: Python, SQL")
    ['Austin, TX']
    >>> place_candidates("Location: Leeds\\nNurse")
    ['Leeds']
    """
    found = []
    for line in text.splitlines()[:TITLE_LINES]:
        for segment in _SEGMENTS.split(line.strip()):
            labelled = _PLACE_LABEL.match(segment)
            segment = segment[labelled.end() :] if labelled else segment
            segment = segment.strip(" .;")
            if (
                segment
                and ("," in segment or labelled)
                and not _NOT_A_PLACE.search(segment)
                and len(segment.split()) <= PLACE_MAX_WORDS
            ):
                found.append(segment)
    return found


def resume_places(spark: SparkSession, resumes: Sequence[tuple[str, str]]) -> dict[str, tuple[str | None, str]]:
    """(city, country) of each resume that names a place the location parser knows, by resume_id."""
    rows = [(r, i, segment) for r, text in resumes for i, segment in enumerate(place_candidates(text))]
    if not rows:
        return {}
    parsed = (
        spark.createDataFrame(rows, "resume_id string, i int, segment string")
        .select("resume_id", "i", parse_location("segment").alias("place"))
        .select("resume_id", "i", "place.city", "place.country")
        .collect()
    )
    places: dict[str, tuple[str | None, str]] = {}
    for row in sorted(parsed, key=lambda r: (r["resume_id"], r["i"])):
        if row["country"] in KNOWN_COUNTRIES and row["resume_id"] not in places:
            places[row["resume_id"]] = (row["city"], row["country"])
    return places


def resume_embedding_text(title: str | None, skill_names: Sequence[str], text: str) -> str:
    """What a resume is embedded from, in the shape of a posting's: title, skills, then the opening.

    >>> resume_embedding_text("Data Engineer", ["Python", "Apache Spark"], "Built pipelines.\\n- Kafka")
    'Data Engineer. Python, Apache Spark. Built pipelines. Kafka'
    """
    opening = " ".join(re.sub(r"^\s*[-*•]\s*", "", line) for line in text.splitlines() if line.strip())
    parts = [title or "", ", ".join(skill_names[:SKILLS_IN_TEXT]), opening[:OPENING_CHARS]]
    return ". ".join(p.strip().rstrip(".") for p in parts if p.strip())


def sentence_text(text: str) -> str:
    """The resume with each line its own sentence, as the skills pipeline reads it.

    Resumes are lines (a title, bullets, "Skills: ..."), and the sentence detector runs lines without
    a full stop together: "Jane Doe Data Engineer Skills: Python" would be one sentence, and the rules
    for ambiguous names read a mention's sentence. A line that does not end a sentence gets a full stop.

    >>> sentence_text("Data Engineer\\n- Python, SQL\\nI build pipelines.")
    'Data Engineer.\\n- Python, SQL.\\nI build pipelines.'
    """
    lines = [line.rstrip() for line in text.splitlines() if line.strip()]
    return "\n".join(line if line.endswith((".", "!", "?")) else f"{line}." for line in lines)


def resume_profiles(
    spark: SparkSession, resumes: Sequence[tuple[str, str]], settings: Settings
) -> dict[str, ResumeProfile]:
    """Profiles of (resume_id, text) pairs, by resume_id.

    A resume's skills come from the dictionary and its context rules, not the knowledge tagger: a
    resume lists what its owner claims, and the tagger learned from postings' prose which mentions
    annotators call knowledge. On 160 resumes written from O*NET it dropped 276 of the dictionary's
    1,324 skills, Microsoft Excel in the middle of a "Skills:" line most often, and a skill the
    resume lists then showed as missing from postings that ask for it. The ranking figures did not
    move beyond noise.
    """
    if not resumes:
        return {}
    texts_df = spark.createDataFrame([(r, sentence_text(t)) for r, t in resumes], "resume_id string, text string")
    mentions = (
        skill_mentions(texts_df, "resume_id", "text", tagger=False)
        .where(F.col("skill_id").isNotNull())
        .groupBy("resume_id")
        .agg(F.sort_array(F.collect_set("skill_id")).alias("skill_ids"), F.collect_list("surface").alias("surfaces"))
        .collect()
    )
    skills = {row["resume_id"]: (row["skill_ids"], list(dict.fromkeys(row["surfaces"]))) for row in mentions}
    titles = {resume_id: resume_title(text) for resume_id, text in resumes}
    titled_df = spark.createDataFrame(list(titles.items()), "resume_id string, title string")
    described = {
        row["resume_id"]: row
        for row in titled_df.transform(with_job_family)
        .withColumn("seniority", F.when(F.col("title").isNotNull(), title_seniority("title")))
        .collect()
    }
    places = resume_places(spark, resumes)
    texts = [resume_embedding_text(titles[r], skills.get(r, ([], []))[1], text) for r, text in resumes]
    vectors = embed_texts(texts, settings)
    return {
        resume_id: ResumeProfile(
            resume_id=resume_id,
            embedding=np.asarray(vector, np.float32),
            skill_ids=frozenset(skills.get(resume_id, ([], []))[0]),
            title=titles[resume_id],
            job_family=described[resume_id]["job_family"],
            seniority=described[resume_id]["seniority"],
            city=places.get(resume_id, (None, None))[0],
            country=places.get(resume_id, (None, None))[1],
        )
        for (resume_id, _), vector in zip(resumes, vectors, strict=True)
    }
