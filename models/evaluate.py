"""The ranking evaluation of `joblake eval` and `joblake train-ranker`: real-data labels, train, compare, register.

Builds the labelled candidates of `models.dataset` from ../shared/data, then `models.train` fits
the ranker on the train occupations, logs it and both baselines (and the model without title
features) scored on the held-out occupations to MLflow, and registers it; it becomes the
`champion` only when it beats both baselines and the current champion on NDCG@10.
"""

from __future__ import annotations

from pyspark.sql import SparkSession

from lakehouse.config import Settings, load_settings
from models.dataset import LABELS_HOW, describe, labelled_candidates
from models.train import BASELINES, train_and_register


def evaluate(spark: SparkSession, settings: Settings | None = None) -> dict:
    """The report: the labelled set's counts, each run's test metrics, the model's weights and registry version."""
    settings = settings or load_settings()
    frame = labelled_candidates(spark, settings)
    result = train_and_register(frame, settings, LABELS_HOW)
    return {
        "labels": LABELS_HOW,
        "data": describe(frame),
        "test_metrics": result.metrics,
        "weights": dict(zip(result.ranker.features, result.ranker.weights.round(4).tolist(), strict=True)),
        "model_version": result.model_version,
        "champion": result.is_champion,
        "champion_why": result.why,
        "baselines": list(BASELINES),
        "mlflow": {"tracking_uri": settings["mlflow.tracking_uri"], "run_ids": result.run_ids},
    }


def summary(report: dict) -> list[str]:
    """One line per run, then the registry outcome."""
    data = report["data"]
    lines = [
        f"{data['resumes']} resumes of {data['occupations']} occupations x {data['postings']} real postings, "
        f"{data['candidates']:,} candidates (labels 2/1/0: {data['labels']['2']}/{data['labels']['1']}/"
        f"{data['labels']['0']})"
    ]
    for run, m in report["test_metrics"].items():
        lines.append(
            f"{run:<26} test NDCG@10 {m['ndcg_at_10']:.3f} MAP {m['map']:.3f} P@5 {m['precision_at_5']:.3f} "
            f"({m['queries']} resumes)"
        )
    outcome = "champion" if report["champion"] else "registered, NOT champion"
    lines.append(f"model version {report['model_version']}: {outcome} ({report['champion_why']})")
    return lines
