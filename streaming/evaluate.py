"""Real-data evaluation of the silver normalisation (`joblake eval`, run by `make eval`).

Two reports, written to one JSON file:

- **coverage** on the real postings in `../shared/data/postings`: every file goes through the
  same path as the stream (shipped mapping -> Avro record -> `with_decoded_posting` ->
  `with_normalised_fields`), and for each file the share of postings that get a job family, a
  country, a city, a salary (among those whose salary text names an amount) and a language;
- **title accuracy** on the ESCO-tagged vacancy titles of `gold/title_normalization` (JobBERT
  validation split, Decorte et al. 2021): the job family joblake maps each title to, against the
  SOC major group of the title's ESCO occupation, through the ISCO-08 group ESCO gives it. Only
  ISCO groups that fall in one SOC major group by definition are judged (`ISCO_TO_SOC_MAJOR`);
  the rest count towards coverage only.

Fails with one readable line when the shared data folder is missing.
"""

from __future__ import annotations

import csv
import re
import tempfile
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from pyspark.sql import DataFrame, SparkSession, Window
from pyspark.sql import functions as F

from ingestion.data_paths import require_shared_data, shared_data_path
from ingestion.file_source import read_file_records
from ingestion.records import REJECT_HEADER
from streaming.bronze import to_bronze
from streaming.decode import with_decoded_posting
from streaming.silver import with_normalised_fields
from streaming.title_taxonomy import with_job_family

# file under postings/, shipped mapping
REAL_POSTING_FILES: list[tuple[str, str]] = [
    ("nhs_jobs_2020.jsonl", "nhs_jobs"),
    ("ds_jobs_2020/glassdoor_data_analyst.csv", "glassdoor"),
    ("ds_jobs_2020/glassdoor_data_scientist.csv", "glassdoor"),
    ("ds_jobs_2020/linkedin_data_analyst.csv", "linkedin_ds"),
    ("ds_jobs_2020/linkedin_data_scientist.csv", "linkedin_ds"),
    ("ds_jobs_2020/indeed-da-0407.csv", "indeed"),
    ("ds_jobs_2020/indeed-ds-0407.csv", "indeed"),
]
SCRAPED_AT = datetime(2020, 11, 30, tzinfo=UTC)
# Salary text that names an amount ("£25,000", "$90K", "45k"): the denominator of salary coverage,
# found apart from the parser.
SALARY_AMOUNT = re.compile(r"[$£€]\s?\d|\d\s?(?:k|K)\b|\d{2},\d{3}")

# Coarse ISCO-08 -> SOC 2018 major group crosswalk, only for ISCO groups whose occupations all fall
# in one SOC major group by definition (longest prefix wins). Written from the two classifications'
# group definitions, not from evaluation rows.
ISCO_TO_SOC_MAJOR: dict[str, str] = {
    "0": "55",  # armed forces
    "11": "11", "12": "11", "13": "11",  # chief executives; administrative/commercial; production managers
    "22": "29",  # health professionals
    "23": "25",  # teaching professionals
    "241": "13", "242": "13",  # finance; administration professionals
    "25": "15",  # ICT professionals
    "261": "23",  # legal professionals
    "262": "25",  # librarians, archivists, curators
    "264": "27", "265": "27",  # authors, journalists, linguists; creative and performing artists
    "321": "29", "322": "29",  # medical/pharmaceutical technicians; nursing associate professionals
    "334": "43",  # administrative and specialised secretaries
    "351": "15",  # ICT operations and user support technicians
    "41": "43", "42": "43", "43": "43", "44": "43",  # clerical support workers
    "512": "35", "513": "35",  # cooks; waiters and bartenders
    "52": "41",  # sales workers
    "532": "31",  # personal care workers in health services
    "711": "47", "712": "47",  # building frame and finishing trades
    "831": "53", "832": "53", "833": "53",  # drivers
    "911": "37",  # domestic, hotel and office cleaners
    "94": "35",  # food preparation assistants
}  # fmt: skip


def soc_major_of_isco(isco: str) -> str | None:
    """The SOC major group an ISCO-08 code falls in by definition, else None."""
    for n in range(len(isco), 0, -1):
        if isco[:n] in ISCO_TO_SOC_MAJOR:
            return ISCO_TO_SOC_MAJOR[isco[:n]]
    return None


def bronze_of(spark: SparkSession, path: Path, mapping: str, workdir: Path) -> tuple[DataFrame, int]:
    """The file's postings as bronze rows (via a Parquet file: faster than sending bytes through py4j)."""
    records = [r for r in read_file_records(path, mapping=mapping, scraped_at=SCRAPED_AT)]
    good = [r for r in records if REJECT_HEADER not in dict(r.headers)]
    ts = datetime.now(UTC)
    table = pa.table(
        {
            "key": pa.array([r.key.encode() for r in good], pa.binary()),
            "value": pa.array([r.value for r in good], pa.binary()),
            "topic": pa.array(["eval"] * len(good)),
            "partition": pa.array([0] * len(good), pa.int32()),
            "offset": pa.array(range(len(good)), pa.int64()),
            "timestamp": pa.array([ts] * len(good), pa.timestamp("us", tz="UTC")),
            "timestampType": pa.array([0] * len(good), pa.int32()),
            "headers": pa.array(
                [[] for _ in good], pa.list_(pa.struct([("key", pa.string()), ("value", pa.binary())]))
            ),
        }
    )
    out = workdir / (re.sub(r"\W+", "_", str(path.name)) + ".parquet")
    pq.write_table(table, out)
    return to_bronze(spark.read.parquet(str(out)), ts), len(records)


