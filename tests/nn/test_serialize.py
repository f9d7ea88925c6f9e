"""Saving and loading models as JSON (the files room, nn/files/)."""

from __future__ import annotations

import json
import os
import random
from pathlib import Path
from typing import Any

import pytest

import nn
from nn import MLP, Dropout, Layer, Neuron, Scaler, load, load_with_preprocessing, save
from nn.files import FORMAT, VERSION

INPUTS = [[0.5, -0.2], [1.5, 2.0], [-3.0, 0.25]]


def _model() -> MLP:
    return MLP(2, [4, 3, 2], activation="leaky_relu", output_activation="sigmoid", seed=7)


def _outputs(model: MLP) -> list[list[float]]:
    return [[value.data for value in model(x)] for x in INPUTS]


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    path = tmp_path / "model.json"
    save(_model(), path, preprocessing=Scaler((1.0, 2.0), (0.5, 4.0)))
    return path


def _rewrite(path: Path, change: Any) -> bytes:
    """Apply ``change`` to the saved document, write it back; return the new bytes."""
    document = json.loads(path.read_text())
    change(document)
    path.write_text(json.dumps(document))
    return path.read_bytes()


# ---------------------------------------------------------------- round trip


def test_save_then_load_gives_identical_outputs_and_state(tmp_path: Path) -> None:
    model = _model()
    path = tmp_path / "model.json"
    save(model, path)
    loaded = load(path)
    assert type(loaded) is MLP
    assert loaded.config() == model.config()
    assert loaded.state_dict() == model.state_dict()
    assert _outputs(loaded) == _outputs(model)  # bit-identical: floats are written exactly


@pytest.mark.parametrize(
    "build",
    [
        lambda: MLP(2, [4, 3, 2], activation="leaky_relu", output_activation="sigmoid", seed=7,
                    dropout=0.25),
        lambda: Layer(2, 3, activation="relu", bias=False, init="he", rng=random.Random(1)),
        lambda: Neuron(2, activation="sigmoid", rng=random.Random(2)),
    ],
    ids=["MLP", "Layer", "Neuron"],
)
def test_every_module_kind_with_parameters_saves_and_loads_back_identically(
    tmp_path: Path, build: Any
) -> None:
    model = build()
    path = tmp_path / "model.json"
    save(model, path, metadata={"kind": type(model).__name__})
    loaded, _, metadata = load_with_preprocessing(path)
    assert type(loaded) is type(model)
    assert repr(loaded) == repr(model)
    assert loaded.config() == model.config()
    assert loaded.state_dict() == model.state_dict()
    assert metadata == {"kind": type(model).__name__}
    for x in INPUTS:
        assert nn.predict(loaded, [x]) == nn.predict(model, [x])


def test_the_file_is_versioned_json_with_architecture_and_parameters(saved: Path) -> None:
    document = json.loads(saved.read_text())
    assert document["format"] == FORMAT == "valuegrad-model"
    assert document["version"] == VERSION == 1
    assert document["architecture"]["class"] == "MLP"
    assert document["architecture"]["config"]["nouts"] == [4, 3, 2]
    assert document["parameters"] == _model().state_dict()
    assert document["preprocessing"] == {"kind": "standardize", "mean": [1.0, 2.0],
                                         "std": [0.5, 4.0]}


