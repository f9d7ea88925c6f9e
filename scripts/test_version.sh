#!/usr/bin/env bash
# Run the version-independent part of the tests on one other Python: scripts/test_version.sh 3.12
#
# The package claims Python 3.10 to 3.13; `make test` runs the whole suite on one of them and
# this script, for each other version, the tests that need neither PyTorch, a browser, the
# notebooks nor the docs (and no test marked slow), in a venv of its own (.venv-3.X, made once
# and re-installed when pyproject.toml or this script changes; the names data set included),
# with pytest-xdist on both cores.
# The interpreter comes from pyenv ($PYENV_ROOT/versions/3.X.*), else python3.X on PATH.
# A missing one is skipped with a message saying how to get it (exit 0): no test is claimed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

version=${1:?usage: scripts/test_version.sh 3.X}
pyenv_root=${PYENV_ROOT:-$HOME/.pyenv}
python=""
for candidate in $(ls -d "$pyenv_root/versions/$version".* 2>/dev/null | sort -V -r); do
    if [ -x "$candidate/bin/python$version" ]; then python="$candidate/bin/python$version"; break; fi
done
if [ -z "$python" ] && command -v "python$version" >/dev/null 2>&1; then
    python=$(command -v "python$version")
fi
if [ -z "$python" ]; then
    echo "SKIPPED Python $version: no interpreter found (pyenv install $version, or apt-get install" \
         "python$version, or put python$version on PATH); its tests did not run" >&2
    exit 0
fi

venv=".venv-$version"
stamp="$venv/.installed-test"
export PIP_CONSTRAINT="$PWD/constraints.txt"
if [ ! -x "$venv/bin/python" ]; then
    rm -rf "$venv"
    "$python" -m venv "$venv"
fi
if [ ! "$stamp" -nt pyproject.toml ] || [ ! "$stamp" -nt "${BASH_SOURCE[0]}" ]; then
    echo "installing valuegrad[test,data,names] into $venv ($("$python" --version))"
    "$venv/bin/python" -m pip install -qq --disable-pip-version-check -e '.[test,data,names]'
    touch "$stamp"
fi

started=$(date +%s)
echo "Python $version: the tests that need neither torch, a browser, the notebooks nor the docs"
MPLBACKEND=Agg "$venv/bin/python" -m pytest -p no:cacheprovider -n 2 -m "not slow" --disable-warnings \
    --ignore=tests/project/test_notebooks_fresh.py \
    --ignore=tests/project/test_docs.py \
    --ignore=tests/project/test_wheel.py \
    --ignore=tests/pictures/test_explorer_browser.py \
    --ignore=tests/project/test_bench_smoke.py \
    tests
echo "Python $version: $(( $(date +%s) - started )) s"
