"""Per-micro-batch metrics of the streaming queries: a log line, a JSON-lines file and Prometheus gauges.

`attach_metrics(spark, metrics_file, port)` registers a `BatchMetricsListener` on the driver; every
query progress event then yields one log line (logger `joblake.streaming`), one JSON line appended to
`metrics_file`, and updated series on `http://<addr>:<port>/metrics` (a registry of its own, so two
listeners or a test never collide). `detach(spark, listener)` removes it and stops the server.
"""

from __future__ import annotations

import json
import logging
import math
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from prometheus_client import CollectorRegistry, Counter, Gauge, start_http_server
from pyspark.sql import SparkSession
from pyspark.sql.streaming import StreamingQueryListener
from pyspark.sql.streaming.listener import (
    QueryIdleEvent,
    QueryProgressEvent,
    QueryStartedEvent,
    QueryTerminatedEvent,
)

logger = logging.getLogger("joblake.streaming")

# Keys Spark's Kafka source (KafkaMicroBatchStream.metrics) puts in `sources[i].metrics`, as strings.
KAFKA_LAG_KEYS = {"min": "minOffsetsBehindLatest", "avg": "avgOffsetsBehindLatest", "max": "maxOffsetsBehindLatest"}


def _number(value: Any) -> float | None:
    """A finite float from a JSON number or numeric string; None for anything else (absent, NaN, junk)."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def kafka_lag(progress: dict[str, Any]) -> dict[str, float | None]:
    """Offsets behind latest over the Kafka sources of one progress: worst max, best min, mean of averages.

    >>> kafka_lag({"sources": [{"metrics": {"maxOffsetsBehindLatest": "7", "avgOffsetsBehindLatest": "2.5"}}]})
    {'min': None, 'avg': 2.5, 'max': 7.0}
    """
    found: dict[str, list[float]] = {stat: [] for stat in KAFKA_LAG_KEYS}
    for source in progress.get("sources") or []:
        metrics = source.get("metrics") if isinstance(source, dict) else None
        if not isinstance(metrics, dict):
            continue
        for stat, key in KAFKA_LAG_KEYS.items():
            number = _number(metrics.get(key))
            if number is not None:
                found[stat].append(number)
    return {
        "min": min(found["min"]) if found["min"] else None,
        "avg": sum(found["avg"]) / len(found["avg"]) if found["avg"] else None,
        "max": max(found["max"]) if found["max"] else None,
    }


def batch_metrics(progress: dict[str, Any]) -> dict[str, Any]:
    """The metrics of one micro-batch from a progress as JSON (`json.loads(progress.json)`); None when absent."""
    duration = progress.get("durationMs") or {}
    duration_ms = _number(duration.get("triggerExecution"))
    if duration_ms is None:
        duration_ms = _number(progress.get("batchDuration"))
    batch_id = progress.get("batchId")
    input_rows = _number(progress.get("numInputRows"))
    lag = kafka_lag(progress)
    return {
        "timestamp": progress.get("timestamp"),
        "query": progress.get("name") or progress.get("id") or "unnamed",
        "query_id": progress.get("id"),
        "run_id": progress.get("runId"),
        "batch_id": batch_id if isinstance(batch_id, int) else None,
        "input_rows": int(input_rows) if input_rows is not None else 0,
        "input_rows_per_second": _number(progress.get("inputRowsPerSecond")),
        "processed_rows_per_second": _number(progress.get("processedRowsPerSecond")),
        "batch_duration_ms": int(duration_ms) if duration_ms is not None else None,
        "kafka_offsets_behind_latest_min": lag["min"],
        "kafka_offsets_behind_latest_avg": lag["avg"],
        "kafka_offsets_behind_latest_max": lag["max"],
    }


@dataclass
class QueryTotals:
    """Running totals of one query, as this listener saw them."""

    batches: int = 0
    input_rows: int = 0


class _PrometheusMetrics:
    """The Prometheus series, in a registry of their own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        labels = ["query"]
        self.batches = Counter(
            "joblake_stream_batches_total", "Micro-batches completed", labels, registry=self.registry
        )
        self.input_rows = Counter(
            "joblake_stream_input_rows_total", "Rows read from the sources", labels, registry=self.registry
        )
        self.last_batch_id = Gauge(
            "joblake_stream_last_batch_id", "Id of the latest completed micro-batch", labels, registry=self.registry
        )
        self.batch_duration = Gauge(
            "joblake_stream_batch_duration_seconds",
            "Duration of the latest micro-batch (durationMs.triggerExecution)",
            labels,
            registry=self.registry,
        )
        self.input_rate = Gauge(
            "joblake_stream_input_rows_per_second",
            "Input rate of the latest micro-batch",
            labels,
            registry=self.registry,
        )
        self.processed_rate = Gauge(
            "joblake_stream_processed_rows_per_second",
            "Processing rate of the latest micro-batch",
            labels,
            registry=self.registry,
        )
        self.kafka_lag = Gauge(
            "joblake_stream_kafka_offsets_behind_latest",
            "Kafka offsets behind latest after the latest micro-batch (stat: max over partitions, avg, min)",
            ["query", "stat"],
            registry=self.registry,
        )

    def record(self, metrics: dict[str, Any]) -> None:
        query = metrics["query"]
        self.batches.labels(query).inc()
        self.input_rows.labels(query).inc(metrics["input_rows"])
        if metrics["batch_id"] is not None:
            self.last_batch_id.labels(query).set(metrics["batch_id"])
        if metrics["batch_duration_ms"] is not None:
            self.batch_duration.labels(query).set(metrics["batch_duration_ms"] / 1000)
        if metrics["input_rows_per_second"] is not None:
            self.input_rate.labels(query).set(metrics["input_rows_per_second"])
        if metrics["processed_rows_per_second"] is not None:
            self.processed_rate.labels(query).set(metrics["processed_rows_per_second"])
        for stat in KAFKA_LAG_KEYS:
            value = metrics[f"kafka_offsets_behind_latest_{stat}"]
            if value is not None:
                self.kafka_lag.labels(query, stat).set(value)


