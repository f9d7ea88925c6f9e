"""Looking at a network: ``draw_model``, the explorer, attention patterns, gradient norms, the PyTorch bridge."""

from typing import Any

from .attention import attention_weights, draw_attention
from .explore import explore_model, write_loss_graph
from .explore_gpt import explore_gpt, trace_position
from .grad_norms import grad_norms
from .torch_bridge import from_torch, to_torch


def __getattr__(name: str) -> Any:
    # draw_model needs the graphviz package (a third of ``import nn``'s time):
    # it is imported on first use, as autograd does with draw_dot.
    if name == "draw_model":
        from .draw import draw_model

        return draw_model
    raise AttributeError(f"module 'nn.inspect' has no attribute {name!r}")


__all__ = [
    "attention_weights",
    "draw_attention",
    "draw_model",
    "explore_gpt",
    "explore_model",
    "from_torch",
    "grad_norms",
    "to_torch",
    "trace_position",
    "write_loss_graph",
]
