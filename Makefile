# Everything runs inside a project-local virtualenv; a fresh machine needs only Python 3 and make.
# Installs re-run only when pyproject.toml changes (stamp files inside the venv), so a second
# `make demo` or `make test` goes straight to the work.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
# -qq: errors only; this machine's pip config otherwise warns once per package about local indexes.
PIP    := $(PY) -m pip install -qq --disable-pip-version-check

STAMP_BASE := $(VENV)/.installed-base
STAMP_DEV  := $(VENV)/.installed-dev

.DEFAULT_GOAL := help
.PHONY: help demo test lint bench graphviz chromium clean

help:
	@echo "make demo   train the demo model (sets up .venv on first run)"
	@echo "make test   lint, type-check, run tests and notebooks"
	@echo "make lint   ruff + mypy only"
	@echo "make bench  run the benchmarks"
	@echo "make clean  remove .venv and caches"

demo: $(STAMP_BASE) graphviz
	$(PY) -m nn train

lint: $(STAMP_DEV)
	$(VENV)/bin/ruff check .
	$(PY) -m mypy --strict autograd nn

# Notebooks run only if there are any: pytest would exit 5 ("no tests collected") on an empty set.
test: export MPLBACKEND = Agg
test: lint graphviz chromium
	$(PY) -m pytest tests
	@if ls notebooks/*.ipynb >/dev/null 2>&1; then \
		echo "$(PY) -m pytest --nbmake notebooks"; \
		$(PY) -m pytest --nbmake notebooks; \
	fi

bench: $(STAMP_DEV)
	$(PY) -m benchmarks

graphviz:
	@bash scripts/ensure_graphviz.sh

# Headless Chromium drives the graph explorer's browser tests.
chromium:
	@bash scripts/ensure_chromium.sh

clean:
	rm -rf $(VENV) build dist *.egg-info .mypy_cache .ruff_cache .pytest_cache .hypothesis
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

$(STAMP_DEV): pyproject.toml | $(PY)
	@echo "installing valuegrad[dev] into $(VENV) (about 1-2 minutes when nothing is cached)"
	@$(PIP) -e '.[dev]'
	@touch $@ $(STAMP_BASE)
