# Everything runs inside a project-local virtualenv; a fresh machine needs only Python 3 and make.
# Installs re-run only when pyproject.toml changes (stamp files inside the venv), so a second
# `make demo` or `make test` goes straight to the work.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
# -qq: errors only; this machine's pip config otherwise warns once per package about local indexes.
PIP    := $(PY) -m pip install -qq --disable-pip-version-check
# pyproject.toml asks for lower bounds (torch>=2.4); constraints.txt holds the exact versions these
# machines need (the local CPU build of PyTorch), for every pip install that make runs.
export PIP_CONSTRAINT := $(CURDIR)/constraints.txt

STAMP_BASE := $(VENV)/.installed-base
STAMP_DEV  := $(VENV)/.installed-dev
STAMP_LAB  := $(VENV)/.installed-lab

.DEFAULT_GOAL := help
.PHONY: help demo test test-versions lint docs bench notebooks notebooks-run lab graphviz chromium compiler clean

help:
	@echo "make demo   train the demo model (sets up .venv on first run)"
	@echo "make test   lint, type-check, run tests and notebooks"
	@echo "make test-versions  the version-independent tests on Python 3.10, 3.12 and 3.13 too"
	@echo "make lint   ruff + mypy only"
	@echo "make docs   build the documentation site into build/site (offline, strict)"
	@echo "make bench  run the benchmarks"
	@echo "make notebooks  re-execute the notebooks and store them with their outputs"
	@echo "make lab    open the notebooks in JupyterLab (installs it into .venv on first run)"
	@echo "make clean  remove .venv and caches"

demo: $(STAMP_BASE) graphviz compiler
	$(PY) -m nn train

lint: $(STAMP_DEV)
	$(VENV)/bin/ruff check .
	$(PY) -m mypy --strict autograd nn

# The notebooks run once, as copies executed by nbmake (their asserts are tests), and their
# stored outputs must be what that run made (scripts/notebooks.py says how they are compared).
test: export MPLBACKEND = Agg
test: lint graphviz chromium compiler
	$(PY) -m pytest tests
	@$(MAKE) --no-print-directory notebooks-run
	$(PY) scripts/notebooks.py check $(NOTEBOOK_RUN)
	@$(MAKE) --no-print-directory test-versions

# The package claims Python 3.10 to 3.13. `make test` runs the whole suite on $(PYTHON) (3.11
# here) and then, on each version in TEST_VERSIONS, every test that needs neither PyTorch, a
# browser, the notebooks nor the docs, in .venv-3.X (scripts/test_version.sh). Interpreters come
# from pyenv (pyenv install 3.10 3.12 3.13) or python3.X on PATH; a missing one is skipped with
# a message. TEST_VERSIONS= (empty) skips the matrix.
TEST_VERSIONS ?= $(filter-out $(shell $(PY) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null),3.10 3.11 3.12 3.13)

test-versions: graphviz compiler
	@for version in $(TEST_VERSIONS); do bash scripts/test_version.sh $$version || exit 1; done

# Re-execute the notebooks and store them, outputs included (NOTEBOOKS=notebooks/06_digits.ipynb for one).
notebooks: $(STAMP_DEV) graphviz
	@$(MAKE) --no-print-directory notebooks-run
	$(PY) scripts/notebooks.py store $(NOTEBOOK_RUN)

NOTEBOOKS   ?= $(wildcard notebooks/*.ipynb)
NOTEBOOK_RUN := build/notebooks-run

# Figures go inline (the Agg backend that tests set would swallow them).
notebooks-run: export MPLBACKEND = module://matplotlib_inline.backend_inline
notebooks-run: $(STAMP_DEV)
	@rm -rf $(NOTEBOOK_RUN) && mkdir -p $(NOTEBOOK_RUN) && cp -R notebooks/images notebooks/data $(NOTEBOOKS) $(NOTEBOOK_RUN)/
	$(PY) -m pytest -p no:cacheprovider --nbmake --overwrite $(NOTEBOOK_RUN)

# The notebooks need the dev extras (scikit-learn's digits, PyTorch) and JupyterLab to open them.
# Jupyter refuses to start as root unless told: containers and CI machines often run as root.
lab: $(STAMP_LAB) graphviz
	$(VENV)/bin/jupyter lab notebooks $$([ "$$(id -u)" -eq 0 ] && echo --allow-root)

# The site is built from the repository alone, offline; strict: a warning fails the build.
# Open build/site/index.html from the file system (search works there too).
docs: export NO_MKDOCS_2_WARNING = 1
docs: $(STAMP_DEV)
	$(PY) -m mkdocs build --strict --site-dir build/site
	@echo "open build/site/index.html"

bench: $(STAMP_DEV)
	$(PY) -m benchmarks

graphviz:
	@bash scripts/ensure_graphviz.sh

# A C compiler for jit's native backend (optional: without one, jit uses its Python backend).
compiler:
	@bash scripts/ensure_compiler.sh

# Headless Chromium drives the graph explorer's browser tests.
chromium:
	@bash scripts/ensure_chromium.sh

clean:
	rm -rf $(VENV) .venv-3.* build dist *.egg-info .mypy_cache .ruff_cache .pytest_cache .hypothesis .cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

# ---------------------------------------------------------------- environment

# A half-made venv (no python inside) is thrown away and made again.
$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10))' || \
		{ echo "valuegrad needs Python >= 3.10; '$(PYTHON)' is $$($(PYTHON) --version 2>&1)." \
		       "Run: make PYTHON=python3.11 ..." >&2; exit 1; }
	@rm -rf $(VENV)
	@echo "creating $(VENV)"
	@$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
		echo "could not create a venv; on Debian/Ubuntu: sudo apt-get install python3-venv" >&2; exit 1; }

# The dev install is a superset of the base one: skip the base install when dev is already current.
$(STAMP_BASE): pyproject.toml | $(PY)
	@if [ ! $(STAMP_DEV) -nt pyproject.toml ]; then \
		echo "installing valuegrad into $(VENV)"; \
		$(PIP) -e . ; \
	fi
	@touch $@

$(STAMP_LAB): $(STAMP_DEV)
	@echo "installing JupyterLab into $(VENV)"
	@$(PIP) -e '.[dev,notebooks]'
	@touch $@

$(STAMP_DEV): pyproject.toml | $(PY)
	@echo "installing valuegrad[dev] into $(VENV) (about 1-2 minutes when nothing is cached)"
	@$(PIP) -e '.[dev]'
	@touch $@ $(STAMP_BASE)
