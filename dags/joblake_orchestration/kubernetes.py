"""The k8s backend: a task submits the job's SparkApplication (rendered by lakehouse.k8s) and watches it to the end.

The stream is the one exception: it runs for weeks, so it is not a task that watches it to the end but a check
that keeps its application alive (`KeepSparkApplicationRunning`).

Imported only when `orchestration.backend` is k8s: the provider pulls in the Kubernetes client, which the local
backend's DAG parsing does not need.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from airflow.providers.cncf.kubernetes.hooks.kubernetes import KubernetesHook
from airflow.providers.cncf.kubernetes.operators.spark_kubernetes import SparkKubernetesOperator
from airflow.sdk import BaseOperator
from airflow.sdk.exceptions import AirflowException, AirflowFailException

from lakehouse.config import Settings


class SparkApplicationOperator(SparkKubernetesOperator):
    """SparkKubernetesOperator for an application spec given as a dict (`template_spec`).

    Its strings are rendered as Jinja templates (the run's date in `spec.arguments`), but never read as template
    files: the provider treats any string ending in yaml/yml/json as a file name, and an argument such as
    `import /data/drop/postings.json` is data.
    """

    template_ext: Sequence[str] = ()


def spark_application_task(
    settings: Settings, task_id: str, job: str, arguments: list[str], **kwargs: Any
) -> SparkApplicationOperator:
    """A task running `joblake <arguments>` as the SparkApplication of `job` for the configured overlay."""
    application, namespace = _rendered(settings, job, arguments)
    return SparkApplicationOperator(
        task_id=task_id,
        template_spec=application,
        namespace=namespace,
        kubernetes_conn_id=settings["orchestration.kubernetes_conn_id"],
        get_logs=True,  # the driver's output, including the CLI's one-line error, in the task log
        log_events_on_failure=True,
        delete_on_termination=True,
        reattach_on_restart=True,  # a restarted worker watches the running application instead of starting another
        **kwargs,
    )


# spark-operator's application states (v1beta2): the first set is a live or restarting application, the second
# one that has ended and will not come back by itself.
ALIVE_STATES = {"", "NEW", "SUBMITTED", "RUNNING", "PENDING_RERUN", "INVALIDATING", "SUCCEEDING", "FAILING"}
ENDED_STATES = {"COMPLETED", "FAILED", "SUBMISSION_FAILED"}


class KeepSparkApplicationRunning(BaseOperator):
    """Keep a long-running SparkApplication alive: submit it when absent, re-submit it when it has ended.

    The stream is applied with the k8s overlay and restarted by the Spark operator itself (restartPolicy
    Always); a second copy would fight the first over its checkpoint, so this never starts one beside a live
    application. It submits the rendered application when none of that name exists, and when one has ended it
    deletes and re-submits it, then fails without retrying so the alert says it had stopped and why.
    """

    template_fields: Sequence[str] = ()
    ui_color = "#f4a460"

    def __init__(self, *, application: dict, namespace: str, kubernetes_conn_id: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.application = application
        self.namespace = namespace
        self.kubernetes_conn_id = kubernetes_conn_id

    def execute(self, context: Any) -> str:
        from kubernetes.client.exceptions import ApiException

        group, version = self.application["apiVersion"].split("/")
        name = self.application["metadata"]["name"]
        where = {"group": group, "version": version, "plural": "sparkapplications", "namespace": self.namespace}
        hook = KubernetesHook(conn_id=self.kubernetes_conn_id)
        try:
            current = hook.get_custom_object(name=name, **where)
        except ApiException as exc:
            if exc.status != 404:
                raise
            hook.create_custom_object(body=self.application, **where)
            self.log.info("SparkApplication %s/%s was not there: submitted", self.namespace, name)
            return "SUBMITTED"
        status = (current.get("status") or {}).get("applicationState") or {}
        state = status.get("state", "")
        if state in ALIVE_STATES:
            self.log.info("SparkApplication %s/%s is %s", self.namespace, name, state or "NEW")
            return state
        if state in ENDED_STATES:
            hook.delete_custom_object(name=name, **where)
            hook.create_custom_object(body=self.application, **where)
            error = (status.get("errorMessage") or "no error message").strip().splitlines()[0]
            raise AirflowFailException(f"SparkApplication {name} had stopped ({state}: {error}); re-submitted it")
        raise AirflowException(f"SparkApplication {name} is in an unexpected state {state!r}")


def long_running_application_task(
    settings: Settings, task_id: str, job: str, arguments: list[str], **kwargs: Any
) -> KeepSparkApplicationRunning:
    """A task keeping the SparkApplication of `job` (the stream) running with these arguments."""
    application, namespace = _rendered(settings, job, arguments)
    return KeepSparkApplicationRunning(
        task_id=task_id,
        application=application,
        namespace=namespace,
        kubernetes_conn_id=settings["orchestration.kubernetes_conn_id"],
        **kwargs,
    )


def _rendered(settings: Settings, job: str, arguments: list[str]) -> tuple[dict, str]:
    """The job's SparkApplication for the configured overlay, and where it runs: orchestration.namespace, else
    the namespace the rendered application names, else `default`."""
    from lakehouse.k8s import spark_application

    application = spark_application(job, overlay=settings["orchestration.k8s_overlay"], arguments=arguments)
    namespace = settings["orchestration.namespace"] or application.get("metadata", {}).get("namespace") or "default"
    return application, namespace
