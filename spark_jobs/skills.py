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

By default the knowledge tagger (`spark_jobs.skill_tagger`, learned from SkillSpan) then reads every
sentence and decides for technologies and tools instead of those rules: a match is kept where the
tagger finds a knowledge span over it, and a span it finds without any match is a mention with a
null skill_id ("Kubernetes" when the taxonomy lacks it). Soft skills still pass the rules.
"""

from __future__ import annotations

import csv
import re
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import pandas as pd
from pyspark.ml import PipelineModel
from pyspark.sql import Column, DataFrame, SparkSession, Window
from pyspark.sql import functions as F
from pyspark.sql.functions import pandas_udf
from sparknlp.annotator import SentenceDetector, TextMatcher, Tokenizer
from sparknlp.base import DocumentAssembler, Pipeline
from sparknlp.common import ReadAs

from lakehouse.config import Settings, load_settings
from spark_jobs import embeddings
from spark_jobs.skill_tagger import Match, TaggedSpans, remembering_tagger, shipped_weights

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
_ROLE_AFTER_RE = re.compile(_ROLE_AFTER)
_CUE_RE = re.compile(_CUE_PATTERN)
MENTION_COLUMNS = ("skill_id", "surface", "sentence_index", "begin", "end", "ambiguous")
SOFT_SKILL = "soft_skill"  # the category the knowledge tagger leaves to the context rules
TAGGED_SPANS = "array<struct<begin:int,end:int,sentence:int,surface:string,score:float>>"


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
    """alias key -> skill_id, category, ambiguous: one row per alias (the first skill listing an alias keeps it).

    Only a one-word alias of an ambiguous skill needs context: "Microsoft Excel" says what it is.
    """
    rows = [
        (key, skill.skill_id, skill.category, ambiguous) for key, (skill, ambiguous) in alias_lookup(skills).items()
    ]
    return spark.createDataFrame(rows, "alias_key string, skill_id string, category string, ambiguous boolean")


def alias_lookup(skills: tuple[Skill, ...]) -> dict[str, tuple[Skill, bool]]:
    """alias key -> (skill, ambiguous) of `alias_table`."""
    found: dict[str, tuple[Skill, bool]] = {}
    for skill in skills:
        for alias in skill.aliases:
            key = alias_key(alias)
            if key and key not in found:
                found[key] = (skill, skill.ambiguous and " " not in key)
    return found


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


@dataclass(frozen=True)
class TaggerSentence:
    """One sentence as the knowledge tagger reads it: its tokens and the dictionary's matches over them."""

    index: int
    offsets: list[tuple[int, int]]  # each token's characters in the text, end exclusive
    words: list[str]
    matches: list[Match]
    has_cue: bool


def tagger_sentences(
    text: str,
    sentences: Sequence[str],
    tokens: Sequence[dict],
    chunks: Sequence[dict],
    aliases: dict[str, tuple[str, bool]],
) -> list[TaggerSentence]:
    """The sentences of one annotated text, for the knowledge tagger.

    `sentences` are the pipeline's sentence texts, `tokens` and `chunks` its token and matcher
    annotations (begin, end inclusive, sentence; a chunk also its result); `aliases` maps an
    alias key to (category, ambiguous), as `alias_table`.
    """
    by_sentence: dict[int, list[tuple[int, int]]] = {}
    for token in tokens:
        by_sentence.setdefault(int(token["sentence"]), []).append((int(token["begin"]), int(token["end"]) + 1))
    out = []
    for index, offsets in sorted(by_sentence.items()):
        first_at = {begin: t for t, (begin, _) in enumerate(offsets)}
        stop_at = {end: t + 1 for t, (_, end) in enumerate(offsets)}
        matches = []
        for chunk in chunks:
            begin, end = int(chunk["begin"]), int(chunk["end"]) + 1
            found = aliases.get(alias_key(chunk["result"]))
            if int(chunk["sentence"]) == index and found and begin in first_at and end in stop_at:
                names_role = _ROLE_AFTER_RE.match(text[end : end + 40]) is not None
                matches.append(Match(first_at[begin], stop_at[end], found[0], found[1], names_role))
        sentence = sentences[index] if index < len(sentences) else ""
        words = [text[begin:end] for begin, end in offsets]
        out.append(TaggerSentence(index, offsets, words, matches, _CUE_RE.search(sentence) is not None))
    return out


