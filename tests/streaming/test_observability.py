"""Batch metrics of streaming queries: parsing, the JSON-lines file, the Prometheus endpoint and the log line."""

from __future__ import annotations

import json
import logging
import socket
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from pyspark.sql.streaming.listener import QueryProgressEvent

from streaming.observability import BatchMetricsListener, QueryTotals, attach_metrics, batch_metrics, detach, kafka_lag

QUERY_ID = "8a7b2c4e-0a4f-4d3e-9f61-3f0c3c2b1a00"
RUN_ID = "1d2e3f40-5a6b-4c7d-8e9f-a0b1c2d3e4f5"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def progress(batch_id: int = 0, rows: int = 10, sources: list | None = None, **fields) -> dict:
    """A progress as Spark's `StreamingQueryProgress.json` writes it (NaN rates are left out)."""
    return {
        "id": QUERY_ID,
        "runId": RUN_ID,
        "name": "bronze_postings",
        "timestamp": "2026-11-01T06:00:00.000Z",
        "batchId": batch_id,
        "batchDuration": 1300,
        "numInputRows": rows,
        "inputRowsPerSecond": 20.0,
        "processedRowsPerSecond": 8.0,
        "durationMs": {"addBatch": 1000, "triggerExecution": 1250},
        "stateOperators": [],
        "sources": sources if sources is not None else [],
        "sink": {"description": "ForeachBatchSink", "numOutputRows": -1},
        **fields,
    }


def kafka_source(**metrics: str) -> dict:
    return {
        "description": "KafkaV2[Subscribe[jobs.postings.v1]]",
        "startOffset": {"jobs.postings.v1": {"0": 0}},
        "endOffset": {"jobs.postings.v1": {"0": 10}},
        "latestOffset": {"jobs.postings.v1": {"0": 17}},
        "numInputRows": 10,
        "inputRowsPerSecond": 20.0,
        "processedRowsPerSecond": 8.0,
        "metrics": metrics,
    }


