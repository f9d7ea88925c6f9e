"""The one way the library writes a file (never half written, never over something that is not a file), and reads one back.

Every file autograd and ``nn`` write (model files, explorer pages, drawings,
pictures of training, histories) goes through :func:`write_file`:

* it writes only where a reader could read the file back: a regular file
  (through a symbolic link, to the file the link names) or a new path.
  A folder, a device (``/dev/null``), a FIFO or a socket is refused with
  the reason, and left as it is;
* it writes a temporary file with a unique name in the destination's
  folder, flushes and fsyncs it, and renames it over the destination
  (``os.replace`` is atomic within a file system): readers, and concurrent
  writers, see the old file or one whole new one, never a part;
* it keeps an existing file's permissions (and owner, where allowed),
  refuses a read-only file, and leaves no temporary file behind on any
  error, an interrupt included;
* every error names the user's path, never the temporary file.

:func:`read_file` is its counterpart for files the library loads: it reads
only ordinary files, and at most a given number of bytes, so ``/dev/zero``,
a FIFO or a huge file are refused instead of read until memory runs out.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

__all__ = ["read_file", "write_file"]

PathLike = str | os.PathLike[str]


def write_file(path: PathLike, content: str | bytes) -> Path:
    """Write ``content`` (text as UTF-8, or bytes) to ``path`` atomically, as a regular file.

    Returns:
        The path written, as given.

    Raises:
        TypeError: If ``content`` is neither str nor bytes, or ``path`` is not a path.
        ValueError: If ``path`` is empty, or names something that exists and is
            not a regular file (a device, a FIFO, a socket).
        IsADirectoryError: If ``path`` is a folder.
        FileNotFoundError: If its folder does not exist.
        PermissionError: If ``path`` is a read-only file, or the folder cannot be written.
        OSError: If writing or renaming fails; ``path`` is then left as it was
            and no temporary file remains.

    Examples:
        >>> import tempfile, pathlib
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> write_file(folder / "notes.txt", "hello\\n").read_text()
        'hello\\n'
    """
    if not isinstance(content, (str, bytes)):
        raise TypeError(f"write_file expects str or bytes content, got {type(content).__name__}")
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"expected a file path (str or os.PathLike), got {type(path).__name__}: {path!r}")
    name = os.fspath(path)
    if name == "":
        raise ValueError("cannot save to an empty path; give a file name")
    destination = Path(os.path.realpath(name))  # through symbolic links, to the file they name
    existing = _existing(destination, name)
    folder = destination.parent
    if not folder.is_dir():
        raise FileNotFoundError(f"cannot save to {name}: the folder {folder} does not exist")
    try:
        descriptor, temporary = tempfile.mkstemp(
            dir=folder, prefix=f".{destination.name}.", suffix=".tmp"
        )
    except OSError as error:
        raise _naming(error, name) from None
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content.encode("utf-8") if isinstance(content, str) else content)
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
    return Path(name)


def _existing(destination: Path, name: str) -> os.stat_result | None:
    """The stat of the regular file about to be replaced (None for a new path); refuses anything else."""
    try:
        info = destination.stat()
    except FileNotFoundError:
        return None
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(
            f"cannot save to {name}: it is a folder; give a file name such as "
            f"{Path(name) / 'model.json'}"
        )
    if not stat.S_ISREG(info.st_mode):
        raise ValueError(
            f"cannot save to {name}: it is {_kind(info.st_mode)}, not a regular file, and "
            "saving would replace it; save to a regular file or a new path"
        )
    # Root may write anything, so a file with no write bit at all is taken as the user's "keep".
    if not os.access(destination, os.W_OK) or not info.st_mode & 0o222:
        raise PermissionError(
            f"cannot save to {name}: the file is read-only (mode {stat.filemode(info.st_mode)}); "
            "make it writable or save to another path"
        )
    return info


def read_file(path: PathLike, limit: int) -> bytes:
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
    return "a special file"


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
