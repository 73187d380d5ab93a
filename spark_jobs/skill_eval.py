"""Skill-extraction evaluation on public gold data (`joblake eval`, run by `make eval`).

Two gold sets from `../shared/data/gold`, both read by path:

- **SkillSpan** (Zhang et al., NAACL 2022): job-posting sentences with BIO tags for knowledge
  spans (technologies, tools, domains) and skill spans (abilities). Each sentence is its tokens
  joined by spaces; a span's characters follow from its tokens.
- **ESCO-linked mentions** (Decorte et al. 2022, `esco_linked`): sentences with skill mentions and
  the ESCO skill each refers to (or LABEL NOT PRESENT / UNDERSPECIFIED).

joblake's extractor (`spark_jobs.skills.skill_mentions` as the nightly job runs it: the Spark NLP
dictionary pipeline, then the knowledge tagger of `spark_jobs.skill_tagger`) reads every sentence,
and its mentions are scored against the gold spans:

- strict: a predicted span counts when a gold span has exactly its characters;
- partial: when it overlaps a gold span by at least one character.

SkillSpan's knowledge spans are facts, technologies and tools, its skill spans abilities: a
mention of a soft skill is scored against the skill spans, every other mention against the
knowledge spans, and so is a span the tagger found without a dictionary match (no skill). Precision
is the share of predicted spans that count, recall the share of gold spans some predicted span
counts for, F1 their harmonic mean; per source (SkillSpan's `tech` and `house` postings) and in
total, per split. The tagger learned from the train split: its train figures are in-sample, dev is
the held-out measure. For ESCO-linked mentions the report adds linking accuracy:
among gold mentions with an ESCO label that a prediction overlaps, the share whose predicted
skill carries that label (a mention overlapped only by tagger spans without a skill counts as
wrong), and the same share among the mentions an overlapping prediction gave a skill.
Published reference points are in the README.
"""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pyspark.sql import SparkSession

from ingestion.data_paths import require_shared_data
from lakehouse.config import Settings
from spark_jobs.skills import shipped_skills, skill_mentions

Span = tuple[int, int]  # character offsets, end exclusive
SKILLSPAN_SPLITS = ("train", "dev")
SPAN_KINDS = ("knowledge", "skill")
NO_LABEL = ("LABEL NOT PRESENT", "UNDERSPECIFIED")
EXTRACTOR = "Spark NLP dictionary + knowledge tagger (learned from SkillSpan train: train figures are in-sample)"


@dataclass
class Sentence:
    """One gold sentence: its text and gold spans per kind."""

    sentence_id: str
    source: str
    text: str
    spans: dict[str, list[Span]] = field(default_factory=dict)
    labels: dict[Span, str] = field(default_factory=dict)  # ESCO label of a gold span, when linked


def bio_spans(tags: Sequence[str]) -> list[tuple[int, int]]:
    """Token spans (start, end exclusive) of BIO tags; an I without a B before it starts a span.

    >>> bio_spans(["O", "B", "I", "O", "B", "B", "I"])
    [(1, 3), (4, 5), (5, 7)]
    """
    spans, start = [], None
    for i, tag in enumerate(tags):
        kind = tag[:1]
        if kind == "B" or (kind == "I" and start is None):
            if start is not None:
                spans.append((start, i))
            start = i
        elif kind != "I" and start is not None:
            spans.append((start, i))
            start = None
    if start is not None:
        spans.append((start, len(tags)))
    return spans


def joined_with_offsets(tokens: Sequence[str]) -> tuple[str, list[Span]]:
    """The tokens joined by single spaces, and each token's character span in that text."""
    offsets, position = [], 0
    for token in tokens:
        offsets.append((position, position + len(token)))
        position += len(token) + 1
    return " ".join(tokens), offsets


