"""Every file the library writes is written one safe way: a regular file or a new path, atomically."""

from __future__ import annotations

import os
import socket
import stat
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import nn
from autograd import Value, draw_dot, explore
from autograd.extend import read_file, write_file


def _model_file(path: Path) -> None:
    nn.save(nn.MLP(2, [3, 1], seed=0), path)


def _explorer_page(path: Path) -> None:
    x = Value(2.0, label="x")
    explore(x * x + 1.0).save(path)


def _history_picture(path: Path) -> None:
    nn.History(train_loss=[1.0, 0.5]).plot(path)


def _dot_source(path: Path) -> None:
    draw_dot(Value(2.0) * 3.0).save(path)


def _rendered_drawing(path: Path) -> None:
    draw_dot(Value(2.0) * 3.0).render(outfile=path)


def _text(path: Path) -> None:
    write_file(path, "text\n")


WRITERS: dict[str, Callable[[Path], None]] = {
    "model file": _model_file,
    "explorer page": _explorer_page,
    "history picture": _history_picture,
    "dot source": _dot_source,
    "rendered drawing": _rendered_drawing,
    "write_file": _text,
}
needs_dot = {"rendered drawing"}


def _fifo(path: Path) -> Iterator[Path]:
    os.mkfifo(path)
    yield path


def _socket(path: Path) -> Iterator[Path]:
    with socket.socket(socket.AF_UNIX) as bound:
        bound.bind(str(path))
        yield path


def _device(path: Path) -> Iterator[Path]:
    if os.geteuid() != 0:
        pytest.skip("only root may make a device node")
    os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a null device of our own
    yield path


def _link_to_fifo(path: Path) -> Iterator[Path]:
    target = path.with_name("target.svg")
    os.mkfifo(target)
    path.symlink_to(target)
    yield target


SPECIAL = {"FIFO": _fifo, "socket": _socket, "device": _device, "link to a FIFO": _link_to_fifo}


@pytest.mark.parametrize("special", sorted(SPECIAL))
@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_a_special_file_is_refused_with_the_reason_and_left_as_it_is(
    tmp_path: Path, writer: str, special: str
) -> None:
    if writer in needs_dot and not _has_dot():
        pytest.skip("needs Graphviz")
    path = tmp_path / "out.svg"
    for kept in SPECIAL[special](path):
        mode = os.stat(kept).st_mode
        with pytest.raises(ValueError, match="not a regular file"):
            WRITERS[writer](path)
        assert os.stat(kept).st_mode == mode  # still the special file, not a regular one
    assert not [name for name in os.listdir(tmp_path) if name.endswith(".tmp")]


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_each_writer_replaces_a_regular_file_and_leaves_no_temporary_file(tmp_path: Path, writer: str) -> None:
    if writer in needs_dot and not _has_dot():
        pytest.skip("needs Graphviz")
    path = tmp_path / "out.svg"
    path.write_text("old")
    os.chmod(path, 0o640)
    WRITERS[writer](path)
    assert path.read_bytes() != b"old"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    assert not [name for name in os.listdir(tmp_path) if name.endswith(".tmp")]


def test_an_error_while_writing_leaves_the_old_file_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "model.json"
    path.write_text("old")

    def interrupted(descriptor: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        nn.save(nn.MLP(2, [1], seed=0), path)
    assert path.read_text() == "old"
    assert os.listdir(tmp_path) == ["model.json"]


def test_concurrent_writers_leave_one_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "shared.txt"
    texts = [f"{index}\n" * 20_000 for index in range(8)]
    threads = [threading.Thread(target=write_file, args=(path, text)) for text in texts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert path.read_text() in texts
    assert os.listdir(tmp_path) == ["shared.txt"]


def test_a_picture_to_a_suffix_matplotlib_does_not_write_is_refused_before_anything_is_written(
    tmp_path: Path,
) -> None:
    with pytest.raises(ValueError, match=r"\.png"):
        nn.History(train_loss=[1.0]).plot(tmp_path / "loss.nope")
    assert os.listdir(tmp_path) == []


def _has_dot() -> bool:
    import shutil

    return shutil.which("dot") is not None


@pytest.mark.parametrize("special", ["folder", "/dev/zero", "fifo"])
def test_read_file_refuses_what_is_not_an_ordinary_file(tmp_path: Path, special: str) -> None:
    path = {"folder": str(tmp_path), "/dev/zero": "/dev/zero", "fifo": str(tmp_path / "pipe")}[special]
    if special == "fifo":
        os.mkfifo(path)
    with pytest.raises(ValueError, match="not an ordinary file"):
        read_file(path, 1_000)


def test_read_file_reads_at_most_its_limit(tmp_path: Path) -> None:
    path = tmp_path / "data.bin"
    write_file(path, b"x" * 100)
    assert read_file(path, 100) == b"x" * 100
    with pytest.raises(ValueError, match="100 bytes, more than the 99 allowed"):
        read_file(path, 99)
