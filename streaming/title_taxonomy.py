"""Job family and O*NET occupation of a job title, looked up in a compact title taxonomy.

The taxonomy (`streaming/data/job_families.csv`, rebuilt by `python -m spark_jobs.derive_title_taxonomy`)
maps title phrases ("registered nurse", "data engineer", "accountant") to a SOC major group
(the job family) and, where the phrase names one, an O*NET occupation.

Derived from O*NET 29.2 Alternate Titles, Sample of Reported Titles and Occupation Data by the
U.S. Department of Labor, Employment and Training Administration (USDOL/ETA), licensed under
CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/). Modified: reduced to title phrases,
SOC major groups and occupation codes. O*NET is a trademark of USDOL/ETA.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zlib
from functools import lru_cache
from importlib.resources import files

import pandas as pd
from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql.functions import pandas_udf
from pyspark.sql.types import StringType

__all__ = [
    "JOB_FAMILY_COLUMNS",
    "SENIORITY_TOKENS",
    "SOC_MAJOR_GROUPS",
    "best_phrase",
    "job_family_mapping",
    "job_family_of",
    "title_words",
    "with_job_family",
]

# The 23 SOC 2018 major groups (the first two digits of an O*NET-SOC code): the job families.
SOC_MAJOR_GROUPS: dict[str, str] = {
    "11": "Management",
    "13": "Business and Financial Operations",
    "15": "Computer and Mathematical",
    "17": "Architecture and Engineering",
    "19": "Life, Physical, and Social Science",
    "21": "Community and Social Service",
    "23": "Legal",
    "25": "Educational Instruction and Library",
    "27": "Arts, Design, Entertainment, Sports, and Media",
    "29": "Healthcare Practitioners and Technical",
    "31": "Healthcare Support",
    "33": "Protective Service",
    "35": "Food Preparation and Serving Related",
    "37": "Building and Grounds Cleaning and Maintenance",
    "39": "Personal Care and Service",
    "41": "Sales and Related",
    "43": "Office and Administrative Support",
    "45": "Farming, Fishing, and Forestry",
    "47": "Construction and Extraction",
    "49": "Installation, Maintenance, and Repair",
    "51": "Production",
    "53": "Transportation and Material Moving",
    "55": "Military Specific",
}

# Level words dropped from titles on both sides ("Senior Accountant" is an accountant, "Data
# Science Intern" works in data science). "lead",
# "principal", "chief" and "head" stay: they name roles ("school principal", "chief executive").
SENIORITY_TOKENS: frozenset[str] = frozenset(
    ["senior", "sr", "snr", "junior", "jr", "jnr", "i", "ii", "iii", "iv", "v", "entry", "level", "trainee",
     "intern", "interns", "internship", "apprentice", "apprenticeship"]
)  # fmt: skip
MAX_PHRASE_WORDS = 3

JOB_FAMILY_COLUMNS: list[str] = ["job_family", "soc_major", "occupation_code", "occupation_title"]
_VALUE_SCHEMA = ", ".join(f"{name}: string" for name in JOB_FAMILY_COLUMNS)

# Where the main part of a title ends: "Data Scientist, Operations - Seattle" -> "Data Scientist".
_SEGMENT_END = re.compile(r"\s+[-–—|/]\s+|[|(\[,;]")
_NOT_WORD = re.compile(r"[^a-z0-9]+")
_BUCKETS = 1024


@lru_cache(maxsize=1)
def job_family_mapping() -> dict[str, dict[str, str | None]]:
    """The shipped taxonomy: phrase -> {job_family, soc_major, occupation_code, occupation_title}."""
    text = files("streaming.data").joinpath("job_families.csv").read_text(encoding="utf-8")
    return {
        row["phrase"]: {name: row[name] or None for name in JOB_FAMILY_COLUMNS}
        for row in csv.DictReader(io.StringIO(text))
    }


def _buckets() -> list[dict[str, dict[str, str | None]]]:
    """The taxonomy split into `_BUCKETS` maps by the CRC-32 of the phrase (Python's and Spark's agree)."""
    buckets: list[dict[str, dict[str, str | None]]] = [{} for _ in range(_BUCKETS)]
    for phrase, value in job_family_mapping().items():
        buckets[zlib.crc32(phrase.encode("utf-8")) % _BUCKETS][phrase] = value
    return buckets


def _lookup(phrase: Column) -> Column:
    """The taxonomy entry of `phrase`, or null (also for a null phrase).

    A Spark map lookup scans its keys, so one map of ~4,000 phrases costs ~4,000 comparisons per
    candidate; hashing into a constant array of small maps (folded once by the optimiser) costs a
    handful, and the lookup stays row-local: no join, so no row is lost or duplicated.
    """
    buckets = F.from_json(F.lit(json.dumps(_buckets())), f"array<map<string, struct<{_VALUE_SCHEMA}>>>")
    return buckets[F.crc32(phrase.cast("binary")) % _BUCKETS][phrase]


def title_words(title: str) -> list[str]:
    """Lower-case words of a title without punctuation or seniority words: "Sr. Data Engineer" -> [data, engineer]."""
    text = title.lower().replace("&", " and ")
    return [word for word in _NOT_WORD.split(text) if word and word not in SENIORITY_TOKENS]


def best_phrase(title: str | None) -> str | None:
    """The taxonomy phrase a title is matched by, or None.

    Tier 0 is a phrase ending the main part of the title ("Data Scientist" in "Data Scientist,
    Operations - Seattle"); tier 1 a phrase anywhere. Within a tier the longest phrase wins, then
    the rightmost: the head noun of an English title comes last.
    """
    if not title:
        return None
    phrases = job_family_mapping()
    main, every = title_words(_SEGMENT_END.split(title, maxsplit=1)[0]), title_words(title)
    for n in range(MAX_PHRASE_WORDS, 0, -1):
        if len(main) >= n and (phrase := " ".join(main[-n:])) in phrases:
            return phrase
    for n in range(MAX_PHRASE_WORDS, 0, -1):
        for pos in range(len(every) - n, -1, -1):
            if (phrase := " ".join(every[pos : pos + n])) in phrases:
                return phrase
    return None


@pandas_udf(StringType())
def _best_phrase_udf(titles: pd.Series) -> pd.Series:
    # Python dict lookups over a title's few n-grams: several times cheaper per row than the same
    # search in Spark's higher-order functions, which run interpreted
    return titles.map(best_phrase, na_action="ignore").astype("object")


def job_family_of(title: Column) -> Column:
    """The taxonomy entry of a title as a struct of `JOB_FAMILY_COLUMNS`, null when no phrase matches."""
    return _lookup(_best_phrase_udf(title))


def with_job_family(df: DataFrame, title_col: str = "title") -> DataFrame:
    """Add job_family, soc_major, occupation_code and occupation_title (null when no phrase matches).

    Row-local (constant map lookups, no join), so every input row is kept once, in batch and
    streaming alike. `"Senior Data Engineer"` -> `Computer and Mathematical`, `15`, `15-1243.00`,
    `Database Architects`.
    """
    return (
        df.withColumn("_job_family_match", job_family_of(F.col(title_col)))
        .select("*", *[F.col("_job_family_match")[name].alias(name) for name in JOB_FAMILY_COLUMNS])
        .drop("_job_family_match")
    )
