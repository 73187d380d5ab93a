"""joblake_retrain: weekly retraining of the resume ranker; the champion changes only when the new model wins."""

from __future__ import annotations

from airflow.sdk import DAG
from joblake_orchestration.defaults import dag_arguments
from joblake_orchestration.tasks import joblake_task

from lakehouse.config import load_settings

DOC_MD = """
### joblake_retrain

Weekly (`orchestration.retrain_schedule`), one task: `train_challenger_and_promote_if_better` runs
`joblake train-ranker`, which labels the real postings in `../shared/data` (`JOBLAKE_SHARED_DATA`), trains the
pairwise ranker, logs it and its baselines (BM25, embedding cosine) to MLflow, registers it as a new version of
`mlflow.model_name`, and moves the `champion` alias to it only when it beats both baselines and the current
champion on NDCG@10, all scored on the same held-out occupations (models/train.py).

Train, evaluate, register and promote stay one task: the comparison is only fair on the split the challenger was
trained against, and splitting them would pass a model between processes to decide what the same process already
knows. `joblake match` and `joblake_nightly` load `models:/<name>@champion`, so a losing challenger changes nothing.

Without the real data the task fails at once with the command's one line, e.g.
`joblake train-ranker: real data not found at …/postings/… (set JOBLAKE_SHARED_DATA)`.
"""

settings = load_settings()

with DAG(
    "joblake_retrain",
    description="train a ranker challenger; promote it to champion only if it beats the current one",
    doc_md=DOC_MD,
    **dag_arguments(settings, "retrain_schedule", "models"),
) as dag:
    joblake_task(settings, "train_challenger_and_promote_if_better", ["train-ranker"])
