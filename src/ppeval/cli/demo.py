"""``ppeval demo``: the bundled community-services evaluation, with report."""

from __future__ import annotations

import argparse
from pathlib import Path

from ppeval.cli._common import (
    DEFAULT_CONCENTRATION,
    DEFAULT_SAMPLES,
    DEMO_SEED,
    DEMO_SYSTEM,
    _add_report_options,
    _concentration,
    _concentration_arg,
    _console,
    _language,
    _non_negative_int,
    _report_path,
)
from ppeval.cli._xlsx import add_xlsx_arguments, xlsx_path
from ppeval.cli._xlsx import xlsx_language as resolve_xlsx_language
from ppeval.cli.evaluate import evaluate_and_write

__all__ = ["register", "run"]

def run(args: argparse.Namespace) -> int:
    from ppeval.io import bundled

    out = Path(args.out)
    force = bool(getattr(args, "force", False))
    xlsx = xlsx_path(args.xlsx, force)
    system_path = str(bundled.system_path(DEMO_SYSTEM))
    data_paths = [str(p) for p in bundled.sample_assessment_paths(DEMO_SYSTEM)]
    console = _console()
    _ = _language(args.lang)._
    console.print(
        _("ppeval demo: bundled system {system!r} on its sample assessment ({k} files in {folder})").format(
            system=DEMO_SYSTEM, k=len(data_paths), folder=Path(system_path).parent),
        markup=False,
        soft_wrap=True,
    )
    report = _report_path(args.report) if args.report is not None else out / "ppeval-report.html"
    return evaluate_and_write(
        system_path=system_path,
        data_paths=data_paths,
        method="topsis",
        mode="absolute",
        seed=args.seed,
        samples=args.samples,
        concentration=_concentration(args.concentration),
        json_out=out / "result.json",
        report_out=report,
        console=console,
        lang=args.lang,
        narrative_path=args.narrative,
        project=args.project,
        xlsx_out=xlsx,
        xlsx_language=resolve_xlsx_language(args.xlsx_language, args.lang),
        force=force,
    )


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``demo`` subcommand to ``sub``."""
    p = sub.add_parser(
        "demo",
        help="evaluate the bundled community-services example and write a report",
        description=f"Evaluate the bundled {DEMO_SYSTEM!r} indicator system on its sample assessment with "
                    "sensitivity analysis; write ppeval-report.html and result.json and print the ranking.",
    )
    p.add_argument("--out", default=".", metavar="DIR", help="directory for the files (default: current)")
    p.add_argument("--samples", type=_non_negative_int, default=DEFAULT_SAMPLES, metavar="N",
                   help=f"Monte Carlo weight samples (default {DEFAULT_SAMPLES}; 0 skips the sensitivity "
                        "analysis)")
    p.add_argument("--seed", type=_non_negative_int, default=DEMO_SEED, metavar="S",
                   help=f"seed of the weight draws (default {DEMO_SEED})")
    p.add_argument("--concentration", type=_concentration_arg, default=DEFAULT_CONCENTRATION, metavar="C",
                   help=f"Dirichlet concentration of the weight draws (default {DEFAULT_CONCENTRATION:g})")
    _add_report_options(p, report_help="the report file: OUT.docx (Word), OUT.html or OUT.md (default "
                                       "DIR/ppeval-report.html)")
    add_xlsx_arguments(p)
    p.set_defaults(func=run)
