"""Skills in postings: a Spark NLP dictionary pipeline over the skills taxonomy joblake ships.

The pipeline is DocumentAssembler -> SentenceDetector -> Tokenizer -> TextMatcher. The matcher
holds every alias of `spark_jobs/data/skills.csv` (derived from O*NET Technology Skills and ESCO
labels by `spark_jobs.derive_skill_taxonomy`), matches whole tokens case-insensitively, and keeps
the longest of overlapping matches ("Amazon Web Services" over "Web Services"). Each match is
mapped back to its skill through its alias; nothing is downloaded, the model is fitted from the
shipped file in a second or two.

A skill name directly before a role noun names the role, not a skill the posting asks for
("Java Developer", "Full Stack Engineer", "the Data Science team"): such a mention is not kept.

Names that are also ordinary words or letters ("R", "Go", "Excel", "Spark", "Swift") are marked
ambiguous in the taxonomy. The context rules keep such a mention only when

- it is written with a capital (`excel at`, `go to market` are prose), and
- its sentence names another, unambiguous skill or a technical cue word ("programming",
  "languages", "tools", "experience with"...), so "R" in "Python, R and SQL" counts and "Grade R"
  does not.
"""

from __future__ import annotations

import csv
import tempfile
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from pyspark.ml import PipelineModel
from pyspark.sql import DataFrame, SparkSession, Window
from pyspark.sql import functions as F
from sparknlp.annotator import SentenceDetector, TextMatcher, Tokenizer
from sparknlp.base import DocumentAssembler, Pipeline
from sparknlp.common import ReadAs

SKILLS_CSV = "skills.csv"
# words that make a sentence technical: an ambiguous name next to one of them is a skill
CONTEXT_CUES = (
    "programming",
    "programme in",
    "program in",
    "language",
    "languages",
    "scripting",
    "coding",
    "code in",
    "software",
    "tools",
    "toolkit",
    "packages",
    "libraries",
    "frameworks",
    "stack",
    "statistical",
    "experience with",
    "experience in",
    "experience using",
    "knowledge of",
    "proficient",
    "proficiency",
    "familiarity with",
    "skills in",
    "such as",
    "e.g.",
)
ROLE_NOUNS = (
    "developer",
    "engineer",
    "engineering",
    "architect",
    "programmer",
    "consultant",
    "specialist",
    "analyst",
    "scientist",
    "administrator",
    "lead",
    "manager",
    "team",
    "department",
    "position",
    "role",
    "student",
    "intern",
    "internship",
    "fellow",
)
_ROLE_AFTER = r"(?i)^\s*(?:" + "|".join(ROLE_NOUNS) + r")s?\b"
_CUE_PATTERN = r"(?i)\b(?:" + "|".join(cue.replace(".", r"\.") for cue in CONTEXT_CUES) + r")"
MENTION_COLUMNS = ("skill_id", "surface", "sentence_index", "begin", "end", "ambiguous")


@dataclass(frozen=True)
class Skill:
    """One entry of the skills taxonomy."""

    skill_id: str
    name: str
    category: str
    is_hot: bool
    in_demand: bool
    ambiguous: bool
    source: str
    esco_id: str | None
    aliases: tuple[str, ...]


def _flag(value: str) -> bool:
    return value.strip().lower() in ("true", "1", "y", "yes")


def read_skills(path: Path | str) -> list[Skill]:
    """The taxonomy rows of a skills CSV (header: skill_id,name,category,...,aliases)."""
    with open(path, newline="", encoding="utf-8") as handle:
        return [
            Skill(
                skill_id=row["skill_id"],
                name=row["name"],
                category=row["category"],
                is_hot=_flag(row["is_hot"]),
                in_demand=_flag(row["in_demand"]),
                ambiguous=_flag(row["ambiguous"]),
                source=row["source"],
                esco_id=row["esco_id"] or None,
                aliases=tuple(alias for alias in row["aliases"].split("|") if alias),
            )
            for row in csv.DictReader(handle)
        ]


@cache
def shipped_skills() -> tuple[Skill, ...]:
    """The taxonomy joblake ships (`spark_jobs/data/skills.csv`)."""
    with resources.as_file(resources.files("spark_jobs.data").joinpath(SKILLS_CSV)) as path:
        return tuple(read_skills(path))


def alias_key(text: str) -> str:
    """How an alias and a matched surface are compared: lower case, hyphens and runs of spaces as one space."""
    return " ".join(text.lower().replace("-", " ").split())


def alias_table(spark: SparkSession, skills: tuple[Skill, ...]) -> DataFrame:
    """alias key -> skill_id, ambiguous: one row per alias (the first skill listing an alias keeps it).

    Only a one-word alias of an ambiguous skill needs context: "Microsoft Excel" says what it is.
    """
    rows, seen = [], set()
    for skill in skills:
        for alias in skill.aliases:
            key = alias_key(alias)
            if key and key not in seen:
                seen.add(key)
                rows.append((key, skill.skill_id, skill.ambiguous and " " not in key))
    return spark.createDataFrame(rows, "alias_key string, skill_id string, ambiguous boolean")


