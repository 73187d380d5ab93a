"""spark_jobs.skill_eval: gold readers and span scoring (the real gold data is only read by `make eval`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spark_jobs.skill_eval import (
    Sentence,
    bio_spans,
    esco_linked_sentences,
    joined_with_offsets,
    linking_accuracy,
    report,
    score,
    skillspan_sentences,
)
from spark_jobs.skills import shipped_skills


@pytest.mark.parametrize(
    ("tags", "spans"),
    [
        (["O", "B", "I", "O", "B", "B", "I"], [(1, 3), (4, 5), (5, 7)]),
        (["I", "I", "O"], [(0, 2)]),  # an I without a B starts a span
        (["B-KNOWLEDGE", "I-KNOWLEDGE"], [(0, 2)]),  # typed tags
        (["O", "O"], []),
        (["B"], [(0, 1)]),
    ],
)
def test_bio_spans(tags: list[str], spans: list[tuple[int, int]]) -> None:
    assert bio_spans(tags) == spans


def test_joined_with_offsets() -> None:
    text, offsets = joined_with_offsets(["Use", "C++", "daily"])
    assert text == "Use C++ daily"
    assert [text[a:b] for a, b in offsets] == ["Use", "C++", "daily"]


@pytest.mark.parametrize(
    ("gold", "predicted", "partial", "expected"),
    [
        ([[(0, 6), (10, 13)]], [[(0, 6), (20, 22)]], False, (0.5, 0.5, 0.5)),
        ([[(0, 12)]], [[(0, 6)]], False, (0.0, 0.0, 0.0)),  # strict: boundaries must agree
        ([[(0, 12)]], [[(0, 6)]], True, (1.0, 1.0, 1.0)),  # partial: overlap is enough
        ([[(0, 12)]], [[(12, 14)]], True, (0.0, 0.0, 0.0)),  # touching is not overlapping
        ([[(0, 6)], []], [[], [(0, 3)]], True, (0.0, 0.0, 0.0)),  # spans are compared within a sentence
        ([[]], [[]], True, (0.0, 0.0, 0.0)),  # nothing to find, nothing found
        ([[(0, 4), (5, 9)]], [[(0, 9)]], True, (1.0, 1.0, 1.0)),  # one prediction covering two gold spans
    ],
)
def test_score(gold, predicted, partial, expected) -> None:
    figures = score(gold, predicted, partial)
    assert (figures["precision"], figures["recall"], figures["f1"]) == expected


def test_skillspan_sentences(tmp_path: Path) -> None:
    path = tmp_path / "dev.json"
    row = {
        "idx": 7,
        "source": "tech",
        "tokens": ["Know", "Apache", "Kafka", "and", "teamwork"],
        "tags_knowledge": ["O", "B", "I", "O", "O"],
        "tags_skill": ["O", "O", "O", "O", "B"],
    }
    path.write_text(json.dumps(row) + "\n")
    [sentence] = skillspan_sentences(path, "dev")
    assert sentence.sentence_id == "dev-tech-7-0"
    assert [sentence.text[a:b] for a, b in sentence.spans["knowledge"]] == ["Apache Kafka"]
    assert [sentence.text[a:b] for a, b in sentence.spans["skill"]] == ["teamwork"]


def test_esco_linked_sentences(tmp_path: Path) -> None:
    path = tmp_path / "tech.csv"
    path.write_text(
        "sentence,span,sub_span,label\n"
        "Strong Python and Git,Python,,Python (computer programming)\n"
        "Strong Python and Git,Git,,LABEL NOT PRESENT\n"
        "Strong Python and Git,Docker,,Docker\n"  # not in its sentence: not scored
    )
    [sentence] = esco_linked_sentences(path, "tech")
    assert [sentence.text[a:b] for a, b in sentence.spans["mention"]] == ["Python", "Git"]
    assert list(sentence.labels.values()) == ["Python (computer programming)"]


def test_report_scores_unlinked_tagger_spans_as_knowledge() -> None:
    text = "Python Kubernetes and teamwork"
    sentence = Sentence("dev-tech-1-0", "tech", text, {"knowledge": [(0, 6), (7, 17)], "skill": [(22, 30)]})
    found = {sentence.sentence_id: [((0, 6), "python"), ((7, 17), None), ((22, 30), "teamwork")]}
    figures = report([sentence], found, ["knowledge", "skill"])
    knowledge, skill = figures["knowledge"]["all"], figures["skill"]["all"]
    assert knowledge["strict"]["predicted"] == 2 and knowledge["strict"]["f1"] == 1.0  # Python and the unlinked span
    assert knowledge["unlinked"] == 1
    assert skill["strict"]["predicted"] == 1 and skill["strict"]["f1"] == 1.0  # a soft skill counts as a skill


def test_linking_accuracy_tells_unlinked_mentions_from_wrong_skills() -> None:
    python = next(skill for skill in shipped_skills() if skill.name == "Python")
    text = "Python, Kubernetes and Java"
    sentence = Sentence("tech-0", "tech", text, {"mention": [(0, 6), (8, 18), (23, 27)]})
    sentence.labels.update({(0, 6): python.name, (8, 18): "Kubernetes", (23, 27): "Java (computer programming)"})
    # Python linked right, Kubernetes found by the tagger without a skill, Java not found at all
    found = {sentence.sentence_id: [((0, 6), python.skill_id), ((8, 18), None)]}
    linking = linking_accuracy([sentence], found)
    assert linking == {"judged": 2, "linked": 1, "correct": 1, "accuracy": 0.5, "accuracy_of_linked": 1.0}
