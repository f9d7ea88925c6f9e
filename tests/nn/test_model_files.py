"""Model files at their edges: what save accepts loads back; paths, links and hostile files."""

from __future__ import annotations

import json
import os
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.strategies import json_metadata, not_json_exact

import nn
from nn.files import MAX_FILE_BYTES

FILE_SETTINGS = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


def _model() -> nn.MLP:
    return nn.MLP(2, [3, 1], seed=0)


def _only(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


# ---------------------------------------------------------------- metadata round trips


@FILE_SETTINGS
@given(metadata=json_metadata())
def test_whatever_metadata_save_accepts_loads_back_equal(tmp_path: Path, metadata: dict[str, Any]) -> None:
    path = tmp_path / "model.json"
    nn.save(_model(), path, metadata=metadata)
    assert nn.load_with_preprocessing(path).metadata == metadata


@FILE_SETTINGS
@given(bad=not_json_exact(), where=st.sampled_from(["top", "list", "nested"]))
def test_metadata_that_would_not_load_back_equal_is_refused_at_save(
    tmp_path: Path, bad: Any, where: str
) -> None:
    path = tmp_path / "model.json"
    metadata = {"top": bad, "list": [1, bad], "nested": {"a": {"b": bad}}}[where]
    metadata = metadata if isinstance(metadata, dict) and where != "top" else {"x": metadata}
    with pytest.raises(ValueError, match=r"metadata\["):
        nn.save(_model(), path, metadata=metadata)
    assert _only(tmp_path) == []


@pytest.mark.parametrize(
    ("metadata", "message"),
    [
        ({1: "a", "1": "b"}, r"metadata has the key 1 \(int\); JSON keys are strings"),
        ({"a": (1, 2)}, r"metadata\['a'\] is tuple: \(1, 2\).*use a list"),
        ({"a": float("nan")}, r"metadata\['a'\] is nan, which JSON cannot hold"),
        ({"a": [[[{"b": 1e400}]]]}, r"metadata\['a'\]\[0\]\[0\]\[0\]\['b'\] is inf"),
        ({"a": 10**1001}, r"metadata\['a'\] has more than 1000 digits"),
        ({"a": object()}, r"metadata\['a'\] is object"),
    ],
)
def test_save_refuses_metadata_json_cannot_hold_as_it_is(
    tmp_path: Path, metadata: dict[Any, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        nn.save(_model(), tmp_path / "model.json", metadata=metadata)
    assert _only(tmp_path) == []


def test_save_refuses_metadata_nested_too_deeply_and_load_refuses_it_fast(tmp_path: Path) -> None:
    deep: Any = 0
    for _ in range(40):
        deep = [deep]
    with pytest.raises(ValueError, match=r"nested more than 32 levels deep"):
        nn.save(_model(), tmp_path / "model.json", metadata={"deep": deep})
    path = tmp_path / "model.json"
    nn.save(_model(), path)
    text = path.read_text().rstrip()[:-1] + ', "metadata": {"a": ' + "[" * 50_000 + "]" * 50_000 + "}}"
    path.write_text(text)
    with pytest.raises(ValueError, match=rf"^{path}: .*nested too deeply"):
        nn.load(path)


def test_save_refuses_a_model_changed_in_a_way_its_config_does_not_record(tmp_path: Path) -> None:
    model = _model()
    model.layers[0].activation = "relu"  # the MLP's config still says tanh
    with pytest.raises(ValueError, match=r"changed after it was built"):
        nn.save(model, tmp_path / "model.json")
    assert _only(tmp_path) == []


# ---------------------------------------------------------------- where save writes


def test_saving_through_a_symlink_replaces_the_target_and_keeps_the_link(tmp_path: Path) -> None:
    target = tmp_path / "real.json"
    nn.save(nn.MLP(2, [1], seed=1), target)
    os.chmod(target, 0o640)
    link = tmp_path / "link.json"
    link.symlink_to(target)
    model = _model()
    nn.save(model, link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert nn.load(target).state_dict() == model.state_dict()
    assert target.stat().st_mode & 0o777 == 0o640
    assert _only(tmp_path) == ["link.json", "real.json"]


def test_save_refuses_to_replace_a_read_only_file_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    nn.save(nn.MLP(2, [1], seed=1), path)
    original = path.read_bytes()
    os.chmod(path, 0o444)
    with pytest.raises(PermissionError, match=rf"cannot save to {path}: the file is read-only"):
        nn.save(_model(), path)
    assert path.read_bytes() == original
    assert _only(tmp_path) == ["model.json"]


@pytest.mark.parametrize(
    ("where", "error", "message"),
    [
        (lambda tmp: "", ValueError, r"cannot save to an empty path"),
        (lambda tmp: tmp, IsADirectoryError, r"it is a folder; give a file name such as"),
        (lambda tmp: tmp / "missing" / "model.json", FileNotFoundError,
         r"the folder .*missing does not exist"),
    ],
    ids=["empty", "folder", "missing folder"],
)
def test_save_refuses_paths_that_are_not_a_file_to_write_naming_them(
    tmp_path: Path, where: Callable[[Path], Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        nn.save(_model(), where(tmp_path))
    assert _only(tmp_path) == []


def test_save_errors_name_the_users_path_not_the_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "model.json"

    def full_disk(descriptor: int) -> None:
        raise OSError(28, "No space left on device", "/somewhere/.model.json.x1y2.tmp")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OSError) as caught:
        nn.save(_model(), path)
    assert str(caught.value) == f"cannot save to {path}: No space left on device"
    assert caught.value.errno == 28
    assert ".tmp" not in str(caught.value)
    assert _only(tmp_path) == []


# ---------------------------------------------------------------- hostile and damaged files


def _saved_document(tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    path = tmp_path / "model.json"
    nn.save(_model(), path)
    return path, json.loads(path.read_text())


def _config(change: dict[str, Any]) -> Callable[[dict[str, Any]], str]:
    def rewrite(document: dict[str, Any]) -> str:
        document["architecture"]["config"].update(change)
        return json.dumps(document)

    return rewrite


HOSTILE: list[tuple[str, Callable[[dict[str, Any]], str], str]] = [
    ("nin 10**12", _config({"nin": 10**12}),
     r"the architecture needs at least 3,000,000,000,003 parameters but the file holds 13"),
    ("nin 1000, nouts [1000]", _config({"nin": 1000, "nouts": [1000]}),
     r"needs at least 1,001,000 parameters but the file holds 13"),
    ("nouts of a million layers", _config({"nouts": [1] * 10**6}),
     r"needs at least 1,015 parameters but the file holds 13"),
    ("401-digit parameter", lambda d: json.dumps(d).replace(
        '"layers.0.neurons.0.b": 0.0', '"layers.0.neurons.0.b": ' + "9" * 401),
     r"not finite real numbers: 'layers\.0\.neurons\.0\.b': <an int of about 401 digits>"),
    ("5000-digit parameter", lambda d: json.dumps(d).replace(
        '"layers.0.neurons.0.b": 0.0', '"layers.0.neurons.0.b": ' + "9" * 5000),
     r"an integer of 5000 digits in the file"),
    ("huge nin as text", _config({"nin": "1" * 5000}), r"nin must be a positive int"),
]


@pytest.mark.parametrize(("name", "rewrite", "message"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_a_hostile_file_is_refused_quickly_in_little_memory_naming_it(
    tmp_path: Path, name: str, rewrite: Callable[[dict[str, Any]], str], message: str
) -> None:
    path, document = _saved_document(tmp_path)
    path.write_text(rewrite(document))
    started = time.perf_counter()
    with pytest.raises(ValueError, match=message) as caught:
        nn.load(path)
    assert time.perf_counter() - started < 2.0
    assert str(caught.value).startswith(f"{path}: ")
    tracemalloc.start()  # measured apart: tracing slows Python down several times
    try:
        with pytest.raises(ValueError, match=message):
            nn.load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # In proportion to the file read, not to the model it describes.
    assert peak < 40 * path.stat().st_size + 2**20, f"{peak:,} bytes for a {path.stat().st_size:,}-byte file"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp: Path("/dev/zero"), r"^/dev/zero: not an ordinary file \(a device\)"),
        (lambda tmp: tmp, r"not an ordinary file \(a folder\)"),
        (lambda tmp: (os.mkfifo(tmp / "pipe"), tmp / "pipe")[1], r"not an ordinary file \(a FIFO\)"),
    ],
    ids=["device", "folder", "fifo"],
)
def test_load_refuses_what_is_not_an_ordinary_file_without_reading_it(
    tmp_path: Path, make: Callable[[Path], Path], message: str
) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("needs POSIX files")
    with pytest.raises(ValueError, match=message):
        nn.load(make(tmp_path))


def test_load_refuses_a_file_over_the_size_limit_before_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    with path.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: no disk or memory spent
    started = time.perf_counter()
    with pytest.raises(ValueError, match=rf"^{path}: 67,108,865 bytes, more than the 67,108,864"):
        nn.load(path)
    assert time.perf_counter() - started < 1.0


def test_load_refuses_an_empty_path() -> None:
    with pytest.raises(ValueError, match="empty path"):
        nn.load("")
