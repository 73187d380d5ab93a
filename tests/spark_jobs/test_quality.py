"""Quality gates: Great Expectations suites on small inline silver and gold tables."""

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from spark_jobs.quality import (
    GateResult,
    QualityGateError,
    check_gold,
    check_silver,
    require_passed,
)
from spark_jobs.quality_report import RuleOutcome
from spark_jobs.quality_rules import not_null, silver_rules, skill_coverage, unique

AS_OF = datetime(2024, 5, 2, tzinfo=UTC)

SILVER_DDL = (
    "posting_key string, source string, first_seen_at timestamp, posted_at timestamp, salary_min double, "
    "salary_max double, salary_period string, salary_annual_min double, salary_annual_max double"
)
SEEN = datetime(2024, 5, 1, 8, tzinfo=UTC)
POSTED = datetime(2024, 4, 30, tzinfo=UTC)

CLEAN_SILVER = [
    ("k1", "greenhouse", SEEN, POSTED, 50000.0, 70000.0, "year", 50000.0, 70000.0),
    ("k2", "lever", SEEN, POSTED, None, None, None, None, None),
    ("k3", "linkedin", SEEN, POSTED, 30.0, 30.0, "hour", 62400.0, 62400.0),  # min == max is a range
    ("k4", "generator", SEEN, None, 4000.0, None, "month", 48000.0, None),  # one bound, no posting date
]


def _silver(spark, rows):
    return spark.createDataFrame(rows, SILVER_DDL)


def _counts(result: GateResult) -> dict[tuple[str, str], int | None]:
    return {(f.table, f.rule): f.unexpected_count for f in result.failures}


# --- the one-line message, without Spark ---------------------------------------------------------------


def _outcome(rule, table="silver.job_postings", unexpected=0, error=None):
    return RuleOutcome(table, rule, success=unexpected == 0 and error is None, unexpected_count=unexpected, error=error)


def test_message_names_each_broken_rule_with_its_count():
    result = GateResult(
        "silver",
        [_outcome(not_null("posting_key"), unexpected=1), _outcome(unique("posting_key"), unexpected=3)],
        "/r/silver_quality.html",
    )
    assert result.message == (
        "silver quality gate failed: 2 rules broken — posting_key not null (1 row), posting_key unique (3 rows); "
        "report: /r/silver_quality.html"
    )
    assert result.failures[0][:3] == ("silver.job_postings", "posting_key not null", 1)


def test_message_prefixes_the_table_when_a_gate_spans_several():
    result = GateResult(
        "gold",
        [
            _outcome(skill_coverage(0.5), table="gold.fact_job_postings", unexpected=4),
            _outcome(not_null("company_sk"), table="gold.dim_company", error="column missing"),
        ],
        "r.html",
    )
    assert result.message == (
        "gold quality gate failed: 2 rules broken — fact_job_postings: skill coverage >= 50% "
        "(4 postings without skills), dim_company: company_sk not null (error: column missing); report: r.html"
    )
    assert result.failures[1].unexpected_count is None


def test_require_passed_raises_with_the_message_and_returns_a_passed_result():
    passed = GateResult("silver", [_outcome(not_null("source"))], "r.html", skipped=["x: skipped"])
    assert require_passed(passed) is passed
    assert passed.message == "silver quality gate passed: 1 rules held, 1 skipped; report: r.html"
    failed = GateResult("silver", [_outcome(not_null("source"), unexpected=2)], "r.html")
    with pytest.raises(QualityGateError, match=r"source not null \(2 rows\)") as raised:
        require_passed(failed)
    assert raised.value.result is failed


def test_rules_need_an_aware_as_of_and_a_floor_between_0_and_1():
    with pytest.raises(ValueError, match="timezone-aware"):
        silver_rules(datetime(2024, 5, 2))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        skill_coverage(50)


# --- silver ----------------------------------------------------------------------------------------------


@pytest.mark.spark
def test_clean_silver_passes_quietly_and_writes_the_report_through_hadoop_fs(spark, tmp_path, capfd):
    result = check_silver(_silver(spark, CLEAN_SILVER), AS_OF, f"file://{tmp_path}/reports")
    assert result.passed, result.message
    assert len(result.outcomes) == 10 and result.failures == []
    assert result.html_path == f"file://{tmp_path}/reports/silver_quality.html"
    assert "passed" in (tmp_path / "reports" / "silver_quality.html").read_text()
    assert "Calculating Metrics" not in capfd.readouterr().err  # GE's progress bars are off


@pytest.fixture(scope="module")
def broken_silver_result(spark, tmp_path_factory) -> GateResult:
    """The acceptance case: a null key, a salary_min above salary_max and a posting from the future."""
    rows = CLEAN_SILVER + [
        (None, "lever", SEEN, POSTED, None, None, None, None, None),
        ("k6", "lever", SEEN, POSTED, 90000.0, 60000.0, "year", 90000.0, 60000.0),
        ("k7", "lever", SEEN, datetime(2030, 1, 1, tzinfo=UTC), None, None, None, None, None),
    ]
    return check_silver(_silver(spark, rows), AS_OF, str(tmp_path_factory.mktemp("reports")))


