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
import zlib
from functools import lru_cache
from importlib.resources import files

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

__all__ = [
    "JOB_FAMILY_COLUMNS",
    "SENIORITY_TOKENS",
    "SOC_MAJOR_GROUPS",
    "job_family_mapping",
    "job_family_of",
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
_SEGMENT_END = r"\s+[-–—|/]\s+|[|(\[,;]"
_NOT_WORD = r"[^a-z0-9]+"
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
    """The taxonomy entry of `phrase`, or null.

    A Spark map lookup scans its keys, so one map of ~4,000 phrases costs ~4,000 comparisons per
    candidate; hashing into a constant array of small maps (folded once by the optimiser) costs a
    handful, and the lookup stays row-local: no join, so no row is lost or duplicated.
    """
    buckets = F.from_json(F.lit(json.dumps(_buckets())), f"array<map<string, struct<{_VALUE_SCHEMA}>>>")
    return buckets[F.crc32(phrase.cast("binary")) % _BUCKETS][phrase]


def _title_words(text: Column) -> Column:
    """Lower-case words without punctuation or level words: `"Sr. Data Engineer"` -> `[data, engineer]`."""
    words = F.split(F.lower(F.regexp_replace(text, "&", " and ")), _NOT_WORD)
    return F.filter(words, lambda word: (word != "") & ~word.isin(*SENIORITY_TOKENS))


def _ngrams(words: Column, n: int, tier: int, suffix_only: bool) -> Column:
    """Candidate phrases of `n` words as structs (tier, n, position, phrase); only the last one if `suffix_only`."""
    count = F.size(words)
    first = count - n + 1
    positions = F.array(first) if suffix_only else F.sequence(F.lit(1), first)

    def candidate(pos: Column) -> Column:
        return F.struct(
            F.lit(-tier).alias("tier"),
            F.lit(n).alias("n"),
            pos.alias("pos"),
            F.array_join(F.slice(words, pos, n), " ").alias("phrase"),
        )

    # `when` guard: sequence(1, 0) would count down instead of being empty
    return F.when(count >= n, F.transform(positions, candidate)).otherwise(F.array())


def _best_match(title: Column) -> Column:
    """The taxonomy entry of the best candidate phrase, or null.

    Tier 0 is a phrase ending the main part of the title, tier 1 a phrase anywhere; within a tier
    the longest phrase wins, then the rightmost (the head noun of an English title comes last).
    """
    main_words = _title_words(F.split(title, _SEGMENT_END)[0])
    all_words = _title_words(title)
    sizes = range(MAX_PHRASE_WORDS, 0, -1)
    candidates = F.concat(
        *[_ngrams(main_words, n, tier=0, suffix_only=True) for n in sizes],
        *[_ngrams(all_words, n, tier=1, suffix_only=False) for n in sizes],
    )
    found = F.filter(
        F.transform(
            candidates,
            lambda c: F.struct(c["tier"], c["n"], c["pos"], _lookup(c["phrase"]).alias("value")),
        ),
        lambda c: c["value"].isNotNull(),
    )
    return F.array_max(found)["value"]  # structs compare field by field: tier, then n, then pos


def job_family_of(title: Column) -> Column:
    """The taxonomy entry of a title as a struct of `JOB_FAMILY_COLUMNS`, null when no phrase matches."""
    return F.when(title.isNotNull(), _best_match(title))


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
