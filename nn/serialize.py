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

Floats are written with ``repr`` precision, so a loaded model computes
bit-identical outputs. Saving writes a temporary file in the destination's
folder, flushes and fsyncs it, then renames it over the destination
(``os.replace`` is atomic), so a crash leaves either the old file or the new
one, never a mixture. Loading only reads.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from .data import Scaler
from .layers import MLP
from .module import Module

FORMAT = "valuegrad-model"
"""The value of the ``format`` field of every model file."""

VERSION = 1
"""The file-format version this code writes (and the newest it reads)."""

# The classes a file may name; a name maps to a class, never to arbitrary code.
_CLASSES: dict[str, type[MLP]] = {"MLP": MLP}
_TOP_LEVEL_KEYS = {"format", "version", "architecture", "parameters", "preprocessing", "metadata"}
_REQUIRED_KEYS = {"format", "version", "architecture", "parameters"}

PathLike = str | os.PathLike[str]


class LoadedModel(NamedTuple):
    """What :func:`load_with_preprocessing` returns.

    Attributes:
        model: The rebuilt model.
        preprocessing: The input scaler saved with the model, or None.
        metadata: The free-form ``metadata`` saved with the model (empty if none).
    """

    model: MLP
    preprocessing: Scaler | None
    metadata: dict[str, Any]


# ---------------------------------------------------------------- save


def _as_scaler(preprocessing: object) -> Scaler | None:
    if preprocessing is None or isinstance(preprocessing, Scaler):
        return preprocessing
    if isinstance(preprocessing, Mapping):
        return Scaler.from_dict(preprocessing)
    raise TypeError(
        f"preprocessing must be None, an nn.Scaler or its to_dict(), "
        f"got {type(preprocessing).__name__}"
    )


def save(
    model: Module,
    path: PathLike,
    preprocessing: Scaler | Mapping[str, Any] | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> None:
    """Write ``model`` (architecture and parameters) to ``path`` as JSON, atomically.

    Args:
        model: An :class:`nn.MLP` (the classes this format can rebuild).
        path: The destination; its folder must exist. An existing file is
            replaced only once the new one is completely written.
        preprocessing: The input scaling the model was trained with (a
            :class:`nn.Scaler` or its ``to_dict()``), so users can pass raw inputs.
        metadata: Extra JSON-able information to store (e.g. the data set).

    Raises:
        TypeError: If ``model`` is not a supported class, or ``preprocessing``/
            ``metadata`` have the wrong type or are not JSON-able.
        ValueError: If a parameter is NaN or inf, or the scaler's width is not
            the model's number of inputs.
        OSError: If the file cannot be written (the destination is then untouched).

    Example:
        >>> model = MLP(2, [4, 1], seed=0)
        >>> save(model, "model.json")                      # doctest: +SKIP
        >>> load("model.json").state_dict() == model.state_dict()  # doctest: +SKIP
        True
    """
    class_name = type(model).__name__
    if not isinstance(model, MLP) or _CLASSES.get(class_name) is not type(model):
        raise TypeError(
            f"save supports {', '.join(_CLASSES)} models, got {class_name}; "
            "for other modules, save their state_dict() yourself"
        )
    mlp = model
    parameters = mlp.state_dict()
    bad = [name for name, value in parameters.items() if not math.isfinite(value)]
    if bad:
        raise ValueError(
            f"cannot save a model with non-finite parameters: {', '.join(bad[:5])}"
            + (f" and {len(bad) - 5} more" if len(bad) > 5 else "")
        )
    scaler = _as_scaler(preprocessing)
    if scaler is not None and scaler.nfeatures != mlp.nin:
        raise ValueError(
            f"preprocessing scales {scaler.nfeatures} features but the model has {mlp.nin} inputs"
        )
    if metadata is not None and not isinstance(metadata, Mapping):
        raise TypeError(f"metadata must be a mapping, got {type(metadata).__name__}")
    document: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "architecture": {"class": class_name, "config": mlp.config()},
        "parameters": parameters,
        "preprocessing": None if scaler is None else scaler.to_dict(),
    }
    if metadata is not None:
        document["metadata"] = dict(metadata)
    try:
        text = json.dumps(document, indent=1, allow_nan=False) + "\n"
    except (TypeError, ValueError) as error:
        raise TypeError(f"the model's metadata is not JSON-able: {error}") from None
    write_atomic(path, text)


