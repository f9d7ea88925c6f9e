"""Neuron, Layer, MLP and Dropout, built on the engine's fused ``dot``.

A neuron computes ``activation(Σ w_i·x_i + b)``; the weighted sum plus bias is
ONE ``autograd.dot`` node (the bias is its ``start``), so a neuron adds two
nodes to the graph, not 2·nin + 1 binary ones.

Weight initialisation (biases always start at 0.0), with ``fan_in`` = the
neuron's number of inputs and ``fan_out`` = the size of its layer:

* ``"normal"``: N(0, 1), the naive textbook choice.
* ``"uniform"``: U(-1, 1), micrograd's choice.
* ``"xavier"``: U(-a, a) with a = √(6 / (fan_in + fan_out)) (Glorot & Bengio
  2010), suited to tanh and sigmoid.
* ``"he"``: N(0, √(2 / fan_in)) (He et al. 2015), suited to relu.

Draws come from the ``random.Random`` passed as ``rng`` (``MLP`` makes one
from ``seed``), or from the ``random`` module's global state when there is none.
"""

from __future__ import annotations

import math
import numbers
import random
from collections.abc import Callable, Sequence
from typing import Any

from autograd import Value, dot, linear

from ._checks import positive_int
from .functional import activation_function
from .module import Module

INITS: tuple[str, ...] = ("normal", "uniform", "xavier", "he")
"""The weight-initialisation names accepted by Neuron, Layer and MLP."""

Input = Sequence[float | Value]


# ---------------------------------------------------------------- argument checks


def _check_bool(value: object, what: str) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{what} must be a bool, got {type(value).__name__}: {value!r}")
    return value


def _check_init(init: object) -> str:
    if not isinstance(init, str) or init not in INITS:
        raise ValueError(f"unknown init {init!r}; expected one of {', '.join(INITS)}")
    return init


def _check_rng(rng: object) -> random.Random | None:
    if rng is not None and not isinstance(rng, random.Random):
        raise TypeError(f"rng must be a random.Random or None, got {type(rng).__name__}")
    return rng


def _input_length(x: object, owner: str, nin: int) -> int:
    try:
        return len(x)  # type: ignore[arg-type]
    except TypeError:
        raise TypeError(
            f"{owner} expected a sequence of {nin} floats or Values, got {type(x).__name__}: {x!r}"
        ) from None


def _draw_weights(
    count: int, init: str, fan_in: int, fan_out: int, rng: random.Random | None
) -> list[float]:
    uniform = rng.uniform if rng is not None else random.uniform
    gauss = rng.gauss if rng is not None else random.gauss
    if init == "normal":
        return [gauss(0.0, 1.0) for _ in range(count)]
    if init == "uniform":
        return [uniform(-1.0, 1.0) for _ in range(count)]
    if init == "xavier":
        bound = math.sqrt(6.0 / (fan_in + fan_out))
        return [uniform(-bound, bound) for _ in range(count)]
    std = math.sqrt(2.0 / fan_in)  # "he"
    return [gauss(0.0, std) for _ in range(count)]


# ---------------------------------------------------------------- Neuron


class Neuron(Module):
    """One unit: ``activation(Σ w_i·x_i + b)``.

    Args:
        nin: Number of inputs.
        activation: One of :data:`nn.ACTIVATIONS`.
        bias: Whether the neuron has a bias (initialised to 0.0).
        init: One of :data:`INITS` (see the module docstring).
        rng: Source of the initial weights; None uses the ``random`` module.
        fan_out: The size of the layer the neuron belongs to (only the
            ``"xavier"`` init uses it).

    Attributes:
        w: The weights, one Value per input (named ``w.0``, ``w.1``…).
        b: The bias, or None without one.
        nin: Number of inputs.

    Raises:
        TypeError: If ``nin`` is not an int or ``bias`` not a bool.
        ValueError: If ``nin`` < 1 or ``activation``/``init`` is unknown.

    Example:
        >>> n = Neuron(2, activation="linear", rng=random.Random(0))
        >>> n([1.0, 2.0]).op
        'dot'
    """

    w: list[Value]
    b: Value | None

    def __init__(
        self,
        nin: int,
        activation: str = "tanh",
        bias: bool = True,
        init: str = "xavier",
        rng: random.Random | None = None,
        *,
        fan_out: int = 1,
    ) -> None:
        super().__init__()
        self.nin = positive_int(nin, "Neuron nin")
        fan_out = positive_int(fan_out, "Neuron fan_out")
        self._activate: Callable[[Value], Value] = activation_function(activation)
        self._activation = activation
        weights = _draw_weights(self.nin, _check_init(init), self.nin, fan_out, _check_rng(rng))
        self.w = [Value(weight) for weight in weights]
        self.b = Value(0.0) if _check_bool(bias, "Neuron bias") else None

    @property
    def activation(self) -> str:
        """The activation's name; assigning a new name switches the activation."""
        return self._activation

    @activation.setter
    def activation(self, name: str) -> None:
        self._activate = activation_function(name)
        self._activation = name

    def __call__(self, x: Input) -> Value:
        """The neuron's output for one input vector.

        Args:
            x: ``nin`` floats or Values.

        Returns:
            ``activation(dot(w, x) + b)``.

        Raises:
            ValueError: If ``len(x) != nin``.
        """
        if _input_length(x, "Neuron", self.nin) != self.nin:
            raise ValueError(f"Neuron expected {self.nin} inputs, got {len(x)}")
        b = self.b
        return self._activate(dot(self.w, x, 0.0 if b is None else b))

    def extra_repr(self) -> str:
        return f"{self.nin}, {self.activation}" + ("" if self.b is not None else ", bias=False")


