"""The unit every source emits and every sink writes: one Kafka message."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from ingestion.avro_codec import encode_posting
from ingestion.keys import posting_key

# Header a source sets when it could not turn its input into a posting; the raw input
# travels on as the value and silver quarantines the record with this text as reason.
REJECT_HEADER = "joblake.reject_reason"


@dataclass(frozen=True)
class SourceRecord:
    """One message for Kafka topic jobs.postings.v1 and the raw zone."""

    key: str
    value: bytes
    source: str
    keyword: str
    scraped_at: datetime
    headers: tuple[tuple[str, bytes], ...] = field(default=())
    content_fingerprint: str = ""

    @property
    def fingerprint(self) -> str:
        """What the record says, ignoring when it was scraped (dedup at source compares this)."""
        return self.content_fingerprint or hashlib.sha256(self.value).hexdigest()


def content_fingerprint(posting: dict[str, Any]) -> str:
    """SHA-256 of the posting's content without its scrape time."""
    content = {k: v for k, v in posting.items() if k != "scraped_at"}
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()


def record_from_posting(posting: dict[str, Any]) -> SourceRecord:
    """Encode a posting dict as a SourceRecord keyed by its posting key."""
    return SourceRecord(
        key=posting_key(posting["source"], posting["source_job_id"]),
        value=encode_posting(posting),
        source=posting["source"],
        keyword=posting.get("search_keyword") or "none",
        scraped_at=posting["scraped_at"],
        content_fingerprint=content_fingerprint(posting),
    )


def oversized_stub(record: SourceRecord, limit: int) -> SourceRecord:
    """What goes to Kafka instead of a record larger than the topic takes: its key, no value, and a reason.

    The raw zone keeps the whole original, so nothing is lost; silver quarantines the stub.
    """
    reason = f"oversized: {len(record.value):,} bytes > {limit:,} (the raw zone keeps the whole record)"
    return replace(record, value=b"", headers=(*record.headers, (REJECT_HEADER, reason.encode())))


def rejected_record(raw: bytes, reason: str, source: str, keyword: str, scraped_at: datetime) -> SourceRecord:
    """A record a source could not convert: the raw input is kept and the reason rides in a header."""
    return SourceRecord(
        key=hashlib.sha256(raw).hexdigest(),
        value=raw,
        source=source,
        keyword=keyword,
        scraped_at=scraped_at,
        headers=((REJECT_HEADER, reason.encode()),),
    )
