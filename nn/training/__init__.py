"""Training and using a model: ``fit``, its ``History``, the divergence guard, ``evaluate``/``predict``."""

from .divergence import RUNAWAY_FACTOR, TrainingDiverged
from .evaluate import evaluate, predict, predict_classes
from .fit import fit
from .history import History

__all__ = ["RUNAWAY_FACTOR", "History", "TrainingDiverged", "evaluate", "fit", "predict", "predict_classes"]
