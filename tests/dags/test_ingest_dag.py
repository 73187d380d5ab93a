"""joblake_ingest end to end on the local backend: a Greenhouse board on a local server into the real broker, and
the hourly validation closing a silver posting whose page is gone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from kafka import KafkaConsumer

from ingestion.avro_codec import decode_posting
from ingestion.sources.greenhouse import JOBS_PATH
from tests.dags.conftest import parse_dags
from tests.dags.lake import env_overrides, write_silver
from tests.ingestion.fixture_server import serve_in_background
from tests.ingestion.sources.greenhouse_pages import job
from tests.streaming.bronze_rows import posting

pytestmark = [pytest.mark.kafka, pytest.mark.spark]

ON_THE_HOUR = datetime(2026, 11, 30, 10, 5, tzinfo=UTC)  # data interval 09:45-10:00: ends on the hour, validation runs
TOPIC = "dags.ingest.postings"


def topic_values(settings) -> list[dict]:
    consumer = KafkaConsumer(
        TOPIC, bootstrap_servers=settings["kafka.bootstrap_servers"], auto_offset_reset="earliest",
        consumer_timeout_ms=5000,
    )  # fmt: skip
    try:
        return [decode_posting(message.value) for message in consumer]
    finally:
        consumer.close()


def test_the_ingest_dag_scrapes_into_kafka_and_closes_gone_postings(
    spark, kafka_broker, airflow_db, joblake_env, tmp_path
):
    jobs = [job(4567001, "Senior Data Engineer"), job(4567002, "Data Engineer"), job(4567003, "Staff Data Engineer")]
    with serve_in_background() as server:
        server.route(JOBS_PATH.format(board="acme-robotics"), json={"jobs": jobs, "meta": {"total": 3}})
        server.route("/jobs/open", text="<h1>Data Engineer</h1><button>Apply</button>")
        server.route("/jobs/gone", text="gone", status=404)
        overrides = {
            **env_overrides(kafka_broker),
            "lake.root": str(tmp_path / "lake"),
            "lake.raw_root": str(tmp_path / "lake" / "raw"),
            "scrape.state_db": str(tmp_path / "state.sqlite"),
            "scrape.greenhouse_api_url": server.url(""),
            "scrape.greenhouse_boards": ["acme-robotics"],
            "kafka.bootstrap_servers": kafka_broker["kafka.bootstrap_servers"],
            "kafka.topic": TOPIC,
            "orchestration.ingest_sources": ["scrape --source greenhouse --query 'data engineer'"],
        }
        lake_settings = kafka_broker.with_overrides(overrides)
        silver = [
            posting("open-1", job_url=server.url("/jobs/open")),
            posting("gone-1", job_url=server.url("/jobs/gone")),
        ]
        write_silver(spark, lake_settings, silver, tmp_path / "checkpoint")
        joblake_env(overrides)

        run = parse_dags().dags["joblake_ingest"].test(logical_date=ON_THE_HOUR)

    states = {ti.task_id: ti.state for ti in run.get_task_instances()}
    assert states == {
        "scrape_greenhouse": "success",
        "validate_open_postings": "success",
        "fail_if_a_source_failed": "skipped",  # nothing failed
    }
    assert run.state == "success"
    values = topic_values(lake_settings)
    scraped = sorted(v["title"] for v in values if v["event_type"] != "closed")
    assert scraped == ["Data Engineer", "Senior Data Engineer", "Staff Data Engineer"]
    closed = [(v["source"], v["source_job_id"]) for v in values if v["event_type"] == "closed"]
    assert closed == [("generator", "gone-1")]  # the open posting's page still answers
    assert server.hits("/jobs/open") == 1 and server.hits("/jobs/gone") == 1
