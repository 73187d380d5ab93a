"""Run a connector for a query and ingest what it finds (dedup at source, Kafka, raw zone)."""

from __future__ import annotations

import asyncio
import importlib
import json
import os
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from ingestion.fetch import Fetcher
from ingestion.publish import IngestSummary, ingest_records
from ingestion.records import SourceRecord, record_from_posting, rejected_record
from ingestion.secrets import load_secrets
from ingestion.sources.base import Query, Source, utc_now
from ingestion.word_scores import rank_by_word_scores
from lakehouse.config import ConfigError, Settings

SOURCES = {
    "linkedin": "ingestion.sources.linkedin:LinkedInSource",
    "greenhouse": "ingestion.sources.greenhouse:GreenhouseSource",
    "lever": "ingestion.sources.lever:LeverSource",
    "jsonld": "ingestion.sources.jsonld:JsonLdSource",
}
_WINDOW = re.compile(r"^\s*(\d+)\s*([mhdw])\s*$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_window(text: str) -> timedelta:
    """'3d' -> 3 days; units m, h, d, w."""
    match = _WINDOW.match(text)
    if not match:
        raise ConfigError(f"--posted-within takes a number and a unit m/h/d/w (e.g. 3d), got '{text}'")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def make_source(name: str, settings: Settings) -> Source:
    """The connector registered under `name`."""
    if name not in SOURCES:
        raise ConfigError(f"unknown source '{name}' (choose one of {', '.join(SOURCES)})")
    module, _, cls = SOURCES[name].partition(":")
    return getattr(importlib.import_module(module), cls)(settings, clock=utc_now)


@dataclass(frozen=True)
class ScrapeSummary:
    """One scrape run: what the connector fetched and found, and what ingest made of it."""

    source: str
    pages_fetched: int
    retries: int
    postings_found: int
    failures: dict[str, int]
    source_stats: dict[str, int]
    ingest: IngestSummary
    elapsed_s: float
    top: list[tuple[float, dict]] = field(default_factory=list)  # best postings by the user's word scores

    def lines(self) -> list[str]:
        """The summary as readable lines."""
        o = self.ingest.outcomes
        failures = ", ".join(f"{k} {v}" for k, v in self.failures.items()) or "none"
        return [
            f"scrape {self.source}: {self.pages_fetched:,} pages fetched ({self.retries:,} retries), "
            f"{self.postings_found:,} postings found in {self.elapsed_s:.1f}s",
            f"  new {o.get('new', 0):,}, updated {o.get('updated', 0):,}, duplicates {o.get('duplicates', 0):,}; "
            f"{self.ingest.published:,} published, {self.ingest.landed:,} landed in the raw zone",
            f"  failures by reason: {failures}",
            "  source: " + ", ".join(f"{k} {v:,}" for k, v in self.source_stats.items()),
            *(["  best by your word scores:"] if self.top else []),
            *(
                f"  {score:6.2f}  {p.get('title') or '?'} | {p.get('company') or '?'} | {p.get('location') or '?'}"
                for score, p in self.top
            ),
        ]


def to_record(posting: dict[str, Any]) -> SourceRecord:
    """Encode a connector's posting; one that does not fit the schema is kept as a rejected record."""
    try:
        return record_from_posting(posting)
    except ValueError as exc:
        raw = json.dumps(posting, default=str, sort_keys=True).encode()
        return rejected_record(
            raw,
            str(exc),
            posting.get("source", "unknown"),
            posting.get("search_keyword") or "none",
            posting.get("scraped_at") or utc_now(),
        )


async def collect(source: Source, query: Query, fetcher: Fetcher, on_posting: Callable[[], None]) -> list[dict]:
    """Every posting the source yields for the query."""
    found = []
    async for posting in source.postings(query, fetcher):
        found.append(posting)
        on_posting()
    return found


def scrape(
    settings: Settings,
    source_name: str,
    query: Query,
    run_id: str,
    on_posting: Callable[[], None] = lambda: None,
    word_scores: Mapping[str, float] | None = None,
    top: int = 10,
) -> ScrapeSummary:
    """Run one connector end to end and ingest its postings; with word scores, also rank what it found."""
    started = time.monotonic()
    source = make_source(source_name, settings)

    async def run() -> tuple[list[dict], Fetcher]:
        secrets = load_secrets(settings.path("scrape.secrets_file"), os.environ)
        async with Fetcher(settings, secrets=secrets) as fetcher:
            return await collect(source, query, fetcher, on_posting), fetcher

    postings, fetcher = asyncio.run(run())
    ingest = ingest_records([to_record(p) for p in postings], settings, run_id)
    return ScrapeSummary(
        source=source_name,
        pages_fetched=fetcher.stats.pages_fetched,
        retries=fetcher.stats.retries,
        postings_found=len(postings),
        failures=dict(sorted(fetcher.stats.failures.items())),
        source_stats=dict(getattr(source, "stats", {})),
        ingest=ingest,
        elapsed_s=time.monotonic() - started,
        top=rank_by_word_scores(postings, word_scores)[:top] if word_scores else [],
    )