def scrape(port: int) -> dict[tuple[str, tuple], float]:
    """`{(sample name, sorted labels): value}` from the listener's /metrics endpoint."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        text = response.read().decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


@pytest.fixture
def listener(tmp_path: Path) -> Iterator[BatchMetricsListener]:
    """A listener writing to a nested metrics file and serving on a free port, closed afterwards."""
    created = BatchMetricsListener(str(tmp_path / "metrics" / "run" / "batches.jsonl"), _free_port())
    yield created
    created.close()


@pytest.mark.parametrize(
    ("sources", "expected"),
    [
        # one Kafka source: Spark reports the numbers as strings
        (
            [kafka_source(minOffsetsBehindLatest="0", avgOffsetsBehindLatest="4.5", maxOffsetsBehindLatest="9")],
            {"min": 0.0, "avg": 4.5, "max": 9.0},
        ),
        # two Kafka sources: worst max, best min, mean of the averages
        (
            [
                kafka_source(minOffsetsBehindLatest="1", avgOffsetsBehindLatest="2", maxOffsetsBehindLatest="3"),
                kafka_source(minOffsetsBehindLatest="5", avgOffsetsBehindLatest="6", maxOffsetsBehindLatest="30"),
            ],
            {"min": 1.0, "avg": 4.0, "max": 30.0},
        ),
        # a file source has no lag metrics at all
        ([{"description": "FileStreamSource[file:/in]", "numInputRows": 3}], {"min": None, "avg": None, "max": None}),
        # Kafka before the latest offsets are known: empty metrics
        ([kafka_source()], {"min": None, "avg": None, "max": None}),
        # junk, NaN and null values are ignored, good ones kept
        (
            [kafka_source(minOffsetsBehindLatest="n/a", avgOffsetsBehindLatest="NaN", maxOffsetsBehindLatest="12")],
            {"min": None, "avg": None, "max": 12.0},
        ),
        # a malformed sources list does not raise
        ([None, {"metrics": "not a dict"}], {"min": None, "avg": None, "max": None}),
    ],
)
def test_kafka_lag_is_parsed_defensively(sources, expected):
    assert kafka_lag(progress(sources=sources)) == expected


def test_batch_metrics_reads_the_progress_json():
    lag = kafka_source(minOffsetsBehindLatest="0", avgOffsetsBehindLatest="1.5", maxOffsetsBehindLatest="3")
    metrics = batch_metrics(progress(batch_id=4, rows=25, sources=[lag]))
    assert metrics == {
        "timestamp": "2026-11-01T06:00:00.000Z",
        "query": "bronze_postings",
        "query_id": QUERY_ID,
        "run_id": RUN_ID,
        "batch_id": 4,
        "input_rows": 25,
        "input_rows_per_second": 20.0,
        "processed_rows_per_second": 8.0,
        "batch_duration_ms": 1250,
        "kafka_offsets_behind_latest_min": 0.0,
        "kafka_offsets_behind_latest_avg": 1.5,
        "kafka_offsets_behind_latest_max": 3.0,
    }


def test_batch_metrics_leaves_absent_values_empty():
    # the first batch of a query has no input rate (Spark drops NaN from the JSON); no triggerExecution either
    bare = progress(name=None, durationMs={}, batchDuration=None)
    del bare["inputRowsPerSecond"]
    metrics = batch_metrics(bare)
    assert metrics["query"] == QUERY_ID  # an unnamed query is labelled by its id
    assert metrics["input_rows_per_second"] is None and metrics["batch_duration_ms"] is None


def test_listener_records_a_progress_event_everywhere(listener, caplog):
    caplog.set_level(logging.INFO, logger="joblake.streaming")
    lag = kafka_source(minOffsetsBehindLatest="0", avgOffsetsBehindLatest="2", maxOffsetsBehindLatest="7")
    for batch_id, rows in enumerate([10, 5]):
        event = QueryProgressEvent.fromJson({"progress": progress(batch_id, rows, sources=[lag])})
        listener.onQueryProgress(event)

    lines = [json.loads(line) for line in Path(listener.metrics_file).read_text().splitlines()]
    assert [(line["batch_id"], line["input_rows"], line["total_input_rows"]) for line in lines] == [
        (0, 10, 10),
        (1, 5, 15),
    ]
    samples = scrape(listener.port)
    query = (("query", "bronze_postings"),)
    assert samples[("joblake_stream_input_rows_total", query)] == 15
    assert samples[("joblake_stream_batches_total", query)] == 2
    assert samples[("joblake_stream_batch_duration_seconds", query)] == 1.25
    assert samples[("joblake_stream_kafka_offsets_behind_latest", (("query", "bronze_postings"), ("stat", "max")))] == 7
    assert any("stream bronze_postings batch 1: 5 rows" in message for message in caplog.messages)


def test_a_bad_progress_is_logged_not_raised(listener, caplog):
    class Broken:
        @property
        def progress(self):
            raise RuntimeError("py4j went away")

    listener.onQueryProgress(Broken())
    assert "could not record streaming progress" in caplog.text
    assert listener.totals() == {}


def test_close_stops_the_server_and_is_idempotent(tmp_path):
    port = _free_port()
    created = BatchMetricsListener(None, port)
    assert scrape(port) is not None
    created.close()
    created.close()
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2)


def test_no_file_and_no_port_means_only_the_log(tmp_path):
    created = BatchMetricsListener(metrics_file="", port=0)
    created.record(progress())
    assert created.port is None and created.metrics_file is None
    assert created.totals()["bronze_postings"].input_rows == 10
    created.close()


def _wait_for(condition, timeout_s: float = 10.0) -> None:
    """Listener events reach Python asynchronously: poll until `condition()` holds."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the listener did not see the batches in time")
        time.sleep(0.1)


