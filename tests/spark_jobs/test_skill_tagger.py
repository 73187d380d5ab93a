"""spark_jobs.skill_tagger: features, span decoding and the shipped weights on small inline sentences."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np
import pytest

from lakehouse.config import Settings
from spark_jobs import embeddings
from spark_jobs.embeddings import DIM, TAGGER_LAYER
from spark_jobs.skill_tagger import (
    AMBIGUOUS,
    FIRST,
    IN_MATCH,
    INSIDE,
    MATCH_FIRST,
    OUTSIDE,
    PASSES_RULES,
    SKILL_FIRST,
    SKILL_INSIDE,
    SPAN_FEATURES,
    WORD_PSEUDO_COUNT,
    Match,
    TaggerWeights,
    TokenNetworks,
    WordCounts,
    candidate_spans,
    hand_features,
    remembering_tagger,
    shipped_weights,
    span_features,
    tag_sentence,
    word_hashes,
    word_vectors,
)
from tests.conftest import REPO

CATEGORIES = ("cloud", "programming_language")


@pytest.fixture(scope="module")
def model_settings(settings: Settings) -> Settings:
    """The test profile with the model read from the repository's .jars/models."""
    models = REPO / ".jars" / "models"
    return settings.with_overrides(
        {
            "embeddings.model_jar": str(models / Path(settings["embeddings.model_jar"]).name),
            "embeddings.model_dir": str(models / Path(settings["embeddings.model_dir"]).name),
        }
    )


@pytest.fixture(scope="module")
def encoder(model_settings: Settings) -> embeddings.SentenceEncoder:
    return embeddings.encoder_for(*embeddings.model_args(model_settings))


def test_hand_features_mark_matches_and_neighbours() -> None:
    words = ["Use", "Amazon", "Web", "Services", "and", "r"]
    matches = [Match(1, 4, "cloud", False, False), Match(5, 6, "programming_language", True, False)]
    features = hand_features(words, matches, has_cue=False, categories=CATEGORIES)
    own = features.shape[1] // 3
    assert features.shape == (6, 3 * own)
    assert features[:, IN_MATCH].tolist() == [0, 1, 1, 1, 0, 1]
    assert features[:, MATCH_FIRST].tolist() == [0, 1, 0, 0, 0, 1]
    assert features[:, AMBIGUOUS].tolist() == [0, 0, 0, 0, 0, 1]
    # lower-case "r" is prose to the context rules, "Amazon Web Services" is not
    assert features[:, PASSES_RULES].tolist() == [0, 1, 1, 1, 0, 0]
    # the next copy holds the previous token's features, the last copy the next token's
    np.testing.assert_array_equal(features[1:, own : own + own], features[:-1, :own])
    np.testing.assert_array_equal(features[:-1, 2 * own :], features[1:, :own])
    assert not features[0, own : 2 * own].any() and not features[-1, 2 * own :].any()  # no token beyond the ends


def test_hand_features_of_an_unknown_category_leave_the_category_columns_empty() -> None:
    known = hand_features(["Go"], [Match(0, 1, "cloud", False, False)], False, CATEGORIES)
    unknown = hand_features(["Go"], [Match(0, 1, "no_such_category", False, False)], False, CATEGORIES)
    assert (known - unknown).sum() == 1  # only the "cloud" column differs


def _probabilities(inside: list[float], first: list[float]) -> np.ndarray:
    """Token probabilities with P(B) + P(I) = inside and P(B) = first."""
    b, i = np.array(first), np.array(inside) - np.array(first)
    return np.stack([1 - b - i, b, i], axis=1)


@pytest.mark.parametrize(
    ("words", "inside", "first", "spans"),
    [
        (["Know", "Apache", "Kafka", "well"], [0.1, 0.9, 0.8, 0.1], [0.0, 0.8, 0.1, 0.0], [(1, 3)]),
        (["Python", "Java"], [0.9, 0.9], [0.8, 0.7], [(0, 1), (1, 2)]),  # a B starts a new span
        (["Python", "Java"], [0.9, 0.9], [0.8, 0.2], [(0, 2)]),  # an I continues it
        (["(", "SQL", ")"], [0.9, 0.9, 0.9], [0.8, 0.1, 0.1], [(1, 2)]),  # punctuation at the edges is cut
        ([",", ";"], [0.9, 0.9], [0.8, 0.1], []),  # nothing but punctuation
        (["team", "work"], [0.2, 0.3], [0.2, 0.0], []),  # at or below CANDIDATE_PROBABILITY
        ([], [], [], []),
    ],
)
def test_candidate_spans(words, inside, first, spans) -> None:
    probabilities = _probabilities(inside, first) if words else np.zeros((0, 3))
    assert candidate_spans(probabilities, words) == spans


