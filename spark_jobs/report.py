"""`joblake report`: one self-contained HTML dashboard over the gold tables.

Six sections (skill demand trends, fastest-growing skills, hiring by industry and job family,
locations, posting quality, pipeline health), each a chart drawn by matplotlib as inline SVG and
the figures behind it. No network, scripts or external files: the page opens from disk anywhere.
A section whose table is missing or empty shows a "no data yet" panel naming the command to run.
"""

from __future__ import annotations

import html
import io
import numbers
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
from matplotlib import rc_context
from matplotlib.dates import DateFormatter
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, PercentFormatter
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from lakehouse.config import ConfigError, Settings
from spark_jobs import analytics

PALETTE = ("#2563eb", "#db2777", "#059669", "#d97706", "#7c3aed", "#0891b2", "#dc2626", "#65a30d", "#475569", "#c026d3")
INK, MUTED, GRID = "#1f2937", "#6b7280", "#e5e7eb"
CHART_RC = {
    "svg.fonttype": "none",  # text stays text: the page's font, selectable, small files
    "font.family": "sans-serif",
    "font.size": 10,
    "axes.edgecolor": GRID,
    "axes.labelcolor": MUTED,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.color": MUTED,
    "ytick.color": INK,
    "axes.grid": True,
    "grid.color": GRID,
    "axes.axisbelow": True,
}


@dataclass(frozen=True)
class Section:
    """One topic of the report: a chart (SVG) and the table behind it, or the reason there is no data."""

    key: str
    title: str
    blurb: str
    charts: tuple[str, ...] = ()
    tables: tuple[str, ...] = ()
    no_data: str | None = None
    width: str = "half"  # or "wide": the whole row
    layout: str = "stack"  # charts above tables, or "side": charts beside tables


