"""``ppeval template``: an empty data template (Excel workbook or CSV files) for an indicator system."""

from __future__ import annotations

import argparse
from pathlib import Path

from ppeval.cli._common import EXIT_OK, _console, _language
from ppeval.cli._output import Outputs, print_created
from ppeval.cli._xlsx import add_force_argument

__all__ = ["register", "run"]


def run(args: argparse.Namespace) -> int:
    from ppeval.io import list_systems, load_bundled, load_system, write_template

    system_arg = str(args.system)
    if not Path(system_arg).exists() and system_arg in list_systems():
        system = load_bundled(system_arg)
    else:
        system = load_system(system_arg)
    out = Path(args.out)
    outputs = Outputs([system_arg] if Path(system_arg).exists() else [], force=args.force)
    target = out
    if out.suffix.lower() == ".csv":  # three files next to OUT: refuse any that is an input or exists
        stem = out.name[: -len(out.suffix)]
        files = [out.with_name(f"{stem}.{kind}.csv") for kind in ("projects", "values", "ratings")]
        for f in files:
            outputs.check(f, "--out")
        target = files[0]
    with outputs.transaction():  # all files written, or none
        outputs.stage(target, "--out", lambda p: write_template(
            system, p.with_name(out.name), notes=not args.no_notes, language=args.language, overwrite=True))
    console = _console()
    print_created(console, outputs, _language(None)._)
    for p in outputs.written:
        console.print(f"template written to {p}", markup=False, soft_wrap=True)
    return EXIT_OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``template`` subcommand to ``sub``."""
    p = sub.add_parser(
        "template",
        help="write an empty data template (xlsx or csv) for an indicator system",
        description="Write an empty data template for an indicator system: an Excel workbook (sheets "
                    "projects, values, ratings; header notes with names, units, bounds, points and scoring "
                    "rules; data validation with bounds and drop-down lists) or CSV files "
                    "(<stem>.projects.csv, <stem>.values.csv, <stem>.ratings.csv).",
    )
    p.add_argument("system", metavar="SYSTEM", help="indicator system file, or the id of a bundled system")
    p.add_argument("--out", required=True, metavar="OUT", help="OUT.xlsx (a workbook) or OUT.csv (CSV files)")
    p.add_argument("--no-notes", action="store_true",
                   help="leave out the note / note:<indicator> columns of the values table")
    p.add_argument("--language", choices=("zh", "en"), default="zh",
                   help="language of the guide sheet and header notes (default zh)")
    add_force_argument(p)
    p.set_defaults(func=run)
