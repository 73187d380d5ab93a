"""Failure alerts: a failed task POSTs one JSON line to a real local webhook; with none configured nothing is sent.

The failing task is a real one: joblake_ingest importing a file that is not there, which the CLI refuses with
one line (no Spark, no Kafka needed, so the run takes seconds).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from aiohttp import web

from tests.dags.conftest import parse_dags
from tests.ingestion.fixture_server import serve_in_background

HOOK = "/hooks/joblake"
TOKEN = "Bearer hook-t0ken-for-the-test"
OFF_THE_HOUR = datetime(2026, 11, 30, 10, 20, tzinfo=UTC)  # data interval 10:00-10:15: no validation this run


def failing_ingest(joblake_env, tmp_path, **alerts) -> tuple[object, str]:
    """Run joblake_ingest once with one source, an import of a missing file; returns the run and the CLI's line."""
    missing = tmp_path / "drop" / "postings.csv"
    joblake_env(
        {
            "lake.root": str(tmp_path / "lake"),
            "scrape.state_db": str(tmp_path / "state.sqlite"),
            "orchestration.ingest_sources": [f"import {missing} --mapping nhs_jobs"],
            **alerts,
        }
    )
    run = parse_dags().dags["joblake_ingest"].test(logical_date=OFF_THE_HOUR)
    return run, f"joblake import: no such file: {missing}"


def test_a_failed_task_posts_one_json_line_to_the_webhook(airflow_db, joblake_env, monkeypatch, tmp_path):
    received: list[tuple[dict, bytes]] = []

    async def hook(request: web.Request) -> web.Response:
        received.append((dict(request.headers), await request.read()))
        return web.json_response({"ok": True})

    monkeypatch.setenv("JOBLAKE_SECRET_127_0_0_1_HEADER_AUTHORIZATION", TOKEN)  # the token: environment, not config
    with serve_in_background() as server:
        server.route(HOOK, handler=hook)
        run, cli_line = failing_ingest(joblake_env, tmp_path, **{"orchestration.alert_webhook_url": server.url(HOOK)})

    states = {ti.task_id: ti.state for ti in run.get_task_instances()}
    assert run.state == "failed"
    assert states == {
        "import_postings": "failed",  # after its retry (test profile: 1, a second apart): one alert, not two
        "validate_open_postings": "skipped",  # the interval does not end on the hour
        "fail_if_a_source_failed": "failed",  # the run says so; this task sends no alert of its own
    }
    assert len(received) == 1
    headers, body = received[0]
    assert headers["Authorization"] == TOKEN and headers["Content-Type"] == "application/json"
    assert body.endswith(b"\n") and body.count(b"\n") == 1  # one JSON line
    alert = json.loads(body)
    assert alert | {"run_id": None} == {
        "event": "task_failed",
        "dag_id": "joblake_ingest",
        "task_id": "import_postings",
        "run_id": None,
        "try_number": 2,
        "data_interval_start": "2026-11-30T10:00:00+00:00",
        "data_interval_end": "2026-11-30T10:15:00+00:00",
        "error": cli_line,
        "text": f"joblake: joblake_ingest.import_postings failed in {alert['run_id']}: {cli_line}",
    }
    assert alert["run_id"] == run.run_id
    assert TOKEN.split()[1] not in body.decode()


def test_without_a_webhook_nothing_is_sent(airflow_db, joblake_env, tmp_path):
    with serve_in_background() as server:
        server.route(HOOK, json={"ok": True})
        run, _ = failing_ingest(joblake_env, tmp_path)  # orchestration.alert_webhook_url is empty in every profile
        assert run.state == "failed"
    assert server.requests == []
    assert not any(task.on_failure_callback for dag in parse_dags().dags.values() for task in dag.tasks)


GATE_LINE = "joblake nightly: gold quality gate failed: 1 rule broken"


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (RuntimeError(f"{GATE_LINE}\nthe rule's details"), GATE_LINE),  # first line only
        (TimeoutError(), "TimeoutError"),  # no text: its type
        (None, ""),  # a callback without an exception
    ],
)
def test_the_alert_carries_the_first_line_of_the_error(error, expected):
    from joblake_orchestration.alerts import one_line

    assert one_line(error) == expected
