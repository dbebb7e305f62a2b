"""``ppeval schema``: the JSON Schema of indicator-system files."""

from __future__ import annotations

import argparse
import sys

from ppeval.cli._common import EXIT_OK

__all__ = ["register", "run"]

def run(args: argparse.Namespace) -> int:
    from ppeval.schema import json_schema_text

    sys.stdout.write(json_schema_text())
    return EXIT_OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``schema`` subcommand to ``sub``."""
    p = sub.add_parser("schema", help="print the JSON Schema of an indicator system file",
                       description="Print the JSON Schema (draft 2020-12) of an indicator system file.")
    p.set_defaults(func=run)