def _load_json_rows(path: Path) -> list[dict]:
    text = path.read_text(encoding="utf-8")
    if text.lstrip().startswith("["):
        return json.loads(text)
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def skillspan_sentences(path: Path, split: str) -> list[Sentence]:
    """SkillSpan sentences of one split file, with knowledge and skill spans as character offsets."""
    sentences = []
    for n, row in enumerate(_load_json_rows(path)):  # idx numbers the posting a sentence comes from
        text, offsets = joined_with_offsets(row["tokens"])
        spans = {
            kind: [(offsets[a][0], offsets[b - 1][1]) for a, b in bio_spans(row[f"tags_{kind}"])] for kind in SPAN_KINDS
        }
        sentences.append(Sentence(f"{split}-{row['source']}-{row['idx']}-{n}", row["source"], text, spans))
    return sentences


def esco_linked_sentences(path: Path, source: str) -> list[Sentence]:
    """Sentences of one ESCO-linked annotation file, each mention located in its sentence by text."""
    by_text: dict[str, Sentence] = {}
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            text, mention = row["sentence"], row["span"]
            sentence = by_text.setdefault(text, Sentence(f"{source}-{len(by_text)}", source, text, {"mention": []}))
            start = text.find(mention) if mention else -1
            if start < 0:
                continue  # a span that is not in its sentence cannot be scored
            span = (start, start + len(mention))
            if span not in sentence.spans["mention"]:
                sentence.spans["mention"].append(span)
            if row["label"] and row["label"] not in NO_LABEL:
                sentence.labels[span] = row["label"]
    return list(by_text.values())


def _overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def score(gold: Iterable[list[Span]], predicted: Iterable[list[Span]], partial: bool) -> dict[str, float | int]:
    """Precision, recall and F1 of predicted against gold spans, sentence by sentence.

    >>> score([[(0, 6), (10, 13)]], [[(0, 6), (20, 22)]], partial=False)["f1"]
    0.5
    >>> score([[(0, 12)]], [[(0, 6)]], partial=True)["precision"]
    1.0
    """
    matches = _overlaps if partial else (lambda a, b: a == b)
    n_pred = n_gold = pred_ok = gold_ok = 0
    for gold_spans, pred_spans in zip(gold, predicted, strict=True):
        n_pred += len(pred_spans)
        n_gold += len(gold_spans)
        pred_ok += sum(any(matches(p, g) for g in gold_spans) for p in pred_spans)
        gold_ok += sum(any(matches(p, g) for p in pred_spans) for g in gold_spans)
    return {"predicted": n_pred, "gold": n_gold, **precision_recall_f1(pred_ok, n_pred, gold_ok, n_gold)}


def precision_recall_f1(predicted_ok: int, predicted: int, gold_ok: int, gold: int) -> dict[str, float]:
    """Precision (predicted_ok of predicted), recall (gold_ok of gold) and F1, rounded to 4 places; 0 when empty."""
    precision = predicted_ok / predicted if predicted else 0.0
    recall = gold_ok / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def span_kind(category: str | None) -> str:
    """The SkillSpan span kind a taxonomy category's mentions are scored against (None: the tagger's, unlinked)."""
    return "skill" if category == "soft_skill" else "knowledge"


def predict(
    spark: SparkSession, sentences: list[Sentence], settings: Settings | None = None
) -> dict[str, list[tuple[Span, str | None]]]:
    """sentence id -> [(span, skill_id)] from joblake's extractor; skill_id None: a span only the tagger found."""
    texts_df = spark.createDataFrame([(s.sentence_id, s.text) for s in sentences], "sentence_id string, text string")
    found: dict[str, list[tuple[Span, str | None]]] = {s.sentence_id: [] for s in sentences}
    for row in skill_mentions(texts_df, "sentence_id", "text", settings=settings).collect():
        found[row["sentence_id"]].append(((row["begin"], row["end"]), row["skill_id"]))
    return found


def report(sentences: list[Sentence], found: dict[str, list[tuple[Span, str | None]]], kinds: Sequence[str]) -> dict:
    """Strict and partial scores per span kind, per source and in total."""
    sources = sorted({s.source for s in sentences})
    category = {skill.skill_id: skill.category for skill in shipped_skills()}
    out: dict[str, dict] = {}
    for kind in kinds:
        out[kind] = {}
        for source in [*sources, "all"]:
            chosen = [s for s in sentences if source in ("all", s.source)]
            gold = [s.spans[kind] for s in chosen]
            predicted = [
                [
                    span
                    for span, skill_id in found[s.sentence_id]
                    if kind in ("mention", span_kind(category.get(skill_id)))
                ]
                for s in chosen
            ]
            unlinked = sum(skill_id is None for s in chosen for _, skill_id in found[s.sentence_id])
            out[kind][source] = {
                "sentences": len(chosen),
                "unlinked": unlinked if kind != "skill" else 0,  # predicted spans without a skill
                "strict": score(gold, predicted, partial=False),
                "partial": score(gold, predicted, partial=True),
            }
    return out


