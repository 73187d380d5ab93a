"""The baselines the ranking model must beat, scored on the same candidates: BM25 and embedding cosine.

- BM25 (Robertson and Zaragoza, "The Probabilistic Relevance Framework: BM25 and Beyond", 2009)
  with the resume as the query and each candidate posting's title and description as a document;
  document frequencies and the average length come from the candidate postings themselves, k1 1.2
  and b 0.75 as usual. Words are lower-case letters, digits and + # (so "c++" and "c#" stay), less
  a short stop list.
- Embedding only: the cosine of the resume's and the posting's sentence embeddings, the
  retrieval score itself.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

K1 = 1.2
B = 0.75
_WORD = re.compile(r"[a-z0-9][a-z0-9+#]*")
STOP_WORDS = frozenset(
    [
        "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in", "is", "it", "of",
        "on", "or", "our", "the", "this", "to", "we", "will", "with", "you", "your",
    ]
)  # fmt: skip


def words(text: str | None) -> list[str]:
    """Lower-case words of a text, stop words left out.

    >>> words("We use C++ and C# on AWS, the cloud.")
    ['use', 'c++', 'c#', 'aws', 'cloud']
    """
    return [w for w in _WORD.findall((text or "").lower()) if w not in STOP_WORDS]


class BM25:
    """Okapi BM25 over a fixed set of documents (the candidates of one or many queries)."""

    def __init__(self, documents: Sequence[str | None], k1: float = K1, b: float = B) -> None:
        self.k1, self.b = k1, b
        self.counts = [Counter(words(d)) for d in documents]
        self.lengths = np.array([sum(c.values()) for c in self.counts], np.float64)
        self.average_length = float(self.lengths.mean()) if len(self.lengths) and self.lengths.mean() > 0 else 1.0
        frequency = Counter(w for c in self.counts for w in c)
        n = len(self.counts)
        self.idf = {w: math.log(1 + (n - df + 0.5) / (df + 0.5)) for w, df in frequency.items()}

    def scores(self, query: str | None) -> np.ndarray:
        """(documents,) BM25 score of every document for the query (each distinct query word once).

        >>> BM25(["python spark engineer", "registered nurse ward", "spark"]).scores("Spark and Python").round(3)
        array([1.299, 0.   , 0.613])
        """
        terms = set(words(query))
        norm = self.k1 * (1 - self.b + self.b * self.lengths / self.average_length)
        out = np.zeros(len(self.counts), np.float64)
        for term in terms & self.idf.keys():
            tf = np.array([c.get(term, 0) for c in self.counts], np.float64)
            out += self.idf[term] * tf * (self.k1 + 1) / (tf + norm)
        return out
