"""Learn the knowledge tagger's weights from SkillSpan's train split: `python -m spark_jobs.train_knowledge_tagger`.

Reads `gold/skillspan/train.json` from the shared data folder (by path; the dev split is never
read), runs every sentence through the Spark NLP pipeline and dictionary of `skill_mentions`, labels
each token O, B or I of a knowledge span (and B or I of a skill span, outside a knowledge span:
`token_classes`) and writes `spark_jobs/data/knowledge_tagger.npz` (or `--out`). The postings are
dealt into `FOLDS` folds; for each fold, token networks (one per seed of `SEEDS`) are fitted on the
other folds' sentences and give the fold's sentences their token probabilities. The span model
learns from those candidates, and the tagger keeps all the fold networks (their probabilities
averaged): at run time the span model reads the kind of probabilities it was fitted on, from
networks that had not seen the posting.

The token vectors are read at MiniLM's fourth layer (`embeddings.TAGGER_LAYER`), chosen by
cross-validation on the train split alone (one seed per fold, span model at the 0.6 cut-off):
last layer P 0.804 R 0.589 F1 0.680; third layer P 0.790 R 0.638 F1 0.706; fourth P 0.810 R 0.656
F1 0.725; the mean of all six P 0.794 R 0.640 F1 0.709; the last and the fourth side by side
P 0.795 R 0.631 F1 0.704. The last layer is trained for whole-sentence similarity under mean
pooling. The two seeds were chosen with last-layer vectors: averaging two networks raised the
cross-validated precision and F1 over one, and three (F1 0.679 -> 0.696) were not worth a weights
file of 9.1 MB instead of 6.1 MB and a 100k night about 16% longer. With those vectors 512 hidden
units (F1 0.676), the sentence's mean vector as a further token input (one seed: F1 0.680 ->
0.683) and the span's mean vector as a span-model input (F1 0.671) did no better. Keeping the fold
networks replaced two networks refitted on every posting, whose surer probabilities the span model
had never seen (the figures of both are in the README).

The span model also reads how often the candidate's words were inside a knowledge span in the
training sentences (`WordCounts`; a candidate's words counted without its own fold's sentences, the
shipped counts over all of train). On the cross-validation at the 0.6 cut-off (two seeds per fold)
it moved the spans kept from P 0.820 R 0.666 F1 0.735 to P 0.821 R 0.675 F1 0.741, and at every
cut-off from 0.3 to 0.6 it kept more at the same or better precision; with fifth-layer vectors
likewise (F1 0.716 -> 0.723). The fifth layer itself did worse than the fourth (F1 0.716 against 0.735).

The token networks also learn SkillSpan's skill spans (abilities rather than tools) as two classes
of their own, first and inside a skill span (`token_classes`); the tagger adds their
probabilities to O. Without them a skill span's words taught the networks only "outside", like the
rest of the sentence. On the cross-validation at the 0.6 cut-off (2026-12-04, the same folds,
span model and word counts) it moved the spans kept from P 0.820 R 0.674 F1 0.740 to P 0.827
R 0.680 F1 0.746 with the shipped seeds, and from P 0.820 R 0.679 F1 0.743 to P 0.824 R 0.679
F1 0.745 with seeds 2 and 3; it kept spans at the same or higher precision at every cut-off from
0.5 to 0.7, and the kept spans that were wrong but overlapped a skill span went from 106 to 93.
Also reading the span's skill-class probabilities in the span model did no better (P 0.828 R 0.677).

Training also prints the span model's cut-off curve (`cut_off_curve`): partial-match precision,
recall and F1 at each cut-off, cross-validated on train. `KEEP_PROBABILITY` was chosen on that curve
with earlier networks and kept as a precision-first point: with the fourth-layer networks, the word
counts and the skill classes it keeps spans at precision 0.827, recall 0.679, F1 0.746, where the F1
maximum (0.45) keeps them at precision 0.778, recall 0.755, F1 0.766. The curve is that of one
fold's networks; the shipped tagger averages every fold's, and at the same cut-off keeps fewer
spans, more precisely: trained as here (before the word counts) on four fifths of the postings (four
inner folds) and scored on the fifth, in turn, it kept spans at precision 0.847, recall 0.650
(nested cross-validation, 2026-12-04; too slow to run on every training).
Fixed seeds and one BLAS thread: a rerun writes the same numbers.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pyspark.sql import SparkSession
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from threadpoolctl import threadpool_limits

from ingestion.data_paths import require_shared_data
from lakehouse.config import Settings, load_settings
from lakehouse.session import get_spark
from spark_jobs import embeddings
from spark_jobs.embeddings import SentenceEncoder
from spark_jobs.skill_eval import Sentence, skillspan_sentences
from spark_jobs.skill_tagger import (
    FIRST,
    INSIDE,
    KEEP_PROBABILITY,
    NETWORK_ARRAYS,
    OUTSIDE,
    SKILL_FIRST,
    WEIGHTS_FILE,
    TaggerWeights,
    TokenNetworks,
    WordCounts,
    candidate_spans,
    sentence_inputs,
    span_features,
)
from spark_jobs.skills import Skill, alias_lookup, annotated_texts, shipped_skills, tagger_sentences

FOLDS = 5
HIDDEN_UNITS = 256
L2 = 1e-2  # the network's alpha
SEED = 0  # of the folds
SEEDS = (0, 1)  # of the token networks, whose probabilities are averaged
SPAN_C = 1.0  # inverse L2 strength of the span model
Span = tuple[int, int]  # tokens [first, stop) of a sentence
CUT_OFFS = tuple(round(0.3 + 0.05 * i, 2) for i in range(13))  # 0.30 ... 0.90, scored in cross-validation


@dataclass
class Example:
    """One sentence of the training split, as the tagger reads it, with its gold token labels.

    labels: O, B, I of the knowledge spans; skill_labels: O, B, I of the skill spans.
    """

    posting: str
    words: list[str]
    features: np.ndarray
    hand: np.ndarray
    labels: np.ndarray
    skill_labels: np.ndarray


def token_labels(offsets: Sequence[tuple[int, int]], spans: Sequence[tuple[int, int]]) -> np.ndarray:
    """OUTSIDE / FIRST / INSIDE for each token (character offsets) given gold character spans.

    >>> token_labels([(0, 4), (5, 11), (12, 17), (18, 21)], [(5, 17)]).tolist()
    [0, 1, 2, 0]
    """
    labels = np.full(len(offsets), OUTSIDE, np.int64)
    for begin, end in spans:
        inside = [t for t, (a, b) in enumerate(offsets) if a >= begin and b <= end]
        labels[inside] = INSIDE
        if inside:
            labels[inside[0]] = FIRST
    return labels


def examples(
    spark: SparkSession, sentences: list[Sentence], skills: tuple[Skill, ...], encoder: SentenceEncoder
) -> list[Example]:
    """Every pipeline sentence of the gold sentences, with features and labels (knowledge spans)."""
    texts_df = spark.createDataFrame([(s.sentence_id, s.text) for s in sentences], "sentence_id string, text string")
    annotated = {row["sentence_id"]: row for row in annotated_texts(texts_df, "sentence_id", "text", skills).collect()}
    aliases = {key: (skill.category, ambiguous) for key, (skill, ambiguous) in alias_lookup(skills).items()}
    categories = sorted({skill.category for skill in skills})
    out = []
    for sentence in sentences:
        row = annotated[sentence.sentence_id]
        for s in tagger_sentences(row["text"], row["sentences"], row["tokens"], row["chunks"], aliases):
            features, hand = sentence_inputs(encoder, s.words, s.matches, s.has_cue, categories)
            labels = token_labels(s.offsets, sentence.spans["knowledge"])
            skill_labels = token_labels(s.offsets, sentence.spans["skill"])
            out.append(Example(sentence.sentence_id.rsplit("-", 1)[0], s.words, features, hand, labels, skill_labels))
    return out


def token_classes(knowledge: np.ndarray, skill: np.ndarray) -> np.ndarray:
    """The classes the token networks learn: O, B, I of a knowledge span, else B, I of a skill span (SKILL_FIRST...).

    From a sentence's O, B, I labels of its knowledge spans and of its skill spans:

    >>> token_classes(np.array([0, 1, 2, 0, 0, 0]), np.array([1, 2, 2, 1, 2, 0])).tolist()
    [3, 1, 2, 3, 4, 0]
    """
    return np.where(knowledge != OUTSIDE, knowledge, np.where(skill != OUTSIDE, skill - FIRST + SKILL_FIRST, OUTSIDE))


def _scaling(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean = rows.mean(axis=0, dtype=np.float64)
    scale = rows.std(axis=0, dtype=np.float64)
    return mean.astype(np.float32), np.where(scale > 0, scale, 1).astype(np.float32)


def fit_token_model(chosen: list[Example], seed: int = SEED) -> TokenNetworks:
    """The token network fitted on `chosen` from the random state `seed`, with its input standardisation.

    Its outputs are the classes of `token_classes` that the sentences have, in order: O, B, I, then
    those of skill spans, which the tagger counts as outside a knowledge span.
    """
    rows = np.vstack([e.features for e in chosen])
    labels = np.concatenate([token_classes(e.labels, e.skill_labels) for e in chosen])
    if not {OUTSIDE, FIRST, INSIDE} <= set(labels.tolist()):
        raise ValueError("the training sentences need tokens outside, first and inside a knowledge span")
    mean, scale = _scaling(rows)
    network = MLPClassifier(
        (HIDDEN_UNITS,), alpha=L2, early_stopping=True, random_state=seed, max_iter=60
    )  # early stopping on a seeded 10% of the tokens
    network.fit((rows - mean) / scale, labels)
    arrays = (mean, scale, *network.coefs_[:1], network.intercepts_[0], network.coefs_[1], network.intercepts_[1])
    return TokenNetworks(*(np.asarray(a, np.float32)[np.newaxis] for a in arrays))


def span_rows(
    example: Example, probabilities: np.ndarray, words: WordCounts
) -> tuple[list[np.ndarray], list[bool], list[Span]]:
    """Span features of the example's candidate spans, whether each overlaps a gold knowledge span, and the spans.

    `words` are the counts the span features read, of sentences other than the example's.
    """
    gold = example.labels != OUTSIDE
    rates = words.rates(example.words)
    features, overlaps, spans = [], [], []
    for a, b in candidate_spans(probabilities, example.words):
        features.append(span_features(probabilities, example.hand, rates, example.words, a, b))
        overlaps.append(bool(gold[a:b].any()))
        spans.append((a, b))
    return features, overlaps, spans


def gold_spans(labels: np.ndarray) -> list[Span]:
    """Token spans [first, stop) of the knowledge spans of OUTSIDE / FIRST / INSIDE labels.

    >>> gold_spans(np.array([0, 1, 2, 0, 2, 1, 1]))
    [(1, 3), (4, 5), (5, 6), (6, 7)]
    """
    spans, start = [], None
    for t, label in enumerate(labels.tolist() + [OUTSIDE]):
        if start is not None and label != INSIDE:
            spans.append((start, t))
            start = None
        if label == FIRST or (label == INSIDE and start is None):
            start = t
    return spans


@dataclass(frozen=True)
class CutOffScore:
    """Partial-match precision, recall and F1 of the spans kept at one cut-off, in cross-validation on train."""

    cut_off: float
    precision: float
    recall: float
    f1: float


def _fit_span_model(rows: np.ndarray, labels: Sequence[bool]) -> tuple[np.ndarray, np.ndarray, LogisticRegression]:
    mean, scale = _scaling(rows)
    return mean, scale, LogisticRegression(C=SPAN_C, max_iter=1000).fit((rows - mean) / scale, labels)


def cut_off_curve(
    examples_: list[Example],
    candidates: Sequence[tuple[int, int, int, int]],
    rows: np.ndarray,
    overlaps: Sequence[bool],
    cut_offs: Sequence[float] = CUT_OFFS,
) -> list[CutOffScore]:
    """Cross-validated scores of the span model's cut-offs: (fold, example, first, stop) per candidate row.

    The span model is refitted without each fold's candidates and scores them, so no candidate is
    kept by a model that saw it; a kept span is right when it overlaps a gold span, a gold span is
    found when a kept span overlaps it (the partial match of `make eval`). The word counts in the
    rows of the other folds did count the held-out fold's sentences; recounting them without it
    for each refit moved no figure at the 0.6 cut-off by more than 0.001 (one seed per fold).
    """
    fold_of_row = np.array([c[0] for c in candidates])
    right = np.asarray(overlaps, bool)
    probabilities = np.zeros(len(candidates))
    for k in sorted(set(fold_of_row.tolist())):
        held_out = fold_of_row == k
        mean, scale, model = _fit_span_model(rows[~held_out], right[~held_out])
        probabilities[held_out] = model.predict_proba((rows[held_out] - mean) / scale)[:, 1]
    gold = [gold_spans(e.labels) for e in examples_]
    total = sum(len(g) for g in gold)
    scores = []
    for cut_off in cut_offs:
        kept = probabilities > cut_off
        found: dict[int, list[Span]] = {}
        for (_, i, a, b), keep in zip(candidates, kept, strict=True):
            if keep:
                found.setdefault(i, []).append((a, b))
        hit = sum(any(a < q and p < b for p, q in found.get(i, ())) for i, spans in enumerate(gold) for a, b in spans)
        precision = float(right[kept].mean()) if kept.any() else 0.0
        recall = hit / total if total else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores.append(CutOffScore(cut_off, round(precision, 3), round(recall, 3), round(f1, 3)))
    return scores


def folds(postings: Sequence[str]) -> dict[str, int]:
    """posting -> fold, a seeded shuffle of the postings dealt round-robin."""
    ordered = sorted(set(postings))
    order = np.random.RandomState(SEED).permutation(len(ordered))
    return {ordered[p]: i % FOLDS for i, p in enumerate(order)}


def word_counts(examples_: Sequence[Example]) -> WordCounts:
    """The words of the examples, counted with whether each is inside a knowledge span."""
    return WordCounts.count((e.words, e.labels != OUTSIDE) for e in examples_)


def fold_networks(examples_: list[Example], fold_of: dict[str, int], k: int) -> TokenNetworks:
    """The token networks of fold k: one per seed, fitted on the sentences of every other fold's postings."""
    chosen = [e for e in examples_ if fold_of[e.posting] != k]
    with threadpool_limits(1):
        return TokenNetworks.stack([fit_token_model(chosen, seed) for seed in SEEDS])


