"""Write a file all at once: to a temporary file beside it, then renamed over it.

A failure half-way leaves the old file (or no file) in place, never a partial one.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from kg.errors import KgError

__all__ = ["OutputFileError", "stream_atomically", "write_atomically"]


class OutputFileError(KgError):
    """A file that cannot be written where it was asked for."""

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{path}: cannot write ({reason})")


def write_atomically(path: Path | str, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same directory."""
    return stream_atomically(path, lambda handle: handle.write(data))


def stream_atomically(path: Path | str, write: Callable[[BinaryIO], object]) -> Path:
    """Let ``write`` fill a temporary file beside ``path``, then rename it over ``path``.

    The document never has to be in memory at once; a failure half-way (``write``
    raising included) leaves the old file, or none, and no temporary file behind.
    """
    target = Path(path)
    directory = target.parent
    if target.is_dir():
        raise OutputFileError(target, "is a directory")
    if not directory.is_dir():
        reason = "not a directory" if directory.exists() else "no such directory"
        raise OutputFileError(target, f"{directory}: {reason}")
    try:
        handle = tempfile.NamedTemporaryFile(
            dir=directory, prefix=f".{target.name}.", suffix=".tmp", delete=False
        )
    except OSError as error:
        raise OutputFileError(target, error.strerror or str(error)) from None
    temporary = Path(handle.name)
    try:
        with handle:
            write(handle)
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, target)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise OutputFileError(target, error.strerror or str(error)) from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return target


def _umask() -> int:
    # The only portable way to read the umask is to set it and put it back.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