def normalised_postings(spark: SparkSession, files: Iterable[tuple[str, str]], workdir: Path) -> DataFrame:
    """The files' postings decoded and normalised as silver does it, one row per posting key.

    Of a key's rows the one with the smallest content hash (then search keyword) is kept, so the
    choice does not depend on the order Spark reads the files in.
    """
    bronze_dfs = [
        bronze_of(spark, require_shared_data("postings", name), mapping, workdir)[0] for name, mapping in files
    ]
    bronze_df = bronze_dfs[0]
    for other_df in bronze_dfs[1:]:
        bronze_df = bronze_df.unionByName(other_df)
    one_per_key = Window.partitionBy("posting_key").orderBy("content_hash", "search_keyword")
    return (
        with_normalised_fields(with_decoded_posting(bronze_df).where("reject_reason is null"))
        .withColumn("_n", F.row_number().over(one_per_key))
        .where("_n = 1")
        .drop("_n")
    )


def posting_coverage(spark: SparkSession) -> dict[str, dict]:
    """Per real posting file: rows, and the share of postings each normalised field is found for."""
    report = {}
    with tempfile.TemporaryDirectory(prefix="joblake-eval-") as workdir:
        for name, mapping in REAL_POSTING_FILES:
            path = shared_data_path("postings", name)
            bronze_df, rows = bronze_of(spark, path, mapping, Path(workdir))
            decoded_df = with_decoded_posting(bronze_df).where("reject_reason is null")
            silver_df = (  # read twice below: normalised once
                with_normalised_fields(decoded_df)
                .withColumn("_salary_given", F.col("salary_text").rlike(SALARY_AMOUNT.pattern))
                .persist()
            )
            row = silver_df.agg(
                F.count(F.lit(1)).alias("postings"),
                F.avg(F.col("job_family").isNotNull().cast("int")).alias("job_family"),
                F.avg(F.col("country").isNotNull().cast("int")).alias("country"),
                F.avg(F.col("city").isNotNull().cast("int")).alias("city"),
                F.avg(F.col("description_language").isNotNull().cast("int")).alias("language"),
                F.sum(F.col("_salary_given").cast("int")).alias("salary_given"),
                F.sum((F.col("_salary_given") & F.col("salary_annual_max").isNotNull()).cast("int")).alias(
                    "salary_parsed"
                ),
            ).first()
            languages = {
                r["description_language"]: r["count"]
                for r in silver_df.groupBy("description_language").count().orderBy(F.desc("count")).limit(5).collect()
            }
            report[name] = {
                "rows": rows,
                "postings": row["postings"],
                "share_with": {
                    "job_family": round(row["job_family"], 4),
                    "country": round(row["country"], 4),
                    "city": round(row["city"], 4),
                    "language": round(row["language"], 4),
                    "salary_when_given": round(row["salary_parsed"] / row["salary_given"], 4)
                    if row["salary_given"]
                    else None,
                },
                "salary_given": row["salary_given"],
                "top_languages": languages,
            }
            silver_df.unpersist()
    return report


def title_accuracy(spark: SparkSession) -> dict:
    """Job-family coverage and accuracy on the ESCO-tagged vacancy titles."""
    from streaming.normalise import normalise_title

    with shared_data_path("taxonomies", "esco", "occupations_en.csv").open(newline="", encoding="utf-8") as f:
        isco_of = {row["conceptUri"]: row["iscoGroup"] for row in csv.DictReader(f)}
    with shared_data_path("gold", "title_normalization", "titles.csv").open(newline="", encoding="utf-8") as f:
        rows = [(r["vacancyTitle"], soc_major_of_isco(isco_of.get(r["conceptUri"], ""))) for r in csv.DictReader(f)]
    df = spark.createDataFrame(rows, "raw string, gold string").withColumn("title", normalise_title("raw"))
    out = [(r["gold"], r["soc_major"]) for r in with_job_family(df).select("gold", "soc_major").collect()]
    judged = [(gold, got) for gold, got in out if gold is not None and got is not None]
    return {
        "titles": len(out),
        "coverage": round(sum(got is not None for _, got in out) / len(out), 4),
        "crosswalked": sum(gold is not None for gold, _ in out),
        "judged": len(judged),
        "family_accuracy": round(sum(gold == got for gold, got in judged) / len(judged), 4),
    }


def evaluate(spark: SparkSession) -> dict:
    """Both reports, with how long each took."""
    require_shared_data()
    started = time.perf_counter()
    coverage = posting_coverage(spark)
    middle = time.perf_counter()
    accuracy = title_accuracy(spark)
    return {
        "posting_coverage": coverage,
        "title_accuracy": accuracy,
        "seconds": {"coverage": round(middle - started, 1), "titles": round(time.perf_counter() - middle, 1)},
    }


def summary(report: dict) -> list[str]:
    """The lines `joblake eval` prints."""
    lines = []
    for name, figures in report["posting_coverage"].items():
        shares = ", ".join(f"{k} {v:.3f}" for k, v in figures["share_with"].items() if v is not None)
        lines.append(f"{name}: {figures['postings']:,} postings; {shares}")
    acc = report["title_accuracy"]
    lines.append(
        f"ESCO-tagged titles: {acc['titles']:,}, coverage {acc['coverage']:.3f}; "
        f"family accuracy {acc['family_accuracy']:.3f} on {acc['judged']:,} judged"
    )
    return lines
