"""Writing a file so that it is never half written, and reading one with a size limit.

``write_atomic`` writes a temporary file in the destination's folder, flushes
and fsyncs it, then renames it over the destination (``os.replace`` is
atomic within a file system), so a crash leaves either the old file or the new
one. It writes through a symbolic link to the file the link names, keeps that
file's permissions (and owner, where allowed), refuses a read-only file, and
names the user's path in every error, never the temporary file.

``read_limited`` reads only ordinary files, and at most a given number of
bytes, so ``/dev/zero``, a FIFO or a huge file are refused instead of read
until memory runs out.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

__all__ = ["read_limited", "write_atomic"]

PathLike = str | os.PathLike[str]


def write_atomic(path: PathLike, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` so that readers see the old file or the new one, never a part.

    Raises:
        ValueError: If ``path`` is empty.
        IsADirectoryError: If ``path`` is a folder.
        FileNotFoundError: If its folder does not exist.
        PermissionError: If ``path`` is a read-only file, or the folder cannot be written.
        OSError: If writing or renaming fails; ``path`` is then left as it was
            and no temporary file remains.
    """
    name = os.fspath(path)
    if name == "":
        raise ValueError("cannot save to an empty path; give a file name such as model.json")
    destination = Path(os.path.realpath(name))  # through symbolic links, to the file they name
    if destination.is_dir():
        raise IsADirectoryError(
            f"cannot save to {name}: it is a folder; give a file name such as "
            f"{Path(name) / 'model.json'}"
        )
    folder = destination.parent
    if not folder.is_dir():
        raise FileNotFoundError(f"cannot save to {name}: the folder {folder} does not exist")
    existing = _existing(destination, name)
    try:
        descriptor, temporary = tempfile.mkstemp(
            dir=folder, prefix=f".{destination.name}.", suffix=".tmp"
        )
    except OSError as error:
        raise _naming(error, name) from None
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        _copy_ownership(temporary, existing)
        os.replace(temporary, destination)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(error, OSError):
            raise _naming(error, name) from None
        raise
    _fsync_folder(folder)


def _existing(destination: Path, name: str) -> os.stat_result | None:
    """The stat of the file about to be replaced (None if there is none); refuses a read-only one."""
    try:
        info = destination.stat()
    except FileNotFoundError:
        return None
    # Root may write anything, so a file with no write bit at all is taken as the user's "keep".
    if not os.access(destination, os.W_OK) or not info.st_mode & 0o222:
        raise PermissionError(
            f"cannot save to {name}: the file is read-only (mode {stat.filemode(info.st_mode)}); "
            "make it writable or save to another path"
        )
    return info


def _copy_ownership(temporary: str, existing: os.stat_result | None) -> None:
    if existing is None:
        # mkstemp makes the file private (0600); give it the mode a plain open() would.
        os.chmod(temporary, 0o666 & ~_umask())
        return
    os.chmod(temporary, existing.st_mode & 0o7777)
    if hasattr(os, "chown"):
        with contextlib.suppress(OSError):  # only root may give a file to another user
            os.chown(temporary, existing.st_uid, existing.st_gid)


def _umask() -> int:
    # os.umask can only be read by setting it; restore it at once.
    umask = os.umask(0o022)
    os.umask(umask)
    return umask


def _naming(error: OSError, name: str) -> OSError:
    """The same kind of error, about the user's path instead of the temporary file."""
    renamed = type(error)(f"cannot save to {name}: {error.strerror or error}")
    renamed.errno = error.errno
    return renamed


def _fsync_folder(folder: Path) -> None:
    # Makes the rename itself durable on POSIX; not possible (nor needed) on Windows.
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def read_limited(path: PathLike, limit: int) -> bytes:
    """The bytes of the ordinary file ``path``, if it has at most ``limit`` of them.

    Raises:
        FileNotFoundError, PermissionError: If the file cannot be opened.
        ValueError: If ``path`` is empty, not an ordinary file (a folder, a
            device such as ``/dev/zero``, a FIFO), or larger than ``limit``;
            the message starts with ``path``.
    """
    name = os.fspath(path)
    if name == "":
        raise ValueError("cannot read an empty path; give a file name such as model.json")
    # O_NONBLOCK: opening a FIFO must not wait for a writer before it can be refused.
    descriptor = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise ValueError(f"{name}: not an ordinary file ({_kind(info.st_mode)})")
        if info.st_size > limit:
            raise ValueError(f"{name}: {info.st_size:,} bytes, more than the {limit:,} allowed")
        # Sized by the file, not the limit: read(limit) would allocate the limit at once.
        data = os.read(descriptor, info.st_size + 1)
        while len(data) <= limit and (more := os.read(descriptor, 2**16)):
            data += more  # the file grew, or the system returned it in parts
    finally:
        os.close(descriptor)
    if len(data) > limit:
        raise ValueError(f"{name}: more than the {limit:,} bytes allowed")
    return data


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"
