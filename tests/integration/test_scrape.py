"""Scrape a LinkedIn-shaped board that answers 429 to every third request: every posting lands once,
in the real Kafka broker and in the raw zone on the real S3-compatible server."""

from __future__ import annotations

import pytest
from kafka import KafkaConsumer

from ingestion.raw_zone import count_raw_records
from ingestion.scrape import scrape
from ingestion.sources.base import Query
from ingestion.sources.greenhouse import JOBS_PATH
from ingestion.sources.linkedin import DETAIL_PATH, SEARCH_PATH
from lakehouse import cli
from lakehouse.config import load_settings
from lakehouse.objectstore import ensure_bucket
from tests.ingestion.fixture_server import serve_in_background
from tests.ingestion.sources.greenhouse_pages import job
from tests.ingestion.sources.linkedin_pages import card, detail_page

pytestmark = [pytest.mark.kafka, pytest.mark.s3]
S3_KEYS = ("s3.managed", "s3.endpoint_url", "s3.server_state_dir", "s3.server_jars_dir")

JOBS = [str(4_100_000_000 + i) for i in range(60)]


def serve_board(server) -> None:
    """Three search pages of cards, an empty fourth, and a detail page per job."""
    for start in range(0, len(JOBS), 25):
        server.route(SEARCH_PATH, text="".join(card(j) for j in JOBS[start : start + 25]), query={"start": str(start)})
    server.route(SEARCH_PATH, text="", query={"start": str(-(-len(JOBS) // 25) * 25)})  # the page after the last
    for job_id in JOBS:
        server.route(DETAIL_PATH.format(job_id=job_id), text=detail_page(f"Data Engineer {job_id[-2:]}"))


def topic_messages(settings) -> list:
    consumer = KafkaConsumer(
        settings["kafka.topic"],
        bootstrap_servers=settings["kafka.bootstrap_servers"],
        auto_offset_reset="earliest",
        consumer_timeout_ms=5000,
    )
    try:
        return list(consumer)
    finally:
        consumer.close()


def test_every_posting_lands_exactly_once_despite_429s_and_a_rerun(kafka_broker, s3_server, tmp_path):
    query = Query(keywords="data engineer", location="Austin, TX", pages=10)
    with serve_in_background() as server:
        serve_board(server)
        server.every(3, "429")
        settings = kafka_broker.with_overrides(
            {
                **{key: s3_server[key] for key in S3_KEYS},
                "lake.root": str(tmp_path / "lake"),
                "lake.raw_root": "s3a://joblake-scrape-test/raw",
                "scrape.state_db": str(tmp_path / "state.sqlite"),
                "scrape.linkedin_base_url": server.url(""),
                "kafka.topic": "scrape.postings",
            }
        )
        ensure_bucket(settings, "joblake-scrape-test")
        first = scrape(settings, "linkedin", query, "run1")
        throttled = sum(1 for r in server.requests if r.status == 429)
        second = scrape(settings, "linkedin", query, "run2")

    assert throttled > 20 and first.retries == throttled  # pushed back, and every 429 was retried
    assert first.failures == {} and first.postings_found == len(JOBS)
    assert first.ingest.outcomes == {"new": len(JOBS), "updated": 0, "duplicates": 0}
    assert second.ingest.outcomes == {"new": 0, "updated": 0, "duplicates": len(JOBS)}
    assert second.ingest.published == 0
    messages = topic_messages(settings)
    assert len(messages) == len({m.key for m in messages}) == len(JOBS)
    assert count_raw_records(settings.path("lake.raw_root"), settings) == len(JOBS)


def test_cli_scrape_prints_the_summary_and_the_best_postings_by_word_score(kafka_broker, tmp_path, monkeypatch, capsys):
    jobs = [job(4567001, "Senior Data Engineer"), job(4567002, "Data Engineer"), job(4567003, "Staff Data Engineer")]
    with serve_in_background() as server:
        server.route(JOBS_PATH.format(board="acme-robotics"), json={"jobs": jobs, "meta": {"total": 3}})
        env = {
            "LAKE__ROOT": str(tmp_path / "lake"),
            "LAKE__RAW_ROOT": str(tmp_path / "lake" / "raw"),
            "SCRAPE__STATE_DB": str(tmp_path / "state.sqlite"),
            "SCRAPE__GREENHOUSE_API_URL": server.url(""),
            "SCRAPE__GREENHOUSE_BOARDS": "acme-robotics",
            "KAFKA__BOOTSTRAP_SERVERS": kafka_broker["kafka.bootstrap_servers"],
            "KAFKA__TOPIC": "cli.scrape.postings",
        }
        for key, value in env.items():
            monkeypatch.setenv(f"JOBLAKE__{key}", value)
        load_settings.cache_clear()
        try:
            code = cli.main(
                [
                    "scrape",
                    "--source",
                    "greenhouse",
                    "--query",
                    "data engineer",
                    "--quiet",
                    "--word-score",
                    "senior=2",
                    "--word-score",
                    "staff=0.5",
                ]
            )
        finally:
            load_settings.cache_clear()
    out = capsys.readouterr().out
    assert code == 0, out
    assert "3 postings found" in out and "new 3, updated 0, duplicates 0" in out
    best = [line for line in out.splitlines() if "| Acme Robotics |" in line]
    assert [line.split()[0] for line in best] == ["2.00", "1.00", "0.50"]
    assert "Senior Data Engineer" in best[0] and "Staff Data Engineer" in best[2]