def test_span_features() -> None:
    words = ["Know", "Apache", "Kafka"]
    probabilities = _probabilities([0.2, 0.9, 0.7], [0.1, 0.8, 0.1])
    hand = hand_features(words, [Match(1, 3, "cloud", False, False)], False, CATEGORIES)
    rates = np.array([[0.1, 0.5], [0.4, 0.2], [0.8, 0.3]], np.float32)
    features = span_features(probabilities, hand, rates, words, 1, 3)
    assert features.shape == (SPAN_FEATURES,)
    np.testing.assert_allclose(features[:5], [0.9, 0.8, 0.7, 0.8, 2])
    np.testing.assert_allclose(features[13:15], [0.2, 0.0])  # the neighbours' probabilities
    np.testing.assert_allclose(features[16:], [0.6, 0.4, 0.8, 0.25])  # the span's words' rates and familiarity


def test_word_counts_count_words_whatever_their_case() -> None:
    counts = WordCounts.count(
        [
            (["Know", "SQL", "and", "Python"], [False, True, False, True]),
            (["sql", "team", "and", "team"], [True, False, False, False]),
        ]
    )
    assert counts.word_hashes.dtype == np.uint64 and (np.diff(counts.word_hashes.astype(np.float64)) > 0).all()
    assert counts.overall_rate == 3 / 8
    rates = counts.rates(["SQL", "team", "Python", "Kubernetes"])
    k, overall = WORD_PSEUDO_COUNT, 3 / 8
    np.testing.assert_allclose(
        rates[:, 0],
        [(2 + k * overall) / (2 + k), k * overall / (2 + k), (1 + k * overall) / (1 + k), overall],
        rtol=1e-6,
    )
    np.testing.assert_allclose(rates[:, 1], np.log1p([2, 2, 1, 0]) / 10, rtol=1e-6)  # a word never read: 0
    assert counts.rates([]).shape == (0, 2)
    assert WordCounts.count([]).rates(["SQL"]).tolist() == [[0.0, 0.0]]  # nothing counted: no rate to go by


def test_word_hashes_are_fixed_numbers() -> None:
    # BLAKE2b, not Python's hash(): the same numbers in every process, so saved counts stay valid
    assert word_hashes(["SQL", "sql"]).tolist() == [word_hashes(["sql"])[0]] * 2
    assert word_hashes(["sql"])[0] == int.from_bytes(hashlib.blake2b(b"sql", digest_size=8).digest(), "little")


def _networks(rng: np.random.Generator, n: int = 1, classes: int = 5) -> TokenNetworks:
    """`n` random token networks reading 4 features through 5 hidden units into `classes` outputs."""
    return TokenNetworks(
        rng.normal(size=(n, 4)).astype(np.float32),
        rng.uniform(0.5, 2, size=(n, 4)).astype(np.float32),
        rng.normal(size=(n, 4, 5)).astype(np.float32),
        rng.normal(size=(n, 5)).astype(np.float32),
        rng.normal(size=(n, 5, classes)).astype(np.float32),
        rng.normal(size=(n, classes)).astype(np.float32),
    )


def _tagger_weights(rng: np.random.Generator) -> TaggerWeights:
    return TaggerWeights(
        **vars(_networks(rng, 2)),
        categories=CATEGORIES,
        words=WordCounts.count([(["Know", "SQL"], [False, True])]),
        span_mean=np.zeros(SPAN_FEATURES, np.float32),
        span_scale=np.ones(SPAN_FEATURES, np.float32),
        span_weights=rng.normal(size=SPAN_FEATURES).astype(np.float32),
        span_bias=-0.5,
    )


