"""joblake_ingest: scrape or import every configured source, then re-check open postings on the hour."""

from __future__ import annotations

from airflow.sdk import DAG
from joblake_orchestration.defaults import dag_arguments
from joblake_orchestration.tasks import (
    FailIfUpstreamFailed,
    ingest_commands,
    joblake_task,
    skip_unless_interval_ends_on,
)

from lakehouse.config import load_settings

DOC_MD = """
### joblake_ingest

Every 15 minutes (`orchestration.ingest_schedule`) each source in `orchestration.ingest_sources` runs as its own
task, `joblake scrape …` or `joblake import …`: postings go to Kafka (`kafka.topic`) and the raw zone, and the
dedup-at-source ledger (`scrape.state_db`) drops what an earlier run already published, so overlapping runs and
retries publish nothing twice. One source failing does not stop the others.

`validate_open_postings` (`joblake validate`) then re-checks active postings and publishes a closed event for
each one gone. It runs when the data interval ends on a multiple of `orchestration.validate_every_minutes`
(60: on the hour) and is skipped in the other runs; it runs after the sources even when one failed
(`all_done`), so a broken board does not stop validation. `fail_if_a_source_failed` then fails the run when
any task did, so the run's state tells the truth; the failed task has already sent its alert.

One run at a time (the ledger is a SQLite file). Retries back off exponentially (`orchestration.retries`,
`retry_delay_s`, `retry_backoff`). Backend: `orchestration.backend` (local subprocess or SparkApplication).
"""

settings = load_settings()
every = settings["orchestration.validate_every_minutes"]

with DAG(
    "joblake_ingest",
    description="scrape/import the configured sources; validate open postings hourly",
    doc_md=DOC_MD,
    **dag_arguments(settings, "ingest_schedule", "ingestion"),
) as dag:
    sources = [joblake_task(settings, task_id, arguments) for task_id, arguments in ingest_commands(settings).items()]
    limit = settings["orchestration.validate_limit"]
    validate = joblake_task(
        settings,
        "validate_open_postings",
        ["validate", *(["--limit", str(limit)] if limit else [])],
        trigger_rule="all_done",
        pre_execute=skip_unless_interval_ends_on(every),
    )
    outcome = FailIfUpstreamFailed(task_id="fail_if_a_source_failed")
    sources >> validate >> outcome
    sources >> outcome
