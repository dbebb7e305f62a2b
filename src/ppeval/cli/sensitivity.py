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
    _add_report_options,
    _add_sampling,
    _concentration,
    _console,
    _draw_seed,
    _error,
    _language,
    _load_inputs,
    _load_narrative,
    _read_result_text,
    _report_path,
    _reproduce_command,
    _sensitivity,
    _write_report,
)
from ppeval.cli._output import Outputs, print_created
from ppeval.cli._xlsx import add_force_argument
from ppeval.errors import ReproducibilityError

__all__ = ["register", "run"]

def run(args: argparse.Namespace) -> int:
    import numpy as np
    from rich.table import Table

    from ppeval.pipeline import reproduce
    from ppeval.report.sections._context import make_context

    t = _language(args.lang)
    _ = t._
    narrative = _load_narrative(args.narrative)
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
    from ppeval.report import with_names_in

    result = with_names_in(result, assessment, t)
    console = _console()
    ctx = make_context(result, system, t, sens=sens)
    mc = sens.monte_carlo
    if mc is not None:
        n = len(result.project_ids)
        top3 = mc.top_probability(3)
        first, likely = mc.first_probability, mc.likely_rank
        likely_head = _("most likely rank") if mc.acceptability_form == "full" else _("median rank")
        table = Table(
            title=_("Rank acceptability ({k} weight samples, seed {seed})").format(k=sens.samples, seed=seed),
            title_justify="left",
        )
        for col, just in ((_("rank"), "right"), (_("project"), "left"), (_("name"), "left"), (_("P(rank 1)"), "right"),
                          (_("P(top 3)"), "right"), (likely_head, "right"), (_("score mean"), "right"),
                          (_("score std"), "right")):
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
                ctx.project(int(i)),
                t.num(float(first[i]), 3),
                t.num(float(top3[i]), 3),
                str(int(likely[i])),
                t.num(float(scale * mc.score_mean[i]), 2),
                t.num(float(scale * mc.score_std[i]), 2),
            )
        console.print(table)
        if n > PRINT_ALL_UP_TO:
            console.print(f"{n:,} projects: the top {PRINT_TOP} and the bottom {PRINT_BOTTOM} are shown; every "
                          "project is in the report (--report)", markup=False, soft_wrap=True)
    from ppeval.report import sensitivity_tables

    for title, header, rows in sensitivity_tables(result, sens, system, t):
        out = Table(title=title, title_justify="left")
        for h in header:
            out.add_column(h)
        for row in rows:
            out.add_row(*row)
        console.print(out)
    for note in sens.notes:
        console.print(_("note: {message}").format(message=note), markup=False, soft_wrap=True)
    if report is not None:
        command = _reproduce_command(
            args.result, args.system, args.data, args.encoding, args.delimiter, args.questionnaire
        )
        with outputs.transaction():
            outputs.stage(report, "--report", lambda p: list(_write_report(
                p, result, system=system, sensitivity=sens, command=command, lang=t, narrative=narrative,
                project=args.project)))
        print_created(console, outputs, _)
        console.print(_("report written to {path}").format(path=report), markup=False, soft_wrap=True)
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
    _add_report_options(p, report_help="also write a report: OUT.docx, OUT.html or OUT.md")
    add_force_argument(p)
    p.set_defaults(func=run)
