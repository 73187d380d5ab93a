"""The silver foreachBatch function: MERGE once per batch, quarantine the bad, count every record."""

from datetime import timedelta
from pathlib import Path

import pytest
from pyspark.sql import functions as F

from lakehouse.catalog import table_path
from streaming.silver import ensure_silver_table, silver_writer
from tests.streaming.bronze_rows import BRONZE_DDL, NOW, bronze_row, closed_row, posting_row

pytestmark = pytest.mark.spark


@pytest.fixture
def upsert(settings, tmp_path: Path, checkpoint_dir: str):
    """The named foreachBatch function writing into a temporary lake's silver tables."""
    Path(checkpoint_dir).mkdir()
    (Path(checkpoint_dir) / "metadata").write_text('{"id":"test-query"}\n')
    lake = settings.with_overrides({"lake.root": str(tmp_path / "lake"), "streaming.duplicate_window_days": 30})
    paths = {
        name: table_path(lake, f"silver.{table}")
        for name, table in (("silver", "job_postings"), ("quarantine", "quarantine"), ("batches", "stream_batches"))
    }
    fn = silver_writer(lake, checkpoint_dir, clock=lambda: NOW, run_id="run-1")
    return fn, paths


def _read(spark, path):
    return spark.read.format("delta").load(path)


def test_batch_merges_one_row_per_posting_and_counts_duplicates(spark, upsert):
    fn, paths = upsert
    batch = [posting_row(0, "g1"), posting_row(1, "g2"), posting_row(2, "g1"), bronze_row(b"junk", 3)]
    fn(spark.createDataFrame(batch, BRONZE_DDL), 0)
    silver = {r["source_job_id"]: r for r in _read(spark, paths["silver"]).collect()}
    assert set(silver) == {"g1", "g2"}
    assert silver["g1"]["times_seen"] == 2 and silver["g2"]["times_seen"] == 1
    assert silver["g1"]["title"] == "Senior Data Engineer" and silver["g1"]["company_key"] == "acme"
    assert [r["reject_reason"] for r in _read(spark, paths["quarantine"]).collect()] == ["not_avro"]


def test_replayed_batch_changes_nothing(spark, upsert):
    fn, paths = upsert
    batch_df = spark.createDataFrame([posting_row(0, "g1"), bronze_row(b"junk", 1)], BRONZE_DDL)
    fn(batch_df, 0)
    before = (_read(spark, paths["silver"]).collect(), _read(spark, paths["quarantine"]).count())
    fn(batch_df, 0)  # the same batch id again, as after a crash before the checkpoint commit
    assert (_read(spark, paths["silver"]).collect(), _read(spark, paths["quarantine"]).count()) == before


def test_newer_scrape_updates_content_older_only_counts(spark, upsert):
    fn, paths = upsert
    later = NOW + timedelta(days=1)
    fn(spark.createDataFrame([posting_row(0, "g1", title="Data Engineer")], BRONZE_DDL), 0)
    fn(spark.createDataFrame([posting_row(1, "g1", title="Lead Data Engineer", scraped_at=later)], BRONZE_DDL), 1)
    fn(spark.createDataFrame([posting_row(2, "g1", title="Intern")], BRONZE_DDL), 2)  # older scrape, late
    row = _read(spark, paths["silver"]).first()
    assert (row["title"], row["times_seen"], row["title_seniority"]) == ("Lead Data Engineer", 3, "lead")


def test_new_postings_are_active_with_first_seen(spark, upsert):
    fn, paths = upsert
    fn(spark.createDataFrame([posting_row(0, "g1")], BRONZE_DDL), 0)
    row = _read(spark, paths["silver"]).select("is_active", "closed_at", F.col("first_seen_at")).first()
    assert row["is_active"] is True and row["closed_at"] is None and row["first_seen_at"] is not None


def test_closed_event_closes_a_known_posting_and_orphans_are_quarantined(spark, upsert):
    fn, paths = upsert
    later = NOW + timedelta(days=3)
    fn(spark.createDataFrame([posting_row(0, "g1"), posting_row(1, "g2")], BRONZE_DDL), 0)
    fn(spark.createDataFrame([closed_row(2, "g1", later), closed_row(3, "nope", later)], BRONZE_DDL), 1)
    rows = {r["source_job_id"]: r for r in _read(spark, paths["silver"]).collect()}
    assert (rows["g1"]["is_active"], rows["g1"]["closed_at"], rows["g1"]["close_events"]) == (
        False,
        later.replace(tzinfo=None),
        1,  # Spark returns naive UTC
    )
    assert rows["g2"]["is_active"] is True and rows["g2"]["close_events"] == 0
    assert [r["reject_reason"] for r in _read(spark, paths["quarantine"]).collect()] == ["closed_unknown_posting"]


