"""Stored notebook outputs: write them after a run, and check that they are fresh.

The notebooks are stored executed, so that a reader on a code-hosting site sees
their figures. Both Makefile targets execute a copy of the notebooks with
nbmake (``pytest --nbmake --overwrite``), one kernel per notebook, so the
asserts inside them are tests; this script then works on the executed copies:

    python scripts/notebooks.py store DIR   # make notebooks: normalise DIR's notebooks, write them to notebooks/
    python scripts/notebooks.py check DIR   # make test: fail if notebooks/ differs from what DIR's run made

Normalising keeps what a reader needs and drops what changes from run to run
for no reason (timestamps, kernel versions). Cells tagged ``no-stored-output``
(the explorer's pages: megabytes of inline HTML) are stored without output.

Checking compares what is stable: the same outputs in the same cells, text
equal once every number is read as a number and compared with a tolerance
(except a measured duration, a number followed by ``s``, ``ms`` or ``µs``:
the machine decides it, so only its place and unit are compared), and a
figure wherever the fresh run draws one (the image bytes themselves depend
on fonts and library versions, so they are not compared). A fresh run that
writes to stderr (a warning, a progress bar) or raises fails too.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

ROOT = Path(__file__).resolve().parent.parent
STORED = ROOT / "notebooks"
NO_STORED_OUTPUT = "no-stored-output"
IMAGES = ("image/png", "image/svg+xml", "image/jpeg")
# Numbers in text, with sign, decimals and exponent: each becomes a token compared with tolerance.
NUMBER = re.compile(r"[-+]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")
ADDRESS = re.compile(r"0x[0-9a-fA-F]{6,}")
# A duration a cell measured ("40 epochs in 1.23 s"): different on every machine and run.
DURATION = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?= (?:s|ms|µs)\b)")
REL_TOL = 1e-4
ABS_TOL = 1e-9


# ---------------------------------------------------------------- normalising


def _tags(cell: Any) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def normalise(nb: Any) -> Any:
    """``nb`` as it is stored: outputs kept, run-to-run noise dropped (changes ``nb`` in place)."""
    nb.metadata = nbformat.from_dict(
        {
            "kernelspec": nb.metadata.get(
                "kernelspec", {"display_name": "Python 3", "language": "python", "name": "python3"}
            ),
            "language_info": {"name": "python"},
        }
    )
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("nbmake", None)
        if cell.cell_type != "code":
            continue
        if NO_STORED_OUTPUT in _tags(cell):
            cell.outputs = []
        cell.outputs = _joined_streams(cell.outputs)
        for output in cell.outputs:
            if output.output_type == "stream":
                output.text = ADDRESS.sub("0x…", _text(output.text))
            elif "data" in output:
                for mime, value in output.data.items():
                    if mime.startswith("text/"):
                        output.data[mime] = ADDRESS.sub("0x…", _text(value))
    return nb


def _joined_streams(outputs: list[Any]) -> list[Any]:
    """Consecutive writes to one stream as one output, as Jupyter shows them.

    How a cell's prints are cut into stream outputs depends on when the
    kernel flushed, which differs from run to run.
    """
    joined: list[Any] = []
    for output in outputs:
        previous = joined[-1] if joined else None
        if (
            output.output_type == "stream"
            and previous is not None
            and previous.output_type == "stream"
            and previous.name == output.name
        ):
            previous.text = _text(previous.text) + _text(output.text)
        else:
            joined.append(output)
    return joined


# ---------------------------------------------------------------- comparing


@dataclass(frozen=True)
class Difference:
    """One way a stored notebook differs from a fresh run: where, and what."""

    notebook: str
    cell: int
    what: str

    def __str__(self) -> str:
        return f"{self.notebook}, cell {self.cell}: {self.what}"


def _same_text(stored: str, fresh: str) -> str | None:
    """None when the texts agree (numbers within tolerance, durations anything), else the first disagreement."""
    stored, fresh = DURATION.sub("…", stored), DURATION.sub("…", fresh)
    stored_words, fresh_words = NUMBER.split(stored), NUMBER.split(fresh)
    stored_numbers, fresh_numbers = NUMBER.findall(stored), NUMBER.findall(fresh)
    if stored_words != fresh_words or len(stored_numbers) != len(fresh_numbers):
        for line_stored, line_fresh in zip(stored.splitlines(), fresh.splitlines(), strict=False):
            if line_stored != line_fresh:
                return f"stored {line_stored!r}, fresh {line_fresh!r}"
        return f"stored {len(stored.splitlines())} lines, fresh {len(fresh.splitlines())}"
    for a, b in zip(stored_numbers, fresh_numbers, strict=True):
        x, y = _number(a), _number(b)
        if not math.isclose(x, y, rel_tol=REL_TOL, abs_tol=ABS_TOL):
            return f"stored {a}, fresh {b}"
    return None


def _number(token: str) -> float:
    return float(token.replace(",", ""))


def _kind(output: Any) -> str:
    if output.output_type == "stream":
        return f"stream {output.name}"
    if output.output_type == "error":
        return "error"
    images = [mime for mime in output.get("data", {}) if mime in IMAGES]
    return "figure" if images else "text " + ",".join(sorted(output.get("data", {})))


def _output_text(output: Any) -> str:
    if output.output_type == "stream":
        return _text(output.text)
    data = output.get("data", {})
    for mime in ("text/html", "text/markdown", "text/plain"):
        if mime in data and not any(image in data for image in IMAGES):
            return _text(data[mime])
    return ""


def compare(name: str, stored: Any, fresh: Any) -> list[Difference]:
    """Every way ``stored`` (as saved) differs from ``fresh`` (just executed), normalised."""
    stored, fresh = normalise(stored), normalise(fresh)
    if len(stored.cells) != len(fresh.cells):
        return [Difference(name, 0, f"{len(stored.cells)} cells stored, {len(fresh.cells)} run")]
    found: list[Difference] = []
    for index, (old, new) in enumerate(zip(stored.cells, fresh.cells, strict=True), start=1):
        if old.cell_type != "code":
            continue
        if _text(old.source) != _text(new.source):
            found.append(Difference(name, index, "the source differs from the run's"))
            continue
        if old.get("execution_count") is None:
            found.append(Difference(name, index, "never executed (make notebooks stores it run)"))
            continue
        for output in new.outputs:
            if output.output_type == "error":
                found.append(Difference(name, index, f"raised {output.get('ename')}"))
            elif output.output_type == "stream" and output.name == "stderr":
                found.append(Difference(name, index, f"wrote to stderr: {_text(output.text)[:200]!r}"))
        if NO_STORED_OUTPUT in _tags(old):
            continue
        old_kinds = [_kind(output) for output in old.outputs]
        new_kinds = [_kind(output) for output in new.outputs]
        if old_kinds != new_kinds:
            found.append(Difference(name, index, f"outputs stored {old_kinds}, fresh {new_kinds}"))
            continue
        for old_output, new_output in zip(old.outputs, new.outputs, strict=True):
            mismatch = _same_text(_output_text(old_output), _output_text(new_output))
            if mismatch is not None:
                found.append(Difference(name, index, mismatch))
                break
    return found


# ---------------------------------------------------------------- commands


def _executed(folder: Path) -> list[Path]:
    paths = sorted(folder.glob("*.ipynb"))
    if not paths:
        raise SystemExit(f"no executed notebooks in {folder}")
    return paths


def store(folder: Path) -> None:
    for path in _executed(folder):
        nb = normalise(nbformat.read(path, as_version=4))
        nbformat.write(nb, STORED / path.name)
        print(f"stored {path.name} ({(STORED / path.name).stat().st_size / 1e3:.0f} kB)")


def check(folder: Path) -> int:
    differences: list[Difference] = []
    for path in _executed(folder):
        stored = nbformat.read(STORED / path.name, as_version=4)
        differences += compare(path.name, stored, nbformat.read(path, as_version=4))
    for difference in differences:
        print(difference, file=sys.stderr)
    if differences:
        print(
            f"{len(differences)} stored outputs are not what the notebooks make now; "
            "run `make notebooks` and commit the result",
            file=sys.stderr,
        )
        return 1
    print(f"stored outputs of {len(_executed(folder))} notebooks match a fresh run")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("store", "check"))
    parser.add_argument("folder", type=Path, help="the executed copies (pytest --nbmake --overwrite)")
    arguments = parser.parse_args(argv)
    if arguments.command == "store":
        store(arguments.folder)
        return 0
    return check(arguments.folder)


if __name__ == "__main__":
    sys.exit(main())