def write_atomic(path: PathLike, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see the old file or the new one, never a part.

    The text goes to a temporary file in the same folder (a rename is only
    atomic within one file system), is flushed and fsynced, then renamed over
    ``path``. On any failure the temporary file is removed and ``path`` is
    left as it was.

    Args:
        path: The destination.
        text: The full content, written as UTF-8.

    Raises:
        OSError: If writing or renaming fails.
    """
    destination = Path(path)
    folder = destination.parent
    descriptor, temporary = tempfile.mkstemp(
        dir=folder, prefix=f".{destination.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp makes the file private (0600); give it the mode a plain open() would.
        os.chmod(temporary, _file_mode(destination))
        os.replace(temporary, destination)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _fsync_folder(folder)


def _file_mode(destination: Path) -> int:
    try:
        return destination.stat().st_mode & 0o777  # keep the mode of the file being replaced
    except OSError:
        # os.umask can only be read by setting it; restore it at once.
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_folder(folder: Path) -> None:
    # Makes the rename itself durable on POSIX; not possible (nor needed) on Windows.
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


# ---------------------------------------------------------------- load


def load(path: PathLike) -> MLP:
    """Rebuild the model saved at ``path``.

    Args:
        path: A file written by :func:`save` (or ``model.save``).

    Returns:
        The model, with the saved parameters.

    Raises:
        FileNotFoundError: If there is no such file.
        ValueError: If the file is not a valid model file (truncated or
            corrupt JSON, wrong format or version, an unknown architecture,
            missing, extra or non-finite parameters, a bad preprocessing
            entry); the message names the file and the problem. The file
            itself is never modified.
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
    with open(path, "rb") as handle:  # read-only: loading never changes the file
        raw = handle.read()

    def problem(message: str) -> ValueError:
        return ValueError(f"{name}: {message}")

    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise problem(f"not a valuegrad model file (not UTF-8 text: {error})") from None
    if not text.strip():
        raise problem("the file is empty (an interrupted copy?)")
    try:
        document = json.loads(
            text,
            parse_constant=_refuse_constant,
            parse_float=_finite_float,
            object_pairs_hook=_unique_keys,
        )
    except json.JSONDecodeError as error:
        raise problem(
            f"not valid JSON, the file is truncated or corrupt "
            f"(line {error.lineno}, column {error.colno}: {error.msg})"
        ) from None
    except ValueError as error:
        raise problem(str(error)) from None
    if not isinstance(document, dict):
        raise problem(f"expected a JSON object at the top level, got {type(document).__name__}")
    if document.get("format") != FORMAT:
        raise problem(f"not a valuegrad model file (format {document.get('format')!r}, "
                      f"expected {FORMAT!r})")
    version = document.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise problem(f"the format version must be an int, got {version!r}")
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
        raise problem(
            "unexpected structure: "
            + "; ".join(
                part for part in (
                    f"missing {', '.join(missing)}" if missing else "",
                    f"unknown {', '.join(extra)}" if extra else "",
                ) if part
            )
        )
    model = _build(document["architecture"], problem)
    parameters = document["parameters"]
    if not isinstance(parameters, dict):
        raise problem(f"'parameters' must be an object of name: number, got {type(parameters).__name__}")
    try:
        model.load_state_dict(parameters)
    except (TypeError, ValueError) as error:
        raise problem(f"parameters do not match the architecture: {error}") from None
    scaler: Scaler | None = None
    if document.get("preprocessing") is not None:
        try:
            scaler = Scaler.from_dict(document["preprocessing"])
        except (TypeError, ValueError) as error:
            raise problem(f"bad preprocessing entry: {error}") from None
        if scaler.nfeatures != model.nin:
            raise problem(
                f"preprocessing scales {scaler.nfeatures} features but the model has "
                f"{model.nin} inputs"
            )
    metadata = document.get("metadata", {})
    if not isinstance(metadata, dict):
        raise problem(f"'metadata' must be an object, got {type(metadata).__name__}")
    model.eval()  # a loaded model is for use; call train() to fine-tune it
    return LoadedModel(model, scaler, metadata)


def _refuse_constant(constant: str) -> Any:
    # Python's json accepts NaN and Infinity, which are not JSON and not a trained weight.
    raise ValueError(f"non-finite number {constant} in the file (NaN or Infinity is not allowed)")


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):  # e.g. 1e999, which float() turns into inf
        raise ValueError(f"non-finite number {text} in the file")
    return number


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json.loads would silently keep the last of two equal keys; a repeated
    # parameter name means the file was damaged or hand-edited.
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"the key {key!r} appears twice in one object")
        result[key] = value
    return result


def _build(architecture: object, problem: Callable[[str], ValueError]) -> MLP:
    if not isinstance(architecture, dict) or set(architecture) != {"class", "config"}:
        raise problem("'architecture' must be an object with exactly 'class' and 'config'")
    class_name = architecture["class"]
    cls = _CLASSES.get(class_name) if isinstance(class_name, str) else None
    if cls is None:
        raise problem(
            f"unknown architecture class {class_name!r}; expected one of {', '.join(_CLASSES)}"
        )
    config = architecture["config"]
    if not isinstance(config, dict):
        raise problem(f"'architecture.config' must be an object, got {type(config).__name__}")
    try:
        return cls(**config)
    except (TypeError, ValueError) as error:
        raise problem(f"cannot rebuild {class_name} from its config: {error}") from None
