"""Replay postings from CSV or JSONL files as SourceRecords, one record per input row."""

from __future__ import annotations

import ast
import csv
import hashlib
import json
import math
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ingestion.avro_codec import parsed_schema
from ingestion.records import SourceRecord, record_from_posting, rejected_record

BOM = b"\xef\xbb\xbf"
TIMESTAMP_FIELDS = ("posted_time", "expire_time", "scraped_at")
LIST_FIELDS = ("industries", "job_functions", "skills")
NUMBER_FIELDS = ("salary_min", "salary_max")
BOOLEAN_WORDS = dict.fromkeys(("true", "t", "yes", "y", "1"), True) | dict.fromkeys(
    ("false", "f", "no", "n", "0"), False
)
# Set by the reader, never taken from the row; source_job_id is derived when missing.
READER_FIELDS = ("source",)
HASH_EXCLUDED = ("source", "source_job_id", "job_id", "scraped_at", "search_keyword")
EPOCH_MILLIS_FROM = 1e11  # larger epoch numbers are milliseconds (1e11 seconds is the year 5138)
THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")


class RowError(ValueError):
    """A row that cannot be turned into a posting; the message is the reject reason."""


def read_file_records(
    path: str | Path,
    mapping: dict[str, str] | None = None,
    source: str = "file",
    keyword: str = "import",
    *,
    scraped_at: datetime,
) -> Iterator[SourceRecord]:
    """Yield one SourceRecord per CSV row or JSONL line of `path` (.csv, else JSON lines); never drops a row.

    `mapping` maps posting field -> input column; unmapped fields are read from the same-named column.
    Timestamps take ISO-8601 strings or dates (naive means UTC) or epoch seconds/millis; list fields take
    JSON arrays, Python-list strings or "a; b" / "a, b" text (so a comma inside one item splits it).
    The record's source is `source`; search_keyword and scraped_at come from the row when present, else
    `keyword` and `scraped_at`. Without a source_job_id the id is the sha1 hex of the row's posting
    content (every field but the ids, source, keyword and scraped_at), so replays keep the same key.
    A row that cannot be converted becomes `rejected_record(raw row bytes, reason, ...)`; a missing
    title is not a conversion failure (silver quarantines it).
    """
    return _records(Path(path), _columns(mapping), source, keyword, scraped_at)


def _records(
    path: Path, columns: dict[str, str], source: str, keyword: str, scraped_at: datetime
) -> Iterator[SourceRecord]:
    with path.open("rb") as handle:
        lines = _strip_bom(handle)
        rows = _csv_rows(lines) if path.suffix.lower() == ".csv" else _json_rows(lines)
        for raw, row in rows:
            try:
                posting = _posting(row, columns, source, keyword, scraped_at)
                yield record_from_posting(posting)
            except Exception as exc:  # noqa: BLE001 - one record per row, whatever the row holds
                reason = str(exc) if isinstance(exc, RowError) else f"{type(exc).__name__}: {exc}"
                yield rejected_record(raw, reason, source, keyword, scraped_at)


def _columns(mapping: dict[str, str] | None) -> dict[str, str]:
    """Posting field -> input column for every schema field the row may set."""
    fields = [f["name"] for f in parsed_schema()["fields"] if f["name"] not in READER_FIELDS]
    unknown = sorted(set(mapping or {}) - set(fields))
    if unknown:
        raise ValueError(f"mapping names fields the posting schema does not have: {unknown}")
    return {name: (mapping or {}).get(name, name) for name in fields}


def _strip_bom(lines: Iterable[bytes]) -> Iterator[bytes]:
    for i, line in enumerate(lines):
        yield line[len(BOM) :] if i == 0 and line.startswith(BOM) else line


def _json_rows(lines: Iterable[bytes]) -> Iterator[tuple[bytes, dict[str, Any] | RowError]]:
    """(raw line, parsed object or the error) per non-blank line."""
    for line in lines:
        raw = line.rstrip(b"\r\n")
        if not raw.strip():
            continue
        try:
            row = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            yield raw, RowError("line is not valid UTF-8")
        except json.JSONDecodeError as exc:
            yield raw, RowError(f"invalid JSON: {exc.msg} at column {exc.colno}")
        else:
            is_object = isinstance(row, dict)
            yield raw, row if is_object else RowError(f"line is a JSON {type(row).__name__}, not an object")


