"""streaming.language: CLD2 on the opening of a description."""

from __future__ import annotations

import pytest
from pyspark.sql import SparkSession

from streaming.language import MIN_LETTERS, SAMPLE_CHARS, detect_language, language_of


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We are looking for a data engineer to build and run our streaming pipelines.", "en"),
        ("Wir suchen eine Dateningenieurin, die unsere Datenplattform weiterentwickelt.", "de"),
        ("Nous recherchons un ingénieur de données pour concevoir nos pipelines de traitement.", "fr"),
        ("Buscamos un ingeniero de datos para diseñar y mantener nuestras canalizaciones.", "es"),
        ("Rydym yn chwilio am nyrs staff i ymuno â'n tîm yn yr ysbyty.", "cy"),
        ("Data\x00engineer\x07 wanted to build pipelines for our analytics team", "en"),  # control chars
        ("Ingeniero de datos \ud800 para nuestro equipo de análisis en Madrid", "es"),  # a lone surrogate
        ("TBC", None),  # too few letters to say
        ("12345 -- 678 !!", None),
        ("", None),
        (None, None),
    ],
)
def test_language_of(text: str | None, expected: str | None) -> None:
    assert language_of(text) == expected


def test_language_reads_only_the_opening() -> None:
    german = "Wir suchen eine Dateningenieurin für unser Team in Berlin. " * 20
    assert len(german) > SAMPLE_CHARS
    assert language_of(german + "This English tail is never read. " * 50) == "de"


def test_short_text_threshold_counts_letters_not_characters() -> None:
    assert language_of("a " * (MIN_LETTERS - 1)) is None


@pytest.mark.spark
def test_detect_language_column(spark: SparkSession) -> None:
    df = spark.createDataFrame(
        [("1", "We are hiring a senior software engineer for our London office."), ("2", None), ("3", "n/a")],
        "id string, text string",
    )
    got = {r.id: r.lang for r in df.select("id", detect_language("text").alias("lang")).collect()}
    assert got == {"1": "en", "2": None, "3": None}