def _phrases(skills: tuple[Skill, ...]) -> list[str]:
    """Every alias, with its hyphenated and spaced spellings: the tokenizer keeps "machine-learning" whole."""
    phrases = set()
    for skill in skills:
        for alias in skill.aliases:
            phrases.add(alias)
            if "-" in alias:
                phrases.add(alias.replace("-", " "))
            elif " " in alias:  # "amazon-web-services", as tag lists write it
                phrases.add(alias.replace(" ", "-"))
    return sorted(phrases)


def skill_pipeline(entities_file: str) -> Pipeline:
    """The unfitted Spark NLP pipeline: text -> sentences -> tokens -> skill chunks."""
    document = DocumentAssembler().setInputCol("text").setOutputCol("document").setCleanupMode("shrink")
    sentence = SentenceDetector().setInputCols(["document"]).setOutputCol("sentence").setExplodeSentences(False)
    token = Tokenizer().setInputCols(["sentence"]).setOutputCol("token")
    matcher = (
        TextMatcher()
        .setInputCols(["sentence", "token"])
        .setOutputCol("skill")
        .setEntities(entities_file, ReadAs.TEXT)
        .setCaseSensitive(False)
        .setMergeOverlapping(True)
        .setEntityValue("skill")
    )
    return Pipeline(stages=[document, sentence, token, matcher])


_models: dict[tuple[str, int], PipelineModel] = {}


def fitted_pipeline(spark: SparkSession, skills: tuple[Skill, ...]) -> PipelineModel:
    """The pipeline fitted on the taxonomy, once per Spark application and taxonomy."""
    key = (spark.sparkContext.applicationId, hash(skills))
    if key not in _models:
        with tempfile.TemporaryDirectory(prefix="joblake-skills-") as folder:
            entities = Path(folder) / "aliases.txt"
            entities.write_text("\n".join(_phrases(skills)) + "\n", encoding="utf-8")
            empty_df = spark.createDataFrame([], "text string")
            _models[key] = skill_pipeline(str(entities)).fit(empty_df)
    return _models[key]


def skill_mentions(
    texts_df: DataFrame, id_col: str, text_col: str, skills: tuple[Skill, ...] | None = None
) -> DataFrame:
    """Every skill mention in `text_col`: `id_col`, skill_id, surface, sentence_index, begin, end, ambiguous.

    `begin`/`end` are character offsets into the text (end exclusive). Ambiguous names pass the
    context rules of the module docstring.
    """
    spark = texts_df.sparkSession
    skills = skills if skills is not None else shipped_skills()
    annotated_df = fitted_pipeline(spark, skills).transform(
        texts_df.select(F.col(id_col), F.coalesce(F.col(text_col), F.lit("")).alias("text"))
    )
    # explode_outer: a plain explode lets Spark infer a size(skill) > 0 filter and push it below the
    # pipeline's projections, which then runs every annotator twice
    chunks_df = (
        annotated_df.select(
            id_col, "text", F.col("sentence.result").alias("_sentences"), F.explode_outer("skill").alias("c")
        )
        .where(F.col("c").isNotNull())
        .select(
            id_col,
            F.col("c.result").alias("surface"),
            F.col("c.metadata")["sentence"].cast("int").alias("sentence_index"),
            F.col("c.begin").alias("begin"),
            (F.col("c.end") + 1).alias("end"),
            F.col("text").substr(F.col("c.end") + 2, F.lit(40)).alias("_after"),
            F.element_at("_sentences", F.col("c.metadata")["sentence"].cast("int") + 1).alias("_sentence"),
        )
    )
    key = F.lower(F.regexp_replace(F.trim(F.regexp_replace("surface", "-", " ")), r"\s+", " "))
    mentions_df = chunks_df.join(F.broadcast(alias_table(spark, skills)), key == F.col("alias_key"), "inner").drop(
        "alias_key"
    )
    return apply_context_rules(mentions_df, id_col)


def apply_context_rules(mentions_df: DataFrame, id_col: str) -> DataFrame:
    """Drop mentions naming a role; keep unambiguous ones, and ambiguous ones capitalised in a technical sentence.

    `mentions_df` carries each mention's sentence (`_sentence`) and the text after it (`_after`).
    """
    same_sentence = Window.partitionBy(id_col, "sentence_index")
    has_skill = F.max((~F.col("ambiguous")).cast("int")).over(same_sentence) == 1
    capitalised = F.col("surface") != F.lower("surface")
    keep = ~F.col("ambiguous") | (capitalised & (has_skill | F.col("_sentence").rlike(_CUE_PATTERN)))
    return (
        mentions_df.where(~F.col("_after").rlike(_ROLE_AFTER))
        .withColumn("_keep", keep)
        .where("_keep")
        .select(id_col, *MENTION_COLUMNS)
    )
