"""Durable dedup-at-source state: which postings were already published, and with what content.

A record is identified by (source, key) — the posting key, or for a record a source
rejected, the hash of its raw bytes — and compared by a content fingerprint that ignores
when it was scraped. A record whose identity and fingerprint were both published before is
a duplicate and is not sent again; a known identity with a new fingerprint is an update and
is sent. Records are marked seen only after Kafka acknowledged them, so a run that dies
half-way publishes the rest on the next run and nothing is lost.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from ingestion.records import SourceRecord

SCHEMA = """
CREATE TABLE IF NOT EXISTS published (
    source TEXT NOT NULL,
    record_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    first_published_at TEXT NOT NULL,
    last_published_at TEXT NOT NULL,
    PRIMARY KEY (source, record_key)
)
"""


class SeenState:
    """The published-records ledger in a SQLite file (one per lake)."""

    def __init__(self, path: str | Path):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path))
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(SCHEMA)

    def close(self) -> None:
        """Close the database."""
        self._db.close()

    def __enter__(self) -> SeenState:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def split(self, records: Iterable[SourceRecord]) -> tuple[list[SourceRecord], dict[str, int]]:
        """Records to publish (new or changed, first of each within the batch) and counts by outcome."""
        to_publish: list[SourceRecord] = []
        counts = {"new": 0, "updated": 0, "duplicates": 0}
        in_batch: dict[tuple[str, str], str] = {}
        for record in records:
            identity = (record.source, record.key)
            if in_batch.get(identity) == record.fingerprint:
                counts["duplicates"] += 1
                continue
            row = self._db.execute(
                "SELECT fingerprint FROM published WHERE source = ? AND record_key = ?", identity
            ).fetchone()
            if row is not None and row[0] == record.fingerprint:
                counts["duplicates"] += 1
                continue
            counts["updated" if row is not None or identity in in_batch else "new"] += 1
            in_batch[identity] = record.fingerprint
            to_publish.append(record)
        return to_publish, counts

    def mark_published(self, records: Iterable[SourceRecord], at: datetime) -> None:
        """Remember records Kafka acknowledged (one transaction)."""
        stamp = at.isoformat()
        with self._db:
            self._db.executemany(
                """
                INSERT INTO published VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (source, record_key) DO UPDATE
                SET fingerprint = excluded.fingerprint, last_published_at = excluded.last_published_at
                """,
                [(r.source, r.key, r.fingerprint, stamp, stamp) for r in records],
            )

    def published_count(self) -> int:
        """How many distinct records were ever published."""
        return self._db.execute("SELECT count(*) FROM published").fetchone()[0]
