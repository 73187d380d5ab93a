"""Replay postings from CSV, JSONL or Avro files as SourceRecords, one record per input row."""

from __future__ import annotations

import ast
import csv
import hashlib
import io
import json
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from fastavro import block_reader, parse_schema, schemaless_reader

from ingestion.avro_codec import parsed_schema
from ingestion.mappings import FieldSpec, Mapping, Rule, load_mapping, posting_fields
from ingestion.mappings.salary import parse_salary, salary_period
from ingestion.raw_zone import RAW_RECORD_SCHEMA
from ingestion.records import REJECT_HEADER, SourceRecord, record_from_posting, rejected_record

BOM = b"\xef\xbb\xbf"
TIMESTAMP_FIELDS = ("posted_time", "expire_time", "scraped_at")
LIST_FIELDS = ("industries", "job_functions", "skills")
NUMBER_FIELDS = ("salary_min", "salary_max")
BOOLEAN_WORDS = dict.fromkeys(("true", "t", "yes", "y", "1"), True) | dict.fromkeys(
    ("false", "f", "no", "n", "0"), False
)
DEFAULT_SOURCE, DEFAULT_KEYWORD = "file", "import"
HASH_EXCLUDED = ("source", "source_job_id", "job_id", "scraped_at", "search_keyword")
EPOCH_MILLIS_FROM = 1e11  # larger epoch numbers are milliseconds (1e11 seconds is the year 5138)
THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")
RAW_ZONE_SCHEMA = RAW_RECORD_SCHEMA["name"]  # io.joblake.raw.RawPostingMessage
POSTING_SCHEMA = re.compile(r"^io\.joblake\.postings\.v\d+\.JobPosting$")

Row = dict[str, Any]


class RowError(ValueError):
    """A row that cannot be turned into a posting; the message is the reject reason."""


@dataclass(frozen=True)
class _Defaults:
    """What a file's rows fall back to: source and keyword (fixed or per-row rules) and scraped_at."""

    source: str | None
    source_rule: Rule | None
    keyword: str | None
    keyword_rule: Rule | None
    scraped_at: datetime

    @property
    def reject_source(self) -> str:
        """The source of a rejected row (its own cannot be trusted)."""
        return self.source or (self.source_rule.default if self.source_rule else None) or DEFAULT_SOURCE

    @property
    def reject_keyword(self) -> str:
        """The keyword of a rejected row."""
        return self.keyword or (self.keyword_rule.default if self.keyword_rule else None) or DEFAULT_KEYWORD


def read_file_records(
    path: str | Path,
    mapping: Mapping | dict[str, Any] | str | None = None,
    source: str | None = None,
    keyword: str | None = None,
    *,
    scraped_at: datetime,
) -> Iterator[SourceRecord]:
    """Yield one SourceRecord per CSV row, JSONL line or Avro record of `path`; never drops a row.

    `mapping` is a shipped mapping name, a mapping file, a Mapping, or a dict of posting field -> column
    (see `ingestion.mappings`); unmapped fields are read from the same-named column. Timestamps take
    ISO-8601 strings or dates (naive means UTC) or epoch seconds/millis; list fields take JSON arrays,
    Python-list strings or "a; b" / "a, b" text (so a comma inside one item splits it). The source is
    `source`, else the mapping's, else "file"; search_keyword comes from the row, else `keyword`, else
    the mapping's, else "import"; scraped_at from the row, else `scraped_at`. Without a source_job_id
    the id is the sha1 hex of the row's posting content (every field but the ids, source, keyword and
    scraped_at), so replays keep the same key. A row that cannot be converted becomes
    `rejected_record(raw row bytes, reason, ...)`; a missing title is not a conversion failure (silver
    quarantines it).

    `.avro` container files: raw-zone files (RawPostingMessage rows) replay their exact key, value and
    headers; posting files (JobPosting rows) are read with the current posting schema and keep their own
    source and keyword; files of any other record schema go through the mapping like JSON lines.
    Raises ValueError before reading for a bad mapping, or an Avro file that cannot be read at all.
    """
    path, resolved = Path(path), load_mapping(mapping)
    schema_name = _avro_schema_name(path) if path.suffix.lower() == ".avro" else None
    replay_defaults = _Defaults(source, None, keyword, None, scraped_at)  # only rejects use them: rows carry theirs
    if schema_name == RAW_ZONE_SCHEMA:
        return _replayed(_avro_rows(path), replay_defaults)
    if schema_name and POSTING_SCHEMA.match(schema_name):
        return _posting_records(_avro_rows(path, parsed_schema()), replay_defaults)
    defaults = _Defaults(
        source=source or (resolved.source.for_file(path) if resolved.source else None),
        source_rule=resolved.source if resolved.source and resolved.source.column else None,
        keyword=keyword or (resolved.keyword.for_file(path) if resolved.keyword else None),
        keyword_rule=resolved.keyword if resolved.keyword and resolved.keyword.column else None,
        scraped_at=scraped_at,
    )
    return _converted(_avro_rows(path) if schema_name else _text_rows(path), resolved, defaults)


