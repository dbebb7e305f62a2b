"""``ppeval sensitivity``: robustness of a stored result."""

from __future__ import annotations

import argparse
from pathlib import Path

from ppeval.cli._common import (
    DEFAULT_SAMPLES,
    EXIT_FAILURE,
    EXIT_OK,
    PRINT_ALL_UP_TO,
    PRINT_BOTTOM,
    PRINT_TOP,
    _add_reading,
    _add_sampling,
    _concentration,
    _console,
    _draw_seed,
    _error,
    _load_inputs,
    _read_result_text,
    _report_path,
    _reproduce_command,
    _sensitivity,
)
from ppeval.cli._output import Outputs
from ppeval.cli._xlsx import add_force_argument
from ppeval.errors import ReproducibilityError

__all__ = ["register", "run"]

def run(args: argparse.Namespace) -> int:
    import numpy as np
    from rich.table import Table

    from ppeval.pipeline import reproduce
    from ppeval.report import write_report

    report = _report_path(args.report)
    outputs = Outputs([args.result, args.system, *args.data, *(f for q in args.questionnaire or () for f in q)],
                      force=args.force)
    if report is not None:
        outputs.check(report, "--report")
    _read_result_text(args.result)  # a clear message for a missing or unreadable file
    system, assessment = _load_inputs(args.system, args.data, args.encoding, args.delimiter, args.questionnaire)
    try:
        result = reproduce(Path(args.result), system, assessment)
    except ReproducibilityError as exc:
        _error(str(exc))
        return EXIT_FAILURE
    seed = args.seed if args.seed is not None else result.provenance.seed
    seed = _draw_seed(seed)
    sens = _sensitivity(
        result, system, samples=args.samples, seed=seed, concentration=_concentration(args.concentration)
    )
    console = _console()
    mc = sens.monte_carlo
    if mc is not None:
        n = len(result.project_ids)
        top3 = mc.rank_acceptability[:, : min(3, n)].sum(axis=1)
        table = Table(
            title=f"Rank acceptability ({sens.samples} weight samples, seed {seed})", title_justify="left"
        )
        for col, just in (("rank", "right"), ("project", "left"), ("P(rank 1)", "right"),
                          ("P(top 3)", "right"), ("most likely rank", "right"), ("score mean", "right"),
                          ("score std", "right")):
            table.add_column(col, justify=just)  # type: ignore[arg-type]
        scale = 100.0 if result.method != "vikor" else 1.0
        order = np.argsort(result.ranks, kind="stable")
        shown = order if n <= PRINT_ALL_UP_TO else np.concatenate([order[:PRINT_TOP], order[-PRINT_BOTTOM:]])
        for pos, i in enumerate(shown.tolist()):
            if n > PRINT_ALL_UP_TO and pos == PRINT_TOP:
                table.add_row("...", f"{n - PRINT_TOP - PRINT_BOTTOM:,} more", "", "", "", "", "", end_section=True)
            table.add_row(
                str(int(result.ranks[i])),
                result.project_ids[i],
                f"{mc.rank_acceptability[i, 0]:.3f}",
                f"{top3[i]:.3f}",
                str(int(np.argmax(mc.rank_acceptability[i])) + 1),
                f"{scale * mc.score_mean[i]:.2f}",
                f"{scale * mc.score_std[i]:.2f}",
            )
        console.print(table)
        if n > PRINT_ALL_UP_TO:
            console.print(f"{n:,} projects: the top {PRINT_TOP} and the bottom {PRINT_BOTTOM} are shown; every "
                          "project is in the report (--report)", markup=False, soft_wrap=True)
    from ppeval.report import sensitivity_tables

    for title, header, rows in sensitivity_tables(result, sens, system):
        t = Table(title=title, title_justify="left")
        for h in header:
            t.add_column(h)
        for row in rows:
            t.add_row(*row)
        console.print(t)
    for note in sens.notes:
        console.print(f"note: {note}", markup=False, soft_wrap=True)
    if report is not None:
        command = _reproduce_command(
            args.result, args.system, args.data, args.encoding, args.delimiter, args.questionnaire
        )
        with outputs.transaction():
            outputs.stage(report, "--report", lambda p: write_report(
                p, result, system=system, sensitivity=sens, command=command))
        for folder in outputs.created:
            console.print(f"created the output folder {folder}", markup=False, soft_wrap=True)
        console.print(f"report written to {report}", markup=False, soft_wrap=True)
    return EXIT_OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``sensitivity`` subcommand to ``sub``."""
    p = sub.add_parser(
        "sensitivity",
        help="robustness of a stored result: rank acceptability, critical weights, methods",
        description="Verify a stored result against its inputs, then run the sensitivity analysis and "
                    "print it (optionally as a report).",
    )
    p.add_argument("result", metavar="RESULT.json", help="result written by ppeval evaluate --json")
    p.add_argument("system", metavar="SYSTEM", help="the indicator system it was computed from")
    p.add_argument("data", metavar="DATA", nargs="+", help="the assessment files it was computed from")
    _add_reading(p)
    _add_sampling(p, samples_default=DEFAULT_SAMPLES,
                  samples_help=f"Monte Carlo weight samples (default {DEFAULT_SAMPLES})")
    p.add_argument("--report", metavar="OUT", help="also write a report: OUT.html or OUT.md")
    add_force_argument(p)
    p.set_defaults(func=run)