# ---------------------------------------------------------------- Layer


class Layer(Module):
    """``nout`` neurons that read the same inputs.

    Args:
        nin: Number of inputs.
        nout: Number of neurons (outputs).
        activation: One of :data:`nn.ACTIVATIONS`, used by every neuron.
        bias: Whether the neurons have biases.
        init: One of :data:`INITS`.
        rng: Source of the initial weights; None uses the ``random`` module.

    Attributes:
        neurons: The neurons, in output order.
        nin: Number of inputs.
        nout: Number of outputs.

    Raises:
        TypeError, ValueError: As :class:`Neuron`, and if ``nout`` < 1.

    Example:
        >>> layer = Layer(3, 1, rng=random.Random(0))
        >>> type(layer([1.0, 2.0, 3.0])).__name__
        'list'
    """

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: str = "tanh",
        bias: bool = True,
        init: str = "xavier",
        rng: random.Random | None = None,
    ) -> None:
        super().__init__()
        self.nin = positive_int(nin, "Layer nin")
        self.nout = positive_int(nout, "Layer nout")
        activation_function(activation)  # fail before drawing any weights
        self.neurons = [
            Neuron(self.nin, activation, bias, init, rng, fan_out=self.nout)
            for _ in range(self.nout)
        ]

    @property
    def activation(self) -> str:
        """The neurons' activation; assigning sets it on every neuron."""
        return self.neurons[0].activation

    @activation.setter
    def activation(self, name: str) -> None:
        activation_function(name)
        for neuron in self.neurons:
            neuron.activation = name

    @property
    def bias(self) -> bool:
        """Whether the neurons have biases."""
        return self.neurons[0].b is not None

    def __call__(self, x: Input) -> list[Value]:
        """The layer's outputs for one input vector.

        Args:
            x: ``nin`` floats or Values.

        Returns:
            A list of ``nout`` Values, also when ``nout`` is 1.

        Raises:
            ValueError: If ``len(x) != nin``.
        """
        if _input_length(x, "Layer", self.nin) != self.nin:
            raise ValueError(f"Layer expected {self.nin} inputs, got {len(x)}")
        return self._forward(x)

    def _forward(self, x: Input) -> list[Value]:
        # One linear call for all neurons: it looks at x once, not once per neuron.
        neurons = self.neurons
        sums = linear(x, [n.w for n in neurons], [0.0 if n.b is None else n.b for n in neurons])
        return [neuron._activate(out) for neuron, out in zip(neurons, sums, strict=True)]

    def extra_repr(self) -> str:
        return f"{self.nin} -> {self.nout}, {self.activation}" + (
            "" if self.bias else ", bias=False"
        )

    def __repr__(self) -> str:
        # Neurons are not listed: a layer of 64 would drown the network's shape.
        return f"Layer({self.extra_repr()})"


# ---------------------------------------------------------------- Dropout


class Dropout(Module):
    """Inverted dropout: in training, zero each input with probability ``p``.

    Kept inputs are scaled by 1 / (1 - p) so the expected output equals the
    input, and evaluation mode needs no rescaling: after ``eval()`` the
    inputs pass through unchanged.

    Args:
        p: Probability of zeroing an input, in [0, 1).
        seed: Seed for the masks; None uses the ``random`` module's global state.

    Raises:
        TypeError: If ``p`` is not a real number.
        ValueError: If ``p`` is outside [0, 1).
    """

    p: float
    _rng: random.Random | None

    def __init__(self, p: float, seed: int | None = None) -> None:
        super().__init__()
        if not isinstance(p, numbers.Real) or isinstance(p, bool):
            raise TypeError(f"Dropout p must be a real number, got {type(p).__name__}: {p!r}")
        if not 0.0 <= p < 1.0:
            raise ValueError(f"Dropout p must be in [0, 1), got {p!r}")
        self.p = float(p)
        self._rng = random.Random(seed) if seed is not None else None

    def __call__(self, values: Sequence[Value]) -> list[Value]:
        """Drop and rescale ``values`` in training mode; return them unchanged in eval mode.

        Args:
            values: The activations of one example.

        Returns:
            A new list, as long as ``values``.
        """
        p = self.p
        if not self.training or p == 0.0:
            return list(values)
        draw = self._rng.random if self._rng is not None else random.random
        scale = 1.0 / (1.0 - p)
        # A dropped unit stays a node (times 0.0) so drawings show where it went.
        return [value * scale if draw() >= p else value * 0.0 for value in values]

    def extra_repr(self) -> str:
        return f"p={self.p}"


