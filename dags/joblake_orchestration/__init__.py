"""What the joblake DAGs share: the task backend switch, default arguments and failure alerts.

Kept light on purpose: the DAG processor imports it on every parse, so nothing here imports Spark, pandas,
MLflow or the Kubernetes client at module level (the k8s backend imports its operator when it is chosen).
"""
