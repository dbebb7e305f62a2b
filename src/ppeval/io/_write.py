"""Atomic file writing: a temporary file in the target folder, renamed over the target."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from ppeval.errors import InputError

__all__ = ["atomic_write", "check_writable"]


def check_writable(path: Path, overwrite: bool) -> None:
    """Raise :class:`InputError` if ``path`` exists and may not be replaced."""
    if path.exists() and not overwrite:
        raise InputError(f"{path} exists; pass overwrite=True (CLI: --force) to replace it")
    if path.exists() and path.is_dir():
        raise InputError(f"{path} is a folder, not a file")


def atomic_write(path: Path, write: Callable[[str], None]) -> None:
    """Call ``write(temporary path)``, then rename the temporary file to ``path``.

    The temporary file lives in ``path``'s folder (created if needed), so the
    rename is atomic on the same file system; on any error it is removed and
    ``path`` is left as it was.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
