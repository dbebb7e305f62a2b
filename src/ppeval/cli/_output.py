"""Files written by the CLI: never over an input, never over an output without ``--force``, all or nothing.

Every output of a run is first written to a staging folder next to its
target (``.ppeval-tmp-*``, same file system), then, once every output of the
run has been written without error, moved into place with :func:`os.replace`
(atomic per file). A failure while computing or writing any output (the
report, say) leaves no partial file and no half set of outputs behind: the
staging folders are removed. Before anything is moved, every destination is
checked: one that is an input of the same run is refused (exit 2), one that
exists is refused unless ``--force``. Output folders that do not exist are
created, and the run says so.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ppeval.errors import InputError

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["Outputs", "print_created"]


def print_created(console: Console, outputs: Outputs, _: Callable[[str], str]) -> None:
    """Say which output folders the run created (``_`` translates into the run's language)."""
    for folder in outputs.created:
        console.print(_("created the output folder {path}").format(path=folder), markup=False, soft_wrap=True)


def _same(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:  # pragma: no cover - unreadable paths are simply not the same
        return False


class Outputs:
    """The output files of one CLI run.

    Parameters
    ----------
    inputs : sequence of str
        Every file the run reads (system, assessment files, a result JSON).
    force : bool
        Whether existing outputs may be replaced (``--force``).
    """

    def __init__(self, inputs: Sequence[str | os.PathLike[str]], *, force: bool) -> None:
        self.inputs = [Path(p) for p in inputs]
        self.force = force
        self._staged: list[tuple[Path, Path]] = []  # (staged file, destination)
        self._stages: list[Path] = []
        self._created: list[Path] = []
        self.written: list[Path] = []

    # ------------------------------------------------------------------ checks
    def check(self, target: Path, option: str) -> Path:
        """Refuse ``target`` if it is an input of this run or (without ``force``) an existing file."""
        resolved = target.resolve()
        for src in self.inputs:
            if resolved == src.resolve() or _same(target, src):
                raise InputError(
                    f"{option} {target}: this is an input of the same run ({src}); ppeval never writes over "
                    "its inputs; choose another output file name"
                )
        if target.is_dir():
            raise InputError(f"{option} {target}: is a folder; give a file name")
        if target.exists() and not self.force:
            raise InputError(
                f"{option} {target}: the file exists; ppeval does not replace an existing output unless "
                "you add --force"
            )
        return target

    # ------------------------------------------------------------------ staging
    def _stage_dir(self, folder: Path) -> Path:
        if not folder.exists():
            missing = []
            p = folder
            while not p.exists():
                missing.append(p)
                p = p.parent
            folder.mkdir(parents=True, exist_ok=True)
            self._created.extend(reversed(missing))
        stage = Path(tempfile.mkdtemp(prefix=".ppeval-tmp-", dir=folder))
        self._stages.append(stage)
        return stage

    def stage(self, target: Path, option: str, write: Callable[[Path], Iterable[Path]]) -> None:
        """Write one output (and any files it brings, e.g. figures) into a staging folder.

        ``write(path)`` writes the output at ``path`` (inside the staging
        folder) and returns every file it wrote; they are moved next to
        ``target`` at :meth:`commit`, keeping their paths relative to it.
        """
        self.check(target, option)
        stage = self._stage_dir(target.parent if str(target.parent) else Path("."))
        written = list(write(stage / target.name))
        for f in written or [stage / target.name]:
            rel = Path(f).relative_to(stage)
            self._staged.append((Path(f), target.parent / rel))

    def stage_text(self, target: Path, option: str, text: str) -> None:
        """Stage a UTF-8 text output."""

        def write(path: Path) -> list[Path]:
            path.write_text(text, encoding="utf-8", newline="\n")
            return [path]

        self.stage(target, option, write)

    # ------------------------------------------------------------------ commit / abort
    def commit(self) -> list[Path]:
        """Check every destination again, then move every staged file into place."""
        for _, dest in self._staged:
            self.check(dest, "output")
        for src, dest in self._staged:
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.replace(src, dest)
            self.written.append(dest)
        self._cleanup(remove_created=False)
        return self.written

    def abort(self) -> None:
        """Remove everything staged, and the output folders this run created."""
        self._cleanup(remove_created=True)

    def _cleanup(self, *, remove_created: bool) -> None:
        for stage in self._stages:
            shutil.rmtree(stage, ignore_errors=True)
        self._stages.clear()
        self._staged.clear()
        if remove_created:
            for folder in reversed(self._created):
                with contextlib.suppress(OSError):
                    folder.rmdir()  # only if empty

    @property
    def created(self) -> list[Path]:
        """Output folders this run created (the run reports them)."""
        return list(self._created)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Outputs]:
        """``with outputs.transaction():`` stage outputs; commit on success, abort on any exception."""
        try:
            yield self
        except BaseException:
            self.abort()
            raise
        self.commit()

