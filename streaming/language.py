"""Language of a posting's text, identified with py3langid (langid.py's model, shipped in the wheel).

langid.py (Lui & Baldwin, ACL 2012) is a naive Bayes classifier over byte n-grams trained on
97 languages; py3langid packages the same model for Python 3 (BSD-3-Clause), so nothing is
downloaded at run time. It runs in a vectorised Arrow UDF on the cleaned text's first
`SAMPLE_CHARS` characters: the opening of a description names its language as surely as the
whole text, and the classifier's cost grows with the length it reads.
"""

from __future__ import annotations

import pandas as pd
from pyspark.sql import Column
from pyspark.sql import functions as F
from pyspark.sql.functions import pandas_udf
from pyspark.sql.types import StringType

__all__ = ["MIN_LETTERS", "SAMPLE_CHARS", "detect_language", "language_of"]

SAMPLE_CHARS = 400
MIN_LETTERS = 20  # fewer letters than this (a bare title, "TBC") say too little to name a language


def language_of(text: str | None) -> str | None:
    """ISO 639-1 code of `text` (`"de"`), or None when it is missing or holds fewer than `MIN_LETTERS` letters."""
    if text is None:
        return None
    sample = text[:SAMPLE_CHARS]
    if sum(ch.isalpha() for ch in sample) < MIN_LETTERS:
        return None
    import py3langid  # loaded in the Python worker, once per process

    return py3langid.classify(sample)[0]


@pandas_udf(StringType())
def _language_udf(texts: pd.Series) -> pd.Series:
    return texts.map(language_of, na_action="ignore").astype("object")


def detect_language(col: Column | str) -> Column:
    """Language code of a text column; null for null, empty or too-short text."""
    text = F.col(col) if isinstance(col, str) else col
    return _language_udf(F.substring(text, 1, SAMPLE_CHARS))