def linking_accuracy(
    sentences: list[Sentence], found: dict[str, list[tuple[Span, str | None]]]
) -> dict[str, float | int]:
    """Among gold mentions with an ESCO label that a prediction overlaps, the share given that label.

    `accuracy` counts a mention found only by tagger spans without a skill as wrong; `accuracy_of_linked`
    judges only the mentions some overlapping prediction gave a skill (`linked`), so a tagger that finds
    more unlinked mentions lowers the first and not the second.
    """
    names = {skill.skill_id: {skill.name.lower(), *skill.aliases} for skill in shipped_skills()}
    judged = linked = correct = 0
    for sentence in sentences:
        for span, label in sentence.labels.items():
            hits = [skill_id for p, skill_id in found[sentence.sentence_id] if _overlaps(p, span)]
            if hits:
                judged += 1
                linked += any(skill_id is not None for skill_id in hits)
                correct += any(label.lower() in names.get(skill_id, ()) for skill_id in hits)
    return {
        "judged": judged,
        "linked": linked,
        "correct": correct,
        "accuracy": round(correct / judged, 4) if judged else 0.0,
        "accuracy_of_linked": round(correct / linked, 4) if linked else 0.0,
    }


def evaluate(spark: SparkSession, settings: Settings | None = None) -> dict:
    """Both gold sets, every split: the JSON report (the tagger's model from `settings`, by default the profile's)."""
    started = time.perf_counter()
    results: dict = {"extractor": EXTRACTOR, "skillspan": {}, "esco_linked": {}}
    for split in SKILLSPAN_SPLITS:
        sentences = skillspan_sentences(require_shared_data("gold", "skillspan", f"{split}.json"), split)
        results["skillspan"][split] = report(sentences, predict(spark, sentences, settings), SPAN_KINDS)
    linked = [
        sentence
        for source in ("tech", "house")
        for sentence in esco_linked_sentences(
            require_shared_data("gold", "esco_linked", f"{source}_validation_annotations.csv"), source
        )
    ]
    found = predict(spark, linked, settings)
    results["esco_linked"] = report(linked, found, ["mention"])
    results["esco_linked"]["linking"] = linking_accuracy(linked, found)
    results["taxonomy"] = {"skills": len(shipped_skills()), "aliases": sum(len(s.aliases) for s in shipped_skills())}
    results["seconds"] = round(time.perf_counter() - started, 1)
    return results


def summary(results: dict) -> list[str]:
    """The lines `joblake eval` prints."""
    lines = [f"extractor: {results['extractor']}"]
    for split, kinds in results["skillspan"].items():
        for kind, by_source in kinds.items():
            for source, figures in by_source.items():
                p, s = figures["partial"], figures["strict"]
                lines.append(
                    f"skillspan {split:<5} {kind:<9} {source:<5} partial P {p['precision']:.3f} R {p['recall']:.3f} "
                    f"F1 {p['f1']:.3f} | strict P {s['precision']:.3f} R {s['recall']:.3f} F1 {s['f1']:.3f}"
                )
    for source, figures in results["esco_linked"]["mention"].items():
        p = figures["partial"]
        lines.append(
            f"esco_linked mentions {source:<5} partial P {p['precision']:.3f} R {p['recall']:.3f} F1 {p['f1']:.3f}"
        )
    linking = results["esco_linked"]["linking"]
    lines.append(
        f"esco_linked linking accuracy {linking['accuracy']:.3f} on {linking['judged']} overlapped mentions, "
        f"{linking['accuracy_of_linked']:.3f} on the {linking['linked']} given a skill"
    )
    return lines
