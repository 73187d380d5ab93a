"""joblake_retrain without the real data: the task fails at once with the command's one line, and the alert says it."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from aiohttp import web

from tests.dags.conftest import parse_dags
from tests.dags.lake import env_overrides
from tests.ingestion.fixture_server import serve_in_background

pytestmark = pytest.mark.spark  # `joblake train-ranker` starts Spark before it looks for the data


def test_retraining_without_the_shared_data_fails_with_one_line(
    settings, airflow_db, joblake_env, monkeypatch, tmp_path
):
    empty = tmp_path / "no-shared-data"
    empty.mkdir()
    monkeypatch.setenv("JOBLAKE_SHARED_DATA", str(empty))
    received: list[bytes] = []

    async def hook(request: web.Request) -> web.Response:
        received.append(await request.read())
        return web.json_response({"ok": True})

    with serve_in_background() as server:
        server.route("/hook", handler=hook)
        joblake_env(
            {
                **env_overrides(settings),
                "lake.root": str(tmp_path / "lake"),
                "mlflow.tracking_uri": f"sqlite:///{tmp_path / 'mlflow.db'}",
                "orchestration.retries": 0,  # one Spark start is enough to see the line
                "orchestration.alert_webhook_url": server.url("/hook"),
            }
        )
        run = parse_dags().dags["joblake_retrain"].test(logical_date=datetime(2026, 12, 7, 4, tzinfo=UTC))

    assert run.state == "failed"
    [alert] = [json.loads(body) for body in received]
    assert alert["task_id"] == "train_challenger_and_promote_if_better"
    assert alert["error"].startswith(f"joblake train-ranker: real data not found at {empty}/postings/")
    assert alert["error"].endswith("(set JOBLAKE_SHARED_DATA)")
