"""Skill extraction benchmark: the Spark NLP pipeline against a plain Python dictionary lookup.

Run with `make bench`. The same posting texts (title, then the description without its HTML)
go through joblake's extractor (`spark_jobs.skills.skill_mentions`: sentences, tokens,
TextMatcher, alias lookup and context rules, on `local[2]`) and through the baseline: one
Python loop that splits each text into word tokens and looks every run of up to
`MAX_ALIAS_TOKENS` tokens up in the same alias set (no sentences, no context rules, one core).
The pipeline is fitted and warmed up on other postings first.
"""

from __future__ import annotations

import re
import time

from ingestion.generator import generate_postings
from lakehouse.config import resolve
from lakehouse.session import get_spark
from spark_jobs.skills import alias_key, shipped_skills, skill_mentions
from tests.bench.common import REPO, run_sizes

WARM_UP = 500
_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"[\w+#.]+(?:-[\w+#.]+)*")


def posting_texts(count: int, seed: int) -> list[tuple[str, str]]:
    """(posting key, title + description without tags) for `count` generated postings."""
    return [
        (p["job_id"], f"{p['title']}.\n{_TAG.sub(' ', p.get('description') or '')}")
        for p in generate_postings(count, seed=seed)
    ]


def plain_lookup_rate(texts: list[tuple[str, str]]) -> tuple[float, int]:
    """Texts per second and mentions found by a token n-gram lookup of the same aliases."""
    keys = {alias_key(alias) for skill in shipped_skills() for alias in skill.aliases}
    longest = max(len(key.split()) for key in keys)
    started, found = time.perf_counter(), 0
    for _, text in texts:
        tokens = [t.rstrip(".").lower() for t in _WORD.findall(text)]
        for i in range(len(tokens)):
            for n in range(1, longest + 1):
                if " ".join(tokens[i : i + n]) in keys:
                    found += 1
    return len(texts) / (time.perf_counter() - started), found


def bench_size(spark, count: int) -> dict:
    texts = posting_texts(count, seed=9)
    baseline, plain_found = plain_lookup_rate(texts)
    df = spark.createDataFrame(texts, "posting_key string, text string").repartition(2).cache()
    df.count()
    started = time.perf_counter()
    mentions = skill_mentions(df, "posting_key", "text").count()
    measured = count / (time.perf_counter() - started)
    df.unpersist()
    return {
        "what": f"skill mentions in {count:,} generated postings on local[2] (warm)",
        "unit": "postings/s",
        "baseline": {
            "reader": "plain Python token n-gram lookup of the same aliases, one core",
            "value": round(baseline),
        },
        "measured": {"reader": "Spark NLP pipeline + alias lookup + context rules", "value": round(measured)},
        "ratio": round(measured / baseline, 3),
        "mentions": {"pipeline": mentions, "plain_lookup": plain_found},
    }


def main() -> None:
    settings = resolve("test", {}).with_overrides(
        {"spark.jars_dir": str(REPO / ".jars" / "spark"), "spark.shuffle_partitions": 2}
    )
    spark = get_spark(settings)
    warm_df = spark.createDataFrame(posting_texts(WARM_UP, seed=1), "posting_key string, text string")
    skill_mentions(warm_df, "posting_key", "text").count()  # fit the pipeline, first plans
    run_sizes(
        __doc__.splitlines()[0], "10000,100000", "bench_results/skills.json", "skills", lambda n: bench_size(spark, n)
    )


if __name__ == "__main__":
    main()