def train(examples_: list[Example], categories: Sequence[str]) -> tuple[TaggerWeights, list[CutOffScore]]:
    """The tagger's weights (every fold's token networks, the span model on the held-out folds' candidates).

    And the cross-validated scores of the span model's cut-offs (`cut_off_curve`).
    """
    fold_of = folds([e.posting for e in examples_])
    span_x: list[np.ndarray] = []
    span_y: list[bool] = []
    candidates: list[tuple[int, int, int, int]] = []
    networks: list[TokenNetworks] = []
    with threadpool_limits(1):
        for k in range(FOLDS):
            fold = fold_networks(examples_, fold_of, k)
            words = word_counts([e for e in examples_ if fold_of[e.posting] != k])
            for i, example in enumerate(examples_):
                if fold_of[example.posting] == k:
                    x, y, spans = span_rows(example, fold.token_probabilities(example.features), words)
                    span_x += x
                    span_y += y
                    candidates += [(k, i, a, b) for a, b in spans]
            networks.append(fold)
        stacked = TokenNetworks.stack(networks)
        span_rows_ = np.stack(span_x)
        span_mean, span_scale, span_model = _fit_span_model(span_rows_, span_y)
        curve = cut_off_curve(examples_, candidates, span_rows_, span_y)
    weights = TaggerWeights(
        **{name: getattr(stacked, name) for name in NETWORK_ARRAYS},
        categories=tuple(categories),
        words=word_counts(examples_),
        span_mean=span_mean,
        span_scale=span_scale,
        span_weights=span_model.coef_[0].astype(np.float32),
        span_bias=float(span_model.intercept_[0]),
    )
    return weights, curve


