"""The raw zone on a real S3-compatible server: landed with boto3, counted back, read by Spark over s3a://."""

from __future__ import annotations

import re

import pytest
from pyspark.sql import functions as F

from ingestion.avro_codec import decode_posting
from ingestion.generator import generate_records
from ingestion.raw_zone import count_raw_records, land
from lakehouse.objectstore import ensure_bucket, s3_client
from lakehouse.session import configure_s3a

pytestmark = pytest.mark.s3

BUCKET = "joblake-raw-test"
COUNT = 200
PART = re.compile(r"raw/source=generator/year=\d{4}/month=\d\d/day=\d\d/keyword=[a-z0-9_]+/part-run1\.avro")


def _decoded(value: bytes) -> dict | None:
    try:
        return decode_posting(bytes(value))
    except ValueError:
        return None


@pytest.fixture(scope="module")
def landed(s3_server):
    """200 generated records landed under s3a://<bucket>/raw by one run."""
    settings = s3_server.with_overrides({"lake.raw_root": f"s3a://{BUCKET}/raw"})
    ensure_bucket(settings, BUCKET)
    records = generate_records(COUNT, seed=3)
    partitions = land(records, settings.path("lake.raw_root"), "run1", settings=settings)
    return {"settings": settings, "records": records, "partitions": partitions}


def test_every_landed_record_is_counted_back(landed):
    settings = landed["settings"]
    assert sum(landed["partitions"].values()) == COUNT
    assert count_raw_records(settings.path("lake.raw_root"), settings=settings) == COUNT


def test_objects_follow_the_partition_layout(landed):
    listed = s3_client(landed["settings"]).list_objects_v2(Bucket=BUCKET, Prefix="raw/")
    keys = [obj["Key"] for obj in listed["Contents"]]
    assert len(keys) == len(landed["partitions"])
    assert all(PART.fullmatch(key) for key in keys), keys


def test_landing_the_same_run_again_replaces_its_files(s3_server):
    settings, root = s3_server, f"s3://{BUCKET}/rerun"
    ensure_bucket(settings, BUCKET)
    records = generate_records(20, seed=5)
    land(records, root, "same-run", settings=settings)
    land(records, root, "same-run", settings=settings)
    assert count_raw_records(root, settings=settings) == 20


@pytest.mark.spark
def test_spark_reads_the_landed_avro_over_s3a(landed, spark):
    configure_s3a(spark, landed["settings"])
    raw_df = spark.read.format("avro").load(f"s3a://{BUCKET}/raw")
    assert raw_df.count() == COUNT
    good = next(r for r in landed["records"] if _decoded(r.value))
    values = [row.value for row in raw_df.where(F.col("key") == good.key).select("value").collect()]
    assert decode_posting(good.value) in [_decoded(value) for value in values]
