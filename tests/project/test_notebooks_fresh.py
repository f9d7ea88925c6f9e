"""The stored notebooks: executed, clean, listed, and compared with a fresh run the way `make test` does.

`make test` executes copies of the notebooks with nbmake and then runs
``scripts/notebooks.py check``; the tests here specify that comparison on
small made-up notebooks (what counts as a difference, and what does not), and
check the stored notebooks themselves without running them.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
MAX_BYTES = 2_000_000

_spec = importlib.util.spec_from_file_location("notebook_tool", ROOT / "scripts" / "notebooks.py")
assert _spec is not None and _spec.loader is not None
tool = importlib.util.module_from_spec(_spec)
sys.modules["notebook_tool"] = tool
_spec.loader.exec_module(tool)


def notebook(*outputs: Any, source: str = "print(1)", tags: tuple[str, ...] = (), count: int | None = 1) -> Any:
    cell = nbformat.v4.new_code_cell(source, execution_count=count, outputs=list(outputs))
    if tags:
        cell.metadata["tags"] = list(tags)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# title"), cell]
    return nb


def stdout(text: str) -> Any:
    return nbformat.v4.new_output("stream", name="stdout", text=text)


def figure(data: str = "iVBORw0KGgo=") -> Any:
    return nbformat.v4.new_output(
        "display_data", data={"image/png": data, "text/plain": "<Figure size 640x480 with 1 Axes>"}
    )


def differences(stored: Any, fresh: Any) -> list[str]:
    return [str(found) for found in tool.compare("nb.ipynb", stored, fresh)]


def test_the_same_outputs_are_no_difference() -> None:
    assert differences(notebook(stdout("loss 0.0394\n"), figure()), notebook(stdout("loss 0.0394\n"), figure())) == []


def test_prints_cut_into_stream_outputs_differently_are_no_difference() -> None:
    # The kernel's flushes decide whether two prints are one stream output or two.
    assert differences(notebook(stdout("a 1\n"), stdout("b 2\n"), figure()), notebook(stdout("a 1\nb 2\n"), figure())) == []
    assert differences(notebook(stdout("a 1\n"), figure(), stdout("b 2\n")), notebook(stdout("a 1\nb 2\n"), figure())) != []


def test_a_changed_number_is_a_difference_that_names_cell_and_numbers() -> None:
    found = differences(notebook(stdout("loss 0.0405\n")), notebook(stdout("loss 0.0394\n")))
    assert found == ["nb.ipynb, cell 2: stored 0.0405, fresh 0.0394"]


def test_numbers_that_agree_within_the_tolerance_are_no_difference() -> None:
    assert differences(notebook(stdout("x = 0.123456789\n")), notebook(stdout("x = 0.1234567891\n"))) == []
    assert differences(notebook(stdout("1,797 images\n")), notebook(stdout("1,797 images\n"))) == []


def test_a_measured_duration_is_no_difference_but_its_words_and_unit_are() -> None:
    stored = notebook(stdout("40 epochs in 1.23 s, 0.9756 right\n"))
    assert differences(stored, notebook(stdout("40 epochs in 4.56 s, 0.9756 right\n"))) == []
    assert differences(stored, notebook(stdout("40 epochs in 4.56 ms, 0.9756 right\n")))
    assert differences(stored, notebook(stdout("40 epochs in 1.23 s, 0.9700 right\n")))
    assert differences(notebook(stdout("40 epochs\n")), notebook(stdout("41 epochs\n")))


def test_changed_words_are_a_difference() -> None:
    assert differences(notebook(stdout("relu wins\n")), notebook(stdout("tanh wins\n")))


def test_a_figure_is_compared_by_its_presence_not_its_bytes() -> None:
    assert differences(notebook(figure("AAAA")), notebook(figure("BBBB"))) == []
    assert differences(notebook(), notebook(figure()))  # the fresh run draws one more figure
    assert differences(notebook(figure()), notebook())  # or one fewer


def test_a_stored_cell_that_was_never_executed_is_a_difference() -> None:
    found = differences(notebook(count=None), notebook())
    assert found and "never executed" in found[0]


def test_writing_to_stderr_or_raising_in_the_fresh_run_is_a_difference() -> None:
    warning = nbformat.v4.new_output("stream", name="stderr", text="TqdmWarning: IProgress not found\n")
    assert any("stderr" in found for found in differences(notebook(warning), notebook(warning)))
    error = nbformat.v4.new_output("error", ename="AssertionError", evalue="", traceback=[])
    assert any("raised AssertionError" in found for found in differences(notebook(error), notebook(error)))


def test_a_cell_tagged_no_stored_output_is_stored_empty_and_not_compared() -> None:
    page = nbformat.v4.new_output("display_data", data={"text/html": "<iframe>3 MB</iframe>"})
    stored = tool.normalise(notebook(page, tags=(tool.NO_STORED_OUTPUT,)))
    assert stored.cells[1].outputs == []
    assert differences(stored, notebook(page, tags=(tool.NO_STORED_OUTPUT,))) == []


def test_normalising_drops_timings_and_memory_addresses() -> None:
    nb = notebook(stdout("<Value at 0x7f3a2c1b9e80>\n"))
    nb.cells[1].metadata["execution"] = {"iopub.execute_input": "2026-01-01T00:00:00Z"}
    nb.metadata["language_info"] = {"name": "python", "version": "3.11.9"}
    nb = tool.normalise(nb)
    assert "execution" not in nb.cells[1].metadata
    assert nb.metadata["language_info"] == {"name": "python"}
    assert nb.cells[1].outputs[0].text == "<Value at 0x…>\n"


# ---------------------------------------------------------------- the stored notebooks


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_each_stored_notebook_is_executed_clean_and_of_modest_size(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    assert path.stat().st_size < MAX_BYTES, f"{path.name} is {path.stat().st_size:,} bytes"
    figures = 0
    for index, cell in enumerate(nb.cells, start=1):
        if cell.cell_type != "code":
            continue
        assert cell.execution_count is not None, f"{path.name} cell {index} was not executed"
        for output in cell.outputs:
            assert output.output_type != "error", f"{path.name} cell {index} stored an error"
            assert output.get("name") != "stderr", f"{path.name} cell {index} stored stderr"
            figures += any(mime.startswith("image/") for mime in output.get("data", {}))
    assert figures >= 1, f"{path.name} stores no figure"
    assert nb == tool.normalise(nbformat.read(path, as_version=4)), f"{path.name} is not stored normalised"


def test_the_docs_list_every_notebook_once_with_what_it_teaches() -> None:
    section = (ROOT / "docs" / "notebooks.md").read_text(encoding="utf-8")
    listed = re.findall(r"^- \[([^\]]+)\]\(notebooks/([^)]+)\.ipynb\) — \S", section, flags=re.MULTILINE)
    assert sorted(stem for _, stem in listed) == [path.stem for path in NOTEBOOKS]
    assert all(name == stem for name, stem in listed)
