"""Quality gates on silver and gold: Great Expectations suites, one readable line, and an HTML report.

    result = check_silver(silver_df, as_of=run_started_at, report_dir="lake/quality/2024-05-01")
    require_passed(result)  # QualityGateError("silver quality gate failed: 1 rule broken — ...; report: ...")

Each table is one batch of an ephemeral Great Expectations context (in memory: no files, no analytics,
no progress bars), validated against one ExpectationSuite built from `spark_jobs.quality_rules`. Great
Expectations is imported on the first check, not with this module: it takes seconds to import.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from pyspark import StorageLevel
from pyspark.sql import DataFrame

from spark_jobs.quality_report import RuleOutcome, render_html, sample_text, write_text
from spark_jobs.quality_rules import (
    SALARY_CEILING,
    SKILL_COVERAGE_FLOOR,
    Check,
    Rule,
    absent_tables,
    gold_checks,
    short_name,
    silver_check,
)

logger = logging.getLogger(__name__)

RESULT_FORMAT = {"result_format": "BASIC", "partial_unexpected_count": 5}  # the counts and a few values, never all


class Failure(NamedTuple):
    """One broken rule: where, which, how many rows, and what Great Expectations saw."""

    table: str
    rule: str
    unexpected_count: int | None  # None when the expectation raised (see `detail`)
    detail: str


@dataclass(frozen=True)
class GateResult:
    """The outcome of one gate: every rule's result, the broken ones, and where the HTML report is."""

    gate: str  # "silver" or "gold"
    outcomes: list[RuleOutcome]
    html_path: str
    skipped: list[str] = field(default_factory=list)  # rules not run because a table was not given
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return all(o.success for o in self.outcomes)

    @property
    def failures(self) -> list[Failure]:
        return [
            Failure(o.table, o.rule.name, None if o.error else o.unexpected_count, failure_detail(o))
            for o in self.outcomes
            if not o.success
        ]

    @property
    def message(self) -> str:
        """One line: `silver quality gate failed: 1 rule broken — posting_key not null (1 row); report: …`."""
        if self.passed:
            skipped = f", {len(self.skipped)} skipped" if self.skipped else ""
            return (
                f"{self.gate} quality gate passed: {len(self.outcomes)} rules held{skipped}; report: {self.html_path}"
            )
        tables = {o.table for o in self.outcomes}
        broken = [o for o in self.outcomes if not o.success]
        items = [
            (f"{short_name(o.table)}: " if len(tables) > 1 else "") + f"{o.rule.name} ({count_text(o)})" for o in broken
        ]
        rules = "rule" if len(broken) == 1 else "rules"
        return (
            f"{self.gate} quality gate failed: {len(broken)} {rules} broken — {', '.join(items)}; "
            f"report: {self.html_path}"
        )


class QualityGateError(Exception):
    """A quality gate failed; the message is the gate's one line, `result` has the details."""

    def __init__(self, result: GateResult) -> None:
        super().__init__(result.message)
        self.result = result


def require_passed(result: GateResult) -> GateResult:
    """Return `result` if its gate passed, else raise QualityGateError with its one-line message."""
    if not result.passed:
        raise QualityGateError(result)
    return result


def count_text(outcome: RuleOutcome) -> str:
    """`1 row`, `3 postings without skills`, or `error: …` when the expectation raised."""
    if outcome.error is not None:
        return f"error: {outcome.error}"
    singular, plural = outcome.rule.units
    return f"{outcome.unexpected_count} {singular if outcome.unexpected_count == 1 else plural}"


def failure_detail(outcome: RuleOutcome) -> str:
    """What was seen: `1 of 5 rows; sample: null`, with the share against `mostly` for a threshold rule."""
    if outcome.error is not None:
        return f"error: {outcome.error}"
    detail = f"{outcome.unexpected_count} of {outcome.element_count} rows"
    mostly = outcome.rule.kwargs.get("mostly")
    if mostly is not None and outcome.element_count:
        share = 1 - (outcome.unexpected_count or 0) / outcome.element_count
        detail += f" ({share:.1%} pass, at least {mostly:.0%} must)"
    return detail + (f"; sample: {sample_text(outcome.sample)}" if outcome.sample else "")


def check_silver(
    silver_df: DataFrame, as_of: datetime, report_dir: str, salary_ceiling: float = SALARY_CEILING
) -> GateResult:
    """Gate silver.job_postings; `as_of` (timezone-aware) is the run's reference time, nothing is posted after it.

    Pass the moment silver was read, not the start of the data interval: silver is fed by a stream and
    holds postings newer than the logical date. Writes `<report_dir>/silver_quality.html`.
    """
    checks = [silver_check(silver_df, as_of, salary_ceiling)]
    return run_gate("silver", checks, report_dir, facts={"as of": as_of.isoformat()})


