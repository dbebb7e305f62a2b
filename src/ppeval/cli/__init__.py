"""The ``ppeval`` command: evaluate projects from files, check files, make reports.

Subcommands (``ppeval COMMAND --help`` for the options of each)::

    ppeval demo        [--out DIR] [--samples N] [--seed S] [--report OUT] [--lang en|zh]
    ppeval validate    SYSTEM [DATA ...]
    ppeval evaluate    SYSTEM DATA ... [--method M] [--mode M] [--seed S] [--samples N]
                       [--json OUT] [--report OUT.docx|OUT.html|OUT.md] [--lang en|zh]
                       [--narrative FILE] [--project ID] [--xlsx OUT.xlsx [--force]]
    ppeval ahp         MATRIX.csv [--method eigenvector|geometric_mean] [--top K]
    ppeval sensitivity RESULT.json SYSTEM DATA ... [--samples N] [--seed S] [--report OUT]
    ppeval uncertainty RESULT.json SYSTEM DATA ... [--samples N] [--seed S] [--no-ratings] [--json OUT]
    ppeval compare     EARLIER.json LATER.json [--earlier SYSTEM DATA ...] [--later SYSTEM DATA ...]
    ppeval reproduce   RESULT.json SYSTEM DATA ...
    ppeval systems
    ppeval schema
    ppeval template    SYSTEM --out DATA.xlsx|DATA.csv [--language zh|en] [--force]

Exit status: 0 success; 1 a failure (a result that does not reproduce, an
internal error); 2 bad input (a file that is missing, unreadable or invalid,
an invalid option). Errors are one message on stderr naming the file, row and
id at fault; ``--debug`` adds the traceback.

The command is a thin layer over the library: it parses arguments, calls
:func:`ppeval.pipeline.evaluate`, :func:`ppeval.report.write_report` and
friends, and prints with :mod:`rich`. ``rich`` and matplotlib are imported
inside the functions that use them, so ``import ppeval`` stays light.

Each subcommand lives in its own module of this package (``ppeval.cli.evaluate``,
``ppeval.cli.ahp``, ...), which defines ``register(subparsers)`` and ``run(args)``;
shared output and argument helpers are in ``ppeval.cli._common``.
"""

from __future__ import annotations

import argparse
import traceback
from collections.abc import Sequence
from typing import Any

from ppeval import __version__
from ppeval.cli import (
    ahp,
    compare,
    demo,
    evaluate,
    reproduce,
    schema,
    sensitivity,
    systems,
    template,
    uncertainty,
    validate,
)
from ppeval.cli._common import EXIT_FAILURE, EXIT_INPUT, EXIT_OK, _error
from ppeval.errors import PPEvalError, ReproducibilityError

__all__ = ["main", "build_parser", "read_judgment_matrix", "EXIT_OK", "EXIT_FAILURE", "EXIT_INPUT"]

#: The subcommands, in the order ``ppeval --help`` lists them.
COMMANDS = (demo, validate, evaluate, ahp, sensitivity, uncertainty, compare, reproduce, systems, schema, template)


def __getattr__(name: str) -> Any:
    # re-exported for compatibility, imported on first use (``ppeval --help`` does not need the readers)
    if name == "read_judgment_matrix":
        from ppeval.io.judgments import read_judgment_matrix

        return read_judgment_matrix
    raise AttributeError(f"module 'ppeval.cli' has no attribute {name!r}")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``ppeval`` command (all subcommands)."""
    parser = argparse.ArgumentParser(
        prog="ppeval",
        description="Evaluate publicly purchased services: indicator systems, weights, scores, grades, "
                    "sensitivity and reports.",
        epilog="Exit status: 0 ok, 1 failure (e.g. a result that does not reproduce), 2 bad input.",
    )
    parser.add_argument("--version", action="version", version=f"ppeval {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the traceback of an error")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    for command in COMMANDS:
        command.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``ppeval`` command; return its exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name (default ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success, 1 on a failure, 2 on bad input.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help / --version (0) or a usage error (2)
        return int(exc.code) if isinstance(exc.code, int) else EXIT_INPUT
    debug = bool(args.debug)
    try:
        return int(args.func(args))
    except PPEvalError as exc:
        if debug:
            traceback.print_exc()
        _error(str(exc))
        return EXIT_FAILURE if isinstance(exc, ReproducibilityError) else EXIT_INPUT
    except OSError as exc:
        if debug:
            traceback.print_exc()
        where = f"{exc.filename}: " if exc.filename else ""
        what = "file not found" if isinstance(exc, FileNotFoundError) else (exc.strerror or str(exc))
        _error(f"{where}{what}")
        return EXIT_INPUT
    except KeyboardInterrupt:
        _error("interrupted")
        return 130
    except Exception as exc:
        if debug:
            traceback.print_exc()
        _error(f"internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback and "
               "report it)")
        return EXIT_FAILURE
