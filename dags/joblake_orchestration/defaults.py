"""The arguments every joblake DAG shares, from the `orchestration` configuration section."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from airflow.sdk import CronDataIntervalTimetable

from joblake_orchestration.alerts import failure_callbacks
from lakehouse.config import Settings

START_DATE = datetime(2026, 1, 1, tzinfo=UTC)  # before the first run; catchup is off, so no backfill from it
TAGS = ["joblake"]


def schedule(settings: Settings, key: str) -> CronDataIntervalTimetable:
    """A cron schedule whose runs cover one period each, e.g. `orchestration.nightly_schedule`."""
    return CronDataIntervalTimetable(settings[f"orchestration.{key}"], timezone=settings["orchestration.timezone"])


def default_args(settings: Settings) -> dict[str, Any]:
    """Owner, retries with exponential backoff, and the failure alerts that are configured."""
    return {
        "owner": settings["orchestration.owner"],
        "retries": settings["orchestration.retries"],
        "retry_delay": timedelta(seconds=settings["orchestration.retry_delay_s"]),
        "retry_exponential_backoff": float(settings["orchestration.retry_backoff"]),
        "max_retry_delay": timedelta(seconds=settings["orchestration.max_retry_delay_s"]),
        "on_failure_callback": failure_callbacks(settings),
    }


def dag_arguments(settings: Settings, schedule_key: str, *tags: str) -> dict[str, Any]:
    """The keyword arguments of DAG(...) that every joblake DAG shares; one run at a time, no catchup."""
    return {
        "schedule": schedule(settings, schedule_key),
        "start_date": START_DATE,
        "catchup": False,
        "max_active_runs": 1,  # each DAG writes state a second run would race on (checkpoints, the ledger, gold)
        "tags": [*TAGS, *tags],
        "default_args": default_args(settings),
    }
