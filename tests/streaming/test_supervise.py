"""streaming.job.supervise: a failed long-running query restarts from its checkpoint with backoff."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyspark.errors import StreamingQueryException
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql.streaming import StreamingQuery

from streaming.job import supervise

pytestmark = pytest.mark.spark


class FlakySink:
    """A foreachBatch sink that fails its first `failures` calls, then appends each batch's ids."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls = 0
        self.written: list[int] = []

    def __call__(self, batch: DataFrame, batch_id: int) -> None:
        self.calls += 1
        if self.calls <= self.failures:
            raise RuntimeError(f"sink unavailable (call {self.calls})")
        self.written.extend(row.id for row in batch.collect())


def starter(spark: SparkSession, source: Path, checkpoint: Path, sink: FlakySink):
    """Start an availableNow query over the parquet files in `source`; counts its starts."""
    starts: list[StreamingQuery] = []

    def start() -> StreamingQuery:
        query = (
            spark.readStream.schema("id long")
            .parquet(str(source))
            .writeStream.queryName(f"flaky_{len(starts)}")
            .option("checkpointLocation", str(checkpoint))
            .foreachBatch(sink)
            .trigger(availableNow=True)
            .start()
        )
        starts.append(query)
        return query

    return start, starts


@pytest.fixture
def source(spark: SparkSession, tmp_path: Path) -> Path:
    path = tmp_path / "source"
    spark.range(10).coalesce(1).write.parquet(str(path))
    return path


def test_failed_query_restarts_with_doubling_backoff_and_loses_nothing(
    spark: SparkSession, source: Path, tmp_path: Path
) -> None:
    sink = FlakySink(failures=2)
    start, starts = starter(spark, source, tmp_path / "checkpoint", sink)
    delays: list[float] = []

    supervise(spark, {"flaky": start}, max_restarts=3, backoff_s=1.5, sleep=delays.append)

    assert delays == [1.5, 3.0]  # two consecutive failures, the wait doubling
    assert len(starts) == 3
    assert sorted(sink.written) == list(range(10))  # the third start wrote the batch once
    assert not spark.streams.active


def test_gives_up_after_max_restarts_with_the_query_error(spark: SparkSession, source: Path, tmp_path: Path) -> None:
    sink = FlakySink(failures=100)
    start, starts = starter(spark, source, tmp_path / "checkpoint", sink)
    delays: list[float] = []

    with pytest.raises(StreamingQueryException, match="sink unavailable"):
        supervise(spark, {"flaky": start}, max_restarts=2, backoff_s=1.0, sleep=delays.append)

    assert delays == [1.0, 2.0]
    assert len(starts) == 3  # the first start and two restarts
    assert sink.written == []
    assert not spark.streams.active
