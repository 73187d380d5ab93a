"""Send a source's records to both sinks: the Kafka topic and the raw landing zone."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from ingestion import kafka_sink, raw_zone
from ingestion.records import REJECT_HEADER, SourceRecord, oversized_stub
from ingestion.seen_state import SeenState
from lakehouse.config import Settings


@dataclass(frozen=True)
class IngestSummary:
    """What one ingest run found and sent where."""

    run_id: str
    records: int
    published: int
    landed: int
    raw_partitions: int
    rejected_by_source: int
    elapsed_s: float
    outcomes: dict[str, int] = field(default_factory=dict)  # new / updated / duplicates (dedup at source)


def publish_records(records: list[SourceRecord], settings: Settings, run_id: str) -> IngestSummary:
    """Publish to Kafka (all acknowledged) and then land the same records in the raw zone."""
    started = time.monotonic()
    limit = int(settings["kafka.max_record_bytes"])
    kafka_sink.ensure_topic(settings)
    sendable = [r if len(r.value) <= limit else oversized_stub(r, limit) for r in records]
    published = kafka_sink.publish(sendable, settings)
    partitions = raw_zone.land(records, settings.path("lake.raw_root"), run_id, settings)
    return IngestSummary(
        run_id=run_id,
        records=len(records),
        published=published,
        landed=sum(partitions.values()),
        raw_partitions=len(partitions),
        rejected_by_source=sum(
            1 for r in records if len(r.value) > limit or any(k == REJECT_HEADER for k, _ in r.headers)
        ),
        elapsed_s=time.monotonic() - started,
    )


def ingest_records(records: list[SourceRecord], settings: Settings, run_id: str) -> IngestSummary:
    """Dedup at source against the durable ledger, publish what is new or changed, then remember it."""
    started = time.monotonic()
    with SeenState(settings.path("scrape.state_db")) as state:
        fresh, outcomes = state.split(records)
        summary = publish_records(fresh, settings, run_id)
        state.mark_published(fresh, datetime.now(UTC))
    return replace(summary, records=len(records), elapsed_s=time.monotonic() - started, outcomes=outcomes)
