"""joblake_stream: Kafka -> bronze -> silver, caught up once per interval locally, kept running on Kubernetes."""

from __future__ import annotations

from airflow.sdk import DAG
from joblake_orchestration.defaults import dag_arguments
from joblake_orchestration.tasks import joblake_task

from lakehouse.config import load_settings

DOC_MD = """
### joblake_stream

One task, `stream_to_silver`: `joblake stream --trigger <streaming.trigger>` (Kafka → bronze → silver, exactly
once through the checkpoint under the lake).

- **local** (`streaming.trigger: availableNow`): each run reads what arrived since the last one, writes it and
  stops: one catch-up per `orchestration.stream_schedule` interval (10 minutes). One run at a time, so two
  catch-ups never share the checkpoint.
- **k8s** (`streaming.trigger: processingTime:30 seconds`): the stream is one long-running SparkApplication,
  applied with the overlay and restarted by the Spark operator (restartPolicy Always). A task that watched it to
  the end would hold a worker slot for weeks, and a second submission would fight the first over the
  checkpoint, so here the task keeps it alive instead: every interval it checks the `stream` application, submits
  it when it is missing, and when it has ended deletes and re-submits it and fails (no retry), so the alert says
  that the stream had stopped and why.

Either way the checkpoint makes a rerun or restart safe: a micro-batch is never applied twice.
"""

settings = load_settings()

with DAG(
    "joblake_stream",
    description="Kafka -> bronze -> silver: availableNow per interval locally, a long-running application on k8s",
    doc_md=DOC_MD,
    **dag_arguments(settings, "stream_schedule", "streaming"),
) as dag:
    joblake_task(
        settings, "stream_to_silver", ["stream", "--trigger", settings["streaming.trigger"]], long_running=True
    )
