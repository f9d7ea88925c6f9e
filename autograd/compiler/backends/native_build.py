"""Building and loading the native backend's kernels: the system's C compiler, a cache, ctypes.

The compiler is found once per call of :func:`find_compiler`: ``VALUEGRAD_CC``
if set (empty means "none"), else ``CC``, else ``cc``, ``gcc`` or ``clang`` on
the ``PATH``. A kernel is compiled once per source and compiler and kept in a
user cache folder (``VALUEGRAD_CACHE``, else ``$XDG_CACHE_HOME/valuegrad``,
else ``~/.cache/valuegrad``), as ``<key>.so`` beside ``<key>.sha256``, the
hash of its bytes; the key hashes the source, the compiler's identity and the
flags. A file is published with a unique temporary name and ``os.replace``,
so concurrent processes never see half a file, and it is loaded only if its
bytes still hash to what was written: a stale or corrupt file is built again.
Loaded kernels are kept per process, so a second program with the same
shapes loads nothing.

C is called through :mod:`ctypes` (standard library; no build step at install
time), which releases the GIL during a call, so calls from several threads
run at once on their own workspaces.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import platform
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...rules.print_c import C_FLAGS
from ...safe_write import write_file

__all__ = [
    "FORMAT", "CompileFailed", "Kernel", "NoCompiler", "cache_folder", "find_compiler", "load_functions", "load_kernel",
]

FORMAT = "valuegrad-native-3"
"""Part of every cache key: a new layout of the kernel's interface makes every old file stale."""

_LOCK = threading.Lock()
_LOADED: dict[str, tuple[ctypes.CDLL, bool]] = {}  # per key: the library, and whether this process built it
_KERNELS: dict[str, Kernel] = {}
_IDENTITIES: dict[str, str] = {}


class NoCompiler(RuntimeError):
    """No C compiler was found; the message says where it looked and how to get one."""


class CompileFailed(RuntimeError):
    """The compiler ran but gave no kernel that loads; the message holds its diagnostics."""


@dataclass(frozen=True, eq=False)
class Kernel:
    """A loaded kernel: its three functions (see :mod:`.native_kernel`) and where it came from.

    Attributes:
        forward: ``vg_forward(tape, values) -> -1 or the failed check's order``.
        backward: ``vg_backward(tape, values, grads)``.
        validate: ``vg_validate(tape, slots) -> 0 when every index is in range``.
        key: The cache key.
        built: Whether this process compiled it (rather than finding it cached).
    """

    forward: Callable[..., int]
    backward: Callable[..., None]
    validate: Callable[..., int]
    key: str
    built: bool


def find_compiler() -> str:
    """The C compiler's path.

    Raises:
        NoCompiler: If there is none (the message names what was looked for).
    """
    chosen = os.environ.get("VALUEGRAD_CC")
    if chosen is not None:
        candidates = [chosen] if chosen.strip() else []
        where = f"VALUEGRAD_CC={chosen!r}"
    else:
        candidates = [os.environ["CC"]] if os.environ.get("CC") else []
        candidates += ["cc", "gcc", "clang"]
        where = "CC, cc, gcc and clang on the PATH"
    for candidate in candidates:
        found = shutil.which(candidate.strip())
        if found:
            return found
    raise NoCompiler(
        f"the native backend needs a C compiler and found none (looked for {where}); install one "
        "(sudo apt-get install gcc | xcode-select --install | conda install -c conda-forge c-compiler, "
        "or `make` here, which runs scripts/ensure_compiler.sh), set VALUEGRAD_CC to one, or use "
        "jit(..., backend='python')"
    )


def cache_folder() -> Path:
    """Where compiled kernels are kept (see the module docstring)."""
    chosen = os.environ.get("VALUEGRAD_CACHE")
    if chosen:
        return Path(chosen)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "valuegrad"


def _identity(compiler: str) -> str:
    """What the compiler says it is (its version line), asked once per process."""
    known = _IDENTITIES.get(compiler)
    if known is None:
        try:
            done = subprocess.run([compiler, "--version"], capture_output=True, text=True, timeout=60)
            known = f"{os.path.realpath(compiler)}: {done.stdout.strip()}"
        except (OSError, subprocess.SubprocessError) as error:
            raise CompileFailed(f"the C compiler {compiler} did not run: {error}") from error
        _IDENTITIES[compiler] = known
    return known


def load_kernel(source: str) -> Kernel:
    """The kernel compiled from ``source``: from this process, from the cache, or built now.

    Raises:
        NoCompiler: If no compiler is found.
        CompileFailed: If it does not compile or does not load.
    """
    library, key, built = _library(source)
    kernel = _KERNELS.get(key)
    if kernel is None:
        kernel = _KERNELS[key] = _kernel(library, key, built=built)
    return kernel


