"""joblake_nightly: build the gold star schema for the data interval's day (silver gate first), match stored resumes."""

from __future__ import annotations

from airflow.sdk import DAG
from joblake_orchestration.defaults import dag_arguments
from joblake_orchestration.tasks import joblake_task, skip_when_unset

from lakehouse.config import load_settings

DOC_MD = """
### joblake_nightly

The night of day D runs after D ends (`orchestration.nightly_schedule`, data interval = D); every step gets
`--date D` from the data interval, never from the clock, so a rerun of an old night is the same night.

1. **`build_gold`** — `joblake nightly --date D`, one task on purpose. Inside it: silver at one pinned version →
   the silver quality gate (Great Expectations, spark_jobs/quality.py; it fails fast with its one line before
   anything touches gold) → silver's change feed since the last good night → skills (Spark NLP + the knowledge
   tagger) → embeddings (MiniLM) → the fact and bridges of changed postings → dimensions → duplicate groups →
   aggregates → the gold quality gate → `gold.nightly_runs`. The night is a transaction: when any step or the
   gold gate fails, every gold table is restored to its version before the night and the next night starts
   from the same silver. Split into Airflow tasks, a failure between tasks would leave gold half-updated with
   nothing to roll it back, each task would read a different silver version (a gate task could pass a version
   the build never reads, since the stream writes all the time), and on Kubernetes each would pay a Spark start
   and re-read silver. Which step failed is in the task's one-line error and `gold.nightly_runs`.
2. **`match_stored_resumes`** — `joblake match --resume <orchestration.resume_dir>`: every stored resume
   against the new gold with the registered champion, replacing their rows in `gold.resume_matches`.
   Skipped when no folder is configured.

One night at a time. Retries back off exponentially; a failed gate is data, so its retries fail the same way
and the alert carries the gate's line (which rule broke, how many rows, where the report is).
"""

settings = load_settings()
NIGHT = "{{ data_interval_start | ds }}"  # the day the run covers
resume_dir = settings["orchestration.resume_dir"]

with DAG(
    "joblake_nightly",
    description="gold star schema (silver gate, skills, embeddings, duplicates, aggregates, gold gate) -> matches",
    doc_md=DOC_MD,
    **dag_arguments(settings, "nightly_schedule", "gold"),
) as dag:
    gold = joblake_task(settings, "build_gold", ["nightly", "--date", NIGHT])
    match = joblake_task(
        settings,
        "match_stored_resumes",
        ["match", "--resume", resume_dir],
        pre_execute=skip_when_unset(resume_dir, "orchestration.resume_dir is empty: no stored resumes to match"),
    )
    gold >> match