@cache
def _worker_tagger(args: tuple[str, str, int]) -> Callable[[tuple[str, ...], tuple[Match, ...], bool], TaggedSpans]:
    """The remembering tagger of this Python worker: workers are reused across tasks, and so is its memory."""
    return remembering_tagger(shipped_weights(), embeddings.encoder_for(*args))


def knowledge_spans(
    text: Column, sentences: Column, tokens: Column, chunks: Column, skills: tuple[Skill, ...], settings: Settings
) -> Column:
    """The knowledge tagger's spans of each annotated text: array<struct<begin, end, sentence, surface, score>>.

    An Arrow UDF because the tagger is Python (ONNX Runtime and numpy): the iterator form loads the
    model once per Python worker. `sentences` are the pipeline's sentence texts, `tokens` and
    `chunks` its annotations reduced to begin, end, sentence (and the chunk's result).
    """
    aliases = {key: (skill.category, ambiguous) for key, (skill, ambiguous) in alias_lookup(skills).items()}
    args = embeddings.model_args(settings)

    @pandas_udf(TAGGED_SPANS)
    def _tag(batches: Iterator[tuple[pd.Series, pd.Series, pd.Series, pd.Series]]) -> Iterator[pd.Series]:
        tag = _worker_tagger(args)
        for texts, sentence_lists, token_lists, chunk_lists in batches:
            yield pd.Series(
                [
                    [
                        {
                            "begin": s.offsets[a][0],
                            "end": s.offsets[b - 1][1],
                            "sentence": s.index,
                            "surface": t[s.offsets[a][0] : s.offsets[b - 1][1]],
                            "score": score,
                        }
                        for s in tagger_sentences(t, list(ss), list(tt), list(cc), aliases)
                        for a, b, score in tag(tuple(s.words), tuple(s.matches), s.has_cue)
                    ]
                    for t, ss, tt, cc in zip(texts, sentence_lists, token_lists, chunk_lists, strict=True)
                ]
            )

    return _tag(text, sentences, tokens, chunks)


def annotated_texts(texts_df: DataFrame, id_col: str, text_col: str, skills: tuple[Skill, ...]) -> DataFrame:
    """`id_col`, text, and the pipeline's sentences (texts), tokens and chunks (begin, end inclusive, sentence)."""
    annotated_df = fitted_pipeline(texts_df.sparkSession, skills).transform(
        texts_df.select(F.col(id_col), F.coalesce(F.col(text_col), F.lit("")).alias("text"))
    )

    def sentence_of(a: Column) -> Column:
        return a["metadata"]["sentence"].cast("int")

    return annotated_df.select(
        id_col,
        "text",
        F.col("sentence.result").alias("sentences"),
        F.transform(
            "token",
            lambda a: F.struct(a["begin"].alias("begin"), a["end"].alias("end"), sentence_of(a).alias("sentence")),
        ).alias("tokens"),
        F.transform(
            "skill",
            lambda a: F.struct(
                a["begin"].alias("begin"),
                a["end"].alias("end"),
                sentence_of(a).alias("sentence"),
                a["result"].alias("result"),
            ),
        ).alias("chunks"),
    )


