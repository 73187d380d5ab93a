"""The nightly job on a real silver table written by the streaming foreachBatch function.

Incremental nights equal a full rebuild, a rerun changes nothing, and a failed gate keeps the last good gold.
"""

import io
import json
from contextlib import redirect_stdout
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from delta.tables import DeltaTable
from pyspark.sql import functions as F

from ingestion.avro_codec import encode_posting
from ingestion.generator import generate_postings
from ingestion.keys import posting_key
from lakehouse import cli
from lakehouse.catalog import table_path
from lakehouse.config import env_name, load_settings
from spark_jobs.nightly import GOLD_TABLES, NIGHTLY_STAGES, RUNS_TABLE, run_nightly
from spark_jobs.quality import QualityGateError
from spark_jobs.table_writes import table_version
from streaming.silver import silver_writer
from tests.conftest import REPO
from tests.streaming.bronze_rows import BRONZE_DDL, NOW, bronze_row

pytestmark = pytest.mark.spark

RUN_DATE = NOW.date()
HOUR = timedelta(hours=1)
LATER = timedelta(days=60)  # past gold.stale_after_days (45) for every generated posting


@pytest.fixture(scope="module")
def lake(settings, tmp_path_factory):
    """A temporary lake with the embedding model from the repository, and a function writing silver batches."""
    tmp_path = tmp_path_factory.mktemp("nightly")
    models = REPO / ".jars" / "models"
    lake_settings = settings.with_overrides(
        {
            "lake.root": str(tmp_path / "lake"),
            "quality.report_dir": str(tmp_path / "quality"),
            "embeddings.model_jar": str(models / Path(settings["embeddings.model_jar"]).name),
            "embeddings.model_dir": str(models / Path(settings["embeddings.model_dir"]).name),
        }
    )
    checkpoint = tmp_path / "checkpoint"
    checkpoint.mkdir()
    (checkpoint / "metadata").write_text('{"id":"test-query"}\n')
    write_batch = silver_writer(lake_settings, str(checkpoint), clock=lambda: NOW, run_id="run-1")
    batches = iter(range(100))

    def stream(spark, postings: list[dict]) -> None:
        rows = [
            bronze_row(encode_posting(p), i, key=posting_key(p["source"], p["source_job_id"]))
            for i, p in enumerate(postings)
        ]
        write_batch(spark.createDataFrame(rows, BRONZE_DDL), next(batches))

    return lake_settings, stream


def _versions(spark, settings) -> dict[str, int | None]:
    return {name: table_version(spark, table_path(settings, name)) for name in GOLD_TABLES}


def _snapshot(spark, settings) -> dict[str, list]:
    """Every gold table's rows, sorted (embedded_at says when, not what: left out)."""
    tables = {}
    for name in GOLD_TABLES:
        table_df = spark.read.format("delta").load(table_path(settings, name)).drop("embedded_at")
        tables[name] = sorted(table_df.collect(), key=repr)
    return tables


CLI_KEYS = ("lake.root", "lake.raw_root", "spark.jars_dir", "quality.report_dir", "embeddings.model_jar")


def cli_night(settings, run_date: date) -> SimpleNamespace:
    """`joblake nightly --date D --json` on the lake of `settings` (in this process: the session's Spark)."""
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as env, redirect_stdout(out):
        for key in (*CLI_KEYS, "embeddings.model_dir"):
            env.setenv(env_name(key), settings.path(key))
        load_settings.cache_clear()
        try:
            assert cli.main(["nightly", "--date", run_date.isoformat(), "--json"]) == 0
        finally:
            load_settings.cache_clear()
    return SimpleNamespace(**json.loads(out.getvalue()))


def _stale(spark, settings) -> int:
    quality_df = spark.read.format("delta").load(table_path(settings, "gold.agg_posting_quality"))
    return quality_df.agg(F.sum("stale")).first()[0]


def _runs(spark, settings) -> list:
    runs_df = spark.read.format("delta").load(table_path(settings, RUNS_TABLE))
    return runs_df.orderBy("started_at").collect()


