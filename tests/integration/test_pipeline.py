"""End to end on the real broker: generator -> Kafka -> bronze -> silver -> gold, then the CLI."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ingestion.avro_codec import decode_posting
from ingestion.generator import generate_records
from ingestion.publish import publish_records
from ingestion.records import record_from_posting
from ingestion.validate import ActivePosting, closed_event, validate
from lakehouse import cli
from lakehouse.catalog import table_path
from lakehouse.config import env_name, load_settings
from spark_jobs.nightly import run_nightly
from streaming.job import run_stream
from streaming.reconcile import reconcile
from tests.ingestion.fixture_server import serve_in_background

pytestmark = [pytest.mark.spark, pytest.mark.kafka]

COUNT = 400


def expected_outcome(records) -> tuple[set[str], int]:
    """Posting keys silver should hold and how many records quarantine should get, by Python's own decoder."""
    keys, rejected = set(), 0
    for record in records:
        try:
            posting = decode_posting(record.value)
        except ValueError:
            rejected += 1
            continue
        if not (posting["title"] or "").strip():
            rejected += 1
        else:
            keys.add(record.key)
    return keys, rejected


@pytest.fixture(scope="module")
def lake(kafka_broker, spark, tmp_path_factory):
    """A lake filled twice by the same generator run (a rerun of the demo)."""
    root = tmp_path_factory.mktemp("e2e")
    settings = kafka_broker.with_overrides(
        {"lake.root": str(root), "lake.raw_root": str(root / "raw"), "kafka.topic": "e2e.postings"}
    )
    records = generate_records(COUNT, seed=11)
    publish_records(records, settings, "run1")
    run_stream(spark, settings)
    first = reconcile(spark, settings)
    first_gold = run_nightly(spark, settings)
    silver_v1 = spark.read.format("delta").load(table_path(settings, "silver.job_postings")).collect()
    publish_records(records, settings, "run2")
    run_stream(spark, settings)
    second_gold = run_nightly(spark, settings)
    return {
        "settings": settings,
        "records": records,
        "first": first,
        "second": reconcile(spark, settings),
        "silver_v1": silver_v1,
        "gold": (first_gold, second_gold),
    }


def test_every_record_is_accounted_for(lake):
    keys, rejected = expected_outcome(lake["records"])
    first = lake["first"]
    assert first.balanced, first
    assert (first.raw_records, first.bronze_rows) == (COUNT, COUNT)
    assert first.silver_postings == len(keys)
    assert first.quarantined == rejected
    assert first.duplicates == COUNT - len(keys) - rejected


def test_malformed_records_are_quarantined_with_reasons(lake):
    reasons = lake["first"].quarantine_reasons
    assert "missing_title" in reasons and "unknown_schema" in reasons
    assert reasons.get("avro_decode_error", 0) + reasons.get("not_avro", 0) >= 1


def test_rerun_duplicates_nothing_in_silver_or_gold(lake, spark):
    second = lake["second"]
    assert second.balanced, second
    assert second.bronze_rows == 2 * COUNT
    assert second.silver_postings == lake["first"].silver_postings
    first_gold, second_gold = lake["gold"]
    assert (first_gold.mode, second_gold.mode) == ("full", "incremental")
    assert second_gold.changed_postings == lake["first"].silver_postings  # each seen again: times_seen
    assert first_gold.counts == second_gold.counts
    silver_v2 = spark.read.format("delta").load(table_path(lake["settings"], "silver.job_postings"))
    ids = {r["posting_key"]: r["times_seen"] for r in silver_v2.collect()}
    assert all(ids[r["posting_key"]] == 2 * r["times_seen"] for r in lake["silver_v1"])


def test_gold_fact_has_one_row_per_silver_posting(lake):
    assert lake["gold"][0].counts["gold.fact_job_postings"] == lake["first"].silver_postings


@pytest.fixture
def cli_env(lake, monkeypatch):
    """Point the CLI's settings (read from the environment) at the test lake."""
    settings = lake["settings"]
    for key in ("lake.root", "lake.raw_root", "spark.jars_dir"):
        monkeypatch.setenv(env_name(key), settings.path(key))
    load_settings.cache_clear()
    yield
    load_settings.cache_clear()


def test_cli_sql_answers_over_named_tables(cli_env, capsys, lake):
    assert cli.main(["sql", "select count(*) as n from silver.job_postings"]) == 0
    out = capsys.readouterr().out
    assert re.search(rf"^\s*{lake['first'].silver_postings}\s*$", out, re.M), out