@pytest.mark.spark
def test_broken_silver_fails_naming_each_rule_and_its_count(broken_silver_result):
    result = broken_silver_result
    assert not result.passed
    assert result.message == (
        "silver quality gate failed: 3 rules broken — posting_key not null (1 row), salary_min <= salary_max (1 row), "
        f"posted_at not in the future (1 row); report: {result.html_path}"
    )
    with pytest.raises(QualityGateError, match="posted_at not in the future"):
        require_passed(result)


@pytest.mark.spark
def test_the_report_is_one_html_file_with_the_rules_and_samples(broken_silver_result):
    page = Path(broken_silver_result.html_path).read_text()
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page and "http" not in page
    for name in ("posting_key not null", "salary_min &lt;= salary_max", "posted_at not in the future"):
        assert name in page
    assert "(60000.0, 90000.0)" in page and "2030-01-01" in page  # samples of the unexpected values
    assert page.count('class="fail"') == 3 and page.count('class="pass"') == 7


@pytest.mark.spark
def test_every_silver_rule_counts_the_rows_that_break_it(spark, tmp_path):
    as_of = datetime(2024, 5, 2, 12, tzinfo=ZoneInfo("Europe/Berlin"))  # 10:00 UTC
    rows = CLEAN_SILVER + [
        (None, "lever", SEEN, POSTED, None, None, None, None, None),
        ("k1", "lever", SEEN, POSTED, None, None, None, None, None),  # k1 twice: both rows count
        ("k5", None, SEEN, POSTED, None, None, None, None, None),
        ("k6", "lever", None, POSTED, None, None, None, None, None),
        ("k7", "lever", SEEN, POSTED, 90000.0, 60000.0, "year", 90000.0, 60000.0),
        ("k8", "lever", SEEN, POSTED, -5.0, 10.0, "hour", None, 20800.0),
        ("k9", "lever", SEEN, POSTED, None, -1.0, "year", None, None),  # no min: the pair rule skips it
        ("k10", "lever", SEEN, POSTED, 2e7, 3e7, "year", 2e7, 3e7),  # a salary nobody earns
        ("k11", "lever", SEEN, datetime(2024, 5, 2, 9, 59, tzinfo=UTC), None, None, None, None, None),
        ("k12", "lever", SEEN, datetime(2024, 5, 2, 10, 1, tzinfo=UTC), None, None, None, None, None),
    ]
    result = check_silver(_silver(spark, rows), as_of, str(tmp_path))
    table = "silver.job_postings"
    assert _counts(result) == {
        (table, "posting_key not null"): 1,
        (table, "posting_key unique"): 2,
        (table, "source not null"): 1,
        (table, "first_seen_at not null"): 1,
        (table, "salary_min <= salary_max"): 1,
        (table, "salary_min >= 0"): 1,
        (table, "salary_max >= 0"): 1,
        (table, "salary_annual_min between 0 and 10,000,000"): 1,
        (table, "salary_annual_max between 0 and 10,000,000"): 1,
        (table, "posted_at not in the future"): 1,  # k12, a minute after as_of; k11 a minute before is fine
    }


@pytest.mark.spark
def test_a_missing_column_fails_its_rule_with_the_error(spark, tmp_path):
    result = check_silver(_silver(spark, CLEAN_SILVER).drop("first_seen_at"), AS_OF, str(tmp_path))
    [failure] = result.failures
    assert failure.rule == "first_seen_at not null" and failure.unexpected_count is None
    assert "first_seen_at" in failure.detail and "error" in failure.detail
    assert "first_seen_at not null (error: " in result.message


# --- gold ------------------------------------------------------------------------------------------------

FACT_DDL = "posting_key string, company_sk long, location_sk long, posted_date_sk int, employment_sk long"
CLEAN_FACT = [
    ("p1", 1, 10, 20240501, 100),
    ("p2", 2, -1, 20240501, 100),
    ("p3", -1, 10, -1, -1),  # every attribute unknown: the dimensions' unknown members
]
CLEAN_BRIDGE = [("p1", 1000), ("p1", 1001), ("p2", 1000)]  # p3 has no skill: coverage 2/3


def _gold(spark, fact=CLEAN_FACT, bridge=CLEAN_BRIDGE, dim_company=((1,), (2,), (-1,)), dim_date=((20240501,), (-1,))):
    return {
        "gold.fact_job_postings": spark.createDataFrame(list(fact), FACT_DDL),
        "gold.bridge_job_skills": spark.createDataFrame(list(bridge), "posting_key string, skill_sk long"),
        "gold.dim_company": spark.createDataFrame(list(dim_company), "company_sk long"),
        "gold.dim_location": spark.createDataFrame([(10, "Berlin"), (-1, None)], "location_sk long, city string"),
        "gold.dim_date": spark.createDataFrame(list(dim_date), "date_sk int"),
        "gold.dim_employment": spark.createDataFrame([(100,), (-1,)], "employment_sk long"),
        "gold.dim_skill": spark.createDataFrame([(1000, "python"), (1001, "sql")], "skill_sk long, skill_id string"),
    }


