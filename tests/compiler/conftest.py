"""Shared fixtures of the compiler's tests: every jit test can run on each backend."""

from __future__ import annotations

import pytest

from autograd import jit
from autograd.compiler.backends import native_available


@pytest.fixture(params=["python", "native"])
def each_backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Makes ``jit``'s default backend each of the built-in ones in turn (native only with a C compiler).

    A module runs every test on both with ``pytestmark = pytest.mark.usefixtures("each_backend")``.
    """
    if request.param == "native" and not native_available():
        pytest.skip("no C compiler: the native backend is not available (run scripts/ensure_compiler.sh)")
    monkeypatch.setitem(jit.__kwdefaults__, "backend", request.param)
    return str(request.param)