def check_gold(
    tables: dict[str, DataFrame], report_dir: str, skill_coverage_floor: float = SKILL_COVERAGE_FLOOR
) -> GateResult:
    """Gate the gold star, given as {"gold.fact_job_postings": df, "gold.dim_company": df, …}.

    Only the fact is required; an absent dimension or bridge skips the rules that need it (listed in
    `GateResult.skipped` and the report); other tables in `tables` are not gated. `skill_coverage_floor` is
    a share in [0, 1] (ValueError otherwise).
    Writes `<report_dir>/gold_quality.html`.
    """
    checks = gold_checks(tables, skill_coverage_floor)
    facts = {"skill coverage floor": f"{skill_coverage_floor:.0%}"}
    return run_gate("gold", checks, report_dir, facts=facts, skipped=absent_tables(tables))


def run_gate(
    gate: str, checks: list[Check], report_dir: str, facts: dict[str, str], skipped: list[str] | None = None
) -> GateResult:
    """Validate each check as one Great Expectations batch, write the HTML report, return the result.

    `report_dir` is a local path or a Hadoop URI (s3a://…); the report replaces the previous one there.
    """
    started = time.perf_counter()
    context = ge_context()
    datasource = context.data_sources.add_spark(gate, persist=False)  # each frame is persisted below, then let go
    outcomes = []
    for check in checks:
        level = check.frame.storageLevel
        is_ours = not (level.useMemory or level.useDisk)  # a frame the caller cached stays cached afterwards
        if is_ours:
            check.frame.persist(StorageLevel.MEMORY_AND_DISK)  # every expectation reads the frame again
        try:
            outcomes += validate(context, datasource, check)
        finally:
            if is_ours:
                check.frame.unpersist()
    seconds = time.perf_counter() - started
    html_path = f"{report_dir.rstrip('/')}/{gate}_quality.html"
    skipped = (skipped or []) + [line for check in checks for line in check.skipped]
    result = GateResult(gate, outcomes, html_path, skipped, seconds)
    facts = facts | {"rules": str(len(outcomes)), "seconds": f"{seconds:.1f}", "great_expectations": _ge_version()}
    html = render_html(gate, result.message, outcomes, skipped, facts)
    write_text(checks[0].frame.sparkSession, html_path, html)
    logger.log(logging.INFO if result.passed else logging.WARNING, "%s (%.1fs)", result.message, seconds)
    return result


def ge_context() -> Any:
    """An in-memory Great Expectations context: analytics off, progress bars off, GE's logging at WARNING."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")  # read when the context starts; the config says so too
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
        store_backend_defaults=InMemoryStoreBackendDefaults(),
    )
    return gx.get_context(mode="ephemeral", project_config=config)


def _ge_version() -> str:
    import great_expectations as gx

    return gx.__version__


def validate(context: Any, datasource: Any, check: Check) -> list[RuleOutcome]:
    """Run the check's suite on its frame (whole dataframe as one batch); one outcome per rule, in rule order."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    name = short_name(check.table)
    batch_definition = datasource.add_dataframe_asset(name).add_batch_definition_whole_dataframe(name)
    suite = gx.ExpectationSuite(name=check.table)
    for rule in check.rules:
        suite.add_expectation(getattr(gxe, rule.expectation)(**rule.kwargs, meta={"rule": rule.name}))
    definition = gx.ValidationDefinition(name=check.table, data=batch_definition, suite=context.suites.add(suite))
    validation = context.validation_definitions.add(definition).run(
        batch_parameters={"dataframe": check.frame}, result_format=RESULT_FORMAT
    )
    by_rule = {r.expectation_config.meta["rule"]: r for r in validation.results}
    return [outcome(check.table, rule, by_rule.get(rule.name)) for rule in check.rules]


def outcome(table: str, rule: Rule, ge_result: Any) -> RuleOutcome:
    """One rule's RuleOutcome from its ExpectationValidationResult (None: GE returned no result for it)."""
    if ge_result is None:
        return RuleOutcome(table, rule, success=False, error="Great Expectations returned no result")
    error = _exception_message(ge_result.exception_info or {})
    result = ge_result.result or {}
    return RuleOutcome(
        table,
        rule,
        success=bool(ge_result.success) and error is None,
        unexpected_count=result.get("unexpected_count"),
        element_count=result.get("element_count"),
        sample=list(result.get("partial_unexpected_list") or []),
        error=error,
    )


def _exception_message(info: dict[str, Any]) -> str | None:
    """The first exception message in GE's exception_info (flat, or keyed by metric when a metric raised)."""
    if info.get("raised_exception"):
        return str(info.get("exception_message"))
    nested = [v for v in info.values() if isinstance(v, dict) and v.get("raised_exception")]
    return str(nested[0].get("exception_message")) if nested else None
