"""Save and load models as JSON: nothing executable (no pickle), nothing lost, never half written.

The file (``format`` and ``version`` first, so a reader can tell what it is)::

    {
      "format": "valuegrad-model",
      "version": 1,
      "architecture": {"class": "MLP", "config": {"nin": 2, "nouts": [16, 16, 1], ...}},
      "parameters": {"layers.0.neurons.0.w.0": 0.123, ...},
      "preprocessing": {"kind": "standardize", "mean": [...], "std": [...]} or null,
      "metadata": {...}  (optional, free-form JSON, e.g. how the model was trained)
    }

The classes a file can hold are :class:`nn.MLP`, :class:`nn.Layer`,
:class:`nn.Neuron` and :class:`nn.GPT` (a Dropout has no parameters; an MLP's
dropout is part of its config; a GPT takes token ids, so it has no
preprocessing, and its tokenizer's characters go in the metadata). Floats are written with ``repr`` precision, so a loaded model
computes bit-identical outputs.

Saving checks the text it is about to write by loading it back in memory, so
whatever ``save`` accepts, ``load`` rebuilds as it was; the file itself is
written atomically (see ``autograd.extend.write_file``). Loading only reads, at most
:data:`MAX_FILE_BYTES`, and checks the architecture against the parameters
actually present before it builds anything, so a damaged or hostile file is
refused with a ValueError naming the file, quickly and in little memory.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from autograd.extend import read_file, write_file

from .._checks import positive_int, sequence, strict_bool
from ..data.scaler import Scaler
from ..modules.gpt import GPT
from ..modules.layers import MLP, Layer, Neuron, parameter_count
from ..modules.module import Module
from . import _strict_json

__all__ = ["FORMAT", "MAX_FILE_BYTES", "VERSION", "LoadedModel", "load", "load_with_preprocessing",
           "save"]

FORMAT = "valuegrad-model"
"""The value of the ``format`` field of every model file."""

VERSION = 1
"""The file-format version this code writes (and the newest it reads)."""

MAX_FILE_BYTES = 64 * 2**20
"""The largest model file ``load`` reads (about a million parameters; ``save`` keeps to it)."""

SavedModel = MLP | Layer | Neuron | GPT

# The classes a file may name; a name maps to a class, never to arbitrary code.
_CLASSES: dict[str, type[SavedModel]] = {"MLP": MLP, "Layer": Layer, "Neuron": Neuron, "GPT": GPT}
_TOP_LEVEL_KEYS = {"format", "version", "architecture", "parameters", "preprocessing", "metadata"}
_REQUIRED_KEYS = {"format", "version", "architecture", "parameters"}

# How many more parameters than the file holds an architecture may describe and still be
# built, so that load_state_dict can name the missing ones (building costs memory).
_NAMED_MISMATCH = 1000

PathLike = str | os.PathLike[str]
Problem = Callable[[str], ValueError]


class LoadedModel(NamedTuple):
    """What :func:`load_with_preprocessing` returns.

    Attributes:
        model: The rebuilt model (an MLP, Layer, Neuron or GPT, in eval mode).
        preprocessing: The input scaler saved with the model, or None.
        metadata: The free-form ``metadata`` saved with the model (empty if none).
    """

    model: SavedModel
    preprocessing: Scaler | None
    metadata: dict[str, Any]


# ---------------------------------------------------------------- save


def save(
    model: Module,
    path: PathLike,
    *,
    preprocessing: Scaler | Mapping[str, Any] | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> None:
    """Write ``model`` (architecture and parameters) to ``path`` as JSON, atomically.

    Args:
        model: An :class:`nn.MLP`, :class:`nn.Layer`, :class:`nn.Neuron` or :class:`nn.GPT`.
        path: The destination file; its folder must exist. An existing file is
            replaced only once the new one is completely written; a symbolic
            link is followed and the file it names is replaced, keeping its
            permissions.
        preprocessing: The input scaling the model was trained with (a
            :class:`nn.Scaler` or its ``to_dict()``), so users can pass raw inputs.
        metadata: Extra information to store (e.g. the data set): a mapping
            with string keys holding dicts, lists, strings, finite numbers,
            booleans and None, nested at most 32 deep; it loads back equal.

    Raises:
        TypeError: If ``model`` is not a class the format can rebuild, or
            ``preprocessing``/``metadata`` have the wrong type.
        ValueError: If a parameter is NaN or inf, the scaler's width is not
            the model's number of inputs, the metadata would not load back as
            it is (the message names the item), the model was changed after
            it was built in a way its config does not record, ``path`` is empty,
            the file would exceed :data:`MAX_FILE_BYTES`, or ``path`` exists and is not
            a regular file (a device such as ``/dev/null``, a FIFO, a socket): it is left as it is.
        OSError: If the file cannot be written (a folder, a missing folder, a
            read-only file); the message names ``path``, which is then untouched.

    Examples:
        >>> model = MLP(2, [4, 1], seed=0)
        >>> save(model, "model.json", metadata={"data": "moons"})  # doctest: +SKIP
        >>> load("model.json").state_dict() == model.state_dict()  # doctest: +SKIP
        True
    """
    text = _document_text(model, preprocessing, metadata)
    loaded = _read(text, lambda message: ValueError(
        f"cannot save {type(model).__name__} to {os.fspath(path)}: {message}"))
    if _structure(loaded.model) != _structure(model):
        raise ValueError(
            f"cannot save {type(model).__name__}: it was changed after it was built (a layer's "
            "activation, a bias, a list of weights) in a way its config() does not record, so "
            "it would load back different; build the model you want with the constructor"
        )
    write_file(path, text)


def _document_text(
    model: Module, preprocessing: Scaler | Mapping[str, Any] | None,
    metadata: Mapping[str, Any] | None,
) -> str:
    class_name = type(model).__name__
    if _CLASSES.get(class_name) is not type(model):
        raise TypeError(
            f"save supports {', '.join(_CLASSES)} models, got {class_name}; "
            "for other modules, save their state_dict() yourself"
        )
    saved: SavedModel = model
    parameters = saved.state_dict()
    bad = [name for name, value in parameters.items() if not math.isfinite(value)]
    if bad:
        raise ValueError(
            f"cannot save a model with non-finite parameters: {', '.join(bad[:5])}"
            + (f" and {len(bad) - 5} more" if len(bad) > 5 else "")
        )
    scaler = _as_scaler(preprocessing)
    if scaler is not None and isinstance(saved, GPT):
        raise ValueError("a GPT reads token ids, which are not scaled: save it without preprocessing")
    if scaler is not None and not isinstance(saved, GPT) and scaler.nfeatures != saved.nin:
        raise ValueError(
            f"preprocessing scales {scaler.nfeatures} features but the model has {saved.nin} inputs"
        )
    document: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "architecture": {"class": class_name, "config": saved.config()},
        "parameters": parameters,
        "preprocessing": None if scaler is None else scaler.to_dict(),
    }
    if metadata is not None:
        if not isinstance(metadata, Mapping):
            raise TypeError(f"metadata must be a mapping, got {type(metadata).__name__}")
        document["metadata"] = dict(metadata)
        _strict_json.check(document["metadata"], "metadata")
    text = json.dumps(document, indent=1, allow_nan=False) + "\n"
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        raise ValueError(
            f"the model file would have {len(text.encode('utf-8')):,} bytes, more than the "
            f"{MAX_FILE_BYTES:,} that load reads; store less metadata or a smaller model"
        )
    return text


def _as_scaler(preprocessing: object) -> Scaler | None:
    if preprocessing is None or isinstance(preprocessing, Scaler):
        return preprocessing
    if isinstance(preprocessing, Mapping):
        return Scaler.from_dict(preprocessing)
    raise TypeError(
        f"preprocessing must be None, an nn.Scaler or its to_dict(), "
        f"got {type(preprocessing).__name__}"
    )


def _structure(model: Module) -> list[tuple[str, str]]:
    """What a rebuilt model must match: each module's kind and settings, each parameter's name."""
    return [(type(module).__name__, module.extra_repr()) for module in model.modules()] + [
        ("parameter", name) for name, _ in model.named_parameters()
    ]


# ---------------------------------------------------------------- load


def load(path: PathLike) -> SavedModel:
    """Rebuild the model saved at ``path``.

    Args:
        path: A file written by :func:`save`.

    Returns:
        The model (an MLP, Layer or Neuron), with the saved parameters, in eval mode.

    Raises:
        FileNotFoundError: If there is no such file.
        ValueError: If the file is not a valid model file (not an ordinary
            file, over :data:`MAX_FILE_BYTES`, truncated or corrupt JSON, wrong
            format or version, an unknown architecture or one that does not
            match the parameters present, missing, extra or non-finite
            parameters, a bad preprocessing entry, metadata nested too deeply);
            the message starts with the file's name and says what is wrong.
            The file itself is never modified.
    """
    return load_with_preprocessing(path).model


def load_with_preprocessing(path: PathLike) -> LoadedModel:
    """Like :func:`load`, also returning the saved input scaler and metadata.

    Returns:
        A :class:`LoadedModel` ``(model, preprocessing, metadata)``.

    Raises:
        FileNotFoundError, ValueError: As :func:`load`.
    """
    name = os.fspath(path)
    raw = read_file(path, MAX_FILE_BYTES)  # read-only: loading never changes the file

    def problem(message: str) -> ValueError:
        return ValueError(f"{name}: {message}")

    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise problem(f"not a valuegrad model file (not UTF-8 text: {error})") from None
    return _read(text, problem)


def _read(text: str, problem: Problem) -> LoadedModel:
    """The model, scaler and metadata in ``text``; every refusal is ``problem(what is wrong)``."""
    if not text.strip():
        raise problem("the file is empty (an interrupted copy?)")
    try:
        document = _strict_json.parse(text)
    except json.JSONDecodeError as error:
        raise problem(
            f"not valid JSON, the file is truncated or corrupt "
            f"(line {error.lineno}, column {error.colno}: {error.msg})"
        ) from None
    except ValueError as error:
        raise problem(str(error)) from None
    _check_header(document, problem)
    parameters = document["parameters"]
    if not isinstance(parameters, dict):
        raise problem(f"'parameters' must be an object of name: number, got {type(parameters).__name__}")
    model = _build(document["architecture"], len(parameters), problem)
    try:
        model.load_state_dict(parameters)
    except (TypeError, ValueError) as error:
        raise problem(f"parameters do not match the architecture: {error}") from None
    scaler = _read_scaler(document.get("preprocessing"), None if isinstance(model, GPT) else model.nin, problem)
    metadata = document.get("metadata", {})
    if not isinstance(metadata, dict):
        raise problem(f"'metadata' must be an object, got {type(metadata).__name__}")
    try:
        _strict_json.check(metadata, "metadata")
    except ValueError as error:
        raise problem(str(error)) from None
    model.eval()  # a loaded model is for use; call train() to fine-tune it
    return LoadedModel(model, scaler, metadata)


def _check_header(document: object, problem: Problem) -> None:
    if not isinstance(document, dict):
        raise problem(f"expected a JSON object at the top level, got {type(document).__name__}")
    if document.get("format") != FORMAT:
        raise problem(f"not a valuegrad model file (format {document.get('format')!r:.80}, "
                      f"expected {FORMAT!r})")
    version = document.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise problem(f"the format version must be an int, got {version!r:.80}")
    if version > VERSION:
        raise problem(
            f"format version {version} was written by a newer valuegrad; "
            f"this one reads versions up to {VERSION} (upgrade valuegrad)"
        )
    if version < 1:
        raise problem(f"unknown format version {version}")
    missing = sorted(_REQUIRED_KEYS - set(document))
    extra = sorted(set(document) - _TOP_LEVEL_KEYS)
    if missing or extra:
        parts = [f"missing {', '.join(missing)}" if missing else "",
                 f"unknown {', '.join(extra)}" if extra else ""]
        raise problem("unexpected structure: " + "; ".join(part for part in parts if part))


def _build(architecture: object, present: int, problem: Problem) -> SavedModel:
    """The module the architecture describes, built only if its size fits the ``present`` parameters."""
    if not isinstance(architecture, dict) or set(architecture) != {"class", "config"}:
        raise problem("'architecture' must be an object with exactly 'class' and 'config'")
    class_name = architecture["class"]
    cls = _CLASSES.get(class_name) if isinstance(class_name, str) else None
    if cls is None:
        raise problem(
            f"unknown architecture class {class_name!r:.80}; expected one of {', '.join(_CLASSES)}"
        )
    config = architecture["config"]
    if not isinstance(config, dict):
        raise problem(f"'architecture.config' must be an object, got {type(config).__name__}")
    try:
        expected = _parameter_count(class_name, config, present + _NAMED_MISMATCH)
    except (TypeError, ValueError) as error:
        raise problem(f"cannot rebuild {class_name} from its config: {error}") from None
    if expected > present + _NAMED_MISMATCH:
        # Checked before building: a config may describe billions of weights. A few
        # missing ones are left to load_state_dict, which names them.
        raise problem(
            f"the architecture needs at least {expected:,} parameters but the file holds {present:,}"
        )
    if class_name == "GPT" and config.get("seed") is None:
        # The weights are overwritten: a fixed seed keeps the global random state untouched.
        config = {**config, "seed": 0}
    try:
        return cls(**config)
    except (TypeError, ValueError) as error:
        raise problem(f"cannot rebuild {class_name} from its config: {error}") from None


def _parameter_count(class_name: str, config: dict[str, Any], bound: int) -> int:
    """How many parameters ``class_name(**config)`` has, without building it.

    Counting stops once the count passes ``bound``, so a config of a million
    layers costs no more than the file's parameters justify.
    """
    if class_name == "GPT":
        return _gpt_parameter_count(config)
    bias = strict_bool(config.get("bias", True), f"{class_name} bias")
    nin = positive_int(config.get("nin"), f"{class_name} nin")
    if class_name == "Neuron":
        return parameter_count([nin, 1], bias)
    if class_name == "Layer":
        return parameter_count([nin, positive_int(config.get("nout"), "Layer nout")], bias)
    total = 0
    fan_in = nin
    for index, size in enumerate(sequence(config.get("nouts"), "MLP nouts must be a list of layer sizes")):
        fan_out = positive_int(size, f"MLP nouts[{index}]")
        total += parameter_count([fan_in, fan_out], bias)
        if total > bound:
            break
        fan_in = fan_out
    return total


def _gpt_parameter_count(config: dict[str, Any]) -> int:
    """The parameters of ``GPT(**config)``: two vocab × n_embd matrices, wpe, and 12·n_embd² per block."""
    vocab, n_layer, n_embd, block = (
        positive_int(config.get(key, default), f"GPT {key}")
        for key, default in (("vocab_size", None), ("n_layer", 1), ("n_embd", 16), ("block_size", 16))
    )
    return 2 * vocab * n_embd + block * n_embd + 12 * n_layer * n_embd * n_embd


def _read_scaler(entry: object, nin: int | None, problem: Problem) -> Scaler | None:
    if entry is None:
        return None
    if nin is None:
        raise problem("a GPT reads token ids, which are not scaled, but the file has preprocessing")
    try:
        scaler = Scaler.from_dict(entry)  # type: ignore[arg-type]
    except (TypeError, ValueError) as error:
        raise problem(f"bad preprocessing entry: {error}") from None
    if scaler.nfeatures != nin:
        raise problem(f"preprocessing scales {scaler.nfeatures} features but the model has {nin} inputs")
    return scaler
