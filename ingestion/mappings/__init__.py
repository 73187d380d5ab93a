r"""Column mappings: how the columns of a CSV, JSONL or Avro file become posting fields.

A mapping is a small YAML file; the shipped ones live in this folder, one per name
(`load_mapping("glassdoor")`). Every key is optional:

    source: glassdoor                  # the posting's source: a fixed value or a rule (below)
    keyword: {file_name: '^glassdoor_(.+)$'}       # the search keyword: a fixed value or a rule
    fields:                            # posting field -> where its value comes from
      title: Name                      #   a column; a field not listed reads the column of its own name
      location: {join: [City, State]}  #   the non-empty cells joined with ", "
      description: {column: Description, from_list: true}   # a list literal ("['a', 'b']"): items, one per line
      source_job_id: {column: Url, pattern: 'jobListingId=(\d+)'}  # regex: group 1 (else the whole match)
    nulls: ["None", "N/A"]             # cells that mean "empty" once trimmed ("" always does)
    timestamp_format: "%d/%m/%Y %H:%M" # strptime format tried before ISO-8601 / epoch for timestamp fields
    salary: {period: year, hourly_below: 1000}   # or `true`: parse salary_text (below)

A rule derives `source` or `keyword` from the file name or from a column:

    {file_name: REGEX}   group 1 (else the match) of REGEX searched in the file name without its
                         extension, with "_" and "-" read as spaces: glassdoor_data_analyst -> "data analyst"
    {column: C}          the row's cell C
    values: {ds: data scientist}   optional: translates the derived value (lower-cased, trimmed)
    default: indeed                optional: used when the file name does not match or the cell is empty

A file name that does not match (without a default) is an error for the whole file; an empty
cell (without a default) rejects that row. The caller's `source` / `keyword` override the mapping.

`salary` parses salary_text ("$65,000 - $85,000 a year", "£9.50 an hour", "$50k-$90k") into
salary_min / salary_max and fills salary_currency / salary_period where the row leaves them empty;
it runs only for rows with neither salary_min nor salary_max (see `ingestion.mappings.salary`).
Its options: `period` when the text names none, `hourly_below` (with no period named, amounts
below it are hourly), `currency` (an ISO code that overrides the currency sign).

Type conversions are the reader's (`ingestion.file_source`): timestamps, numbers, lists, booleans,
and salary_period read into hour/day/week/month/year ("YEAR", "per annum", "hourly", ...).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ingestion.avro_codec import parsed_schema

# Set by the reader from the mapping's `source` rule or the caller, never read from a column.
READER_FIELDS = ("source",)
TOP_KEYS = ("source", "keyword", "fields", "nulls", "timestamp_format", "salary")
RULE_KEYS = ("file_name", "column", "values", "default")
FIELD_KEYS = ("column", "join", "pattern", "from_list")
SALARY_KEYS = ("period", "hourly_below", "currency")
PERIODS = ("hour", "day", "week", "month", "year")
SHIPPED_SUFFIX = ".yml"


class MappingError(ValueError):
    """A mapping that cannot be used; the message names the mapping and the offending key."""


@dataclass(frozen=True)
class Rule:
    """How `source` or `keyword` is found: a fixed value, a file-name regex or a column."""

    value: str | None = None
    file_name: re.Pattern[str] | None = None
    column: str | None = None
    values: dict[str, str] = field(default_factory=dict)
    default: str | None = None

    def for_file(self, path: Path) -> str | None:
        """The value for every row of `path`, or None when it comes from a column."""
        if self.value is not None:
            return self.value
        if self.file_name is None:
            return None
        found = self.file_name.search(path.stem)
        if found is None:
            if self.default is None:
                raise MappingError(f"file name {path.stem!r} does not match {self.file_name.pattern!r}")
            return self.default
        captured = found.group(1) if self.file_name.groups else found.group(0)
        return self._translated(re.sub(r"[_-]+", " ", captured))

    def for_row(self, row: dict[str, Any]) -> str | None:
        """The value from the row's cell (translated), the default, or None when both are empty."""
        cell = row.get(self.column or "")
        text = str(cell).strip() if cell is not None else ""
        return self._translated(text) if text else self.default

    def _translated(self, text: str) -> str:
        key = text.strip().lower()
        return self.values.get(key, key)