def count_outcomes(records: Iterable[SourceRecord]) -> dict[str, Any]:
    """Postings, rejected records and rejections per reason: `{"postings": 3, "rejected": 1, "reasons": ...}`."""
    postings, reasons = 0, Counter[str]()
    for record in records:
        reason = dict(record.headers).get(REJECT_HEADER)
        if reason is None:
            postings += 1
        else:
            reasons[reason.decode(errors="replace")] += 1
    return {"postings": postings, "rejected": sum(reasons.values()), "reasons": reasons}


# --- Rows to records --------------------------------------------------------------------------


def _text_rows(path: Path) -> Iterator[tuple[bytes, Row | RowError]]:
    """(raw bytes, row or error) per CSV record (.csv) or JSON line (any other suffix)."""
    with path.open("rb") as handle:
        lines = _strip_bom(handle)
        yield from _csv_rows(lines) if path.suffix.lower() == ".csv" else _json_rows(lines)


def _converted(
    rows: Iterable[tuple[bytes, Row | RowError]], mapping: Mapping, defaults: _Defaults
) -> Iterator[SourceRecord]:
    converters = _converters(mapping)
    fields = {name: (mapping.spec(name), converters.get(name, _text)) for name in posting_fields()}
    for raw, row in rows:
        try:
            yield record_from_posting(_posting(row, mapping, fields, defaults))
        except Exception as exc:  # noqa: BLE001 - one record per row, whatever the row holds
            reason = str(exc) if isinstance(exc, RowError) else f"{type(exc).__name__}: {exc}"
            yield rejected_record(raw, reason, defaults.reject_source, defaults.reject_keyword, defaults.scraped_at)


def _posting(
    row: Row | RowError,
    mapping: Mapping,
    fields: dict[str, tuple[FieldSpec, Callable[[Any], Any]]],
    defaults: _Defaults,
) -> dict[str, Any]:
    """Convert one parsed row to a posting dict, raising RowError with a readable reason."""
    if isinstance(row, RowError):
        raise row
    posting: dict[str, Any] = {"source": defaults.source or _from_row(defaults.source_rule, row, "source")}
    for name, (spec, converter) in fields.items():
        try:
            posting[name] = converter(_cell(row, spec, mapping.nulls))
        except (TypeError, ValueError) as exc:
            raise RowError(f"{name}: {exc}") from None
    posting["search_keyword"] = (
        posting["search_keyword"] or defaults.keyword or _from_row(defaults.keyword_rule, row, "keyword")
    )
    posting["scraped_at"] = posting["scraped_at"] or defaults.scraped_at
    if mapping.salary and posting["salary_min"] is None and posting["salary_max"] is None:
        salary = parse_salary(posting["salary_text"], mapping.salary)
        if salary is not None:
            posting["salary_min"], posting["salary_max"] = salary.minimum, salary.maximum
            posting["salary_currency"] = posting["salary_currency"] or salary.currency
            posting["salary_period"] = posting["salary_period"] or salary.period
    if not posting["source_job_id"]:
        content = {k: v for k, v in posting.items() if k not in HASH_EXCLUDED and _has_content(v)}
        if not content:
            raise RowError("source_job_id: missing, and the row has no content to derive one from")
        canonical = json.dumps(content, sort_keys=True, default=str)
        posting["source_job_id"] = hashlib.sha1(canonical.encode()).hexdigest()
    for name, default in _schema_defaults().items():  # after the id, so new schema fields do not change it
        posting[name] = default if posting[name] is None else posting[name]
    return posting