def _csv_rows(lines: Iterable[bytes]) -> Iterator[tuple[bytes, dict[str, Any] | RowError]]:
    """(raw row bytes, header -> value) per CSV record; a quoted field may span several lines."""
    consumed: list[bytes] = []

    def decoded() -> Iterator[str]:
        for line in lines:
            consumed.append(line)
            yield line.decode("utf-8", errors="replace")

    reader = csv.reader(decoded())
    header: list[str] | None = None
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            values = RowError(f"csv: {exc}")
        raw = b"".join(consumed).rstrip(b"\r\n")
        consumed.clear()
        if isinstance(values, list) and not any(v.strip() for v in values):
            continue
        if header is None and isinstance(values, list):
            header = [name.strip() for name in values]
        elif isinstance(values, RowError):
            yield raw, values
        elif not _is_utf8(raw):
            yield raw, RowError("row is not valid UTF-8")
        elif len(values) > len(header or ()):
            yield raw, RowError(f"row has {len(values)} fields but the header has {len(header or ())}")
        else:
            yield raw, dict(zip(header or (), values, strict=False))


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _posting(
    row: dict[str, Any] | RowError, columns: dict[str, str], source: str, keyword: str, scraped_at: datetime
) -> dict[str, Any]:
    """Convert one parsed row to a posting dict, raising RowError with a readable reason."""
    if isinstance(row, RowError):
        raise row
    posting: dict[str, Any] = {"source": source}
    for name, column in columns.items():
        value = row.get(column)
        value = (value.strip() or None) if isinstance(value, str) else value  # converters see None for ""
        converter = _CONVERTERS.get(name, _text)
        try:
            posting[name] = converter(value)
        except (TypeError, ValueError) as exc:
            raise RowError(f"{name}: {exc}") from None
    posting["search_keyword"] = posting["search_keyword"] or keyword
    posting["scraped_at"] = posting["scraped_at"] or scraped_at
    if not posting["source_job_id"]:
        content = {k: v for k, v in posting.items() if k not in HASH_EXCLUDED and _has_content(v)}
        if not content:
            raise RowError("source_job_id: missing, and the row has no content to derive one from")
        canonical = json.dumps(content, sort_keys=True, default=str)
        posting["source_job_id"] = hashlib.sha1(canonical.encode()).hexdigest()
    return posting


def _has_content(value: Any) -> bool:
    return value is not None and value is not False and value != []


def _shown(value: Any) -> str:
    text = str(value)
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool | int | float):
        return str(value)
    raise TypeError(f"expected text, got a JSON {type(value).__name__}")


def _timestamp(value: Any) -> datetime | None:
    if value is None:
        return None
    try:
        number = float(value) if not isinstance(value, bool) else None
    except (TypeError, ValueError):
        number = None
    try:
        if number is not None:
            seconds = number / 1000 if abs(number) >= EPOCH_MILLIS_FROM else number
            return datetime.fromtimestamp(seconds, tz=UTC)
        parsed = datetime.fromisoformat(value)
    except (AttributeError, OverflowError, OSError, ValueError):
        raise ValueError(f"cannot parse {_shown(value)} as a timestamp") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _string_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str) and value.startswith("["):
        value = _literal_list(value)
    elif isinstance(value, str):
        value = value.split(next((sep for sep in (";", "|") if sep in value), ","))
    if not isinstance(value, list):
        raise ValueError(f"cannot read {_shown(value)} as a list")
    return [str(item).strip() for item in value if item is not None and str(item).strip()]


def _literal_list(text: str) -> Any:
    """A JSON array or a Python list literal such as "['a', 'b']"."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        pass
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        raise ValueError(f"cannot read {_shown(text)} as a list") from None


def _number(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"cannot parse {_shown(value)} as a number")
    text = str(value)
    try:
        number = float(text.replace(",", "") if THOUSANDS.match(text) else text)
    except ValueError:
        raise ValueError(f"cannot parse {_shown(value)} as a number") from None
    if not math.isfinite(number):
        raise ValueError(f"cannot parse {_shown(value)} as a number")
    return number


def _boolean(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    key = str(value).lower()
    if key not in BOOLEAN_WORDS:
        raise ValueError(f"cannot parse {_shown(value)} as true/false")
    return BOOLEAN_WORDS[key]


_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    **dict.fromkeys(TIMESTAMP_FIELDS, _timestamp),
    **dict.fromkeys(LIST_FIELDS, _string_list),
    **dict.fromkeys(NUMBER_FIELDS, _number),
    "reposted": _boolean,
}