@dataclass(frozen=True)
class FieldSpec:
    """Where one posting field's value comes from: one column (maybe a regex or a list), or several joined."""

    column: str | None = None
    join: tuple[str, ...] = ()
    pattern: re.Pattern[str] | None = None
    from_list: bool = False


@dataclass(frozen=True)
class SalaryRule:
    """Options for parsing salary_text: see `ingestion.mappings.salary.parse_salary`."""

    period: str | None = None
    hourly_below: float | None = None
    currency: str | None = None


@dataclass(frozen=True)
class Mapping:
    """A validated mapping; `fields` holds only the listed fields (the others read their own column)."""

    name: str = "generic"
    source: Rule | None = None
    keyword: Rule | None = None
    fields: dict[str, FieldSpec] = field(default_factory=dict)
    nulls: frozenset[str] = frozenset()
    timestamp_format: str | None = None
    salary: SalaryRule | None = None

    def spec(self, name: str) -> FieldSpec:
        """The spec of a posting field: the listed one, else the column of the same name."""
        return self.fields.get(name) or FieldSpec(column=name)


@cache
def posting_fields() -> tuple[str, ...]:
    """The posting fields a mapping may set (every schema field but the reader's)."""
    return tuple(f["name"] for f in parsed_schema()["fields"] if f["name"] not in READER_FIELDS)


@cache
def shipped_mappings() -> tuple[str, ...]:
    """Names of the mappings shipped in this folder."""
    folder = resources.files(__name__)
    return tuple(sorted(p.name.removesuffix(SHIPPED_SUFFIX) for p in folder.iterdir() if p.name.endswith(".yml")))


def load_mapping(spec: Mapping | dict[str, Any] | str | Path | None = None) -> Mapping:
    """A Mapping from a shipped name, a YAML/JSON file path, JSON text, a dict, or None (generic).

    A dict with a `fields` key is a whole mapping; any other dict is the plain form
    posting field -> column, e.g. `load_mapping({"title": "Job Title"})`.
    """
    if isinstance(spec, Mapping):
        return spec
    if spec is None:
        return load_mapping("generic")
    if isinstance(spec, dict):
        return _parsed(spec if "fields" in spec else {"fields": spec}, "(dict)")
    text = str(spec)
    if text.lstrip().startswith("{"):
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            raise MappingError(f"mapping JSON: {exc}") from None
        return load_mapping(document) if isinstance(document, dict) else _parsed(document, "(JSON)")
    if text in shipped_mappings():
        shipped = resources.files(__name__).joinpath(text + SHIPPED_SUFFIX)
        return _parsed(_yaml(shipped.read_text(encoding="utf-8"), text), text)
    path = Path(text)
    if path.suffix.lower() in (".yml", ".yaml", ".json") and path.is_file():
        return _parsed(_yaml(path.read_text(encoding="utf-8"), str(path)), path.stem)
    raise MappingError(f"unknown mapping {text!r} (shipped: {', '.join(shipped_mappings())}; or a .yml path)")