def svg_of(fig: Figure) -> str:
    """The figure as an inline <svg> element that scales with its container."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", transparent=True)
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]
    # drop the fixed size (the viewBox keeps the aspect ratio); the CSS sets the width
    return re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r'<svg\1 class="chart" role="img"', svg, count=1)


def short(label: str, width: int = 30) -> str:
    """A chart label cut to `width` characters (the table beside it has the whole name)."""
    return label if len(label) <= width else label[: width - 1].rstrip() + "…"


def barh_chart(labels: list[str], values: list[float], percent: bool = False, color: str = PALETTE[0]) -> str:
    """A horizontal bar chart, largest bar on top, each bar labelled with its value."""
    with rc_context(CHART_RC):
        fig = Figure(figsize=(6.4, 0.42 * len(labels) + 0.8))
        ax = fig.add_subplot()
        positions = range(len(labels))[::-1]
        bars = ax.barh(list(positions), values, color=color, height=0.65)
        ax.set_yticks(list(positions), [short(label) for label in labels])
        ax.grid(axis="y", visible=False)
        ax.tick_params(axis="y", length=0)
        text = [f"{v:.0%}" if percent else f"{v:,.0f}" for v in values]
        ax.bar_label(bars, text, padding=3, color=INK, fontsize=9)
        if percent:
            ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        else:
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.margins(x=0.12)
        return svg_of(fig)


def growth_chart(labels: list[str], growth: list[float]) -> str:
    """Horizontal bars of growth around zero: green up, red down."""
    with rc_context(CHART_RC):
        fig = Figure(figsize=(6.4, 0.42 * len(labels) + 0.8))
        ax = fig.add_subplot()
        positions = list(range(len(labels))[::-1])
        colors = [PALETTE[2] if g >= 0 else PALETTE[6] for g in growth]
        bars = ax.barh(positions, growth, color=colors, height=0.65)
        ax.set_yticks(positions, [short(label) for label in labels])
        ax.axvline(0, color=MUTED, linewidth=0.8)
        ax.grid(axis="y", visible=False)
        ax.tick_params(axis="y", length=0)
        ax.bar_label(bars, [f"{g:+.0%}" for g in growth], padding=3, color=INK, fontsize=9)
        ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.margins(x=0.15)
        return svg_of(fig)


def trend_chart(trends: pd.DataFrame, grain: str) -> str:
    """One line per skill: postings per week or month."""
    wide = trends.pivot_table(index="period_start", columns="skill_name", values="postings", fill_value=0, sort=True)
    order = trends.drop_duplicates("skill_name")["skill_name"].tolist()  # most postings first
    with rc_context(CHART_RC):
        fig = Figure(figsize=(7.2, 4.4))
        ax = fig.add_subplot()
        x = pd.to_datetime(wide.index)
        for i, skill in enumerate(order):
            style = "-" if i < len(PALETTE) else "--"
            ax.plot(x, wide[skill], style, marker="o", markersize=4, linewidth=2, color=PALETTE[i % len(PALETTE)])
        ax.set_ylabel(f"postings per {grain}")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.xaxis.set_major_formatter(DateFormatter("%b %Y" if grain == "month" else "%d %b"))
        ax.set_xticks(x)
        ax.grid(axis="x", visible=False)
        ax.legend(order, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize=9)
        return svg_of(fig)


def rows_chart(table_rows: pd.DataFrame) -> str:
    """Rows per existing, non-empty table, coloured by layer (log scale: bridges dwarf the runs log)."""
    shown = table_rows[table_rows["rows"].fillna(0) > 0]
    layer_colors = {"bronze": "#b45309", "silver": "#64748b", "gold": "#ca8a04"}
    with rc_context(CHART_RC):
        fig = Figure(figsize=(6.4, 0.3 * len(shown) + 0.8))
        ax = fig.add_subplot()
        positions = list(range(len(shown))[::-1])
        bars = ax.barh(
            positions, shown["rows"].astype(float), color=[layer_colors[x] for x in shown["layer"]], height=0.65
        )
        ax.set_yticks(positions, shown["table"].tolist(), fontsize=9.5)
        ax.set_xscale("log")
        ax.grid(axis="y", visible=False)
        ax.tick_params(axis="y", length=0)
        ax.bar_label(bars, [f"{int(v):,}" for v in shown["rows"]], padding=3, color=INK, fontsize=9)
        ax.set_xlim(right=float(shown["rows"].max()) * 8)
        ax.set_xlabel("rows (log scale)")
        return svg_of(fig)


def html_table(df: pd.DataFrame, formats: dict[str, Callable[[object], str]] | None = None) -> str:
    """A small HTML table; numbers right-aligned, every cell escaped, None shown as an em dash."""
    formats = formats or {}

    def cell(column: str, value: object) -> str:
        if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
            return '<td class="num">—</td>'
        is_num = isinstance(value, numbers.Number) and not isinstance(value, bool)
        if column in formats:
            text = formats[column](value)
        elif is_num:
            text = f"{value:,}" if isinstance(value, numbers.Integral) else f"{value:,.2f}"
        else:
            text = str(value)
        return f'<td class="num">{html.escape(text)}</td>' if is_num else f"<td>{html.escape(text)}</td>"

    head = "".join(f"<th>{html.escape(str(c).replace('_', ' '))}</th>" for c in df.columns)
    body = "".join(
        "<tr>" + "".join(cell(c, v) for c, v in zip(df.columns, row, strict=True)) + "</tr>"
        for row in df.astype(object).itertuples(index=False)
    )
    return f'<div class="table-wrap"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


def pct(value: object) -> str:
    return f"{float(value):.0%}"


def signed_pct(value: object) -> str:
    return f"{float(value):+.0%}"


def money(value: object) -> str:
    return f"{float(value):,.0f}"


def no_data(key: str, title: str, blurb: str, reason: str) -> Section:
    return Section(key, title, blurb, no_data=reason, width="wide" if key == "trends" else "half")


@dataclass(frozen=True)
class Scope:
    """What the report covers: the last good night, the trend grain and the last period that had ended by then."""

    run_date: date | None = None
    as_of: datetime | None = None
    grain: str = "month"
    complete_period: date | None = None

    def period_label(self, start: date) -> str:
        return f"{start:%B %Y}" if self.grain == "month" else f"week of {start:%d %b %Y}"


def report_scope(spark: SparkSession, settings: Settings) -> Scope:
    """The last successful night; weekly trends when gold spans fewer than three months."""
    try:
        runs_df = analytics.lake_table(spark, settings, "gold.nightly_runs")
        night = runs_df.where("status = 'succeeded'").orderBy(F.col("finished_at").desc()).first()
        months = (
            analytics.lake_table(spark, settings, "gold.agg_skill_trends")
            .where("grain = 'month'")
            .select("period_start")
            .distinct()
            .count()
        )
    except ConfigError:
        return Scope()
    if night is None:
        return Scope()
    grain = "week" if months < 3 else "month"
    complete = analytics.last_complete_period(spark, settings, night["as_of"], grain)
    return Scope(night["run_date"], night["as_of"], grain, complete)


def trends_section(spark: SparkSession, settings: Settings, scope: Scope) -> Section:
    title = "Skill demand trends"
    blurb = f"Postings per {scope.grain} that mention each of the ten most-demanded skills (whole {scope.grain}s)."
    trends = analytics.skill_demand_trends(spark, settings, top=10, grain=scope.grain, end=scope.complete_period)
    if trends.empty:
        return no_data("trends", title, blurb, "gold.agg_skill_trends has no rows: run `joblake nightly`.")
    table = trends.groupby("skill_name", sort=False).agg(postings=("postings", "sum")).reset_index()
    latest_start = trends["period_start"].max()
    latest = trends[trends["period_start"] == latest_start].set_index("skill_name")
    label = scope.period_label(latest_start)
    table[label] = table["skill_name"].map(latest["postings"]).astype("Int64")
    table[f"share of {scope.grain}"] = table["skill_name"].map(latest["share"])
    table = table.rename(columns={"skill_name": "skill"})
    chart = trend_chart(trends, scope.grain)
    return Section(
        "trends",
        title,
        blurb,
        (chart,),
        (html_table(table, {f"share of {scope.grain}": pct}),),
        width="wide",
        layout="side",
    )


def growth_section(spark: SparkSession, settings: Settings, scope: Scope) -> Section:
    min_postings = 3
    title = "Fastest-growing skills"
    blurb = (
        f"Growth over the {scope.grain} before, in the last whole {scope.grain}; "
        f"skills with at least {min_postings} postings in both."
    )
    growing = analytics.fastest_growing_skills(
        spark, settings, top=10, min_postings=min_postings, grain=scope.grain, period_start=scope.complete_period
    )
    if growing.empty:
        reason = f"No skill has {min_postings} postings in each of the last two {scope.grain}s yet."
        return no_data("growth", title, blurb, reason)
    label = scope.period_label(growing["period_start"].iloc[0])
    table = growing[["skill_name", "prev_postings", "postings", "growth"]].rename(
        columns={"skill_name": "skill", "prev_postings": f"{scope.grain} before", "postings": label}
    )
    chart = growth_chart(growing["skill_name"].tolist(), growing["growth"].astype(float).tolist())
    return Section(
        "growth",
        title,
        f"{blurb} {label[0].upper()}{label[1:]}.",
        (chart,),
        (html_table(table, {"growth": signed_pct}),),
    )


def hiring_section(spark: SparkSession, settings: Settings, scope: Scope) -> Section:
    title, blurb = "Hiring by industry and job family", "Postings per industry listed and per job family of the title."
    industries = analytics.hiring_by_industry(spark, settings, top=10)
    families = analytics.hiring_by_job_family(spark, settings, top=10)
    families["job_family"] = families["job_family"].fillna("unknown")
    if industries.empty and families.empty:
        return no_data("hiring", title, blurb, "gold.fact_job_postings has no rows: run `joblake nightly`.")
    charts, tables = [], []
    formats = {"remote_share": pct}
    for frame, label, color in ((industries, "industry", PALETTE[0]), (families, "job_family", PALETTE[4])):
        if frame.empty:
            continue
        charts.append(barh_chart(frame[label].tolist(), frame["postings"].tolist(), color=color))
        tables.append(html_table(frame, formats))
    return Section("hiring", title, blurb, tuple(charts), tuple(tables), width="wide")


def locations_section(spark: SparkSession, settings: Settings, scope: Scope) -> Section:
    title = "Locations"
    blurb = "Postings per country; remote share and median yearly salary in the country's most common currency."
    places = analytics.locations(spark, settings, level="country", top=12)
    if places.empty:
        return no_data("locations", title, blurb, "gold.agg_location_analytics has no rows: run `joblake nightly`.")
    places["place"] = places["place"].fillna("unknown")
    places["top_skills"] = places["top_skills"].map(lambda skills: ", ".join(list(skills)[:3]))
    chart = barh_chart(places["place"].tolist(), places["postings"].tolist(), color=PALETTE[5])
    table = places[["place", "postings", "remote_share", "salary_currency", "median_salary_annual", "top_skills"]]
    table = table.rename(columns={"place": "country", "salary_currency": "currency", "median_salary_annual": "median"})
    table_html = html_table(table, {"remote_share": pct, "median": money})
    return Section("locations", title, blurb, (chart,), (table_html,), width="wide", layout="side")


def quality_section(spark: SparkSession, settings: Settings, scope: Scope) -> Section:
    title, blurb = "Posting quality", "Share of all postings with each quality issue (a posting can have several)."
    quality = analytics.posting_quality(spark, settings)
    if quality.empty:
        return no_data("quality", title, blurb, "gold.agg_posting_quality has no rows: run `joblake nightly`.")
    quality["issue"] = quality["issue"].str.replace("_", " ").replace({"with issues": "any issue"})
    chart = barh_chart(
        quality["issue"].tolist(), quality["share"].astype(float).tolist(), percent=True, color=PALETTE[3]
    )
    return Section("quality", title, blurb, (chart,), (html_table(quality, {"share": pct}),))


def health_section(spark: SparkSession, settings: Settings, scope: Scope) -> Section:
    title = "Pipeline health"
    blurb = "Rows per table, the layer reconciliation (as `joblake status`) and the last nights."
    health = analytics.pipeline_health(spark, settings)
    if not health.has_data:
        return no_data(
            "health", title, blurb, "The lake has no rows yet: run `joblake stream`, then `joblake nightly`."
        )
    rec = health.reconciliation
    tables_balance = rec.raw_records == rec.bronze_rows == rec.accounted
    figures = pd.DataFrame(
        [
            ("raw records", rec.raw_records),
            ("bronze rows", rec.bronze_rows),
            ("silver postings", rec.silver_postings),
            ("duplicates merged", rec.duplicates),
            ("closed events", rec.closed_events),
            ("quarantined", rec.quarantined),
            *[(f"  quarantined: {r.reason}", r.records) for r in health.quarantine_reasons.itertuples()],
            ("raw = bronze = accounted", "balanced" if tables_balance else "NOT balanced"),
            ("batch log = tables", "yes" if rec.log_agrees else "NO"),
        ],
        columns=["reconciliation", "records"],
    )
    runs = health.nightly_runs[["run_date", "mode", "changed_postings", "status", "finished_at"]].copy()
    runs["finished_at"] = runs["finished_at"].map(lambda t: None if pd.isna(t) else f"{pd.Timestamp(t):%Y-%m-%d %H:%M}")
    runs["run_date"] = runs["run_date"].map(str)
    runs = runs.rename(columns={"run_date": "night", "changed_postings": "postings changed"})
    tables = [html_table(figures)]
    if not runs.empty:
        tables.append(html_table(runs))
    return Section("health", title, blurb, (rows_chart(health.table_rows),), tuple(tables), width="wide", layout="side")


# in page order: the two half-width sections share a row
SECTIONS = (trends_section, growth_section, quality_section, hiring_section, locations_section, health_section)
TITLES = {
    "trends_section": "Skill demand trends",
    "growth_section": "Fastest-growing skills",
    "hiring_section": "Hiring by industry and job family",
    "locations_section": "Locations",
    "quality_section": "Posting quality",
    "health_section": "Pipeline health",
}

CSS = """
:root{--ink:#1f2937;--muted:#6b7280;--line:#e5e7eb;--bg:#f8fafc;--card:#fff;--accent:#2563eb}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);
 font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",sans-serif}
header{background:#0f172a;color:#f8fafc;padding:28px 32px}
header h1{margin:0;font-size:26px;font-weight:650;letter-spacing:-.01em}
header p{margin:4px 0 0;color:#cbd5e1;font-size:14px}
nav{margin-top:14px;display:flex;flex-wrap:wrap;gap:6px 16px;font-size:13px}
nav a{color:#93c5fd;text-decoration:none}
main{max-width:1280px;margin:0 auto;padding:24px 24px 48px;display:grid;gap:20px;
 grid-template-columns:repeat(auto-fit,minmax(min(100%,560px),1fr))}
section{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:18px 20px;min-width:0}
section.wide{grid-column:1/-1}
h2{margin:0 0 2px;font-size:18px;font-weight:650}
.blurb{margin:0 0 12px;color:var(--muted);font-size:13.5px}
.side{display:grid;gap:18px;grid-template-columns:repeat(auto-fit,minmax(min(100%,520px),1fr));align-items:start}
.side .tables{margin-top:0}
.charts{display:grid;gap:12px;grid-template-columns:repeat(auto-fit,minmax(min(100%,420px),1fr))}
svg.chart{width:100%;height:auto;display:block}
.tables{display:grid;gap:12px;grid-template-columns:repeat(auto-fit,minmax(min(100%,420px),1fr));margin-top:10px}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:13px;font-variant-numeric:tabular-nums}
th{text-align:left;font-weight:600;color:var(--muted);border-bottom:2px solid var(--line);padding:5px 8px;
 white-space:nowrap}
td{border-bottom:1px solid var(--line);padding:4px 8px}
td.num{text-align:right;white-space:nowrap}
.no-data{border:2px dashed #cbd5e1;border-radius:8px;padding:28px;text-align:center;color:var(--muted);
 background:#f1f5f9}
.no-data strong{display:block;color:var(--ink);font-size:16px;margin-bottom:4px}
footer{max-width:1280px;margin:0 auto;padding:0 24px 32px;color:var(--muted);font-size:12.5px}
"""


def render_section(section: Section) -> str:
    """The <section> of one topic: the chart(s) and tables, or the no-data panel."""
    wide = " wide" if section.width == "wide" else ""
    head = f'<h2>{html.escape(section.title)}</h2><p class="blurb">{html.escape(section.blurb)}</p>'
    if section.no_data is not None:
        body = f'<div class="no-data"><strong>No data yet</strong>{html.escape(section.no_data)}</div>'
    else:
        charts = "".join(f"<figure style='margin:0'>{svg}</figure>" for svg in section.charts)
        body = f'<div class="charts">{charts}</div><div class="tables">{"".join(section.tables)}</div>'
        if section.layout == "side":
            body = f'<div class="side">{body}</div>'
    return f'<section id="{section.key}" class="{section.key}{wide}">{head}{body}</section>'


def render_report(spark: SparkSession, settings: Settings, as_of: datetime) -> str:
    """The whole page as one HTML string."""
    scope = report_scope(spark, settings)
    sections = []
    for build in SECTIONS:
        try:
            sections.append(build(spark, settings, scope))
        except ConfigError as e:  # a table not created yet: say which command creates it
            sections.append(no_data(build.__name__.removesuffix("_section"), TITLES[build.__name__], "", str(e)))
    nav = "".join(f'<a href="#{s.key}">{html.escape(s.title)}</a>' for s in sections)
    generated = f"{as_of:%Y-%m-%d %H:%M} UTC"
    built = "no nightly run yet" if scope.as_of is None else f"data as of the night of {scope.run_date}"
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>joblake report · {html.escape(generated)}</title><style>{CSS}</style></head><body>"
        f"<header><h1>joblake · job market report</h1>"
        f"<p>Generated {html.escape(generated)} · {html.escape(built)} · "
        f"lake {html.escape(str(settings['lake.root']))}</p><nav>{nav}</nav></header>"
        f"<main>{''.join(render_section(s) for s in sections)}</main>"
        "<footer>Figures from the gold star schema (joblake nightly) and the bronze/silver layers; "
        "no resume data beyond row counts.</footer></body></html>"
    )


def write_report(spark: SparkSession, settings: Settings, out_path: str | Path, as_of: datetime | None = None) -> Path:
    """Write the dashboard to out_path (folders created) and return its absolute path."""
    page = render_report(spark, settings, as_of or datetime.now(UTC))
    out = Path(out_path).expanduser().resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    return out
