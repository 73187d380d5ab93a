"""Send a source's records to both sinks: the Kafka topic and the raw landing zone."""

from __future__ import annotations

import time
from collections.abc import Callable
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


INGEST_STAGES = ("dedup at source", "publish to Kafka", "land in the raw zone")  # what `progress` is told


def publish_records(
    records: list[SourceRecord], settings: Settings, run_id: str, progress: Callable[[str], None] | None = None
) -> IngestSummary:
    """Publish to Kafka (all acknowledged) and then land the same records in the raw zone.

    `progress` is called with INGEST_STAGES[1] and [2] as they start.
    """
    stage = progress or (lambda name: None)
    started = time.monotonic()
    limit = int(settings["kafka.max_record_bytes"])
    kafka_sink.ensure_topic(settings)
    sendable = [r if len(r.value) <= limit else oversized_stub(r, limit) for r in records]
    stage(INGEST_STAGES[1])
    published = kafka_sink.publish(sendable, settings)
    stage(INGEST_STAGES[2])
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


def ingest_records(
    records: list[SourceRecord], settings: Settings, run_id: str, progress: Callable[[str], None] | None = None
) -> IngestSummary:
    """Dedup at source against the durable ledger, publish what is new or changed, then remember it.

    `progress` is called with each stage of INGEST_STAGES as it starts (a progress bar's hook).
    """
    started = time.monotonic()
    with SeenState(settings.path("scrape.state_db")) as state:
        if progress:
            progress(INGEST_STAGES[0])
        fresh, outcomes = state.split(records)
        summary = publish_records(fresh, settings, run_id, progress)
        state.mark_published(fresh, datetime.now(UTC))
    return replace(summary, records=len(records), elapsed_s=time.monotonic() - started, outcomes=outcomes)
