"""Land SourceRecords in the raw zone as Avro container files, partitioned like the design says.

Layout: `<raw_root>/source=<s>/year=<y>/month=<m>/day=<d>/keyword=<k>/part-<run_id>.avro`.
Each row is the exact Kafka message (key, value bytes, headers), so the raw zone can be
replayed into Kafka byte for byte and decoded by the same code as bronze.

The raw root is a local path or an `s3://` / `s3a://` URI; one code path builds each file's
Avro bytes and hands them to a tiny storage back-end (local rename, or an S3 put via boto3).
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from fastavro import block_reader, parse_schema, writer

from ingestion.records import SourceRecord
from lakehouse.config import ConfigError, Settings, load_settings
from lakehouse.objectstore import is_s3_uri, s3_client, s3_errors, split_s3_uri

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


def encode_rows(rows: list[dict]) -> bytes:
    """One finished Avro container file (deflate) holding the rows."""
    out = io.BytesIO()
    writer(out, RAW_RECORD_SCHEMA, rows, codec="deflate")
    return out.getvalue()


class LocalZone:
    """A raw zone on a local (or mounted) filesystem; files appear atomically by rename."""

    def __init__(self, root: str):
        self.root = Path(root)

    def put(self, name: str, data: bytes) -> None:
        target = self.root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".avro.tmp")
        tmp.write_bytes(data)
        tmp.replace(target)

    def landed(self) -> Iterator[BinaryIO]:
        for path in self.root.glob("source=*/**/*.avro"):
            with open(path, "rb") as f:
                yield f


class S3Zone:
    """A raw zone under an s3:// or s3a:// root, written and listed with boto3 (an object appears whole)."""

    def __init__(self, root: str, settings: Settings):
        self.root, self.settings = root, settings
        self.bucket, prefix = split_s3_uri(root)
        self.prefix = f"{prefix}/" if prefix else ""
        self.client = s3_client(settings)

    def put(self, name: str, data: bytes) -> None:
        with s3_errors(self.settings, f"landing {self.root}/{name}"):
            self.client.put_object(Bucket=self.bucket, Key=self.prefix + name, Body=data)

    def landed(self) -> Iterator[BinaryIO]:
        with s3_errors(self.settings, f"reading the raw zone {self.root}"):
            pages = self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=self.prefix + "source="
            )
            keys = [obj["Key"] for page in pages for obj in page.get("Contents", []) if obj["Key"].endswith(".avro")]
            for key in keys:
                yield io.BytesIO(self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read())


def raw_zone_at(raw_root: str, settings: Settings | None = None) -> LocalZone | S3Zone:
    """The storage back-end for a raw root: S3 for s3:// and s3a:// (settings give endpoint and credentials)."""
    if is_s3_uri(raw_root):
        return S3Zone(raw_root, settings or load_settings())
    if "://" in raw_root:
        raise ConfigError(f"raw zone {raw_root}: only local paths and s3:// or s3a:// roots are supported")
    return LocalZone(raw_root)


def land(
    records: Iterable[SourceRecord], raw_root: str, run_id: str, settings: Settings | None = None
) -> dict[str, int]:
    """Write the records, one file per partition for this run; returns rows per partition.

    A rerun with the same run_id replaces its files, so landing is safe to repeat.
    """
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
    zone = raw_zone_at(raw_root, settings)
    for folder, rows in groups.items():
        zone.put(f"{folder}/part-{run_id}.avro", encode_rows(rows))
    return {folder: len(rows) for folder, rows in groups.items()}


def count_raw_records(raw_root: str, settings: Settings | None = None) -> int:
    """Records in every landed file of the raw zone (for the reconciliation)."""
    return sum(block.num_records for f in raw_zone_at(raw_root, settings).landed() for block in block_reader(f))