@pytest.fixture(scope="module")
def nights(spark, lake):
    """One lake through eight nights: full, rerun, later rerun, incremental, rebuild, new model, two failed gates."""
    settings, stream = lake
    seen = {}
    postings = generate_postings(30, seed=3, now=NOW)
    stream(spark, postings)
    seen["stages"] = []
    seen["first"] = run_nightly(spark, settings, RUN_DATE, progress=seen["stages"].append)
    seen["versions_before_rerun"] = _versions(spark, settings)
    seen["rerun"] = cli_night(settings, RUN_DATE)  # the rerun goes through `joblake nightly --json`
    seen["versions_after_rerun"] = _versions(spark, settings)
    seen["stale_before"] = _stale(spark, settings)
    seen["later"] = run_nightly(spark, settings, RUN_DATE + LATER)  # nothing new, but the postings have aged
    seen["versions_later"] = _versions(spark, settings)
    seen["stale_later"] = _stale(spark, settings)

    edited = postings[0] | {"description": "Now hiring for Kubernetes and Terraform work.", "scraped_at": NOW + HOUR}
    seen_again = postings[1] | {"scraped_at": NOW + HOUR}
    copied = postings[2] | {  # a copy of an unchanged posting: its near link comes from the stored bands
        "source_job_id": postings[2]["source_job_id"] + "-copy",
        "description": postings[2]["description"] + " Apply today.",
        "scraped_at": NOW + HOUR,
    }
    seen["copy_key"] = posting_key(copied["source"], copied["source_job_id"])
    stream(spark, [*generate_postings(35, seed=4, now=NOW)[30:], copied, edited, seen_again])
    seen["incremental"] = run_nightly(spark, settings, RUN_DATE)
    bridge_df = spark.read.format("delta").load(table_path(settings, "gold.bridge_job_skills"))
    edited_key = posting_key(edited["source"], edited["source_job_id"])
    seen["edited_skills"] = {r["surface"] for r in bridge_df.where(F.col("posting_key") == edited_key).collect()}
    seen["incremental_tables"] = _snapshot(spark, settings)
    seen["rebuilt"] = run_nightly(spark, settings, RUN_DATE, full_rebuild=True)
    seen["rebuilt_tables"] = _snapshot(spark, settings)

    # embeddings of an older model, whose LSH bands and near links (here: none) a night with no changed posting
    # must not keep: it re-embeds every posting and so hashes and scores them all again
    DeltaTable.forPath(spark, table_path(settings, "gold.job_embeddings")).update(
        set={"model_version": F.lit("an older model")}
    )
    for name in ("gold.duplicate_lsh_bands", "gold.near_duplicate_links"):
        DeltaTable.forPath(spark, table_path(settings, name)).delete()
    seen["new_model"] = run_nightly(spark, settings, RUN_DATE)
    seen["new_model_tables"] = _snapshot(spark, settings)

    unskilled = [
        p | {"title": "Helper", "description": "A friendly team. Apply today and start soon."}
        for p in generate_postings(40, seed=5, now=NOW)[35:]
    ]
    stream(spark, unskilled)  # 36 of 41 postings with skills: 87.8% < the 90% floor below
    strict = settings.with_overrides({"quality.skill_coverage_floor": 0.9})
    with pytest.raises(QualityGateError) as gold_failed:
        run_nightly(spark, strict, RUN_DATE + timedelta(days=1))
    seen["gold_gate"] = gold_failed.value
    seen["after_gold_gate"] = _snapshot(spark, settings)

    silver_path = table_path(settings, "silver.job_postings")
    silver_df = spark.read.format("delta").load(silver_path)
    good = [r.asDict() for r in silver_df.orderBy("posting_key").limit(3).collect()]
    broken = [
        good[0] | {"posting_key": None},
        good[1] | {"posting_key": "broken-salary", "salary_min": 90_000.0, "salary_max": 50_000.0},
        good[2] | {"posting_key": "broken-date", "posted_at": datetime.now(UTC) + timedelta(days=30)},
    ]
    spark.createDataFrame(broken, silver_df.schema).write.format("delta").mode("append").save(silver_path)
    seen["versions_before_broken"] = _versions(spark, settings)
    with pytest.raises(QualityGateError) as silver_failed:
        run_nightly(spark, settings, RUN_DATE + timedelta(days=1))
    seen["silver_gate"] = silver_failed.value
    seen["versions_after_broken"] = _versions(spark, settings)
    seen["runs"] = _runs(spark, settings)
    return seen