def test_cli_status_prints_the_balanced_reconciliation(cli_env, capsys, lake):
    assert cli.main(["status"]) == 0
    out = capsys.readouterr().out
    assert "gold.fact_job_postings" in out and "balanced" in out and "NOT balanced" not in out


def test_cli_status_json_is_the_same_reconciliation(cli_env, capsys, lake):
    assert cli.main(["status", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    rec = report["reconciliation"]
    assert rec["balanced"] and rec["silver_postings"] == lake["first"].silver_postings
    assert (
        rec["raw_records"]
        == rec["bronze_rows"]
        == (rec["silver_postings"] + rec["duplicates"] + rec["closed_events"] + rec["quarantined"])
    )
    assert all(run["adds_up"] for run in rec["runs"]) and report["tables"]["silver.job_postings"] > 0


def test_cli_error_is_one_readable_line(cli_env, capsys):
    assert cli.main(["sql", "select * from silver.no_such_table"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("joblake sql:") and "no_such_table" in err and len(err.splitlines()) == 1


def test_raw_zone_is_partitioned_by_source_date_and_keyword(lake):
    raw_root = Path(lake["settings"].path("lake.raw_root"))
    folders = {p.parent.relative_to(raw_root).parts[0] for p in raw_root.glob("**/*.avro")}
    assert folders == {"source=generator"}
    assert all(p.parent.name.startswith("keyword=") for p in raw_root.glob("**/*.avro"))


def test_closed_events_close_postings_and_keep_the_books_balanced(lake, spark):
    settings = lake["settings"]
    silver_df = spark.read.format("delta").load(table_path(settings, "silver.job_postings"))
    targets = [ActivePosting(r["source"], r["source_job_id"], r["job_url"]) for r in silver_df.limit(3).collect()]
    closed_at = datetime(2026, 11, 20, tzinfo=UTC)
    events = [record_from_posting(closed_event(p, closed_at)) for p in targets]
    events.append(record_from_posting(closed_event(ActivePosting("generator", "never-seen", "https://x"), closed_at)))
    publish_records(events, settings, "run3")
    run_stream(spark, settings)
    after = reconcile(spark, settings)
    assert after.balanced, after
    assert after.closed_events == 3 and after.quarantine_reasons["closed_unknown_posting"] == 1
    inactive = spark.read.format("delta").load(table_path(settings, "silver.job_postings")).where("not is_active")
    assert sorted(r["source_job_id"] for r in inactive.collect()) == sorted(p.source_job_id for p in targets)


def test_validate_closes_a_posting_whose_page_is_gone(lake, spark, tmp_path):
    settings = lake["settings"].with_overrides({"scrape.state_db": str(tmp_path / "state.sqlite")})
    with serve_in_background() as server:
        server.route("/jobs/open", text="<h1>Data Engineer</h1><button>Apply</button>")
        server.route("/jobs/gone", text="gone", status=410)
        postings = [
            posting_for_validation("val-open", server.url("/jobs/open")),
            posting_for_validation("val-gone", server.url("/jobs/gone")),
        ]
        publish_records([record_from_posting(p) for p in postings], settings, "run-val")
        run_stream(spark, settings)
        summary, ingest = validate(spark, settings, "run-val-check", datetime(2026, 11, 21, tzinfo=UTC))
    assert summary.closed == {"http_410": 1} and ingest.published == 1
    run_stream(spark, settings)
    silver_df = spark.read.format("delta").load(table_path(settings, "silver.job_postings"))
    states = {r["source_job_id"]: r["is_active"] for r in silver_df.where("source_job_id like 'val-%'").collect()}
    assert states == {"val-open": True, "val-gone": False}
    assert reconcile(spark, settings).balanced


def posting_for_validation(job_id: str, url: str) -> dict:
    return {
        "source": "generator",
        "source_job_id": job_id,
        "title": "Data Engineer",
        "job_url": url,
        "scraped_at": datetime(2026, 11, 21, tzinfo=UTC),
    }


def test_status_counts_each_stream_run(lake):
    first, second = lake["first"], lake["second"]
    (run,) = first.runs
    assert run.adds_up and run.records_read == COUNT and run.new == first.silver_postings
    assert [r.run_id for r in second.runs][0] == run.run_id and len(second.runs) == 2
    rerun = second.runs[1]
    assert (rerun.records_read, rerun.new, rerun.quarantined) == (COUNT, 0, first.quarantined)
    assert rerun.updated + rerun.duplicates == COUNT - first.quarantined
    assert second.log_agrees and second.total.records_read == 2 * COUNT