def skill_mentions(
    texts_df: DataFrame,
    id_col: str,
    text_col: str,
    skills: tuple[Skill, ...] | None = None,
    *,
    tagger: bool = True,
    settings: Settings | None = None,
) -> DataFrame:
    """Every skill mention in `text_col`: `id_col`, skill_id, surface, sentence_index, begin, end, ambiguous.

    `begin`/`end` are character offsets into the text (end exclusive). With the knowledge tagger
    (`tagger=True`; its model comes from `settings`, by default the profile's), a dictionary match
    of a technology or a tool is kept where the tagger finds a knowledge span, and a tagger span
    without any dictionary match is a mention with a null skill_id; soft skills, and every match
    without the tagger, pass the context rules of the module docstring instead.
    """
    spark = texts_df.sparkSession
    skills = skills if skills is not None else shipped_skills()
    annotated_df = annotated_texts(texts_df, id_col, text_col, skills)
    if tagger:
        spans = knowledge_spans(
            F.col("text"), F.col("sentences"), F.col("tokens"), F.col("chunks"), skills, settings or load_settings()
        )
    else:
        spans = F.lit(None).cast(TAGGED_SPANS)

    def overlap(a: Column, b: Column) -> Column:
        return (a["begin"] < b["end"] + 1) & (b["begin"] < a["end"] + 1)  # a: chunk (end inclusive), b: span

    def from_chunk(c: Column) -> Column:
        return F.struct(
            F.lit(True).alias("is_match"),
            c["result"].alias("surface"),
            c["sentence"].alias("sentence_index"),
            c["begin"].alias("begin"),
            (c["end"] + 1).alias("end"),
            F.exists("_spans", lambda s: overlap(c, s)).alias("is_tagged"),
        )

    def from_span(s: Column) -> Column:
        return F.struct(
            F.lit(False).alias("is_match"),
            s["surface"].alias("surface"),
            s["sentence"].alias("sentence_index"),
            s["begin"].alias("begin"),
            s["end"].alias("end"),
            F.lit(True).alias("is_tagged"),
        )

    untagged = F.filter("_spans", lambda s: ~F.exists("chunks", lambda c: overlap(c, s)))
    # one explode_outer of matches and tagger spans: a plain explode lets Spark infer a size(...) > 0 filter
    # and push it below the pipeline's projections, and two would run the pipeline and the tagger twice
    candidates_df = (
        annotated_df.withColumn("_spans", spans)
        .select(
            id_col,
            "text",
            "sentences",
            F.explode_outer(
                F.concat(F.transform("chunks", from_chunk), F.coalesce(F.transform(untagged, from_span), F.array()))
            ).alias("c"),
        )
        .where(F.col("c").isNotNull())
        .select(
            id_col,
            "c.*",
            F.when(F.col("c.is_match"), F.col("text").substr(F.col("c.end") + 1, F.lit(40))).alias("_after"),
            F.element_at("sentences", F.col("c.sentence_index") + 1).alias("_sentence"),
        )
    )
    key = F.when(
        F.col("is_match"), F.lower(F.regexp_replace(F.trim(F.regexp_replace("surface", "-", " ")), r"\s+", " "))
    )
    mentions_df = candidates_df.join(F.broadcast(alias_table(spark, skills)), key == F.col("alias_key"), "left")
    return apply_context_rules(
        mentions_df.where(~F.col("is_match") | F.col("alias_key").isNotNull()).drop("alias_key"), id_col, tagger
    )


def apply_context_rules(mentions_df: DataFrame, id_col: str, tagger: bool = False) -> DataFrame:
    """The mentions to keep: with the tagger, its spans and the technology matches it confirms, else the rules'.

    The rules drop a mention naming a role and keep an unambiguous one, or an ambiguous one capitalised
    in a technical sentence. `mentions_df` carries each candidate's sentence (`_sentence`), the text
    after it (`_after`), whether it is a dictionary match (`is_match`, else a tagger span) and
    whether it overlaps a tagger span (`is_tagged`).
    """
    same_sentence = Window.partitionBy(id_col, "sentence_index")
    has_skill = F.max((F.col("is_match") & ~F.col("ambiguous")).cast("int")).over(same_sentence) == 1
    capitalised = F.col("surface") != F.lower("surface")
    by_rules = ~F.col("_after").rlike(_ROLE_AFTER) & (
        ~F.col("ambiguous") | (capitalised & (has_skill | F.col("_sentence").rlike(_CUE_PATTERN)))
    )
    keep = by_rules
    if tagger:
        keep = (
            F.when(~F.col("is_match"), True)
            .when(F.col("category") == SOFT_SKILL, by_rules)
            .otherwise(F.col("is_tagged"))
        )
    return (
        mentions_df.withColumn("ambiguous", F.coalesce("ambiguous", F.lit(False)))
        .withColumn("_keep", keep)
        .where("_keep")
        .select(id_col, *MENTION_COLUMNS)
    )
