"""Encode and decode posting records as Avro single-object messages.

Every Kafka value and every raw-zone payload is one posting in Avro's single-object
encoding: the two marker bytes C3 01, the 8-byte little-endian CRC-64-AVRO fingerprint
of the writer schema, then the Avro binary body. The fingerprint lets readers pick the
writer schema without a schema registry, and tells a record written with an unknown
(incompatible) schema apart from one with corrupt bytes.
"""

from __future__ import annotations

import io
import json
from functools import cache
from importlib import resources
from typing import Any

from fastavro import parse_schema, schemaless_reader, schemaless_writer
from fastavro.schema import fingerprint, to_parsing_canonical_form

MAGIC = b"\xc3\x01"
HEADER_LEN = len(MAGIC) + 8

# Schema versions in the order they were published; the last one is current.
SCHEMA_VERSIONS = ("posting.v1.avsc", "posting.v2.avsc")


@cache
def schema_json(name: str = SCHEMA_VERSIONS[-1]) -> str:
    """The JSON text of a shipped posting schema (the current one by default)."""
    return resources.files("ingestion.schemas").joinpath(name).read_text()


@cache
def parsed_schema(name: str = SCHEMA_VERSIONS[-1]) -> dict:
    """The fastavro-parsed form of a shipped posting schema."""
    return parse_schema(json.loads(schema_json(name)))


@cache
def schema_fingerprint(schema_text: str) -> bytes:
    """CRC-64-AVRO fingerprint of a schema, as the 8 little-endian bytes the header carries."""
    canonical = to_parsing_canonical_form(parse_schema(json.loads(schema_text)))
    return int(fingerprint(canonical, "CRC-64-AVRO"), 16).to_bytes(8, "little")


@cache
def known_writer_schemas() -> dict[bytes, str]:
    """Fingerprint -> schema JSON for every posting schema version joblake can read."""
    return {schema_fingerprint(schema_json(name)): schema_json(name) for name in SCHEMA_VERSIONS}


def encode_posting(posting: dict[str, Any], schema_text: str | None = None) -> bytes:
    """Serialise one posting dict to a single-object Avro message.

    Raises ValueError with the offending field when the posting does not fit the schema.
    """
    schema_text = schema_text or schema_json()
    parsed = parse_schema(json.loads(schema_text)) if schema_text != schema_json() else parsed_schema()
    buf = io.BytesIO()
    buf.write(MAGIC)
    buf.write(schema_fingerprint(schema_text))
    try:
        schemaless_writer(buf, parsed, posting, strict_allow_default=True)
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise ValueError(f"posting does not fit schema {parsed.get('name')}: {exc}") from exc
    return buf.getvalue()


def decode_posting(message: bytes) -> dict[str, Any]:
    """Decode a single-object Avro message into a posting dict (current schema as reader)."""
    if message[: len(MAGIC)] != MAGIC:
        raise ValueError("not an Avro single-object message")
    writer = known_writer_schemas().get(message[len(MAGIC) : HEADER_LEN])
    if writer is None:
        raise ValueError("unknown writer schema fingerprint")
    try:
        return schemaless_reader(io.BytesIO(message[HEADER_LEN:]), parse_schema(json.loads(writer)), parsed_schema())
    except (EOFError, IndexError, UnicodeDecodeError, ValueError) as exc:
        raise ValueError(f"corrupt Avro body: {exc!r}") from exc
