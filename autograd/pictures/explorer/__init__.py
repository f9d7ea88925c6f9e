"""The interactive graph explorer: ``explore(value)`` gives a self-contained HTML page."""

from .api import explore
from .page import ExplorerPage
from .training import TrainingView

__all__ = ["ExplorerPage", "TrainingView", "explore"]