# ---------------------------------------------------------------- MLP


class MLP(Module):
    """A multi-layer perceptron: Layers of sizes ``nouts`` on ``nin`` inputs.

    Args:
        nin: Number of inputs.
        nouts: Size of each layer; the last is the number of outputs.
        activation: Activation of the hidden layers, one of :data:`nn.ACTIVATIONS`.
        output_activation: Activation of the last layer; None (the default)
            or ``"linear"`` leaves it linear, giving logits for the losses.
        init: One of :data:`INITS`.
        seed: Seed for the initial weights (and dropout masks); the same seed
            gives identical weights. None uses the ``random`` module's state.
        bias: Whether the neurons have biases.
        dropout: If > 0, a :class:`Dropout` with this ``p`` after every hidden
            activation, active only in training mode.

    Attributes:
        layers: The layers, input to output.
        dropout: The Dropout module, or None.
        nin: Number of inputs.
        nouts: The layer sizes.

    Raises:
        TypeError: If a size is not an int, or ``nouts`` not a sequence.
        ValueError: If a size is < 1, ``nouts`` is empty, or a name is unknown.

    Example:
        >>> model = MLP(2, [4, 1], activation="relu", seed=0)
        >>> model
        MLP(
          (layers): [
            (0): Layer(2 -> 4, relu)
            (1): Layer(4 -> 1, linear)
          ]
        )
        >>> len(model([0.5, -1.0]))
        1
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: str = "tanh",
        output_activation: str | None = None,
        init: str = "xavier",
        seed: int | None = None,
        bias: bool = True,
        dropout: float = 0.0,
    ) -> None:
        super().__init__()
        self.nin = positive_int(nin, "MLP nin")
        if isinstance(nouts, (str, bytes)) or not isinstance(nouts, Sequence):
            raise TypeError(
                f"MLP nouts must be a list of layer sizes, got {type(nouts).__name__}: {nouts!r}"
            )
        if len(nouts) == 0:
            raise ValueError("MLP nouts must list at least one layer size, got an empty list")
        self.nouts = [positive_int(n, f"MLP nouts[{i}]") for i, n in enumerate(nouts)]
        activation_function(activation)
        last_activation = "linear" if output_activation is None else output_activation
        activation_function(last_activation)
        _check_init(init)
        _check_bool(bias, "MLP bias")
        if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
            raise TypeError(f"MLP seed must be an int or None, got {type(seed).__name__}: {seed!r}")
        rng = random.Random(seed) if seed is not None else None
        sizes = [self.nin, *self.nouts]
        last = len(self.nouts) - 1
        self.layers = [
            Layer(
                sizes[i], sizes[i + 1], activation if i < last else last_activation, bias, init, rng
            )
            for i in range(len(self.nouts))
        ]
        dropout_seed = rng.randrange(2**32) if rng is not None else None
        dropout_module = Dropout(dropout, seed=dropout_seed)  # validates p
        self.dropout = dropout_module if dropout_module.p > 0.0 else None
        self._config: dict[str, Any] = {
            "nin": self.nin,
            "nouts": list(self.nouts),
            "activation": activation,
            "output_activation": output_activation,
            "init": init,
            "seed": seed,
            "bias": bias,
            "dropout": float(dropout),
        }

    def config(self) -> dict[str, Any]:
        """The constructor arguments, as JSON-able values: ``MLP(**model.config())`` rebuilds it.

        With a seed the rebuilt model also has the same initial weights; use
        ``state_dict``/``load_state_dict`` to copy trained weights.
        """
        config = dict(self._config)
        config["nouts"] = list(self.nouts)
        return config

    def __call__(self, x: Input) -> list[Value]:
        """The network's outputs for one input vector.

        Args:
            x: ``nin`` floats or Values.

        Returns:
            A list of ``nouts[-1]`` Values, also when there is one output.

        Raises:
            ValueError: If ``len(x) != nin``.
        """
        if _input_length(x, "MLP", self.nin) != self.nin:
            raise ValueError(f"MLP expected {self.nin} inputs, got {len(x)}")
        dropout = self.dropout
        if dropout is not None and not dropout.training:
            dropout = None
        out = self.layers[0]._forward(x)
        for layer in self.layers[1:]:
            if dropout is not None:
                out = dropout(out)
            out = layer._forward(out)
        return out