@pytest.mark.spark
def test_a_consistent_star_passes(spark, tmp_path):
    tables = _gold(spark) | {"gold.agg_skill_trends": spark.range(1)}  # a table without rules is not gated
    tables["gold.dim_company"].cache()
    result = check_gold(tables, str(tmp_path))
    assert result.passed, result.message
    assert result.skipped == []
    assert tables["gold.dim_company"].storageLevel.useMemory  # the caller's cache is left alone
    # fact: 2 key + 4 not-null + 4 integrity + coverage; bridge: 3; five dimensions: 2 each
    assert len(result.outcomes) == 11 + 3 + 10
    assert (tmp_path / "gold_quality.html").exists()


@pytest.mark.spark
def test_an_orphan_fact_row_fails_naming_the_dimension(spark, tmp_path):
    fact = CLEAN_FACT + [("p4", 99, 10, 20240501, 100)]
    result = check_gold(_gold(spark, fact=fact, bridge=CLEAN_BRIDGE + [("p4", 1000)]), str(tmp_path))
    [failure] = result.failures
    assert failure[:3] == ("gold.fact_job_postings", "company_sk in dim_company", 1)
    assert failure.detail == "1 of 4 rows; sample: 99"
    assert "fact_job_postings: company_sk in dim_company (1 row)" in result.message


@pytest.mark.spark
def test_every_gold_rule_counts_the_rows_that_break_it(spark, tmp_path):
    fact = CLEAN_FACT + [
        ("p4", 99, 10, 20240501, 100),  # no such company
        ("p1", 1, 10, 20240501, 100),  # p1 twice
        ("p5", 1, None, 20240501, 100),  # a null key is counted once, as null, not as an orphan too
        ("p6", 1, 10, 20240601, 100),  # a day dim_date does not have
    ]
    bridge = CLEAN_BRIDGE + [("p1", 1000), ("p9", 1000), ("p2", 5555)]  # a repeat, no such posting, no such skill
    tables = _gold(spark, fact, bridge, dim_company=((1,), (2,), (2,), (-1,)), dim_date=((20240501,), (-1,), (None,)))
    result = check_gold(tables, str(tmp_path), skill_coverage_floor=0.0)
    fact_table, bridge_table = "gold.fact_job_postings", "gold.bridge_job_skills"
    assert _counts(result) == {
        (fact_table, "posting_key unique"): 2,
        (fact_table, "location_sk not null"): 1,
        (fact_table, "company_sk in dim_company"): 1,
        (fact_table, "posted_date_sk in dim_date"): 1,
        (bridge_table, "(posting_key, skill_sk) unique"): 2,
        (bridge_table, "posting_key in fact_job_postings"): 1,
        (bridge_table, "skill_sk in dim_skill"): 1,
        ("gold.dim_company", "company_sk unique"): 2,
        ("gold.dim_date", "date_sk not null"): 1,
    }


@pytest.mark.spark
@pytest.mark.parametrize(
    ("floor", "broken"),
    [
        (0.5, None),  # 2 of 3 postings have a skill: 67% clears 50%
        (0.7, "fact_job_postings: skill coverage >= 70% (1 posting without skills)"),  # but not 70%
    ],
)
def test_skill_coverage_below_the_floor_fails(spark, tmp_path, floor, broken):
    result = check_gold(_gold(spark), str(tmp_path), skill_coverage_floor=floor)
    assert result.passed is (broken is None), result.message
    if broken:
        assert f"broken — {broken}; report" in result.message
        assert result.failures[0].detail == "1 of 3 rows (66.7% pass, at least 70% must); sample: p3"


@pytest.mark.spark
def test_absent_optional_tables_skip_their_rules_and_say_so(spark, tmp_path):
    tables = _gold(spark)
    kept = {name: tables[name] for name in ("gold.fact_job_postings", "gold.dim_company")}
    result = check_gold(kept, str(tmp_path))
    assert result.passed, result.message
    assert "gold.dim_skill: not given, its own rules skipped" in result.skipped
    assert "employment_sk in dim_employment: skipped, gold.dim_employment not given" in result.skipped
    assert "skill coverage >= 50%: skipped, gold.bridge_job_skills not given" in result.skipped
    assert len(result.skipped) == 5 + 4  # five tables absent; three integrity rules and coverage skipped
    assert result.message.startswith("gold quality gate passed: 9 rules held, 9 skipped; report: ")
    assert "employment_sk in dim_employment: skipped" in Path(result.html_path).read_text()