def test_preprocessing_and_metadata_come_back(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    scaler = Scaler((1.0, 2.0), (0.5, 4.0))
    save(_model(), path, preprocessing=scaler.to_dict(), metadata={"loss": "bce"})
    model, preprocessing, metadata = load_with_preprocessing(path)
    assert preprocessing == scaler
    assert metadata == {"loss": "bce"}
    assert model.training is False  # loaded for use


def test_save_replaces_an_existing_file_keeping_its_permissions(saved: Path) -> None:
    os.chmod(saved, 0o640)
    other = MLP(2, [1], seed=0)
    save(other, saved)
    assert load(saved).state_dict() == other.state_dict()
    assert saved.stat().st_mode & 0o777 == 0o640


def test_a_new_file_gets_ordinary_permissions_not_the_private_temp_mode(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        save(_model(), tmp_path / "model.json")
    finally:
        os.umask(umask)
    assert (tmp_path / "model.json").stat().st_mode & 0o777 == 0o644


# ---------------------------------------------------------------- refusing to save


def test_save_refuses_non_finite_parameters(tmp_path: Path) -> None:
    model = _model()
    model.parameters()[3].data = float("nan")  # w0, w1, b of neuron 0, then neuron 1's w0
    with pytest.raises(ValueError, match=r"non-finite parameters: layers\.0\.neurons\.1\.w\.0"):
        save(model, tmp_path / "model.json")
    assert not (tmp_path / "model.json").exists()


def test_save_refuses_a_module_it_cannot_rebuild(tmp_path: Path) -> None:
    class Scaled(MLP):
        pass

    for module in (Dropout(0.5), Scaled(2, [1], seed=0)):
        with pytest.raises(TypeError, match=r"save supports MLP, Layer, Neuron, GPT models, got "):
            save(module, tmp_path / "model.json")
    assert not (tmp_path / "model.json").exists()


def test_save_refuses_a_scaler_of_the_wrong_width(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"scales 3 features but the model has 2 inputs"):
        save(_model(), tmp_path / "model.json", preprocessing=Scaler((0.0,) * 3, (1.0,) * 3))


# ---------------------------------------------------------------- atomicity


def test_a_failure_while_writing_keeps_the_old_file_and_leaves_no_temp_file(
    saved: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = saved.read_bytes()

    def failing_fsync(descriptor: int) -> None:
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(OSError, match="simulated"):
        save(MLP(2, [1], seed=1), saved)
    assert saved.read_bytes() == original
    assert sorted(p.name for p in saved.parent.iterdir()) == ["model.json"]


def test_a_failure_at_the_rename_keeps_the_old_file_and_leaves_no_temp_file(
    saved: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = saved.read_bytes()

    def failing_replace(source: str, destination: Any) -> None:
        raise KeyboardInterrupt  # even an interrupt must not leave debris

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(KeyboardInterrupt):
        save(MLP(2, [1], seed=1), saved)
    assert saved.read_bytes() == original
    assert sorted(p.name for p in saved.parent.iterdir()) == ["model.json"]


def test_the_temporary_file_is_written_next_to_the_destination(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []
    real_replace = os.replace

    def spying_replace(source: str, destination: Any) -> None:
        seen.append(source)
        real_replace(source, destination)

    monkeypatch.setattr(os, "replace", spying_replace)
    save(_model(), tmp_path / "model.json")
    assert Path(seen[0]).parent == tmp_path  # same folder: the rename is atomic


# ---------------------------------------------------------------- refusing to load


def _truncate(path: Path) -> bytes:
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    return path.read_bytes()


CORRUPTIONS: list[tuple[str, Any, str]] = [
    ("truncated", _truncate, r"not valid JSON, the file is truncated or corrupt"),
    ("empty", lambda p: (p.write_bytes(b""), b"")[1], r"the file is empty"),
    ("binary", lambda p: (p.write_bytes(b"\xff\xfe\x00garbage"), b"\xff\xfe\x00garbage")[1],
     r"not UTF-8"),
    ("not an object", lambda p: (p.write_text("[1, 2]"), p.read_bytes())[1],
     r"expected a JSON object"),
    ("wrong format", lambda p: _rewrite(p, lambda d: d.update(format="pickle")),
     r"not a valuegrad model file"),
    ("newer version", lambda p: _rewrite(p, lambda d: d.update(version=2)),
     r"format version 2 was written by a newer valuegrad"),
    ("version zero", lambda p: _rewrite(p, lambda d: d.update(version=0)),
     r"unknown format version 0"),
    ("missing parameters key", lambda p: _rewrite(p, lambda d: d.pop("parameters")),
     r"missing parameters"),
    ("unknown top-level key", lambda p: _rewrite(p, lambda d: d.update(code="import os")),
     r"unknown code"),
    ("unknown class", lambda p: _rewrite(p, lambda d: d["architecture"].update(
        {"class": "os.system"})), r"unknown architecture class 'os.system'"),
    ("bad config", lambda p: _rewrite(p, lambda d: d["architecture"]["config"].update(
        activation="swish")), r"cannot rebuild MLP from its config: unknown activation 'swish'"),
    ("missing parameter", lambda p: _rewrite(p, lambda d: d["parameters"].pop(
        "layers.2.neurons.1.b")), r"missing keys: 'layers\.2\.neurons\.1\.b'"),
    ("extra parameter", lambda p: _rewrite(p, lambda d: d["parameters"].update(
        {"layers.3.neurons.0.b": 0.0})), r"unexpected keys: 'layers\.3\.neurons\.0\.b'"),
    ("shape mismatch", lambda p: _rewrite(p, lambda d: d["architecture"]["config"].update(
        nouts=[5, 3, 2])), r"parameters do not match the architecture: .*missing keys"),
    ("string parameter", lambda p: _rewrite(p, lambda d: d["parameters"].update(
        {"layers.0.neurons.0.b": "0.1"})), r"not finite real numbers"),
    ("NaN parameter", lambda p: (p.write_text(p.read_text().replace(
        '"layers.0.neurons.0.b": 0.0', '"layers.0.neurons.0.b": NaN')), p.read_bytes())[1],
     r"non-finite number NaN"),
    ("overflowing parameter", lambda p: (p.write_text(p.read_text().replace(
        '"layers.0.neurons.0.b": 0.0', '"layers.0.neurons.0.b": 1e999')), p.read_bytes())[1],
     r"non-finite number 1e999"),
    ("duplicate key", lambda p: (p.write_text(p.read_text().replace(
        '"layers.0.neurons.0.b": 0.0', '"layers.0.neurons.0.b": 0.0, "layers.0.neurons.0.b": 1.0')),
        p.read_bytes())[1], r"appears twice"),
    ("bad preprocessing", lambda p: _rewrite(p, lambda d: d["preprocessing"].update(std=[0.0, 1.0])),
     r"bad preprocessing entry: Scaler std values must be > 0"),
    ("preprocessing width", lambda p: _rewrite(p, lambda d: d.update(
        preprocessing={"kind": "standardize", "mean": [0.0], "std": [1.0]})),
     r"scales 1 features but the model has 2 inputs"),
]


@pytest.mark.parametrize(("name", "corrupt", "match"), CORRUPTIONS, ids=[c[0] for c in CORRUPTIONS])
def test_a_damaged_file_is_refused_naming_file_and_problem_and_left_untouched(
    saved: Path, name: str, corrupt: Any, match: str
) -> None:
    damaged = corrupt(saved)
    before = saved.stat()
    with pytest.raises(ValueError, match=match) as caught:
        load(saved)
    assert str(caught.value).startswith(f"{saved}: ")
    assert saved.read_bytes() == damaged  # loading never writes
    assert saved.stat().st_mtime_ns == before.st_mtime_ns
    assert sorted(p.name for p in saved.parent.iterdir()) == ["model.json"]


def test_the_damaged_fixture_files_really_differ_from_a_valid_one(saved: Path) -> None:
    # Guards the table above: every corruption must change the file it is given.
    valid = saved.read_bytes()
    for name, corrupt, _ in CORRUPTIONS:
        saved.write_bytes(valid)
        assert corrupt(saved) != valid, name


def test_a_missing_file_raises_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load(tmp_path / "nowhere.json")