@cache
def _schema_defaults() -> dict[str, Any]:
    """Fields whose schema default is not null (event_type: "posting"), for rows that leave them empty."""
    fields = parsed_schema()["fields"]
    return {f["name"]: f["default"] for f in fields if f.get("default") is not None and f["name"] in posting_fields()}


def _from_row(rule: Rule | None, row: Row, name: str) -> str:
    if rule is None:
        return DEFAULT_SOURCE if name == "source" else DEFAULT_KEYWORD
    value = rule.for_row(row)
    if not value:
        raise RowError(f"{name}: column {rule.column!r} is empty")
    return value


def _cell(row: Row, spec: FieldSpec, nulls: frozenset[str]) -> Any:
    """The value a field spec reads from a row; text is trimmed and null words read as None."""
    if spec.join:
        parts = [_trimmed(row.get(column), nulls) for column in spec.join]
        return ", ".join(str(part) for part in parts if part is not None) or None
    value = _trimmed(row.get(spec.column or ""), nulls)
    if spec.from_list and value is not None:
        value = _list_text(value)
    if spec.pattern is not None and value is not None:
        found = spec.pattern.search(str(value))
        if found is None:
            raise ValueError(f"{spec.column} {_shown(value)} does not match {spec.pattern.pattern!r}")
        value = found.group(1) if spec.pattern.groups else found.group(0)
    return value


def _trimmed(value: Any, nulls: frozenset[str]) -> Any:
    if not isinstance(value, str):
        return value
    value = value.strip()
    return None if not value or value in nulls else value


def _list_text(value: Any) -> str | None:
    """A list (or list literal text) as its items, one per line; other text as it is."""
    if isinstance(value, str) and value.startswith("["):
        try:
            value = _literal_list(value)
        except ValueError:
            return value  # text that starts with "[" but is no list, e.g. "[Remote] Analyst ..."
    if not isinstance(value, list):
        return value
    items = [str(item).strip() for item in value if item is not None]
    return "\n".join(item for item in items if item) or None


# --- Parsing rows -----------------------------------------------------------------------------


def _strip_bom(lines: Iterable[bytes]) -> Iterator[bytes]:
    for i, line in enumerate(lines):
        yield line[len(BOM) :] if i == 0 and line.startswith(BOM) else line


def _json_rows(lines: Iterable[bytes]) -> Iterator[tuple[bytes, Row | RowError]]:
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


def _csv_rows(lines: Iterable[bytes]) -> Iterator[tuple[bytes, Row | RowError]]:
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


# --- Avro container files ---------------------------------------------------------------------


def _avro_schema_name(path: Path) -> str:
    """The full name of the file's writer schema, or ValueError when it is no Avro record file."""
    try:
        with path.open("rb") as handle:
            schema = json.loads(block_reader(handle).metadata["avro.schema"])
    except (OSError, ValueError, KeyError, EOFError) as exc:
        raise ValueError(f"{path}: not a readable Avro container file: {exc}") from None
    if not isinstance(schema, dict) or schema.get("type") != "record":
        raise ValueError(f"{path}: the Avro schema is not a record, so its rows cannot be postings")
    name, namespace = schema["name"], schema.get("namespace")
    return name if "." in name or not namespace else f"{namespace}.{name}"


