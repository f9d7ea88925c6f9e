"""Writing ``nn``'s files the library's one safe way, and reading one with a size limit.

``write_atomic`` goes through ``autograd.extend.write_file``, as every file
the library writes does: a regular file or a new path only, a unique
temporary file renamed over the destination, nothing left behind on an error.

``read_limited`` reads only ordinary files, and at most a given number of
bytes, so ``/dev/zero``, a FIFO or a huge file are refused instead of read
until memory runs out.
"""

from __future__ import annotations

import os
import stat

from autograd.extend import write_file

__all__ = ["read_limited", "write_atomic"]

PathLike = str | os.PathLike[str]


def write_atomic(path: PathLike, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` the library's one safe way (see ``autograd.extend.write_file``)."""
    write_file(path, text)


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