def load_functions(source: str, signatures: Mapping[str, tuple[Sequence[Any], Any]]) -> dict[str, Any]:
    """C functions compiled from ``source`` by the system's compiler, built once and cached as kernels are.

    Args:
        source: A C translation unit (compiled with the flags that keep Python's float bits).
        signatures: Per function name, its ctypes argument types and result type.

    Returns:
        The functions by name, callable from Python (ctypes releases the GIL during a call).

    Raises:
        NoCompiler: If no compiler is found.
        CompileFailed: If it does not compile, does not load, or lacks a function named.
    """
    library, key, _ = _library(source)
    functions = {}
    for name, (arguments, result) in signatures.items():
        try:
            function = getattr(library, name)
        except AttributeError as error:
            raise CompileFailed(f"the compiled library {key} has no function {name!r}") from error
        function.argtypes = list(arguments)
        function.restype = result
        functions[name] = function
    return functions


def _library(source: str) -> tuple[ctypes.CDLL, str, bool]:
    """The shared library built from ``source``, its cache key, and whether this process built it."""
    compiler = find_compiler()
    identity = "\n".join([FORMAT, _identity(compiler), platform.machine(), " ".join(C_FLAGS)])
    key = hashlib.sha256(f"{identity}\n{source}".encode()).hexdigest()[:32]
    with _LOCK:
        loaded = _LOADED.get(key)
        if loaded is None:
            loaded = _LOADED[key] = _cached(key) or _build(compiler, source, key)
        return loaded[0], key, loaded[1]


def _cached(key: str) -> tuple[ctypes.CDLL, bool] | None:
    """The cached kernel if its file is whole and still hashes to what was written, else None."""
    folder = cache_folder()
    library, digest = folder / f"{key}.so", folder / f"{key}.sha256"
    try:
        written = digest.read_text(encoding="ascii").strip()
        if hashlib.sha256(library.read_bytes()).hexdigest() != written:
            return None
        return _opened(library), False
    except (OSError, UnicodeDecodeError, CompileFailed):
        return None


def _build(compiler: str, source: str, key: str) -> tuple[ctypes.CDLL, bool]:
    folder = cache_folder()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{key}-", dir=folder))
    except OSError:  # no writable cache: build where temporary files go, and keep nothing
        work = Path(tempfile.mkdtemp(prefix="valuegrad-"))
    try:
        code, library = work / "kernel.c", work / "kernel.so"
        write_file(code, source)
        try:
            done = subprocess.run(
                [compiler, *C_FLAGS, "-o", str(library), str(code), "-lm"],
                capture_output=True, text=True, timeout=600,
            )
        except (OSError, subprocess.SubprocessError) as error:
            raise CompileFailed(f"the C compiler {compiler} did not run: {error}") from error
        if done.returncode != 0 or not library.exists():
            raise CompileFailed(f"{compiler} could not compile the kernel:\n{done.stderr.strip()[-2000:]}")
        loaded = _opened(library)  # loaded before it moves: the mapping stays valid
        _publish(library, folder, key)
        return loaded, True
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _publish(library: Path, folder: Path, key: str) -> None:
    """Put the kernel, then its hash, in the cache, each written atomically (best effort).

    A reader checks the kernel's bytes against the hash, so a kernel whose
    hash is not written yet (or is another build's) is built again, never loaded.
    """
    try:
        kernel = library.read_bytes()
        write_file(folder / f"{key}.so", kernel)
        write_file(folder / f"{key}.sha256", hashlib.sha256(kernel).hexdigest() + "\n")
    except (OSError, ValueError):
        pass  # a cache that cannot be written costs a compile next time, nothing else


def _opened(library: Path) -> ctypes.CDLL:
    try:
        return ctypes.CDLL(str(library))
    except OSError as error:
        raise CompileFailed(f"the compiled library {library} did not load: {error}") from error


def _kernel(loaded: ctypes.CDLL, key: str, *, built: bool) -> Kernel:
    try:
        forward, backward, validate = loaded.vg_forward, loaded.vg_backward, loaded.vg_validate
    except AttributeError as error:
        raise CompileFailed(f"the compiled kernel {key} lacks a function: {error}") from error
    forward.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
    forward.restype = ctypes.c_int64
    backward.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
    backward.restype = None
    validate.argtypes = [ctypes.c_void_p, ctypes.c_int64]
    validate.restype = ctypes.c_int64
    return Kernel(forward, backward, validate, key, built)