@pytest.mark.spark
def test_a_real_stream_is_measured_per_batch(spark, tmp_path, checkpoint_dir, caplog):
    caplog.set_level(logging.INFO, logger="joblake.streaming")
    source = tmp_path / "in"
    source.mkdir()
    sizes = [3, 4, 5]
    for index, size in enumerate(sizes):
        rows = [json.dumps({"posting_id": f"p{index}-{n}", "salary": n * 1000}) for n in range(size)]
        (source / f"part-{index}.json").write_text("\n".join(rows) + "\n")
    metrics_file = tmp_path / "metrics" / "streaming.jsonl"
    listener = attach_metrics(spark, str(metrics_file), _free_port())
    try:
        query = (
            spark.readStream.schema("posting_id string, salary long")
            .option("maxFilesPerTrigger", 1)
            .json(str(source))
            .writeStream.queryName("observability_test")
            .format("noop")
            .option("checkpointLocation", checkpoint_dir)
            .trigger(availableNow=True)
            .start()
        )
        query.awaitTermination(60)
        _wait_for(lambda: listener.totals().get("observability_test", QueryTotals()).input_rows >= sum(sizes))

        lines = [json.loads(line) for line in metrics_file.read_text().splitlines()]
        assert {line["query"] for line in lines} == {"observability_test"}
        assert sorted(line["input_rows"] for line in lines if line["input_rows"]) == sizes
        assert sum(line["input_rows"] for line in lines) == sum(sizes)
        assert all(
            line["batch_duration_ms"] is not None and line["kafka_offsets_behind_latest_max"] is None for line in lines
        )

        samples = scrape(listener.port)
        label = (("query", "observability_test"),)
        assert samples[("joblake_stream_input_rows_total", label)] == sum(sizes)
        assert samples[("joblake_stream_batches_total", label)] == len(lines)
        assert samples[("joblake_stream_batch_duration_seconds", label)] > 0
        assert ("joblake_stream_processed_rows_per_second", label) in samples
        assert any(message.startswith("stream observability_test batch") for message in caplog.messages)
    finally:
        detach(spark, listener)


@pytest.mark.spark
@pytest.mark.kafka
def test_a_real_kafka_stream_reports_its_lag(spark, kafka_broker, tmp_path, checkpoint_dir):
    from pyspark.sql import functions as F

    from ingestion.kafka_sink import ensure_topic

    settings = kafka_broker.with_overrides({"kafka.topic": "observability.lag.v1", "kafka.topic_partitions": 3})
    ensure_topic(settings)
    servers = settings["kafka.bootstrap_servers"]
    (
        spark.range(30)
        .select(F.col("id").cast("string").alias("value"), (F.col("id") % 3).cast("int").alias("partition"))
        .write.format("kafka")
        .option("kafka.bootstrap.servers", servers)
        .option("topic", settings["kafka.topic"])
        .save()
    )
    listener = attach_metrics(spark, str(tmp_path / "kafka.jsonl"), None)
    try:
        query = (
            spark.readStream.format("kafka")
            .option("kafka.bootstrap.servers", servers)
            .option("subscribe", settings["kafka.topic"])
            .option("startingOffsets", "earliest")
            .option("maxOffsetsPerTrigger", 10)
            .load()
            .writeStream.queryName("observability_kafka_test")
            .format("noop")
            .option("checkpointLocation", checkpoint_dir)
            .trigger(availableNow=True)
            .start()
        )
        query.awaitTermination(60)
        _wait_for(lambda: listener.totals().get("observability_kafka_test", QueryTotals()).input_rows >= 30)

        lines = [json.loads(line) for line in (tmp_path / "kafka.jsonl").read_text().splitlines()]
        assert len(lines) >= 3  # 30 offsets, at most 10 a batch
        assert lines[0]["kafka_offsets_behind_latest_max"] > 0  # the first batch left work behind
        assert lines[-1]["kafka_offsets_behind_latest_max"] == 0  # the last one caught up
    finally:
        detach(spark, listener)


@pytest.mark.spark
def test_detach_keeps_the_last_batch_of_a_run(spark, tmp_path, checkpoint_dir):
    source = tmp_path / "in"
    source.mkdir()
    (source / "part-0.json").write_text("\n".join(json.dumps({"n": n}) for n in range(7)) + "\n")
    metrics_file = tmp_path / "last.jsonl"
    listener = attach_metrics(spark, str(metrics_file), None)
    try:
        (
            spark.readStream.schema("n long")
            .json(str(source))
            .writeStream.queryName("observability_last_batch")
            .format("noop")
            .option("checkpointLocation", checkpoint_dir)
            .trigger(availableNow=True)
            .start()
            .awaitTermination(60)
        )
    finally:
        detach(spark, listener)  # right away, as run_stream does: no waiting in the test
    lines = [json.loads(line) for line in metrics_file.read_text().splitlines()]
    assert sum(line["input_rows"] for line in lines) == 7


def test_a_taken_port_raises_and_leaves_nothing_open(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(OSError):
            BatchMetricsListener(str(tmp_path / "m.jsonl"), taken.getsockname()[1])
