"""Move an MLP to PyTorch and back, and a GPT to PyTorch, with the same weights (float64).

The path for a user who outgrows a scalar engine: train or inspect a model
here, continue in PyTorch (or the reverse). PyTorch is an optional extra and
is imported only when these functions are called.

Mapping (one ``nn.Layer`` ↔ one ``torch.nn.Linear``; neuron ``i``'s weights
are row ``i`` of the Linear's ``weight``):

=============  ===========================================
valuegrad      PyTorch
=============  ===========================================
tanh           ``torch.nn.Tanh()``
sigmoid        ``torch.nn.Sigmoid()``
relu           ``torch.nn.ReLU()``
leaky_relu     ``torch.nn.LeakyReLU(0.01)``
linear         (no module)
dropout p      ``torch.nn.Dropout(p)`` after each hidden activation
=============  ===========================================

An :class:`nn.GPT` becomes the module of :mod:`.torch_gpt`, and that module becomes a GPT again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast, overload

from ..modules.activations import LEAKY_RELU_SLOPE
from ..modules.gpt import GPT
from ..modules.layers import MLP
from .torch_gpt import gpt_from_torch, gpt_to_torch, is_torch_gpt

__all__ = ["from_torch", "to_torch"]

if TYPE_CHECKING:
    import torch

_INSTALL_HINT = "install it with: pip install 'valuegrad[torch]'"


def _import_torch() -> Any:
    # Typed Any: strict typing of torch's own API is torch's business, not this bridge's.
    try:
        import torch
    except ImportError as error:
        raise ImportError(f"the PyTorch bridge needs PyTorch; {_INSTALL_HINT}") from error
    return torch


# The one table of the bridge: an activation's name here, its torch.nn module's class name there.
_TORCH_MODULES = {"tanh": "Tanh", "sigmoid": "Sigmoid", "relu": "ReLU", "leaky_relu": "LeakyReLU"}
_TORCH_ACTIVATIONS = {module: name for name, module in _TORCH_MODULES.items()}


def _activation_module(torch_lib: Any, name: str) -> Any:
    """The torch.nn module of the activation ``name``; None for ``"linear"`` (no module)."""
    if name not in _TORCH_MODULES:
        return None
    module = getattr(torch_lib.nn, _TORCH_MODULES[name])
    return module(LEAKY_RELU_SLOPE) if name == "leaky_relu" else module()


@overload
def to_torch(mlp: MLP) -> torch.nn.Sequential: ...


@overload
def to_torch(mlp: GPT) -> torch.nn.Module: ...


def to_torch(mlp: MLP | GPT) -> torch.nn.Module:
    """A ``torch.nn.Sequential`` that computes the same function as ``mlp`` (or a module, for a GPT).

    Args:
        mlp: The model to copy (its current weights; later changes to either
            model do not affect the other).

    Returns:
        For an MLP: Linear layers (dtype float64) with activation modules
        between them, and Dropout modules where ``mlp`` has dropout. For a
        GPT: a float64 module whose ``forward(tokens)`` gives one row of
        logits per token and ``loss(tokens)`` the GPT's loss (see
        :mod:`nn.inspect.torch_gpt`). Either is in the same train/eval mode as ``mlp``.

    Raises:
        TypeError: If ``mlp`` is not an :class:`nn.MLP` or :class:`nn.GPT`.
        ImportError: If PyTorch is not installed.

    Examples:
        >>> seq = to_torch(MLP(2, [16, 1], activation="relu", seed=0))  # doctest: +SKIP
        >>> seq                                                            # doctest: +SKIP
        Sequential(
          (0): Linear(in_features=2, out_features=16, bias=True)
          (1): ReLU()
          (2): Linear(in_features=16, out_features=1, bias=True)
        )
    """
    if isinstance(mlp, GPT):
        return cast("torch.nn.Module", gpt_to_torch(mlp, _import_torch()))
    if not isinstance(mlp, MLP):
        raise TypeError(f"to_torch expects an nn.MLP or an nn.GPT, got {type(mlp).__name__}")
    torch_lib = _import_torch()
    modules: list[Any] = []
    last = len(mlp.layers) - 1
    for index, layer in enumerate(mlp.layers):
        linear = torch_lib.nn.Linear(layer.nin, layer.nout, bias=layer.bias, dtype=torch_lib.float64)
        with torch_lib.no_grad():
            linear.weight.copy_(
                torch_lib.tensor(
                    [[w.data for w in neuron.w] for neuron in layer.neurons], dtype=torch_lib.float64
                )
            )
            if linear.bias is not None:
                linear.bias.copy_(
                    torch_lib.tensor(
                        [0.0 if n.b is None else n.b.data for n in layer.neurons],
                        dtype=torch_lib.float64,
                    )
                )
        modules.append(linear)
        activation = _activation_module(torch_lib, layer.activation)
        if activation is not None:
            modules.append(activation)
        if index < last and mlp.dropout is not None:
            modules.append(torch_lib.nn.Dropout(mlp.dropout.p))
    sequential = torch_lib.nn.Sequential(*modules)
    sequential.train(mlp.training)
    return cast("torch.nn.Sequential", sequential)


@overload
def from_torch(sequential: torch.nn.Sequential) -> MLP: ...


@overload
def from_torch(sequential: torch.nn.Module) -> MLP | GPT: ...


def from_torch(sequential: torch.nn.Module) -> MLP | GPT:
    """An :class:`nn.MLP` with the architecture and weights of ``sequential`` (or a GPT's twin's).

    The module ``to_torch`` makes of an :class:`nn.GPT` (trained in PyTorch,
    for instance) comes back as an ``nn.GPT`` of the same configuration with
    its weights.

    ``sequential`` must be ``Linear`` layers, each optionally followed by one
    activation (Tanh, Sigmoid, ReLU, LeakyReLU with slope 0.01) and, between
    layers, a Dropout; every hidden layer must use the same activation and
    every Dropout the same ``p`` (an MLP has one of each), and all Linear
    layers must agree on having a bias.

    Args:
        sequential: The PyTorch model (any float dtype; weights are copied as
            Python floats).

    Returns:
        The MLP (in the same train/eval mode as ``sequential``).

    Raises:
        TypeError: If ``sequential`` is not a ``torch.nn.Sequential``, or holds a
            module type the MLP cannot represent.
        ValueError: If the layers do not form an MLP (sizes do not chain,
            mixed hidden activations, an activation without a Linear before
            it, a LeakyReLU slope other than 0.01, ...).
        ImportError: If PyTorch is not installed.
    """
    torch_lib = _import_torch()
    if is_torch_gpt(sequential, torch_lib):
        return gpt_from_torch(sequential, torch_lib)
    if not isinstance(sequential, torch_lib.nn.Sequential):
        raise TypeError(
            f"from_torch expects a torch.nn.Sequential (or the module to_torch makes of a GPT), "
            f"got {type(sequential).__name__}"
        )
    linears: list[Any] = []
    activations: list[str] = []  # one per Linear, "linear" when none follows it
    dropouts: list[float | None] = []  # one per Linear: the p of the Dropout after it
    for position, module in enumerate(sequential):
        kind = type(module).__name__
        where = f"module {position} ({kind})"
        if isinstance(module, torch_lib.nn.Linear):
            if linears and module.in_features != linears[-1].out_features:
                raise ValueError(
                    f"{where} takes {module.in_features} inputs but the previous Linear gives "
                    f"{linears[-1].out_features}"
                )
            linears.append(module)
            activations.append("linear")
            dropouts.append(None)
        elif kind in _TORCH_ACTIVATIONS and isinstance(module, getattr(torch_lib.nn, kind)):
            if not linears or activations[-1] != "linear" or dropouts[-1] is not None:
                raise ValueError(f"{where}: an activation must directly follow a Linear layer")
            if kind == "LeakyReLU" and module.negative_slope != LEAKY_RELU_SLOPE:
                raise ValueError(
                    f"{where}: LeakyReLU slope {module.negative_slope} is not supported; "
                    f"valuegrad's leaky_relu uses {LEAKY_RELU_SLOPE}"
                )
            activations[-1] = _TORCH_ACTIVATIONS[kind]
        elif isinstance(module, torch_lib.nn.Dropout):
            if not linears or dropouts[-1] is not None:
                raise ValueError(
                    f"{where}: a Dropout must follow a Linear layer or its activation, once"
                )
            dropouts[-1] = float(module.p)
        else:
            raise TypeError(
                f"{where} is not supported; from_torch reads Linear, Tanh, Sigmoid, ReLU, "
                "LeakyReLU and Dropout modules"
            )
    if not linears:
        raise ValueError("from_torch found no Linear layer in the Sequential")
    hidden = activations[:-1]
    if len(set(hidden)) > 1:
        raise ValueError(
            f"an MLP has one hidden activation, the Sequential mixes {', '.join(sorted(set(hidden)))}"
        )
    if dropouts[-1] is not None:
        raise ValueError("an MLP applies dropout between layers only, not after the output layer")
    hidden_dropouts = set(dropouts[:-1])
    if len(hidden_dropouts) > 1:
        raise ValueError(
            "an MLP applies the same dropout after every hidden layer; the Sequential has "
            + ", ".join("none" if p is None else f"p={p}" for p in dropouts[:-1])
        )
    dropout = hidden_dropouts.pop() if hidden_dropouts else None
    biases = {linear.bias is not None for linear in linears}
    if len(biases) > 1:
        raise ValueError("an MLP's layers all have biases or none do; the Sequential mixes both")
    output_activation = activations[-1]
    mlp = MLP(
        linears[0].in_features,
        [linear.out_features for linear in linears],
        activation=hidden[0] if hidden else "tanh",
        output_activation=None if output_activation == "linear" else output_activation,
        seed=0,  # weights are overwritten below; a fixed seed keeps the global RNG untouched
        bias=biases.pop(),
        dropout=0.0 if dropout is None else dropout,
    )
    for layer, linear in zip(mlp.layers, linears, strict=True):
        weights = linear.weight.detach().to(torch_lib.float64).tolist()
        bias = None if linear.bias is None else linear.bias.detach().to(torch_lib.float64).tolist()
        for row, neuron in enumerate(layer.neurons):
            for column, weight in enumerate(neuron.w):
                weight.data = float(weights[row][column])
            if neuron.b is not None and bias is not None:
                neuron.b.data = float(bias[row])
    mlp.train(bool(sequential.training))
    return mlp