def _batch_log(spark, paths):
    rows = _read(spark, paths["batches"]).orderBy("batch_id").collect()
    return [(r["records_read"], r["new"], r["updated"], r["duplicates"], r["closed"], r["quarantined"]) for r in rows]


def test_every_batch_is_logged_once_and_adds_up(spark, upsert):
    fn, paths = upsert
    later = NOW + timedelta(days=1)
    first = [posting_row(0, "g1"), posting_row(1, "g2"), posting_row(2, "g1"), bronze_row(b"junk", 3)]
    fn(spark.createDataFrame(first, BRONZE_DDL), 0)
    second_df = spark.createDataFrame(
        [
            posting_row(4, "g1", title="Lead Data Engineer", scraped_at=later),  # changed content: updated
            posting_row(5, "g2"),  # the same content again: duplicate
            posting_row(6, "g3"),  # new
            closed_row(7, "g2", later),
            closed_row(8, "nope", later),  # orphan: quarantined
        ],
        BRONZE_DDL,
    )
    fn(second_df, 1)
    fn(second_df, 1)  # replayed after a crash: logged once, counted once
    # read = new + updated + duplicates + closed + quarantined
    assert _batch_log(spark, paths) == [(4, 2, 0, 1, 0, 1), (5, 1, 1, 1, 1, 1)]
    assert {r["run_id"] for r in _read(spark, paths["batches"]).collect()} == {"run-1"}


def test_silver_carries_canonical_title_family_salary_and_language(spark, upsert):
    fn, paths = upsert
    description = "<p>We are looking for a data engineer to build pipelines in Python and SQL for our team.</p>"
    batch = [posting_row(0, "g1", salary_text="$120k - $150k a year", description=description)]
    fn(spark.createDataFrame(batch, BRONZE_DDL), 0)
    row = _read(spark, paths["silver"]).first()
    assert (row["title"], row["canonical_title"], row["title_seniority"]) == (
        "Senior Data Engineer",
        "Data Engineer",
        "senior",
    )
    assert row["job_family"] == "Computer and Mathematical" and row["soc_major"] == "15"
    assert (row["salary_min"], row["salary_max"], row["salary_currency"], row["salary_period"]) == (
        120000.0,
        150000.0,
        "USD",
        "year",
    )
    assert row["salary_annual_max"] == 150000.0
    assert row["description_language"] == "en"


def test_cross_source_copies_and_reposts_share_a_duplicate_group(spark, upsert):
    fn, paths = upsert
    batch = [
        posting_row(0, "a", title="Senior Data Engineer"),
        posting_row(1, "b", title="Data Engineer, Sr.", company="ACME Corp"),  # same job, another board's spelling
        posting_row(2, "c", title="Data Engineer", company="Globex"),  # another company
    ]
    fn(spark.createDataFrame(batch, BRONZE_DDL), 0)
    fn(spark.createDataFrame([posting_row(3, "d", posted_time=NOW + timedelta(days=20))], BRONZE_DDL), 1)  # repost
    fn(spark.createDataFrame([posting_row(4, "e", posted_time=NOW + timedelta(days=90))], BRONZE_DDL), 2)  # too late
    groups = {r["source_job_id"]: r["duplicate_group_id"] for r in _read(spark, paths["silver"]).collect()}
    assert groups["a"] == groups["b"] == groups["d"]
    assert len({groups["a"], groups["c"], groups["e"]}) == 3
    assert groups["c"] == _read(spark, paths["silver"]).where("source_job_id = 'c'").first()["posting_key"]


def test_later_posting_date_flags_a_repost(spark, upsert):
    fn, paths = upsert
    fn(spark.createDataFrame([posting_row(0, "g1")], BRONZE_DDL), 0)
    later = NOW + timedelta(days=7)
    fn(spark.createDataFrame([posting_row(1, "g1", posted_time=later, scraped_at=later)], BRONZE_DDL), 1)
    row = _read(spark, paths["silver"]).first()
    assert (row["reposted"], row["times_seen"]) == (True, 2)


def test_an_older_silver_table_gains_the_new_columns(spark, upsert):
    fn, paths = upsert
    old_df = spark.createDataFrame([("k1", "Data Engineer", 1)], "posting_key string, title string, times_seen long")
    old_df.write.format("delta").save(paths["silver"])
    new_df = spark.createDataFrame([], "posting_key string, title string, canonical_title string")
    ensure_silver_table(spark, paths["silver"], new_df)
    table_df = _read(spark, paths["silver"])
    assert {"canonical_title", "duplicate_group_id", "closed_at"} <= set(table_df.columns)
    assert table_df.count() == 1 and table_df.first()["canonical_title"] is None