def _avro_rows(path: Path, reader_schema: dict | None = None) -> Iterator[tuple[bytes, Row | RowError]]:
    """(the record's Avro bytes, the record or the error) per record, block by block.

    A record that cannot be decoded hides where the next ones start, so it and the rest of its block
    are rejected with the same reason and bytes. A damaged container (bad sync marker or compression)
    raises ValueError: its remaining rows cannot even be counted.
    """
    with path.open("rb") as handle:
        blocks = block_reader(handle)
        writer_schema, index = parse_schema(blocks.writer_schema), 0
        while True:
            try:
                block = next(blocks)
            except StopIteration:
                return
            except Exception as exc:  # noqa: BLE001 - fastavro raises many types for a damaged container
                raise ValueError(f"{path}: damaged Avro container after record {index}: {exc!r}") from None
            data = block.bytes_.getvalue()
            buffer = io.BytesIO(data)
            for i in range(block.num_records):
                start = buffer.tell()
                try:
                    row = schemaless_reader(buffer, writer_schema, reader_schema)
                except Exception as exc:  # noqa: BLE001 - corrupt bytes raise many types
                    reason = RowError(
                        f"avro: record {index + 1} cannot be decoded ({type(exc).__name__}: {exc}); "
                        f"the {block.num_records - i} records from it to the end of its block are rejected"
                    )
                    for _ in range(block.num_records - i):
                        yield data[start:], reason
                    index += block.num_records - i
                    break
                index += 1
                yield data[start : buffer.tell()], row


def _replayed(rows: Iterable[tuple[bytes, Row | RowError]], defaults: _Defaults) -> Iterator[SourceRecord]:
    """Raw-zone rows as the exact messages they were landed from."""
    for raw, row in rows:
        if isinstance(row, RowError):
            yield rejected_record(raw, str(row), defaults.reject_source, defaults.reject_keyword, defaults.scraped_at)
            continue
        yield SourceRecord(
            key=row["key"],
            value=row["value"],
            source=row["source"],
            keyword=row["keyword"],
            scraped_at=row["scraped_at"],
            headers=tuple(row["headers"].items()),
        )


def _posting_records(rows: Iterable[tuple[bytes, Row | RowError]], defaults: _Defaults) -> Iterator[SourceRecord]:
    """Posting rows, already read with the current schema, encoded as they are."""
    for raw, row in rows:
        try:
            if isinstance(row, RowError):
                raise row
            yield record_from_posting(row)
        except Exception as exc:  # noqa: BLE001 - one record per row, whatever the row holds
            reason = str(exc) if isinstance(exc, RowError) else f"{type(exc).__name__}: {exc}"
            yield rejected_record(raw, reason, defaults.reject_source, defaults.reject_keyword, defaults.scraped_at)


# --- Cell conversions -------------------------------------------------------------------------


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
    raise TypeError(f"expected text, got a {type(value).__name__}")


def _timestamp(value: Any, timestamp_format: str | None = None) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime | date):
        parsed = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    if timestamp_format and isinstance(value, str):
        try:
            return _timestamp(datetime.strptime(value, timestamp_format))
        except ValueError:
            pass
    try:
        number = float(value) if not isinstance(value, bool) else None
    except (TypeError, ValueError):
        number = None
    try:
        if number is not None:
            seconds = number / 1000 if abs(number) >= EPOCH_MILLIS_FROM else number
            return datetime.fromtimestamp(seconds, tz=UTC)
        parsed = datetime.fromisoformat(value)
    except (AttributeError, OverflowError, OSError, TypeError, ValueError):
        shape = f" with {timestamp_format!r} or ISO-8601" if timestamp_format else ""
        raise ValueError(f"cannot parse {_shown(value)} as a timestamp{shape}") from None
    return _timestamp(parsed)


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
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
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


def _period(value: Any) -> str | None:
    return salary_period(_text(value))


def _converters(mapping: Mapping) -> dict[str, Callable[[Any], Any]]:
    """Field -> converter; fields not listed are text."""

    def timestamp(value: Any) -> datetime | None:
        return _timestamp(value, mapping.timestamp_format)

    return {
        **dict.fromkeys(TIMESTAMP_FIELDS, timestamp),
        **dict.fromkeys(LIST_FIELDS, _string_list),
        **dict.fromkeys(NUMBER_FIELDS, _number),
        "reposted": _boolean,
        "salary_period": _period,
    }