def skillspan_examples(
    spark: SparkSession, train_json: Path, settings: Settings | None = None, skills: tuple[Skill, ...] | None = None
) -> list[Example]:
    """The examples of a SkillSpan train file, read with the MiniLM model of `settings` (by default the profile's)."""
    skills = skills if skills is not None else shipped_skills()
    encoder = embeddings.encoder_for(*embeddings.model_args(settings or load_settings()))
    return examples(spark, skillspan_sentences(train_json, "train"), skills, encoder)


def train_from_skillspan(
    spark: SparkSession, train_json: Path, settings: Settings | None = None, skills: tuple[Skill, ...] | None = None
) -> tuple[TaggerWeights, list[CutOffScore]]:
    """`train` on a SkillSpan train file with the MiniLM model of `settings` (by default the profile's)."""
    skills = skills if skills is not None else shipped_skills()
    found = skillspan_examples(spark, train_json, settings, skills)
    return train(found, sorted({skill.category for skill in skills}))


def default_output() -> Path:
    """Where the shipped weights live in the source tree."""
    return Path(__file__).resolve().parent / "data" / WEIGHTS_FILE


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=default_output(), help="the .npz to write")
    args = parser.parse_args(argv)
    spark = get_spark()
    weights, curve = train_from_skillspan(spark, require_shared_data("gold", "skillspan", "train.json"))
    weights.save(args.out)
    print(f"wrote {args.out}")
    print(f"cut-off  precision  recall  F1   (cross-validated on train, partial match; shipped: {KEEP_PROBABILITY})")
    for score in curve:
        print(f"{score.cut_off:7.2f}  {score.precision:9.3f}  {score.recall:6.3f}  {score.f1:.3f}")


if __name__ == "__main__":
    main()
