"""Dedup at source: the published-records ledger."""

from datetime import UTC, datetime

from ingestion.records import record_from_posting, rejected_record
from ingestion.seen_state import SeenState

T1 = datetime(2026, 11, 1, 6, tzinfo=UTC)
T2 = datetime(2026, 11, 2, 6, tzinfo=UTC)


def _record(job_id: str, title: str = "Data Engineer", scraped_at: datetime = T1):
    return record_from_posting(
        {"source": "greenhouse", "source_job_id": job_id, "title": title, "scraped_at": scraped_at}
    )


def test_new_records_then_a_rerun_publishes_nothing(tmp_path):
    db = tmp_path / "state.sqlite"
    batch = [_record("1"), _record("2"), _record("1")]  # the same job twice in one run
    with SeenState(db) as state:
        fresh, counts = state.split(batch)
        state.mark_published(fresh, T1)
    assert [r.key for r in fresh] == [batch[0].key, batch[1].key]
    assert counts == {"new": 2, "updated": 0, "duplicates": 1}
    with SeenState(db) as state:  # a later run of the same window, scraped again a day later
        fresh, counts = state.split([_record("1", scraped_at=T2), _record("2", scraped_at=T2)])
    assert fresh == [] and counts == {"new": 0, "updated": 0, "duplicates": 2}


def test_changed_content_is_published_as_an_update(tmp_path):
    with SeenState(tmp_path / "s.sqlite") as state:
        state.mark_published([_record("1")], T1)
        fresh, counts = state.split([_record("1", title="Senior Data Engineer")])
        assert len(fresh) == 1 and counts["updated"] == 1
        state.mark_published(fresh, T2)
        assert state.split([_record("1", title="Senior Data Engineer")])[1]["duplicates"] == 1


def test_unpublished_records_are_offered_again(tmp_path):
    with SeenState(tmp_path / "s.sqlite") as state:
        fresh, _ = state.split([_record("1")])  # a run that died before Kafka acknowledged
        assert state.split([_record("1")])[0] == fresh


def test_rejected_rows_are_deduplicated_by_their_bytes(tmp_path):
    bad = rejected_record(b"{not json", "invalid JSON", "file", "import", T1)
    with SeenState(tmp_path / "s.sqlite") as state:
        state.mark_published([bad], T1)
        assert state.split([rejected_record(b"{not json", "invalid JSON", "file", "import", T2)])[0] == []
        assert len(state.split([rejected_record(b"{other", "invalid JSON", "file", "import", T2)])[0]) == 1
