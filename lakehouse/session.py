"""The one Spark session factory: Delta on, project jars from the Maven-resolved folder."""

from __future__ import annotations

import os
import sys
from importlib import resources
from pathlib import Path

from pyspark.sql import SparkSession

from lakehouse.config import ConfigError, Settings, load_settings
from lakehouse.objectstore import is_s3_uri, s3_credentials, s3_endpoint


def spark_jars(settings: Settings) -> list[str]:
    """The jars `make jars` resolved for Spark; a readable error when they are missing."""
    jars_dir = Path(settings.path("spark.jars_dir"))
    jars = sorted(str(p) for p in jars_dir.glob("*.jar"))
    if not any("delta-spark" in Path(j).name for j in jars):
        raise ConfigError(f"Spark jars are not resolved in {jars_dir}: run `make jars` first")
    return jars


def s3a_options(settings: Settings) -> dict[str, str]:
    """Hadoop `fs.s3a.*` options for an S3-compatible endpoint (`s3.endpoint_url` or the managed server); {} for AWS.

    Credentials (environment, else the managed server's file) are added only when there are some;
    Spark redacts `*.access.key` / `*.secret.key` values wherever it shows its configuration.
    """
    endpoint = s3_endpoint(settings)
    if not endpoint:
        return {}
    options = {
        "fs.s3a.endpoint": endpoint,
        "fs.s3a.endpoint.region": str(settings["s3.region"]),
        "fs.s3a.path.style.access": str(bool(settings["s3.path_style_access"])).lower(),
        "fs.s3a.connection.ssl.enabled": str(endpoint.startswith("https://")).lower(),
    }
    creds = s3_credentials(settings)
    if creds:
        options |= {
            "fs.s3a.aws.credentials.provider": "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider",
            "fs.s3a.access.key": creds.access_key,
            "fs.s3a.secret.key": creds.secret_key,
        }
    return options


def configure_s3a(spark: SparkSession, settings: Settings) -> None:
    """Apply `s3a_options` to a running session (for object stores started after it, e.g. in tests)."""
    hadoop_conf = spark.sparkContext._jsc.hadoopConfiguration()
    for key, value in s3a_options(settings).items():
        hadoop_conf.set(key, value)


def get_spark(settings: Settings | None = None, app_name: str | None = None) -> SparkSession:
    """Build (or return the running) Spark session configured for the profile."""
    settings = settings or load_settings()
    if settings["spark.master"].startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # one machine: no interface guessing
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # Python workers (Arrow UDFs) use this interpreter
    log4j = resources.files("lakehouse.conf").joinpath("log4j2.properties")
    jars = spark_jars(settings)
    if settings["spark.master"].startswith("k8s://"):
        jars = [f"local://{jar}" for jar in jars]  # in every pod's image already: executors fetch nothing
    builder = (
        SparkSession.builder.master(settings["spark.master"])
        .appName(app_name or settings["spark.app_name"])
        .config("spark.jars", ",".join(jars))
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.sql.shuffle.partitions", str(settings["spark.shuffle_partitions"]))
        .config("spark.driver.memory", settings["spark.driver_memory"])
        .config("spark.ui.enabled", str(settings["spark.ui_enabled"]).lower())
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.warehouse.dir", f"{settings.path('lake.root')}/_warehouse")
        .config("spark.databricks.delta.schema.autoMerge.enabled", "false")
        .config("spark.databricks.delta.snapshotPartitions", str(settings["spark.shuffle_partitions"]))
        .config(
            "spark.sql.streaming.stateStore.providerClass",
            "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider",
        )
        .config("spark.hadoop.fs.s3a.impl", "org.apache.hadoop.fs.s3a.S3AFileSystem")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.extraJavaOptions", f"-Duser.timezone=UTC -Dlog4j2.configurationFile={log4j}")
    )
    if any(is_s3_uri(settings.path(key)) for key in ("lake.root", "lake.raw_root")):
        for key, value in s3a_options(settings).items():
            builder = builder.config(f"spark.hadoop.{key}", value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel(settings["spark.log_level"])
    return spark
