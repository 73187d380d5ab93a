"""The code MLflow logs for the ranker (models from code, no pickle); its weights come from the `ranker` artifact."""

from mlflow.models import set_model

from models.ranker import RankerModel

set_model(RankerModel())
