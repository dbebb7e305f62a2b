"""``--xlsx`` (results as an Excel workbook) and ``--force``, shared by ``evaluate`` and ``demo``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Literal

from ppeval.errors import InputError

__all__ = ["add_xlsx_arguments", "add_force_argument", "add_xlsx_language_argument", "xlsx_language", "xlsx_path"]


def add_force_argument(p: argparse.ArgumentParser) -> None:
    """Add ``--force`` (replace existing output files) unless the parser has it already."""
    if "--force" not in p._option_string_actions:
        p.add_argument("--force", action="store_true",
                       help="replace output files that exist (never an input of the same run)")


def add_xlsx_arguments(p: argparse.ArgumentParser) -> None:
    """Add ``--xlsx OUT.xlsx``, ``--xlsx-language`` and ``--force``."""
    p.add_argument("--xlsx", metavar="OUT.xlsx",
                   help="write the results as an Excel workbook (scores, weights, scoring sheets, "
                        "contributions, sensitivity, provenance)")
    add_xlsx_language_argument(p)
    add_force_argument(p)


def add_xlsx_language_argument(p: argparse.ArgumentParser) -> None:
    """Add ``--xlsx-language`` (default: the ``--lang`` given, else ``zh``).

    ``--lang``'s parsed default becomes None so that :func:`xlsx_language` can
    tell a ``--lang`` given from none (None means English everywhere else).
    """
    p.add_argument("--xlsx-language", choices=("zh", "en"), default=None,
                   help="language of the workbook's sheet names and headers (default: the --lang given, "
                        "else zh)")
    p.set_defaults(lang=None)


def xlsx_language(explicit: str | None, lang: str | None) -> Literal["zh", "en"]:
    """The workbook's language: ``--xlsx-language`` when given, else ``--lang`` when given, else ``zh``."""
    code = explicit or lang or "zh"
    return "zh" if code.split("_")[0] == "zh" else "en"


def xlsx_path(value: str | None, force: bool) -> Path | None:
    """The ``--xlsx`` path, checked before any work is done (suffix; exists without --force)."""
    if value is None:
        return None
    path = Path(value)
    if path.suffix.lower() != ".xlsx":
        raise InputError(f"--xlsx {value}: an Excel workbook needs the suffix .xlsx")
    if path.exists() and not force:
        raise InputError(f"--xlsx {value} exists; pass --force to replace it")
    return path