class BatchMetricsListener(StreamingQueryListener):
    """Log, append to a JSON-lines file and export to Prometheus the metrics of every micro-batch.

    `metrics_file` None or "" writes no file; `port` None or 0 starts no HTTP server. `addr` is the
    interface the server binds (127.0.0.1 by default; 0.0.0.0 to be scraped from outside a pod).
    """

    def __init__(self, metrics_file: str | None = None, port: int | None = None, addr: str = "127.0.0.1") -> None:
        self._lock = threading.Lock()
        self._totals: dict[str, QueryTotals] = {}
        self._prometheus = _PrometheusMetrics()
        self._file: IO[str] | None = None
        self.metrics_file = metrics_file or None
        if self.metrics_file:
            path = Path(self.metrics_file)
            path.parent.mkdir(parents=True, exist_ok=True)
            self._file = path.open("a", encoding="utf-8")
        self._server = None
        self._server_thread: threading.Thread | None = None
        self.port = port or None
        if self.port:
            try:
                self._server, self._server_thread = start_http_server(self.port, addr=addr, registry=self.registry)
            except OSError:  # the port is taken: do not leave the file open behind the error
                self.close()
                raise

    @property
    def registry(self) -> CollectorRegistry:
        """The Prometheus registry holding this listener's series."""
        return self._prometheus.registry

    def totals(self) -> dict[str, QueryTotals]:
        """A copy of the running totals per query name."""
        with self._lock:
            return {query: QueryTotals(t.batches, t.input_rows) for query, t in self._totals.items()}

    def record(self, progress: dict[str, Any]) -> dict[str, Any]:
        """Record one progress (as a JSON dict) in the totals, the log, the file and Prometheus."""
        metrics = batch_metrics(progress)
        with self._lock:
            totals = self._totals.setdefault(metrics["query"], QueryTotals())
            totals.batches += 1
            totals.input_rows += metrics["input_rows"]
            line = {**metrics, "total_batches": totals.batches, "total_input_rows": totals.input_rows}
            self._prometheus.record(metrics)
            if self._file is not None:
                self._file.write(json.dumps(line) + "\n")
                self._file.flush()
        logger.info(
            "stream %s batch %s: %d rows in %s ms (%s rows/s in, %s rows/s processed, kafka lag max %s);"
            " total %d batches, %d rows",
            line["query"],
            line["batch_id"],
            line["input_rows"],
            line["batch_duration_ms"],
            _fmt(line["input_rows_per_second"]),
            _fmt(line["processed_rows_per_second"]),
            _fmt(line["kafka_offsets_behind_latest_max"]),
            line["total_batches"],
            line["total_input_rows"],
        )
        return line

    def onQueryStarted(self, event: QueryStartedEvent) -> None:  # noqa: N802 (Spark's callback name)
        """Log the start of a query."""
        logger.info("stream %s started (id %s, run %s)", event.name, event.id, event.runId)

    def onQueryProgress(self, event: QueryProgressEvent) -> None:  # noqa: N802 (Spark's callback name)
        """Record a completed micro-batch; a failure here is logged, never raised into Spark."""
        try:
            self.record(json.loads(event.progress.json))
        except Exception:
            logger.exception("could not record streaming progress")

    def onQueryIdle(self, event: QueryIdleEvent) -> None:  # noqa: N802 (Spark's callback name)
        """Nothing to record: idle events carry no batch."""

    def onQueryTerminated(self, event: QueryTerminatedEvent) -> None:  # noqa: N802 (Spark's callback name)
        """Log the end of a query, with its exception when it failed."""
        if event.exception:
            logger.warning("stream query %s terminated with an error: %s", event.id, event.exception)
        else:
            logger.info("stream query %s terminated", event.id)

    def close(self) -> None:
        """Stop the HTTP server and close the metrics file (safe to call twice)."""
        with self._lock:
            server, self._server = self._server, None
            thread, self._server_thread = self._server_thread, None
            file, self._file = self._file, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        if file is not None:
            file.close()


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"


def attach_metrics(
    spark: SparkSession, metrics_file: str | None, port: int | None, addr: str = "127.0.0.1"
) -> BatchMetricsListener:
    """Register a BatchMetricsListener on `spark` and return it (detach it with `detach`)."""
    listener = BatchMetricsListener(metrics_file, port, addr)
    try:
        spark.streams.addListener(listener)
    except Exception:
        listener.close()
        raise
    return listener


def detach(spark: SparkSession, listener: BatchMetricsListener, drain_timeout_ms: int = 10_000) -> None:
    """Unregister the listener and stop its server and file, once the events already posted reached it.

    Spark delivers listener events on its own thread, after the query that raised them moves on:
    the progress of the last micro-batch of an `availableNow` run usually arrives after
    `awaitTermination` returned. Waiting for the listener bus to drain keeps that batch.
    """
    try:
        spark.sparkContext._jsc.sc().listenerBus().waitUntilEmpty(drain_timeout_ms)
    except Exception as exc:  # a timeout or a bus already stopped: the metrics are best effort
        logger.warning("streaming metrics: listener events not drained (%s)", type(exc).__name__)
    try:
        spark.streams.removeListener(listener)
    finally:
        listener.close()
