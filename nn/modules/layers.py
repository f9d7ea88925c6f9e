"""Neuron, Layer and MLP, built on the engine's fused ``dot``.

A neuron computes ``activation(Σ w_i·x_i + b)``; the weighted sum plus bias is
ONE ``autograd.dot`` node (the bias is its ``start``), so a neuron adds two
nodes to the graph, not 2·nin + 1 binary ones. Initial weights come from
:mod:`nn.modules.init`; the MLP's dropout is :class:`nn.Dropout`.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Sequence
from typing import Any

from autograd import Value, dot, linear
from autograd.extend import guard_state

from .._checks import model_input, positive_int, rng_or_none, seed_or_none, sequence, strict_bool
from .activations import activation_function
from .dropout import Dropout
from .init import check_init, draw_weights
from .module import Module

__all__ = ["MLP", "Layer", "Neuron", "parameter_count"]

Input = Sequence[float | Value]


# ---------------------------------------------------------------- Neuron


class Neuron(Module):
    """One unit: ``activation(Σ w_i·x_i + b)``.

    Args:
        nin: Number of inputs.
        activation: One of :data:`nn.ACTIVATIONS`.
        bias: Whether the neuron has a bias (initialised to 0.0).
        init: One of :data:`nn.INITS` (see :mod:`nn.modules.init`).
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

    Examples:
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
        self._init = check_init(init)
        self._fan_out = fan_out
        weights = draw_weights(self.nin, self._init, self.nin, fan_out, rng_or_none(rng))
        self.w = [Value(weight) for weight in weights]
        self.b = Value(0.0) if strict_bool(bias, "Neuron bias") else None

    @property
    def activation(self) -> str:
        """The activation's name; assigning a new name switches the activation."""
        return self._activation

    @activation.setter
    def activation(self, name: str) -> None:
        self._activate = activation_function(name)
        self._activation = name

    def config(self) -> dict[str, Any]:
        """The constructor arguments, as JSON-able values: ``Neuron(**neuron.config())`` rebuilds it."""
        return {"nin": self.nin, "activation": self.activation, "bias": self.b is not None,
                "init": self._init, "fan_out": self._fan_out}

    def __call__(self, x: Input) -> Value:
        """The neuron's output for one input vector.

        Args:
            x: ``nin`` floats or Values.

        Returns:
            ``activation(dot(w, x) + b)``.

        Raises:
            TypeError: If ``x`` is not a sequence of numbers or Values (a
                mapping or a set is refused, not read by its keys).
            ValueError: If ``len(x) != nin``.
        """
        model_input(x, "Neuron", self.nin)
        b = self.b
        out = self._activate(dot(self.w, x, 0.0 if b is None else b))
        return self._hooked(x, out) if self._forward_hooks else out

    # How many neurons have forward hooks: while none do, a Layer need not ask each.
    _hooked_neurons = 0

    def _hooks_changed(self, change: int) -> None:
        Neuron._hooked_neurons += change

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
        init: One of :data:`nn.INITS`.
        rng: Source of the initial weights; None uses the ``random`` module.

    Attributes:
        neurons: The neurons, in output order.
        nin: Number of inputs.
        nout: Number of outputs.

    Raises:
        TypeError, ValueError: As :class:`Neuron`, and if ``nout`` < 1.

    Examples:
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

    def config(self) -> dict[str, Any]:
        """The constructor arguments, as JSON-able values: ``Layer(**layer.config())`` rebuilds it."""
        return {"nin": self.nin, "nout": self.nout, "activation": self.activation,
                "bias": self.bias, "init": self.neurons[0]._init}

    def __call__(self, x: Input) -> list[Value]:
        """The layer's outputs for one input vector.

        Args:
            x: ``nin`` floats or Values.

        Returns:
            A list of ``nout`` Values, also when ``nout`` is 1.

        Raises:
            TypeError: If ``x`` is not a sequence of numbers or Values (a
                mapping or a set is refused, not read by its keys).
            ValueError: If ``len(x) != nin``.
        """
        model_input(x, "Layer", self.nin)
        return self._forward(x)

    def _forward(self, x: Input) -> list[Value]:
        # One linear call for all neurons: it looks at x once, not once per neuron.
        neurons = self.neurons
        sums = linear(x, [n.w for n in neurons], [0.0 if n.b is None else n.b for n in neurons])
        outs = [neuron._activate(out) for neuron, out in zip(neurons, sums, strict=True)]
        if Neuron._hooked_neurons:
            outs = [n._hooked(x, out) if n._forward_hooks else out for n, out in zip(neurons, outs, strict=True)]
        return self._hooked(x, outs) if self._forward_hooks else outs

    def extra_repr(self) -> str:
        return f"{self.nin} -> {self.nout}, {self.activation}" + (
            "" if self.bias else ", bias=False"
        )

    def __repr__(self) -> str:
        # Neurons are not listed: a layer of 64 would drown the network's shape.
        return f"Layer({self.extra_repr()})"


# ---------------------------------------------------------------- MLP


def parameter_count(sizes: Sequence[int], bias: bool = True) -> int:
    """How many parameters layers of ``sizes`` (inputs first) have, without building them."""
    return sum((fan_in + bias) * fan_out for fan_in, fan_out in itertools.pairwise(sizes))



class MLP(Module):
    """A multi-layer perceptron: Layers of sizes ``nouts`` on ``nin`` inputs.

    Args:
        nin: Number of inputs.
        nouts: Size of each layer; the last is the number of outputs.
        activation: Activation of the hidden layers, one of :data:`nn.ACTIVATIONS`.
        output_activation: Activation of the last layer; None (the default)
            or ``"linear"`` leaves it linear, giving logits for the losses.
        init: One of :data:`nn.INITS`.
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

    Examples:
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
        sequence(nouts, "MLP nouts must be a list of layer sizes")
        if len(nouts) == 0:
            raise ValueError("MLP nouts must list at least one layer size, got an empty list")
        self.nouts = [positive_int(n, f"MLP nouts[{i}]") for i, n in enumerate(nouts)]
        activation_function(activation)
        last_activation = "linear" if output_activation is None else output_activation
        activation_function(last_activation)
        check_init(init)
        strict_bool(bias, "MLP bias")
        seed_or_none(seed, "MLP")
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
            TypeError: If ``x`` is not a sequence of numbers or Values (a
                mapping or a set is refused, not read by its keys).
            ValueError: If ``len(x) != nin``.
        """
        model_input(x, "MLP", self.nin)
        layer_dropout = self.dropout
        # Under autograd.jit, which dropout and its mode are checked before every replay.
        dropout = layer_dropout if layer_dropout is not None and guard_state(
            lambda: (self.dropout is layer_dropout, layer_dropout.training)
        )[1] else None
        out = self.layers[0]._forward(x)
        for layer in self.layers[1:]:
            if dropout is not None:
                out = dropout(out)
            out = layer._forward(out)
        return self._hooked(x, out) if self._forward_hooks else out
