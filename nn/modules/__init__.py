"""The building blocks of a network: ``Module``, ``Neuron``/``Layer``/``MLP``, ``Dropout``,
activations and weight initialisation by name, softmax and its family."""

from .activations import ACTIVATIONS, activate
from .dropout import Dropout
from .functional import log_softmax, logsumexp, softmax
from .hooks import HookHandle
from .init import INITS
from .layers import MLP, Layer, Neuron
from .module import LoadResult, Module

__all__ = [
    "ACTIVATIONS",
    "INITS",
    "MLP",
    "Dropout",
    "HookHandle",
    "Layer",
    "LoadResult",
    "Module",
    "Neuron",
    "activate",
    "log_softmax",
    "logsumexp",
    "softmax",
]