def test_weights_round_trip(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    weights = _tagger_weights(rng)
    weights.save(tmp_path / "w.npz")
    loaded = TaggerWeights.load(tmp_path / "w.npz")
    assert loaded.categories == CATEGORIES
    assert loaded.span_bias == -0.5
    for name in ("word_hashes", "word_seen", "word_labelled"):  # the hashes exactly, as uint64
        assert getattr(loaded.words, name).dtype == getattr(weights.words, name).dtype
        np.testing.assert_array_equal(getattr(loaded.words, name), getattr(weights.words, name))
    assert loaded.hidden_weights.dtype == np.float32
    np.testing.assert_array_equal(loaded.span_weights, weights.span_weights)
    rows = rng.normal(size=(7, 4)).astype(np.float32)
    # the hidden layers are stored as float16: the probabilities move a little, not more
    np.testing.assert_allclose(loaded.token_probabilities(rows), weights.token_probabilities(rows), atol=5e-3)
    np.testing.assert_allclose(weights.token_probabilities(rows).sum(axis=1), 1, rtol=1e-6)
    spans = rng.normal(size=(2, SPAN_FEATURES)).astype(np.float32)
    assert ((weights.span_probabilities(spans) > 0) & (weights.span_probabilities(spans) < 1)).all()


@pytest.mark.parametrize(
    "layer, named",
    [("/encoder/layer.5/output/LayerNorm/Add_1_output_0", "layer.5"), (None, "the last layer (no layer recorded)")],
)
def test_weights_trained_on_another_layer_are_refused(tmp_path: Path, layer: str | None, named: str) -> None:
    """A weights file records the encoder layer it was trained on; the tagger reads TAGGER_LAYER and nothing else."""
    _tagger_weights(np.random.default_rng(0)).save(tmp_path / "w.npz")
    with np.load(tmp_path / "w.npz") as data:
        assert str(data["layer"]) == TAGGER_LAYER
        arrays = {name: data[name] for name in data.files if name != "layer"}
    np.savez_compressed(tmp_path / "other.npz", **arrays, **({"layer": np.array(layer)} if layer else {}))
    with pytest.raises(
        ValueError, match=rf"trained on .*{re.escape(named)}.*, but the tagger reads .*layer\.3.*retrain"
    ):
        TaggerWeights.load(tmp_path / "other.npz")


def test_weights_without_word_counts_are_refused(tmp_path: Path) -> None:
    """A file from before the span model read the training words' counts is refused, with what to do."""
    _tagger_weights(np.random.default_rng(0)).save(tmp_path / "w.npz")
    with np.load(tmp_path / "w.npz") as data:
        arrays = {name: data[name] for name in data.files if not name.startswith("word_")}
    np.savez_compressed(tmp_path / "earlier.npz", **arrays)
    with pytest.raises(ValueError, match=r"earlier\.npz have no training word counts.*retrain them with python -m"):
        TaggerWeights.load(tmp_path / "earlier.npz")


def test_token_probabilities_average_stacked_networks() -> None:
    rng = np.random.default_rng(1)
    first, second = _networks(rng), _networks(rng)
    both = TokenNetworks.stack([first, second])
    assert both.hidden_weights.shape == (2, 4, 5)
    rows = rng.normal(size=(6, 4)).astype(np.float32)
    expected = (first.token_probabilities(rows) + second.token_probabilities(rows)) / 2
    np.testing.assert_allclose(both.token_probabilities(rows), expected, rtol=1e-6)


@pytest.mark.parametrize("classes", [3, 5])
def test_token_probabilities_count_skill_classes_as_outside(classes: int) -> None:
    rng = np.random.default_rng(4)
    networks = _networks(rng, 2, classes)
    rows = rng.normal(size=(6, 4)).astype(np.float32)
    softmax = []  # each network's own softmax over its classes, written out
    for n in range(2):
        standardised = (rows - networks.token_mean[n]) / networks.token_scale[n]
        hidden = np.maximum(standardised @ networks.hidden_weights[n] + networks.hidden_bias[n], 0)
        odds = np.exp(hidden @ networks.output_weights[n] + networks.output_bias[n])
        softmax.append(odds / odds.sum(axis=1, keepdims=True))
    mean = (softmax[0] + softmax[1]) / 2
    expected = np.column_stack([mean[:, OUTSIDE] + mean[:, INSIDE + 1 :].sum(axis=1), mean[:, FIRST], mean[:, INSIDE]])
    got = networks.token_probabilities(rows)
    assert got.shape == (6, 3)
    np.testing.assert_allclose(got, expected, rtol=1e-5)
    np.testing.assert_allclose(got.sum(axis=1), 1, rtol=1e-6)


def test_shipped_weights_fit_the_features() -> None:
    weights = shipped_weights()
    n_hand = hand_features(["x"], [], False, weights.categories).shape[1]
    networks = weights.hidden_weights.shape[0]
    assert weights.hidden_weights.shape[1] == 3 * DIM + n_hand == weights.token_mean.shape[1]
    classes = len((OUTSIDE, FIRST, INSIDE, SKILL_FIRST, SKILL_INSIDE))  # knowledge O, B, I; skill B, I
    assert weights.output_weights.shape[::2] == (networks, classes) and weights.output_bias.shape == (networks, classes)
    assert weights.span_weights.shape == (SPAN_FEATURES,)


def test_word_vectors(encoder: embeddings.SentenceEncoder) -> None:
    words = ["Experience", "with", "C++", "and", "Kubernetes-based", "tools"]
    vectors = word_vectors(encoder, words)
    assert vectors.shape == (6, 3 * DIM) and vectors.dtype == np.float32
    np.testing.assert_array_equal(vectors[1:, DIM : 2 * DIM], vectors[:-1, :DIM])  # the previous word's
    np.testing.assert_array_equal(vectors[:-1, 2 * DIM :], vectors[1:, :DIM])  # the next word's
    # the same word reads differently in another sentence: the vectors are contextual
    other = word_vectors(encoder, ["Cook", "with", "care"])
    assert not np.allclose(vectors[1, :DIM], other[1, :DIM])


def test_word_vectors_are_the_tagger_layer_s_not_the_last_one(encoder: embeddings.SentenceEncoder) -> None:
    words = ["Experience", "with", "Kubernetes"]
    ids = np.array([encoder.tokenizer.encode(words, is_pretokenized=True).ids], dtype=np.int64)
    feeds = {"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": np.zeros_like(ids)}
    layer, last = encoder.session.run([TAGGER_LAYER, "last_hidden_state"], feeds)
    vectors = word_vectors(encoder, words)[:, :DIM]
    np.testing.assert_array_equal(vectors[1], layer[0][2])  # "with" is one piece, after [CLS] and "experience"
    assert not np.allclose(vectors[1], last[0][2], atol=1e-2)


def test_word_vectors_of_a_text_longer_than_the_model_window(encoder: embeddings.SentenceEncoder) -> None:
    words = [f"tool{i}" for i in range(400)]  # several pieces each: well over the 256-piece window
    vectors = word_vectors(encoder, words)[:, :DIM]
    assert np.linalg.norm(vectors, axis=1).min() > 0  # every word has a vector


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        # technologies in a requirement
        (["Experience", "with", "Kubernetes", "and", "Terraform", "is", "required", "."], {"Kubernetes", "Terraform"}),
        # nothing technical
        (["We", "offer", "a", "friendly", "team", "and", "free", "parking", "."], set()),
    ],
)
def test_tag_sentence_with_the_shipped_weights(encoder, words: list[str], expected: set[str]) -> None:
    spans = tag_sentence(shipped_weights(), encoder, words, [], has_cue=False)
    assert {" ".join(words[a:b]) for a, b, _ in spans} == expected
    assert all(0.5 < score <= 1 for _, _, score in spans)


def test_the_remembering_tagger_answers_a_repeated_sentence_from_memory(encoder) -> None:
    weights = shipped_weights()
    tag = remembering_tagger(weights, encoder, size=2)
    words = ("Experience", "with", "Kubernetes", "and", "Terraform", "is", "required", ".")
    matches = (Match(2, 3, weights.categories[0], False, False),)
    first = tag(words, matches, True)
    assert first == tuple(tag_sentence(weights, encoder, list(words), list(matches), True))
    assert tag(words, matches, True) == first and tag.cache_info().hits == 1
    assert tag(words, (), True) == tuple(tag_sentence(weights, encoder, list(words), [], True))  # other inputs
    assert tag.cache_info().misses == 2
    tag(("Cook", "with", "care"), (), False)  # the least recently read sentence is forgotten
    tag(words, (), False)  # and then the next
    tag(words, matches, True)  # read again
    assert tag.cache_info().misses == 5 and tag.cache_info().currsize == 2
