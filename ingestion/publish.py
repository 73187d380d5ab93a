"""Send a source's records to both sinks: the Kafka topic and the raw landing zone."""

from __future__ import annotations

import time
from dataclasses import dataclass

from ingestion import kafka_sink, raw_zone
from ingestion.records import REJECT_HEADER, SourceRecord
from lakehouse.config import Settings


@dataclass(frozen=True)
class IngestSummary:
    """What one ingest run sent where."""

    run_id: str
    records: int
    rejected_by_source: int
    published: int
    landed: int
    raw_partitions: int
    elapsed_s: float


def publish_records(records: list[SourceRecord], settings: Settings, run_id: str) -> IngestSummary:
    """Publish to Kafka (all acknowledged) and then land the same records in the raw zone."""
    started = time.monotonic()
    kafka_sink.ensure_topic(settings)
    published = kafka_sink.publish(records, settings)
    partitions = raw_zone.land(records, settings.path("lake.raw_root"), run_id)
    return IngestSummary(
        run_id=run_id,
        records=len(records),
        rejected_by_source=sum(1 for r in records if any(k == REJECT_HEADER for k, _ in r.headers)),
        published=published,
        landed=sum(partitions.values()),
        raw_partitions=len(partitions),
        elapsed_s=time.monotonic() - started,
    )
