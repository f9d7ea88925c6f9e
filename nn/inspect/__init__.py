"""Looking at a network: ``draw_model``, the explorer, gradient norms, the PyTorch bridge."""

from typing import Any

from .explore import explore_model, write_loss_graph
from .grad_norms import grad_norms
from .torch_bridge import from_torch, to_torch


def __getattr__(name: str) -> Any:
    # draw_model needs the graphviz package (a third of ``import nn``'s time):
    # it is imported on first use, as autograd does with draw_dot.
    if name == "draw_model":
        from .draw import draw_model

        return draw_model
    raise AttributeError(f"module 'nn.inspect' has no attribute {name!r}")


__all__ = ["draw_model", "explore_model", "from_torch", "grad_norms", "to_torch", "write_loss_graph"]
