"""Failure alerts: one JSON line POSTed to a webhook, and mail through an Airflow SMTP connection (both off by default).

    orchestration:
      alert_webhook_url: https://hooks.example.com/joblake  # JOBLAKE_SECRET_HOOKS_EXAMPLE_COM_HEADER_AUTHORIZATION
      alert_email: [data-oncall@example.com]                # mailed through the `smtp_default` connection

The webhook's credentials are read when a task fails, from the environment or the secrets file, like every other
joblake secret (ingestion/secrets.py); they are never in configuration or code, and never in the message.
"""

from __future__ import annotations

import json
import os
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from airflow.sdk import BaseNotifier

from lakehouse.config import Settings

WEBHOOK_TIMEOUT_S = 10


def one_line(error: BaseException | str | None) -> str:
    """The first line of an error (the joblake CLI's one-line message), or its type when it has no text."""
    if error is None:
        return ""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def failure_message(context: Any) -> dict[str, Any]:
    """What a failed task's alert says: which task of which run, its data interval, try, and the one-line error."""
    ti = context["ti"]
    start, end = context.get("data_interval_start"), context.get("data_interval_end")
    error = one_line(context.get("exception"))
    return {
        "event": "task_failed",
        "dag_id": ti.dag_id,
        "task_id": ti.task_id,
        "run_id": context["run_id"],
        "try_number": ti.try_number,
        "data_interval_start": start.isoformat() if start else None,
        "data_interval_end": end.isoformat() if end else None,
        "error": error,
        "text": f"joblake: {ti.dag_id}.{ti.task_id} failed in {context['run_id']}: {error}",  # chat webhooks show this
    }


class WebhookNotifier(BaseNotifier):
    """POST one JSON line about a failed task to `url`, with the headers the secrets give for its host."""

    def __init__(self, url: str, secrets_file: str | None = None) -> None:
        super().__init__()
        self.url = url
        self.secrets_file = secrets_file

    def notify(self, context: Any) -> None:
        from ingestion.secrets import load_secrets

        headers, _ = load_secrets(self.secrets_file, os.environ).for_host(urlsplit(self.url).hostname)
        body = (json.dumps(failure_message(context)) + "\n").encode()
        request = urllib.request.Request(
            self.url, data=body, headers={"Content-Type": "application/json", **headers}, method="POST"
        )
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_S) as response:
            self.log.info("failure alert posted to %s (HTTP %s)", urlsplit(self.url).netloc, response.status)


def failure_callbacks(settings: Settings) -> list[Callable[[Any], None]]:
    """The on_failure_callback list the configuration asks for; empty when alerts are off."""
    callbacks: list[Callable[[Any], None]] = []
    if settings["orchestration.alert_webhook_url"]:
        from joblake_orchestration.local import workdir

        configured = settings["scrape.secrets_file"]
        secrets_file = str(workdir(settings) / Path(configured).expanduser()) if configured else None
        callbacks.append(WebhookNotifier(settings["orchestration.alert_webhook_url"], secrets_file))
    if settings["orchestration.alert_email"]:
        from airflow.providers.smtp.notifications.smtp import SmtpNotifier

        callbacks.append(
            SmtpNotifier(
                to=settings["orchestration.alert_email"], smtp_conn_id=settings["orchestration.alert_smtp_conn_id"]
            )
        )
    return callbacks
