"""Matching benchmark: resume x posting scores per second, against a bare NumPy matrix product.

Run with `make bench` (after the nightly benchmark, whose lakes it reads: `--lakes DIR`, the same
folder; a size with no lake there gets one built by the nightly benchmark first). For each size,
over the gold tables of that many generated postings and a champion registered in a real MLflow
registry (trained on the made-up labels of tests/models/labelled.py: speed does not depend on
how good the weights are):
- measured: `match_resumes` for a batch of resumes (one scan of the embeddings for all of them,
  candidate details, features, the champion's scores, skill gaps), resume x posting scores per
  second, the median of three warm runs;
- baseline: the same postings' embeddings already in memory as one float32 matrix, multiplied by
  the resumes' vectors with NumPy and the top RETRIEVE per resume picked (argpartition): the
  arithmetic of retrieval with no Spark, no Delta and no ranking around it;
- and the latency of one `joblake match --resume FILE` (the CLI's own function, in this process,
  so the Spark session is warm): reading the file, its profile (Spark NLP skills, embedding),
  retrieval, ranking, the printed table; the median of three after a first call.

`--scale-from DIR` (a lake folder of the nightly benchmark, e.g. its 10k one) makes each size's
lake from that one instead: its posting-level tables (silver postings, fact, skill bridge,
embeddings) repeated under new posting keys up to the size, everything else copied. Matching's
cost follows the number of rows, not what they say, and a real 100k night takes hours on two
cores; the results file says which lake each figure was measured on.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from pyspark.sql import functions as F

from lakehouse import cli
from lakehouse.catalog import table_path
from lakehouse.config import env_name, load_settings
from lakehouse.session import get_spark
from models.profiles import resume_profiles
from models.tracking import load_champion
from models.train import train_and_register
from spark_jobs.matching import RETRIEVE, MatchFilters, filtered_postings, match_resumes
from tests.bench import bench_nightly
from tests.bench.common import run_sizes
from tests.models.labelled import labelled_candidates
from tests.streaming.bronze_rows import NOW

RUNS = 3
OCCUPATIONS = [
    ("Senior Data Engineer", "Python, SQL, Apache Spark, Apache Kafka, Airflow and AWS"),
    ("Registered Nurse", "patient care, medication administration, wound care and electronic health records"),
    ("Accountant", "financial reporting, IFRS, Excel, Sage and month-end close"),
    ("Frontend Developer", "JavaScript, TypeScript, React, CSS and accessibility"),
    ("Machine Learning Engineer", "Python, PyTorch, TensorFlow, MLflow and Kubernetes"),
    ("Project Manager", "Agile, Scrum, Jira, stakeholder management and budgeting"),
    ("DevOps Engineer", "Terraform, Kubernetes, Docker, Jenkins and Linux"),
    ("Sales Executive", "CRM, Salesforce, negotiation and account management"),
    ("Data Analyst", "SQL, Tableau, Power BI, Excel and statistics"),
    ("Java Developer", "Java, Spring Boot, Hibernate, PostgreSQL and microservices"),
    ("HR Advisor", "recruitment, employee relations, payroll and HR policies"),
    ("Mechanical Engineer", "AutoCAD, SolidWorks, thermodynamics and project delivery"),
    ("Teacher", "curriculum planning, classroom management and safeguarding"),
    ("Business Analyst", "requirements gathering, process modelling, SQL and UML"),
    ("Security Analyst", "SIEM, incident response, firewalls and ISO 27001"),
    ("Customer Service Advisor", "customer service, Zendesk, complaints handling and communication"),
]


def resume_text(title: str, skills: str) -> str:
    return f"{title}\nSkills: {skills}.\nSix years of experience as a {title.lower()}.\n"


def _median_seconds(action, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _cli_env(state: Path) -> dict[str, str]:
    """JOBLAKE__ variables that point the CLI at the benchmark lake and registry."""
    settings = bench_nightly.lake_settings(state)
    keys = ["spark.jars_dir", "lake.root", "quality.report_dir", "embeddings.model_jar", "embeddings.model_dir"]
    env = {env_name(k): str(settings[k]) for k in keys}
    return env | {"JOBLAKE__MLFLOW__TRACKING_URI": f"sqlite:///{state / 'mlflow' / 'mlflow.db'}"}


SCALED_TABLES = ("silver/job_postings", "gold/fact_job_postings", "gold/bridge_job_skills", "gold/job_embeddings")


def scaled_lake(source: Path, state: Path, count: int) -> str:
    """A lake of `count` postings at `state` from the nightly lake at `source`: see the module doc."""
    settings = bench_nightly.lake_settings(source)
    spark = get_spark(settings)
    shutil.rmtree(state, ignore_errors=True)
    shutil.copytree(source, state, ignore=shutil.ignore_patterns("mlflow", "checkpoint"))
    have = spark.read.format("delta").load(str(source / "lake" / "gold" / "fact_job_postings")).count()
    copies = -(-count // have)  # ceil
    last = count - (copies - 1) * have  # postings of the last copy: the first `last` keys
    fact_df = spark.read.format("delta").load(str(source / "lake" / "gold" / "fact_job_postings"))
    kept = [r["posting_key"] for r in fact_df.select("posting_key").orderBy("posting_key").limit(last).collect()]
    copies_df = spark.range(copies).withColumnRenamed("id", "copy")
    for table in SCALED_TABLES:
        rows_df = spark.read.format("delta").load(str(source / "lake" / table)).crossJoin(copies_df)
        if last < have:
            rows_df = rows_df.where((F.col("copy") < copies - 1) | F.col("posting_key").isin(kept))
        key = F.when(F.col("copy") == 0, F.col("posting_key")).otherwise(F.concat_ws("~", "posting_key", "copy"))
        (
            rows_df.withColumn("posting_key", key)
            .drop("copy")
            .write.format("delta")
            .mode("overwrite")
            .option("overwriteSchema", "true")
            .save(str(state / "lake" / table))
        )
    return f"the {have:,}-posting nightly lake of {source} repeated to {count:,} postings under new keys"


def bench_size(count: int, lake_dir: Path | None = None, scale_from: Path | None = None) -> dict:
    """One size: a batch of resumes matched against `count` postings, the same product in NumPy, one CLI call."""
    own = lake_dir is None
    state = lake_dir or Path(tempfile.mkdtemp(prefix="joblake-bench-matching-"))
    lake_made = "the nightly benchmark's lake"
    if scale_from is not None:
        lake_made = scaled_lake(scale_from, state, count)
    elif not (state / "lake" / "gold" / "job_embeddings" / "_delta_log").is_dir():
        print(f"no nightly lake of {count:,} postings in {state}: building one with the nightly benchmark")
        bench_nightly.bench_size(count, state)
    env = _cli_env(state)
    shutil.rmtree(state / "mlflow", ignore_errors=True)
    (state / "mlflow").mkdir()
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    load_settings.cache_clear()
    try:
        settings = load_settings()
        spark = get_spark(settings)
        train_and_register(labelled_candidates(), settings, labels_how="made up for the benchmark")
        champion = load_champion(settings)
        as_of = NOW
        filters = MatchFilters()

        texts = [(f"bench-{i:02d}", resume_text(t, s)) for i, (t, s) in enumerate(OCCUPATIONS)]
        started = time.perf_counter()
        profiles = resume_profiles(spark, texts, settings)
        profile_s = time.perf_counter() - started

        scored_df = filtered_postings(spark, settings, filters, as_of).select("posting_key", "embedding")
        embeddings = scored_df.toPandas()
        postings = len(embeddings)
        match_resumes(spark, settings, profiles, champion, filters, as_of)  # warm: Python workers, Delta logs
        batch_s = _median_seconds(lambda: match_resumes(spark, settings, profiles, champion, filters, as_of))

        matrix = np.stack(embeddings["embedding"].to_numpy()).astype(np.float32)
        queries = np.stack([p.embedding for p in profiles.values()]).astype(np.float32)

        def bare() -> None:
            scores = matrix @ queries.T
            np.argpartition(-scores, min(RETRIEVE, postings - 1), axis=0)[:RETRIEVE]

        repeats = max(1, int(1.0 / max(_median_seconds(bare, 1), 1e-6)))  # about a second per timing
        baseline_s = _median_seconds(lambda: [bare() for _ in range(repeats)]) / repeats

        resume_file = state / "resume.txt"
        resume_file.write_text(resume_text(*OCCUPATIONS[0]), encoding="utf-8")

        def one_call() -> None:
            with contextlib.redirect_stdout(io.StringIO()):
                assert cli.main(["match", "--resume", str(resume_file)]) == 0

        one_call()
        latency_s = _median_seconds(one_call)
        rows_in_gold = spark.read.format("delta").load(table_path(settings, "gold.job_embeddings")).count()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        load_settings.cache_clear()
        if own:
            shutil.rmtree(state, ignore_errors=True)
    scores = len(profiles) * postings
    baseline, measured = scores / baseline_s, scores / batch_s
    return {
        "what": f"{len(profiles)} resumes x {postings:,} active postings ({rows_in_gold:,} embedded) on "
        f"{settings['spark.master']}",
        "unit": "scores/s",
        "baseline": {
            "reader": f"NumPy: the embeddings as one in-memory float32 matrix times the resume vectors, top {RETRIEVE}",
            "value": round(baseline, 1),
        },
        "measured": {
            "reader": "match_resumes: one embeddings scan for the batch, details, features, champion, skill gaps",
            "value": round(measured, 1),
        },
        "ratio": round(measured / baseline, 5),
        "batch_s": round(batch_s, 2),
        "resume_profiles_s": round(profile_s, 2),
        "one_match_call_warm_s": round(latency_s, 2),
        "model_version": champion.version,
        "lake": lake_made,
    }


def main() -> None:
    scale = argparse.ArgumentParser(add_help=False)
    scale.add_argument("--scale-from", type=Path)
    known, rest = scale.parse_known_args()
    sys.argv[1:] = rest

    def size(count: int, lake_dir: Path | None) -> dict:
        return bench_size(count, lake_dir, known.scale_from)

    description = __doc__.splitlines()[0]
    run_sizes(description, "10000,100000", "bench_results/matching.json", "matching", size, lakes=True)


if __name__ == "__main__":
    main()
