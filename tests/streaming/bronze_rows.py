"""Helpers that build bronze-shaped rows for the streaming tests."""

from datetime import UTC, datetime

from ingestion.avro_codec import encode_posting
from ingestion.keys import posting_key

NOW = datetime(2026, 11, 1, 6, tzinfo=UTC)
BRONZE_DDL = (
    "key string, value binary, headers array<struct<key: string, value: binary>>, topic string, "
    "kafka_partition int, kafka_offset long, kafka_timestamp timestamp, ingested_at timestamp, ingest_date date"
)


def posting(job_id: str, **fields) -> dict:
    """A valid posting dict with a few realistic fields."""
    return {
        "source": "generator",
        "source_job_id": job_id,
        "title": "Sr. Data Eng",
        "company": "Acme Corp.",
        "location": "Austin, TX",
        "employment_type": "Full-time",
        "description": "<p>Python &amp; SQL</p>",
        "posted_time": NOW,
        "scraped_at": NOW,
        **fields,
    }


def bronze_row(value: bytes, offset: int, key: str = "k", headers: list | None = None) -> tuple:
    """One bronze row around a message value."""
    return (key, bytearray(value), headers or [], "jobs.postings.v1", 0, offset, NOW, NOW, NOW.date())


def posting_row(offset: int, job_id: str, **fields) -> tuple:
    """A bronze row carrying a valid encoded posting."""
    return bronze_row(encode_posting(posting(job_id, **fields)), offset, key=posting_key("generator", job_id))


def closed_row(offset: int, job_id: str, closed_at=NOW) -> tuple:
    """A bronze row carrying the validator's closed event for a posting."""
    event = {
        "source": "generator",
        "source_job_id": job_id,
        "event_type": "closed",
        "closed_at": closed_at,
        "scraped_at": closed_at,
    }
    return bronze_row(encode_posting(event), offset, key=posting_key("generator", job_id))