def _yaml(text: str, name: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise MappingError(f"mapping {name}: not valid YAML: {exc}") from None


def _parsed(document: Any, name: str) -> Mapping:
    """Validate a mapping document, raising MappingError that says which key is wrong and why."""
    if document is None:
        document = {}
    if not isinstance(document, dict):
        raise MappingError(f"mapping {name}: expected a mapping of keys, got {type(document).__name__}")
    _known_keys(document, TOP_KEYS, f"mapping {name}")
    fields = document.get("fields") or {}
    if not isinstance(fields, dict):
        raise MappingError(f"mapping {name}: fields: expected field: column pairs, got {type(fields).__name__}")
    unknown = sorted(set(fields) - set(posting_fields()))
    if unknown:
        raise MappingError(f"mapping {name}: mapping names fields the posting schema does not have: {unknown}")
    nulls = document.get("nulls") or []
    if not isinstance(nulls, list) or not all(isinstance(v, str) for v in nulls):
        raise MappingError(f"mapping {name}: nulls: expected a list of texts")
    timestamp_format = document.get("timestamp_format")
    if timestamp_format is not None and not isinstance(timestamp_format, str):
        raise MappingError(f"mapping {name}: timestamp_format: expected a strptime format text")
    return Mapping(
        name=name,
        source=_rule(document.get("source"), f"mapping {name}: source"),
        keyword=_rule(document.get("keyword"), f"mapping {name}: keyword"),
        fields={key: _field(value, f"mapping {name}: fields.{key}") for key, value in fields.items()},
        nulls=frozenset(v.strip() for v in nulls),
        timestamp_format=timestamp_format,
        salary=_salary(document.get("salary"), f"mapping {name}: salary"),
    )


def _known_keys(document: dict[str, Any], allowed: tuple[str, ...], where: str) -> None:
    unknown = sorted(str(k) for k in set(document) - set(allowed))
    if unknown:
        raise MappingError(f"{where}: unknown keys {unknown} (allowed: {', '.join(allowed)})")


def _rule(value: Any, where: str) -> Rule | None:
    if value is None:
        return None
    if isinstance(value, str):
        return Rule(value=value)
    if not isinstance(value, dict):
        raise MappingError(f"{where}: expected a text or {{file_name: REGEX}} / {{column: NAME}}")
    _known_keys(value, RULE_KEYS, where)
    if ("file_name" in value) == ("column" in value):
        raise MappingError(f"{where}: give exactly one of file_name, column")
    values = value.get("values") or {}
    if not isinstance(values, dict):
        raise MappingError(f"{where}: values: expected from: to pairs")
    default = value.get("default")
    return Rule(
        file_name=_regex(value["file_name"], f"{where}: file_name") if "file_name" in value else None,
        column=_text(value.get("column"), f"{where}: column") if "column" in value else None,
        values={str(k).strip().lower(): str(v) for k, v in values.items()},
        default=None if default is None else str(default),
    )


def _field(value: Any, where: str) -> FieldSpec:
    if isinstance(value, str):
        return FieldSpec(column=value)
    if not isinstance(value, dict):
        raise MappingError(f"{where}: expected a column name or {{column: ...}} / {{join: [...]}}")
    _known_keys(value, FIELD_KEYS, where)
    if ("column" in value) == ("join" in value):
        raise MappingError(f"{where}: give exactly one of column, join")
    join = value.get("join")
    if join is not None and (not isinstance(join, list) or not join or not all(isinstance(c, str) for c in join)):
        raise MappingError(f"{where}: join: expected a list of column names")
    if join is not None and ("pattern" in value or "from_list" in value):
        raise MappingError(f"{where}: pattern and from_list apply to one column, not to join")
    from_list = value.get("from_list", False)
    if not isinstance(from_list, bool):
        raise MappingError(f"{where}: from_list: expected true or false")
    return FieldSpec(
        column=_text(value["column"], f"{where}: column") if "column" in value else None,
        join=tuple(join or ()),
        pattern=_regex(value["pattern"], f"{where}: pattern") if "pattern" in value else None,
        from_list=from_list,
    )


def _salary(value: Any, where: str) -> SalaryRule | None:
    if value is None or value is False:
        return None
    if value is True:
        return SalaryRule()
    if not isinstance(value, dict):
        raise MappingError(f"{where}: expected true or {{period: ..., hourly_below: ..., currency: ...}}")
    _known_keys(value, SALARY_KEYS, where)
    period, hourly_below, currency = value.get("period"), value.get("hourly_below"), value.get("currency")
    if period is not None and period not in PERIODS:
        raise MappingError(f"{where}: period: expected one of {', '.join(PERIODS)}, got {period!r}")
    if hourly_below is not None and (isinstance(hourly_below, bool) or not isinstance(hourly_below, int | float)):
        raise MappingError(f"{where}: hourly_below: expected a number, got {hourly_below!r}")
    if currency is not None and not (isinstance(currency, str) and re.fullmatch(r"[A-Z]{3}", currency)):
        raise MappingError(f"{where}: currency: expected an ISO 4217 code such as USD, got {currency!r}")
    return SalaryRule(period=period, hourly_below=hourly_below, currency=currency)


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise MappingError(f"{where}: expected a column name, got {value!r}")
    return value


def _regex(value: Any, where: str) -> re.Pattern[str]:
    if not isinstance(value, str):
        raise MappingError(f"{where}: expected a regular expression text, got {value!r}")
    try:
        pattern = re.compile(value)
    except re.error as exc:
        raise MappingError(f"{where}: invalid regular expression {value!r}: {exc}") from None
    if pattern.groups > 1:
        raise MappingError(f"{where}: {value!r} has {pattern.groups} groups; use one (or (?:...))")
    return pattern
