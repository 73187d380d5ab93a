"""Knowledge spans (technologies, tools, domains) in a sentence: a learned tagger over MiniLM token vectors.

`spark_jobs.skills` runs it on every sentence of the Spark NLP pipeline and keeps a dictionary
match only where it finds a knowledge span; a span the dictionary missed is kept without a skill.

How a sentence is read, token by token (the Spark NLP tokens):

- its contextual vector: all-MiniLM-L6-v2, the model `spark_jobs.embeddings` loads, frozen, read
  at the output of its fourth layer (`TAGGER_LAYER`; the last layer is trained for whole-sentence
  similarity and did worse); the mean of the vectors of the token's word pieces, with the previous
  and the next token's vectors;
- hand features: inside a dictionary match (first token, several tokens, category, ambiguous name,
  names a role, passes the dictionary's context rules), its shape (capital, all caps, inner
  capital, digit, symbol, punctuation, first in the sentence, length), the sentence's (an
  unambiguous match in it, a technical cue word, its length), and those of its neighbours.

Networks with one hidden layer give each token the probabilities of O, B and I (outside, first,
inside a knowledge span): the mean of ten networks, two seeds on each of five cross-validation
folds of the training postings. They also learned SkillSpan's skill spans (abilities) as two more
classes, first and inside a skill span, so that they tell a tool from an ability; the tagger counts
those classes as outside a knowledge span. The span model learned each candidate's worth from
networks that had not seen its posting, so at run time the tagger reads with those same networks
rather than with networks refitted on every posting (whose surer probabilities the span model
never saw).

Runs of tokens with P(B) + P(I) above `CANDIDATE_PROBABILITY` are the candidate spans (a B starts
a new one; punctuation at their edges is cut), and a logistic regression over span features (its
token probabilities, length, dictionary features, shape, its neighbours' probabilities, and how
often its words were inside a knowledge span in the training sentences: `WordCounts`) keeps a
candidate when its probability of overlapping a knowledge span is above `KEEP_PROBABILITY`.

The weights (`spark_jobs/data/knowledge_tagger.npz`: numbers and the taxonomy's category names, no
text from the data: the training words are kept as 64-bit hashes) are learned from the train split
of SkillSpan (Zhang et al., "SkillSpan: Hard and Soft Skill Extraction from English Job Postings",
NAACL 2022; MIT / CC BY 4.0) by `python -m spark_jobs.train_knowledge_tagger`, which reproduces
them from that file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from functools import cache, cached_property, lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from spark_jobs.embeddings import DIM, TAGGER_LAYER, SentenceEncoder

WEIGHTS_FILE = "knowledge_tagger.npz"
CANDIDATE_PROBABILITY = 0.3  # P(B) + P(I) of the tokens of a candidate span
KEEP_PROBABILITY = 0.6  # the span model's probability that a candidate overlaps a knowledge span (train CV curve)
SENTENCE_MEMORY = 100_000  # distinct sentences a Python worker remembers the spans of
OUTSIDE, FIRST, INSIDE = 0, 1, 2  # token classes (O, B, I), in the order of the token model's outputs
SKILL_FIRST, SKILL_INSIDE = 3, 4  # the token model's outputs for skill spans: outside a knowledge span

# hand features of one token, before its neighbours' copies
IN_MATCH, MATCH_FIRST, MATCH_LONG, AMBIGUOUS, NAMES_ROLE, MATCH_CAPITALISED, PASSES_RULES = range(7)
N_MATCH = 7
SHAPE = ("capital", "all_caps", "inner_capital", "digit", "symbol", "punctuation", "first", "length")
SENTENCE = ("unambiguous_match", "cue", "short", "length")
SPAN_FEATURES = 20
RETRAIN = "retrain them with python -m spark_jobs.train_knowledge_tagger"
WORD_PSEUDO_COUNT = 2.0  # readings of the overall rate a word's own rate is smoothed with


@dataclass(frozen=True)
class Match:
    """A dictionary match over the tokens [first, stop) of a sentence."""

    first: int
    stop: int
    category: str
    ambiguous: bool  # a one-word name that is also an ordinary word
    names_role: bool  # followed by a role noun ("Java Developer")


def hand_features(
    words: Sequence[str], matches: Sequence[Match], has_cue: bool, categories: Sequence[str]
) -> np.ndarray:
    """(len(words), n) float32: each token's dictionary, shape and sentence features, then its neighbours'."""
    n = len(words)
    n_own = N_MATCH + len(categories) + len(SHAPE) + len(SENTENCE)
    own = np.zeros((n, n_own), np.float32)
    has_unambiguous = any(not m.ambiguous for m in matches)
    column = {category: N_MATCH + i for i, category in enumerate(categories)}
    for m in matches:
        capitalised = any(w != w.lower() for w in words[m.first : m.stop])
        passes = not m.names_role and (not m.ambiguous or (capitalised and (has_unambiguous or has_cue)))
        rows = slice(m.first, m.stop)
        own[rows, IN_MATCH] = 1
        own[m.first, MATCH_FIRST] = 1
        own[rows, MATCH_LONG] = m.stop - m.first > 1
        own[rows, AMBIGUOUS] = m.ambiguous
        own[rows, NAMES_ROLE] = m.names_role
        own[rows, MATCH_CAPITALISED] = capitalised
        own[rows, PASSES_RULES] = passes
        if m.category in column:
            own[rows, column[m.category]] = 1
    shape = N_MATCH + len(categories)
    for t, w in enumerate(words):
        has_alnum = any(c.isalnum() for c in w)
        own[t, shape : shape + len(SHAPE)] = (
            w[:1].isupper(),
            len(w) > 1 and w.isupper(),
            any(c.isupper() for c in w[1:]) and not w.isupper(),
            any(c.isdigit() for c in w),
            has_alnum and any(c in "+#./" for c in w),
            not has_alnum,
            t == 0,
            min(len(w), 12) / 12,
        )
    own[:, shape + len(SHAPE) :] = (has_unambiguous, has_cue, n <= 4, min(n, 40) / 40)
    return np.hstack([own, _shifted(own, 1), _shifted(own, -1)])


def _shifted(rows: np.ndarray, by: int) -> np.ndarray:
    """`rows` moved down by `by` rows (up when negative), zeros where nothing moved in."""
    out = np.zeros_like(rows)
    if by > 0:
        out[by:] = rows[:-by]
    else:
        out[:by] = rows[-by:]
    return out


def word_vectors(encoder: SentenceEncoder, words: Sequence[str]) -> np.ndarray:
    """(len(words), 3 * DIM) float32: each word's vector at TAGGER_LAYER (mean of its pieces'), then its neighbours'.

    The words go to the model as one pre-tokenised text; a text longer than the model's window is
    read in consecutive windows (the tokenizer's overflow), each its own call.
    """
    vectors = np.zeros((len(words), DIM), np.float32)
    if not words:
        return np.zeros((0, 3 * DIM), np.float32)
    pieces = np.zeros(len(words), np.float32)
    encoding = encoder.tokenizer.encode(list(words), is_pretokenized=True)
    for window in [encoding, *encoding.overflowing]:
        ids = np.array([window.ids], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": np.zeros_like(ids)}
        hidden = encoder.session.run([TAGGER_LAYER], feeds)[0][0]
        word_ids = np.array([-1 if w is None else w for w in window.word_ids])
        inside = word_ids >= 0
        np.add.at(vectors, word_ids[inside], hidden[inside])
        np.add.at(pieces, word_ids[inside], 1)
    vectors /= np.maximum(pieces, 1)[:, None]
    return np.hstack([vectors, _shifted(vectors, 1), _shifted(vectors, -1)])


def candidate_spans(probabilities: np.ndarray, words: Sequence[str]) -> list[tuple[int, int]]:
    """Token spans [a, b) of runs with P(B) + P(I) above CANDIDATE_PROBABILITY, without punctuation at the edges.

    A token more likely B than I starts a new span.
    """
    inside = probabilities[:, FIRST] + probabilities[:, INSIDE] > CANDIDATE_PROBABILITY
    runs, start = [], None
    for t in range(len(words)):
        if inside[t] and (start is None or probabilities[t, FIRST] > probabilities[t, INSIDE]):
            if start is not None:
                runs.append((start, t))
            start = t
        elif not inside[t] and start is not None:
            runs.append((start, t))
            start = None
    if start is not None:
        runs.append((start, len(words)))
    spans = []
    for a, b in runs:
        while a < b and not any(c.isalnum() for c in words[a]):
            a += 1
        while b > a and not any(c.isalnum() for c in words[b - 1]):
            b -= 1
        if a < b:
            spans.append((a, b))
    return spans


def span_features(
    probabilities: np.ndarray, hand: np.ndarray, rates: np.ndarray, words: Sequence[str], a: int, b: int
) -> np.ndarray:
    """SPAN_FEATURES float32 values describing the candidate span [a, b) for the span model.

    `rates` are the sentence's `WordCounts.rates`: the span's mean, lowest and highest knowledge
    rate and its words' mean familiarity are the last four values.
    """
    p = probabilities[a:b, FIRST] + probabilities[a:b, INSIDE]
    before = probabilities[a - 1, FIRST] + probabilities[a - 1, INSIDE] if a > 0 else 0.0
    after = probabilities[b, FIRST] + probabilities[b, INSIDE] if b < len(words) else 0.0
    own = hand[a:b]
    return np.array(
        [
            p.max(),
            p.mean(),
            p.min(),
            probabilities[a, FIRST],
            b - a,
            min(b - a, 5) / 5,
            own[:, IN_MATCH].mean(),
            own[:, IN_MATCH].max(),
            own[:, AMBIGUOUS].max(),
            own[:, PASSES_RULES].max(),
            own[:, MATCH_CAPITALISED].max(),
            np.mean([w[:1].isupper() for w in words[a:b]]),
            np.mean([w.islower() for w in words[a:b]]),
            before,
            after,
            min(len(words), 40) / 40,
            rates[a:b, 0].mean(),
            rates[a:b, 0].min(),
            rates[a:b, 0].max(),
            rates[a:b, 1].mean(),
        ],
        np.float32,
    )


def word_hashes(words: Iterable[str]) -> np.ndarray:
    """uint64 hashes of the lower-cased words (BLAKE2b, 8 bytes): the same on every machine and run."""
    return np.array(
        [int.from_bytes(hashlib.blake2b(w.lower().encode(), digest_size=8).digest(), "little") for w in words],
        np.uint64,
    )


@dataclass(frozen=True)
class WordCounts:
    """How often each word was read in training sentences, and how often inside a knowledge span.

    Words are lower-cased and kept as 64-bit hashes (`word_hashes`, sorted), not as text. A span
    model reading these learns that "team" is seldom a knowledge span and "SQL" nearly always,
    which the token networks, reading one contextual vector at a time, do not count.
    """

    word_hashes: np.ndarray  # (words,) uint64, sorted
    word_seen: np.ndarray  # (words,) float32
    word_labelled: np.ndarray  # (words,) float32

    @classmethod
    def count(cls, sentences: Iterable[tuple[Sequence[str], Sequence[bool]]]) -> WordCounts:
        """The counts of (words, whether each is inside a knowledge span) sentences."""
        hashes, inside = [], []
        for words, labelled in sentences:
            hashes.append(word_hashes(words))
            inside.append(np.asarray(labelled, bool))
        every = np.concatenate(hashes) if hashes else np.zeros(0, np.uint64)
        unique, index = np.unique(every, return_inverse=True)
        seen = np.bincount(index, minlength=len(unique))
        labelled = np.bincount(index, weights=np.concatenate(inside) if inside else None, minlength=len(unique))
        return cls(unique, seen.astype(np.float32), labelled.astype(np.float32))

    @cached_property
    def overall_rate(self) -> float:
        """The share of every word read that was inside a knowledge span."""
        seen = float(self.word_seen.sum())
        return float(self.word_labelled.sum()) / seen if seen else 0.0

    def rates(self, words: Sequence[str]) -> np.ndarray:
        """(len(words), 2) float32: each word's smoothed knowledge rate and its familiarity.

        The rate is (labelled + k * overall) / (seen + k) with k = WORD_PSEUDO_COUNT, so a word never
        read has the overall rate; familiarity is log(1 + seen) / 10.
        """
        hashes = word_hashes(words)
        seen, labelled = np.zeros(len(hashes), np.float32), np.zeros(len(hashes), np.float32)
        if len(self.word_hashes):
            at = np.minimum(np.searchsorted(self.word_hashes, hashes), len(self.word_hashes) - 1)
            known = self.word_hashes[at] == hashes
            seen[known], labelled[known] = self.word_seen[at[known]], self.word_labelled[at[known]]
        rate = (labelled + WORD_PSEUDO_COUNT * self.overall_rate) / (seen + WORD_PSEUDO_COUNT)
        return np.stack([rate, np.log1p(seen) / 10], axis=1).astype(np.float32)


@dataclass(frozen=True)
class TokenNetworks:
    """Token networks with one hidden layer (ReLU, softmax over the token classes), stacked along a first axis.

    token_mean and token_scale (networks, features): each network's input standardisation (the
    networks of different folds saw different rows); hidden_weights (networks, features, hidden),
    hidden_bias (networks, hidden), output_weights (networks, hidden, classes), output_bias
    (networks, classes). The classes are O, B, I of a knowledge span, then B and I of a skill span
    when the networks learned those.
    """

    token_mean: np.ndarray
    token_scale: np.ndarray
    hidden_weights: np.ndarray
    hidden_bias: np.ndarray
    output_weights: np.ndarray
    output_bias: np.ndarray

    @classmethod
    def stack(cls, networks: Sequence[TokenNetworks]) -> TokenNetworks:
        """One stack of every network of `networks`."""
        return cls(*(np.concatenate([getattr(n, name) for n in networks]) for name in NETWORK_ARRAYS))

    @cached_property
    def _fused(self) -> tuple[np.ndarray, np.ndarray]:
        """Every network's first layer in one (features, networks * hidden) matrix, standardisation folded in.

        ((x - mean) / scale) @ W + b = x @ (W / scale) + (b - (mean / scale) @ W): one matrix product serves
        all the networks (computed in float64, kept as float32).
        """
        scale = self.token_scale.astype(np.float64)
        weights = self.hidden_weights.astype(np.float64) / scale[:, :, np.newaxis]
        bias = self.hidden_bias - np.einsum("nf,nfh->nh", self.token_mean.astype(np.float64), weights)
        networks, features, hidden = weights.shape
        stacked = weights.transpose(1, 0, 2).reshape(features, networks * hidden)
        return np.ascontiguousarray(stacked, np.float32), bias.reshape(networks * hidden).astype(np.float32)

    def token_probabilities(self, features: np.ndarray) -> np.ndarray:
        """(n, 3) probabilities of O, B, I of a knowledge span for (n, features) token rows: the mean of the networks'.

        A skill span's B and I are outside a knowledge span: they add to O.
        """
        weights, bias = self._fused
        networks, hidden = self.hidden_bias.shape
        hidden_units = np.maximum(features @ weights + bias, 0).reshape(len(features), networks, hidden)
        logits = np.einsum("tnh,nhk->tnk", hidden_units, self.output_weights) + self.output_bias
        logits -= logits.max(axis=2, keepdims=True)
        odds = np.exp(logits)
        probabilities = (odds / odds.sum(axis=2, keepdims=True)).mean(axis=1, dtype=np.float64)
        probabilities[:, OUTSIDE] += probabilities[:, SKILL_FIRST:].sum(axis=1)
        return probabilities[:, : INSIDE + 1]


NETWORK_ARRAYS = tuple(f.name for f in fields(TokenNetworks))
WORD_ARRAYS = tuple(f.name for f in fields(WordCounts))


@dataclass(frozen=True)
class TaggerWeights(TokenNetworks):
    """The tagger's numbers: the token networks, the training words' counts and the span model.

    The categories name the hand features'.
    """

    categories: tuple[str, ...]
    words: WordCounts
    span_mean: np.ndarray
    span_scale: np.ndarray
    span_weights: np.ndarray
    span_bias: float

    def span_probabilities(self, features: np.ndarray) -> np.ndarray:
        """The probability that each candidate span (one row of span features) overlaps a knowledge span."""
        scaled = (features - self.span_mean) / self.span_scale
        return 1 / (1 + np.exp(-(scaled @ self.span_weights + self.span_bias)))

    def save(self, path: Path | str) -> None:
        """Write the weights as a compressed .npz, with the category names and the encoder layer they read.

        The hidden layers' weights, nearly all of the numbers, are stored as float16 (half the file;
        the dev-split figures came out the same to three decimals) and read back as float32.
        """
        arrays = {
            f.name: np.asarray(getattr(self, f.name), np.float16 if f.name == "hidden_weights" else np.float32)
            for f in fields(self)
            if f.name not in ("categories", "words")
        }
        if not np.isfinite(arrays["hidden_weights"]).all():
            raise ValueError("a hidden-layer weight is too large for float16")
        np.savez_compressed(
            path,
            categories=np.array(self.categories, dtype=str),
            layer=np.array(TAGGER_LAYER),
            **arrays,
            **{name: getattr(self.words, name) for name in WORD_ARRAYS},
        )

    @classmethod
    def load(cls, path: Path | str) -> TaggerWeights:
        """Weights written by `save`, refused when they were trained on another layer's vectors than TAGGER_LAYER.

        Or when they have no word counts (a file from before the span model read them).
        """
        with np.load(path, allow_pickle=False) as data:
            layer = str(data["layer"]) if "layer" in data.files else "the last layer (no layer recorded)"
            if layer != TAGGER_LAYER:
                raise ValueError(
                    f"tagger weights {path} were trained on {layer}, but the tagger reads {TAGGER_LAYER}: {RETRAIN}"
                )
            if not set(WORD_ARRAYS) <= set(data.files):
                raise ValueError(
                    f"tagger weights {path} have no training word counts, which the span model reads: {RETRAIN}"
                )
            words = WordCounts(
                data["word_hashes"].astype(np.uint64),
                data["word_seen"].astype(np.float32),
                data["word_labelled"].astype(np.float32),
            )
            values = {
                name: data[name].astype(np.float32)
                for name in data.files
                if name not in ("categories", "layer", *WORD_ARRAYS)
            }
            categories = tuple(str(c) for c in data["categories"])
        return cls(categories=categories, words=words, **{**values, "span_bias": float(values["span_bias"])})


@cache
def shipped_weights() -> TaggerWeights:
    """The weights joblake ships (`spark_jobs/data/knowledge_tagger.npz`)."""
    with resources.as_file(resources.files("spark_jobs.data").joinpath(WEIGHTS_FILE)) as path:
        return TaggerWeights.load(path)


def sentence_inputs(
    encoder: SentenceEncoder, words: Sequence[str], matches: Sequence[Match], has_cue: bool, categories: Sequence[str]
) -> tuple[np.ndarray, np.ndarray]:
    """(token features, hand features) of one sentence: the token model's input, and the part the span model reads."""
    hand = hand_features(words, matches, has_cue, categories)
    return np.hstack([word_vectors(encoder, words), hand]), hand


