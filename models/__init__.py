"""Resume-to-job ranking: features, training, evaluation and the MLflow registry (issue 6)."""
