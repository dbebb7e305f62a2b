"""``ppeval uncertainty``: how sure each grade and each payment of a stored result is."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ppeval.cli._common import (
    DEFAULT_SAMPLES,
    EXIT_FAILURE,
    EXIT_OK,
    PRINT_ALL_UP_TO,
    PRINT_BOTTOM,
    PRINT_TOP,
    _add_report_options,
    _add_sampling,
    _concentration,
    _console,
    _draw_seed,
    _error,
    _language,
    _load_inputs,
    _load_narrative,
    _quote_command,
    _read_result_text,
    _report_path,
    _write_report,
)
from ppeval.cli._output import Outputs, print_created
from ppeval.cli._xlsx import add_xlsx_language_argument
from ppeval.cli._xlsx import xlsx_language as resolve_xlsx_language
from ppeval.errors import InputError, ReproducibilityError

__all__ = ["register", "run"]


def _print_certainty(console: Any, u: Any, result: Any, system: Any, t: Any, samples: int, seed: int) -> None:
    """The purchaser's table in the terminal: grade, how sure, decision and money (names, in ``--lang``).

    Up to ``PRINT_ALL_UP_TO`` projects every one is listed in rank order; beyond, the
    ``PRINT_TOP + PRINT_BOTTOM`` projects whose grade is least sure (then most money at risk), as the
    report does, with a count; every project is in the ``--json`` / ``--xlsx`` / ``--report`` files.
    """
    import numpy as np
    from rich.table import Table

    from ppeval.report.sections._context import make_context

    _ = t._
    ctx = make_context(result, system, t)
    ev, pay = u.evidence, u.payments
    n = len(result.project_ids)
    if ev is not None:
        labels = [g.label for g in system.grades]
        q = ev.to_100(ev.score_quantiles)
        lo, hi = np.minimum(q[:, 0], q[:, -1]), np.maximum(q[:, 0], q[:, -1])
        if ev.grade_probability is not None:
            k = np.array([labels.index(g) if g in labels else -1 for g in result.grades], dtype=np.int64)
            sure = np.where(k >= 0, ev.grade_probability[np.arange(n), np.maximum(k, 0)], 1.0)
        else:
            sure = np.ones(n)
        varied = t.join([t.term(s) for s in u.sources]) or _("nothing")
        title = _("How sure is each grade? ({k} samples, seed {seed}; varied: {varied})").format(
            k=t.count(samples), seed=seed, varied=varied)
        table = Table(title=title, title_justify="left")
        header = [_("Project"), _("Score"), _("5-95 %"), _("Grade"), _("Sure"), _("Driven by")]
        if pay is not None:
            header += [_("Decision"), _("Payment"), _("Expected"), _("At risk")]
        left = {_("Project"), _("Grade"), _("Driven by"), _("Decision")}
        for c in header:
            table.add_column(c, justify="left" if c in left else "right", overflow="fold")
        order = np.argsort(result.ranks, kind="stable")
        if n > PRINT_ALL_UP_TO:
            risk = pay.money_at_risk if pay is not None else np.zeros(n)
            pick = np.lexsort((-risk, sure))[:PRINT_TOP + PRINT_BOTTOM]
            order = pick[np.argsort(result.ranks[pick], kind="stable")]
        for i in order.tolist():
            src = t.term(ev.sources[int(ev.main_source[i])]) if ev.main_source[i] >= 0 else "-"
            row = [ctx.project(i), t.num(float(result.score_100[i]), 1),
                   f"{t.num(float(lo[i]), 1)}-{t.num(float(hi[i]), 1)}", ctx.grade(result.grades[i]),
                   t.pct(float(sure[i]), 0), src]
            if pay is not None:
                row += [t.term(pay.rules.names[int(pay.decision[i])]), t.num(float(pay.payment[i]), 0),
                        t.num(float(pay.expected_payment[i]), 0), t.num(float(pay.money_at_risk[i]), 0)]
            table.add_row(*row)
        console.print(table)
        if n > PRINT_ALL_UP_TO:
            console.print(_("The {k} of {n} projects whose grade is least sure are listed; every project is in "
                            "the files (--json, --xlsx, --report).").format(k=t.count(PRINT_TOP + PRINT_BOTTOM),
                                                                           n=t.count(n)),
                          markup=False, soft_wrap=True)
        if pay is not None:
            console.print(_("money at risk in total: {value} (payments whose decision changes within the 5-95 % "
                            "variation)").format(value=t.num(float(pay.total_money_at_risk), 0)),
                          markup=False, soft_wrap=True)
    for note in u.notes:
        console.print(_("note: {message}").format(message=t.term(note)), markup=False, soft_wrap=True)


def run(args: argparse.Namespace) -> int:
    from ppeval.cli._xlsx import xlsx_path
    from ppeval.pipeline import analyse_uncertainty, reproduce

    t = _language(args.lang)
    narrative = _load_narrative(args.narrative)
    report = _report_path(args.report)
    xlsx = xlsx_path(args.xlsx, args.force)
    inputs = [args.result, args.system, *args.data, *([args.uncertainty] if args.uncertainty else []),
              *([args.narrative] if args.narrative else [])]
    outputs = Outputs(inputs, force=args.force)
    named = [(Path(p), o) for p, o in ((args.json, "--json"), (report, "--report"), (xlsx, "--xlsx")) if p]
    for path, option in named:
        outputs.check(path, option)
    if len({p.resolve() for p, _o in named}) < len(named):
        raise InputError("two of --json, --report and --xlsx name the same file; give each output its own name")
    _read_result_text(args.result)  # a clear message for a missing or unreadable file
    system, assessment = _load_inputs(args.system, args.data)
    try:
        result = reproduce(Path(args.result), system, assessment)  # errors name the file
    except ReproducibilityError as exc:
        _error(str(exc))
        return EXIT_FAILURE
    declared = None
    if args.uncertainty:
        from ppeval.errors import DataError
        from ppeval.io._read import load_structured

        declared = load_structured(args.uncertainty, limit=1 << 20, error=DataError)
    seed = _draw_seed(args.seed if args.seed is not None else result.provenance.seed)
    samples = args.samples if args.samples else DEFAULT_SAMPLES
    u = analyse_uncertainty(
        result, system, assessment, samples=samples, seed=seed, concentration=_concentration(args.concentration),
        weights=not args.no_weights, ratings=not args.no_ratings, values=not args.no_values,
        boundary=not args.no_boundary, uncertainty=declared,
    )
    from ppeval.report import with_names_in

    shown = with_names_in(result, assessment, t)  # the names in --lang (name_zh ... columns) for what people read
    console = _console()
    _print_certainty(console, u, shown, system, t, samples, seed)
    with outputs.transaction():  # every output written, or none
        if args.json:
            from ppeval._serialize import dumps

            outputs.stage_text(Path(args.json), "--json", dumps(u, indent=1))
        if report is not None:
            command = _quote_command(["ppeval", "uncertainty", args.result, args.system, *args.data,
                                      "--samples", str(samples), "--seed", str(seed)])
            outputs.stage(report, "--report", lambda p: list(_write_report(
                p, shown, system=system, sensitivity=None, command=command, lang=t, narrative=narrative,
                project=args.project, uncertainty=u)))
        if xlsx is not None:
            from ppeval.report.xlsx import write_xlsx

            def workbook(p: Path) -> list[Path]:
                write_xlsx(p, result, system, uncertainty=u,
                           language=resolve_xlsx_language(args.xlsx_language, args.lang), overwrite=True)
                return [p]

            outputs.stage(xlsx, "--xlsx", workbook)
    _ = t._
    print_created(console, outputs, _)
    if args.json:
        console.print(_("uncertainty analysis written to {path}").format(path=args.json), markup=False,
                      soft_wrap=True)
    if report is not None:
        console.print(_("report written to {path}").format(path=report), markup=False, soft_wrap=True)
    if xlsx is not None:
        console.print(_("workbook written to {path}").format(path=xlsx), markup=False, soft_wrap=True)
    return EXIT_OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``uncertainty`` subcommand to ``sub``."""
    p = sub.add_parser(
        "uncertainty",
        help="how sure each grade and payment is: weights, raters and measured values varied together",
        description="Verify a stored result against its inputs, then vary the weights, resample the raters "
                    "(within their groups) and draw the measured values from their declared uncertainty; "
                    "print each project's score interval, grade probability, decision, expected payment and "
                    "money at risk.",
    )
    p.add_argument("result", metavar="RESULT.json", help="result written by ppeval evaluate --json")
    p.add_argument("system", metavar="SYSTEM", help="the indicator system it was computed from")
    p.add_argument("data", metavar="DATA", nargs="+", help="the assessment files it was computed from")
    _add_sampling(p, samples_default=DEFAULT_SAMPLES,
                  samples_help=f"Monte Carlo samples (default {DEFAULT_SAMPLES})")
    p.add_argument("--no-weights", action="store_true", help="keep the evaluated weights fixed")
    p.add_argument("--no-ratings", action="store_true", help="do not resample the raters")
    p.add_argument("--no-values", action="store_true", help="ignore the declared measurement uncertainty")
    p.add_argument("--uncertainty", metavar="FILE",
                   help="measurement uncertainty declared with the data: YAML/JSON/TOML mapping of indicator id "
                        "to {distribution, absolute, relative} (overrides the system's)")
    p.add_argument("--no-boundary", action="store_true",
                   help="skip the search for the smallest change that changes a grade")
    p.add_argument("--json", metavar="OUT.json", help="also write the analysis as JSON")
    p.add_argument("--xlsx", metavar="OUT.xlsx",
                   help="also write the results as an Excel workbook with a certainty and payments sheet")
    _add_report_options(p, report_help="also write a report (OUT.docx, OUT.html or OUT.md) whose chapter 6 opens "
                                       "with how sure each grade and payment is")
    add_xlsx_language_argument(p)  # after --lang: its default follows --lang
    p.add_argument("--force", action="store_true", help="replace existing --json / --report / --xlsx files")
    p.set_defaults(func=run)
