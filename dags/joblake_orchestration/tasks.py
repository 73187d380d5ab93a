"""One function builds every joblake task, on the backend the configuration chooses.

    gold = joblake_task(settings, "build_gold", ["nightly", "--date", "{{ data_interval_start | ds }}"])

`local` runs `python -m lakehouse.cli nightly --date …` on the worker (Spark in local mode); `k8s` submits the
`nightly` SparkApplication with the same arguments and watches it to completion. Nothing else differs: the same
command, the same one-line errors, the same retries and alerts. The one exception is the long-running stream on
k8s, which has no completion to watch: its task keeps its application alive (joblake_orchestration/kubernetes.py).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from typing import Any

from airflow.sdk import BaseOperator
from airflow.sdk.exceptions import AirflowFailException, AirflowSkipException

from lakehouse.config import ConfigError, Settings

BACKENDS = ("local", "k8s")
# Each command runs as the SparkApplication (lakehouse.k8s.JOBS) of its own name, except `import`: an ingest run
# like `scrape` (no Spark work, Kafka and the raw zone), so it uses the scrape application.
SHARED_APPLICATIONS = {"import": "scrape"}


def joblake_task(
    settings: Settings, task_id: str, arguments: list[str], long_running: bool = False, **kwargs: Any
) -> BaseOperator:
    """The task that runs `joblake <arguments>` on the configured backend (`orchestration.backend`).

    `long_running` (the stream): on k8s the task keeps the job's application alive instead of watching it end;
    locally it makes no difference, the command runs to its end like any other.
    """
    from lakehouse.k8s import JOBS

    backend = settings["orchestration.backend"]
    command = arguments[0]
    job = SHARED_APPLICATIONS.get(command, command)
    if job not in JOBS:
        known = ", ".join([*JOBS, *SHARED_APPLICATIONS])
        raise ConfigError(f"no joblake job runs `joblake {command}` (known: {known})")
    if backend == "local":
        from joblake_orchestration.local import JoblakeCommandOperator, workdir

        return JoblakeCommandOperator(task_id=task_id, arguments=arguments, cwd=workdir(settings), **kwargs)
    if backend == "k8s":
        from joblake_orchestration import kubernetes

        build = kubernetes.long_running_application_task if long_running else kubernetes.spark_application_task
        return build(settings, task_id, job, arguments, **kwargs)
    raise ConfigError(f"orchestration.backend must be one of {', '.join(BACKENDS)}, got '{backend}'")


def ingest_commands(settings: Settings) -> dict[str, list[str]]:
    """`orchestration.ingest_sources` as {task_id: arguments}: `scrape_greenhouse`, `import_nhs_jobs`, …

    With ingest_sources ["scrape --source lever", "import /drop/nhs_jobs.csv"]:
    {'scrape_lever': ['scrape', '--source', 'lever', '--quiet'], 'import_nhs_jobs': ['import', '/drop/nhs_jobs.csv']}
    """
    commands: dict[str, list[str]] = {}
    for line in settings["orchestration.ingest_sources"]:
        arguments = shlex.split(line)
        if not arguments or arguments[0] not in ("scrape", "import"):
            raise ConfigError(
                f"orchestration.ingest_sources: each entry is the arguments of `joblake scrape` or `joblake import`, "
                f"got '{line}'"
            )
        if arguments[0] == "scrape" and "--quiet" not in arguments:
            arguments.append("--quiet")  # no progress bar in the task log; the run summary is printed anyway
        base = f"{arguments[0]}_{_slug(_source_name(arguments))}"
        task_id, n = base, 1
        while task_id in commands:
            n += 1
            task_id = f"{base}_{n}"
        commands[task_id] = arguments
    return commands


def _source_name(arguments: list[str]) -> str:
    """What a source line reads: `--source` of a scrape, the file name (without extension) of an import."""
    if arguments[0] == "import":
        files = [a for a in arguments[1:] if not a.startswith("-")]
        return files[0].rstrip("/").rsplit("/", 1)[-1].split(".", 1)[0] if files else "file"
    for i, argument in enumerate(arguments):
        if argument == "--source" and i + 1 < len(arguments):
            return arguments[i + 1]
        if argument.startswith("--source="):
            return argument.split("=", 1)[1]
    return "source"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "source"


def skip_unless_interval_ends_on(every_minutes: int) -> Callable[[Any], None]:
    """A pre_execute hook: skip the task unless the run's data interval ends on a multiple of `every_minutes`.

    Counted from midnight in the interval's timezone, so 60 keeps the runs whose interval ends on the hour.
    """

    def check(context: Any) -> None:
        end = context["data_interval_end"]
        if (end.hour * 60 + end.minute) % every_minutes:
            raise AirflowSkipException(
                f"not due: the data interval ends at {end:%H:%M}, this runs every {every_minutes} minutes"
            )

    return check


def skip_when_unset(value: str, reason: str) -> Callable[[Any], None] | None:
    """A pre_execute hook that skips the task with `reason` when a configured value is empty; None otherwise."""
    if value:
        return None

    def check(context: Any) -> None:
        raise AirflowSkipException(reason)

    return check


class FailIfUpstreamFailed(BaseOperator):
    """The run's last task: fails the run when a task before it failed, even though later tasks ran anyway.

    A DAG run's state is its last tasks' state, so a task that runs after a failure (trigger rule all_done) would
    otherwise mark the run a success. Runs only when an upstream task failed (one_failed); skipped otherwise.
    It sends no alert of its own: the failed task already did.
    """

    ui_color = "#fde8e8"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(trigger_rule="one_failed", retries=0, on_failure_callback=[], **kwargs)

    def execute(self, context: Any) -> None:
        upstream = ", ".join(sorted(self.upstream_task_ids))
        raise AirflowFailException(f"a task of this run failed (one of: {upstream}); its log and alert have the error")
