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


def catalog_dir(settings: Settings) -> str:
    """The folder of the persistent SQL catalog: `sql.catalog_dir`, else `<lake.root>/_catalog` (a local folder)."""
    folder = (
        settings.path("sql.catalog_dir") if settings["sql.catalog_dir"] else f"{settings.path('lake.root')}/_catalog"
    )
    if "://" in folder:
        raise ConfigError(f"the SQL catalog's Derby metastore needs a local folder, not {folder}: set sql.catalog_dir")
    return folder


def hive_catalog_options(settings: Settings) -> dict[str, str]:
    """Spark options of the Hive catalog: an embedded Derby metastore and the warehouse in `catalog_dir`."""
    folder = catalog_dir(settings)
    return {
        "spark.sql.catalogImplementation": "hive",
        "spark.sql.warehouse.dir": f"{folder}/warehouse",
        "spark.hadoop.javax.jdo.option.ConnectionURL": f"jdbc:derby:;databaseName={folder}/metastore_db;create=true",
    }


def log_options(settings: Settings) -> str:
    """The JVM options that send the driver's log to `spark.log_file` and keep it off the console (empty: console)."""
    log_file = spark_log_file(settings)
    if log_file is None:
        return "-Djoblake.log.console=all"
    return f"-Djoblake.log.file={log_file} -Djoblake.log.file.level=all -Djoblake.log.console=off"


def spark_log_file(settings: Settings) -> str | None:
    """Where the driver JVM logs (lakehouse/conf/log4j2.properties), or None when it logs to the console."""
    return settings.path("spark.log_file") if settings["spark.log_file"] else None


def get_spark(settings: Settings | None = None, app_name: str | None = None, catalog: bool = False) -> SparkSession:
    """Build (or return the running) Spark session configured for the profile.

    `catalog=True`: table names persist in the Hive catalog of `hive_catalog_options` (what `joblake sql` and the
    Thrift server share). It takes effect only when this call starts Spark: a running session keeps its catalog.
    """
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
        # one numpy (BLAS) thread per Python worker, as ONNX Runtime's sessions have: Spark already runs a worker
        # per core, and two BLAS threads each on a busy core spin against each other (the knowledge tagger's
        # networks on 400 postings: 88 s with the default, 52 s with one thread, on a busy local[2])
        .config("spark.executorEnv.OPENBLAS_NUM_THREADS", "1")
        .config("spark.executorEnv.OMP_NUM_THREADS", "1")
        .config("spark.executorEnv.MKL_NUM_THREADS", "1")
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
    )
    java_options = f"-Duser.timezone=UTC -Dlog4j2.configurationFile={log4j} {log_options(settings)}"
    if settings["spark.page_size"]:
        builder = builder.config("spark.buffer.pageSize", settings["spark.page_size"])
    if catalog:
        for key, value in hive_catalog_options(settings).items():
            builder = builder.config(key, value)
        java_options += f" -Dderby.system.home={catalog_dir(settings)}"  # derby.log there, not in the cwd
        # the Thrift server's threads load Delta's classes from the JVM's class path, not from spark.jars
        builder = builder.config("spark.driver.extraClassPath", os.pathsep.join(spark_jars(settings)))
    builder = builder.config("spark.driver.extraJavaOptions", java_options)
    if any(is_s3_uri(settings.path(key)) for key in ("lake.root", "lake.raw_root")):
        for key, value in s3a_options(settings).items():
            builder = builder.config(f"spark.hadoop.{key}", value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel(settings["spark.log_level"])
    return spark
