"""The silver foreachBatch function: MERGE once per batch, quarantine the bad, count every record."""

from datetime import timedelta
from pathlib import Path

import pytest
from pyspark.sql import functions as F

from streaming.silver import silver_writer
from tests.streaming.bronze_rows import BRONZE_DDL, NOW, bronze_row, closed_row, posting_row

pytestmark = pytest.mark.spark


@pytest.fixture
def upsert(tmp_path: Path, checkpoint_dir: str):
    """The named foreachBatch function writing into temporary silver and quarantine tables."""
    Path(checkpoint_dir).mkdir()
    (Path(checkpoint_dir) / "metadata").write_text('{"id":"test-query"}\n')
    paths = {"silver": str(tmp_path / "silver"), "quarantine": str(tmp_path / "quarantine")}
    fn = silver_writer(paths["silver"], paths["quarantine"], checkpoint_dir, clock=lambda: NOW)
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
