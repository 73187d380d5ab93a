"""Land SourceRecords in the raw zone as Avro container files, partitioned like the design says.

Layout: `<raw_root>/source=<s>/year=<y>/month=<m>/day=<d>/keyword=<k>/part-<run_id>.avro`.
Each row is the exact Kafka message (key, value bytes, headers), so the raw zone can be
replayed into Kafka byte for byte and decoded by the same code as bronze.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from fastavro import parse_schema, writer

from ingestion.records import SourceRecord
from lakehouse.config import ConfigError

RAW_RECORD_SCHEMA = parse_schema(
    {
        "type": "record",
        "name": "RawPostingMessage",
        "namespace": "io.joblake.raw",
        "fields": [
            {"name": "key", "type": "string"},
            {"name": "value", "type": "bytes"},
            {"name": "headers", "type": {"type": "map", "values": "bytes"}, "default": {}},
            {"name": "source", "type": "string"},
            {"name": "keyword", "type": "string"},
            {"name": "scraped_at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        ],
    }
)


def partition_value(text: str) -> str:
    """A path-safe partition value: 'Data Engineer' -> 'data_engineer'."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "none"


def partition_dir(record: SourceRecord) -> str:
    """The partition folder (relative to the raw root) a record lands in."""
    t = record.scraped_at
    return (
        f"source={partition_value(record.source)}/year={t.year:04d}/month={t.month:02d}/day={t.day:02d}"
        f"/keyword={partition_value(record.keyword)}"
    )


def land(records: Iterable[SourceRecord], raw_root: str, run_id: str) -> dict[str, int]:
    """Write the records, one file per partition for this run; returns rows per partition."""
    if "://" in raw_root:
        raise ConfigError(f"raw zone {raw_root}: object-store landing is not available in this version")
    groups: dict[str, list[dict]] = defaultdict(list)
    for record in records:
        groups[partition_dir(record)].append(
            {
                "key": record.key,
                "value": record.value,
                "headers": dict(record.headers),
                "source": record.source,
                "keyword": record.keyword,
                "scraped_at": record.scraped_at,
            }
        )
    for folder, rows in groups.items():
        target = Path(raw_root) / folder / f"part-{run_id}.avro"
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".avro.tmp")
        with open(tmp, "wb") as out:
            writer(out, RAW_RECORD_SCHEMA, rows, codec="deflate")
        tmp.replace(target)
    return {folder: len(rows) for folder, rows in groups.items()}


def count_raw_records(raw_root: str) -> int:
    """Records in every landed file of the raw zone (for the reconciliation)."""
    from fastavro import block_reader

    total = 0
    for path in Path(raw_root).glob("source=*/**/*.avro"):
        with open(path, "rb") as f:
            total += sum(block.num_records for block in block_reader(f))
    return total
