"""``ppeval systems``: the bundled indicator systems."""

from __future__ import annotations

import argparse

from ppeval.cli._common import EXIT_OK, _add_lang_option, _console, _language

__all__ = ["register", "run"]

def run(args: argparse.Namespace) -> int:
    from rich.table import Table

    from ppeval.io import bundled
    from ppeval.schema._base import localized

    _ = _language(args.lang)._
    table = Table(title=_("Bundled indicator systems"), title_justify="left")
    table.add_column("id")
    table.add_column(_("name"), overflow="fold")
    table.add_column(_("indicators"), justify="right")
    table.add_column(_("source"), overflow="fold")
    for name in bundled.list_systems():
        system = bundled.load_bundled(name)
        source = " ".join(system.source.split())
        if len(source) > 90:
            source = source[:87].rstrip() + "..."
        table.add_row(name, localized(system.name, system.names, args.lang), str(len(system.leaf_ids)), source)
    _console().print(table)
    return EXIT_OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``systems`` subcommand to ``sub``."""
    p = sub.add_parser("systems", help="list the bundled indicator systems",
                       description="List the bundled indicator systems: id, name, indicators, source.")
    _add_lang_option(p)
    p.set_defaults(func=run)