def tag_sentence(
    weights: TaggerWeights,
    encoder: SentenceEncoder,
    words: Sequence[str],
    matches: Sequence[Match],
    has_cue: bool,
) -> list[tuple[int, int, float]]:
    """The knowledge spans of one sentence: (first token, stop token, probability), best guesses only."""
    if not words:
        return []
    features, hand = sentence_inputs(encoder, words, matches, has_cue, weights.categories)
    probabilities = weights.token_probabilities(features)
    spans = candidate_spans(probabilities, words)
    if not spans:
        return []
    rates = weights.words.rates(words)
    scores = weights.span_probabilities(
        np.stack([span_features(probabilities, hand, rates, words, a, b) for a, b in spans])
    )
    return [(a, b, float(s)) for (a, b), s in zip(spans, scores, strict=True) if s > KEEP_PROBABILITY]


TaggedSpans = tuple[tuple[int, int, float], ...]


def remembering_tagger(
    weights: TaggerWeights, encoder: SentenceEncoder, size: int = SENTENCE_MEMORY
) -> Callable[[tuple[str, ...], tuple[Match, ...], bool], TaggedSpans]:
    """`tag_sentence` that remembers the spans of the last `size` distinct sentences it read.

    Postings repeat sentences (an employer's boilerplate, a board's footer, reposts): 41% of the
    sentences of the NHS postings in the shared data are repeats. A sentence's spans depend only
    on its words, dictionary matches and cue, so a repeat is answered from memory, unchanged.
    """

    @lru_cache(maxsize=size)
    def tag(words: tuple[str, ...], matches: tuple[Match, ...], has_cue: bool) -> TaggedSpans:
        return tuple(tag_sentence(weights, encoder, words, matches, has_cue))

    return tag
