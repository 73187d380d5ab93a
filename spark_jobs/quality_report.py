"""The quality gate's HTML report: one self-contained file (no scripts, no CDN) a person can open anywhere.

Great Expectations' own Data Docs need a file-backed context and load their styles from a CDN, so the
gate renders its validation results itself: one row per rule, failures first.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from pyspark.sql import SparkSession

from spark_jobs.quality_rules import Rule, short_name

SAMPLE_SIZE = 5  # unexpected values shown per rule
SAMPLE_WIDTH = 40  # characters kept of each (posting keys are 64 hex digits)


@dataclass(frozen=True)
class RuleOutcome:
    """What Great Expectations found for one rule on one table."""

    table: str
    rule: Rule
    success: bool
    unexpected_count: int | None = None
    element_count: int | None = None
    sample: list[Any] = field(default_factory=list)
    error: str | None = None  # the expectation raised (a missing column, say): the rule failed without a count


def sample_text(values: list[Any]) -> str:
    """The first few unexpected values, each cut short: `['a1b2…', None]`."""
    shown = [str(v) if v is not None else "null" for v in values[:SAMPLE_SIZE]]
    cut = [v if len(v) <= SAMPLE_WIDTH else v[: SAMPLE_WIDTH - 1] + "…" for v in shown]
    return ", ".join(cut) + (", …" if len(values) > SAMPLE_SIZE else "")


_CSS = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.4em; } .passed { color: #1a7f37; } .failed { color: #cf222e; }
p.message { font-family: monospace; background: #f6f8fa; padding: .6em; white-space: pre-wrap; }
table { border-collapse: collapse; width: 100%; font-size: .9em; }
th, td { border: 1px solid #d0d7de; padding: .35em .6em; text-align: left; vertical-align: top; }
th { background: #f6f8fa; } tr.fail td { background: #ffebe9; } td.num { text-align: right; }
td.sample { font-family: monospace; word-break: break-all; }
"""


def render_html(gate: str, message: str, outcomes: list[RuleOutcome], skipped: list[str], facts: dict[str, str]) -> str:
    """The report as one HTML page: the gate's one-line message, a table of every rule, the skipped rules."""
    status = "passed" if all(o.success for o in outcomes) else "failed"
    rows = []
    for o in sorted(outcomes, key=lambda o: o.success):  # failures first, each group in rule order
        if o.error is not None:
            result, count = "error", html.escape(o.error)
        else:
            result = "pass" if o.success else "FAIL"
            count = f"{o.unexpected_count} of {o.element_count}" if o.unexpected_count is not None else ""
        cells = [
            short_name(o.table),
            o.rule.name,
            o.rule.expectation,
            ", ".join(o.rule.columns),
            result,
        ]
        rows.append(
            f'<tr class="{"pass" if o.success else "fail"}">'
            + "".join(f"<td>{html.escape(c)}</td>" for c in cells)
            + f'<td class="num">{count}</td><td class="sample">{html.escape(sample_text(o.sample))}</td></tr>'
        )
    facts_html = "".join(f"<li>{html.escape(k)}: {html.escape(v)}</li>" for k, v in facts.items())
    skipped_html = (
        "<h2>Skipped</h2><ul>" + "".join(f"<li>{html.escape(s)}</li>" for s in skipped) + "</ul>" if skipped else ""
    )
    header = "".join(
        f"<th>{h}</th>"
        for h in ("table", "rule", "expectation", "column(s)", "result", "unexpected rows", "sample of unexpected")
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>joblake {html.escape(gate)} quality gate</title>
<style>{_CSS}</style></head><body>
<h1>joblake {html.escape(gate)} quality gate: <span class="{status}">{status}</span></h1>
<p class="message">{html.escape(message)}</p>
<ul>{facts_html}</ul>
<table><thead><tr>{header}</tr></thead><tbody>
{chr(10).join(rows)}
</tbody></table>
{skipped_html}
</body></html>
"""


def write_text(spark: SparkSession, path: str, text: str) -> None:
    """Write `text` (UTF-8) to `path`, replacing it: a plain path locally, a URI (s3a://, file:) via Hadoop FS."""
    if not urlparse(path).scheme:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(text, encoding="utf-8")
        return
    jvm = spark.sparkContext._jvm
    hadoop_path = jvm.org.apache.hadoop.fs.Path(path)
    fs = hadoop_path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    out = fs.create(hadoop_path, True)
    try:
        out.write(bytearray(text.encode("utf-8")))
    finally:
        out.close()