def test_the_first_night_is_a_full_build(nights):
    first = nights["first"]
    assert (first.mode, first.changed_postings) == ("full", 30)
    assert first.counts["gold.fact_job_postings"] == 30 and first.counts["gold.bridge_job_skills"] > 30
    assert first.counts["gold.agg_skill_trends"] > 0 and first.counts["gold.agg_location_analytics"] > 0


def test_a_night_reports_its_stages_in_order(nights):
    assert nights["stages"] == list(NIGHTLY_STAGES)


def test_a_rerun_on_the_same_silver_finds_nothing_and_writes_nothing(nights):
    rerun = nights["rerun"]  # as `joblake nightly --json` printed it
    assert (rerun.mode, rerun.changed_postings) == ("incremental", 0)
    assert rerun.kept == [NIGHTLY_STAGES[1], NIGHTLY_STAGES[3]]  # facts, bridges, dimensions, duplicate groups
    assert rerun.counts["gold.fact_job_postings"] == 30 and all(r.endswith("_quality.html") for r in rerun.reports)
    assert nights["versions_after_rerun"] == nights["versions_before_rerun"]


def test_a_later_night_with_nothing_new_keeps_the_postings_and_ages_them(nights):
    later, before, after = nights["later"], nights["versions_after_rerun"], nights["versions_later"]
    assert (later.changed_postings, later.kept) == (0, [NIGHTLY_STAGES[1], NIGHTLY_STAGES[3]])
    assert after["gold.fact_job_postings"] == before["gold.fact_job_postings"]
    assert after["gold.agg_posting_quality"] > before["gold.agg_posting_quality"]  # judged at the new date
    assert nights["stale_later"] > nights["stale_before"]


def test_an_incremental_night_reads_only_changed_postings(nights):
    incremental = nights["incremental"]
    assert (incremental.mode, incremental.changed_postings) == ("incremental", 8)  # 5 new, a copy, edited, seen
    assert incremental.kept == [] and nights["first"].kept == []
    assert incremental.counts["gold.fact_job_postings"] == 36
    assert nights["edited_skills"] and nights["edited_skills"] <= {"Kubernetes", "Terraform"}  # the new text's only


def test_an_incremental_night_equals_a_full_rebuild(nights):
    assert nights["rebuilt"].mode == "full"
    links = nights["incremental_tables"]["gold.near_duplicate_links"]
    assert any(nights["copy_key"] in (r["a"], r["b"]) and r["method"] == "minhash" for r in links)
    for name, rows in nights["incremental_tables"].items():
        assert nights["rebuilt_tables"][name] == rows, name


def test_a_new_embedding_model_redoes_the_duplicate_tables_on_a_night_with_no_changed_posting(nights):
    assert (nights["new_model"].changed_postings, nights["new_model"].kept) == (0, [NIGHTLY_STAGES[1]])
    assert nights["new_model_tables"] == nights["rebuilt_tables"]


def test_a_failed_gold_gate_restores_the_last_good_gold(nights):
    assert "skill coverage" in str(nights["gold_gate"])
    assert nights["after_gold_gate"] == nights["rebuilt_tables"]


def test_a_broken_silver_row_fails_the_gate_naming_each_rule_and_count_and_keeps_gold(nights):
    message = str(nights["silver_gate"])
    assert "\n" not in message
    for rule in (
        "posting_key not null (1 row)",
        "salary_min <= salary_max (1 row)",
        "posted_at not in the future (1 row)",
    ):
        assert rule in message
    assert nights["versions_after_broken"] == nights["versions_before_broken"]


def test_every_night_is_recorded_and_failed_ones_do_not_move_the_last_good_version(nights):
    runs = nights["runs"]
    assert [r["status"] for r in runs] == ["succeeded"] * 6 + ["failed"] * 2
    assert "quality gate" in runs[-1]["message"]
    assert runs[-1]["silver_version"] > runs[5]["silver_version"]  # the next night reads from runs[5]'s version


def test_the_cli_takes_a_date_and_a_full_rebuild_flag():
    from lakehouse.cli import build_parser

    args = build_parser().parse_args(["nightly", "--date", "2026-11-01", "--full-rebuild"])
    assert (args.date, args.full_rebuild) == (date(2026, 11, 1), True)
    assert build_parser().parse_args(["nightly"]).date is None
