"""``ppeval uncertainty``: how sure each grade and each payment of a stored result is."""

from __future__ import annotations

import argparse
from pathlib import Path

from ppeval.cli._common import (
    DEFAULT_SAMPLES,
    EXIT_FAILURE,
    EXIT_OK,
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


def _money(x: float) -> str:
    return f"{x:,.0f}"


def run(args: argparse.Namespace) -> int:
    import numpy as np
    from rich.table import Table

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
    console = _console()
    ev, pay = u.evidence, u.payments
    if ev is not None:
        labels = [g.label for g in system.grades]
        title = (f"How sure is each grade? ({samples} samples, seed {seed}; varied: "
                 f"{', '.join(u.sources) or 'nothing'})")
        table = Table(title=title, title_justify="left")
        cols = ["project", "score", "5-95 %", "grade", "P(grade)", "main source"]
        if pay is not None:
            cols += ["decision", "payment", "expected", "at risk"]
        for c in cols:
            table.add_column(c, justify="left" if c in ("project", "grade", "main source", "decision") else "right")
        q = ev.to_100(ev.score_quantiles)
        lo, hi = np.minimum(q[:, 0], q[:, -1]), np.maximum(q[:, 0], q[:, -1])
        for i in np.argsort(result.ranks, kind="stable"):
            k = labels.index(result.grades[i])
            src = ev.sources[int(ev.main_source[i])] if ev.main_source[i] >= 0 else "-"
            row = [result.project_names[i], f"{result.score_100[i]:.1f}", f"{lo[i]:.1f}-{hi[i]:.1f}",
                   result.grades[i], f"{ev.grade_probability[i, k]:.0%}" if ev.grade_probability is not None
                   else "-", src]
            if pay is not None:
                row += [pay.rules.names[int(pay.decision[i])], _money(pay.payment[i]),
                        _money(pay.expected_payment[i]), _money(pay.money_at_risk[i])]
            table.add_row(*row)
        console.print(table)
        if pay is not None:
            console.print(f"money at risk in total: {_money(pay.total_money_at_risk)} "
                          f"(payments whose decision changes within the 5-95 % variation)", markup=False)
    for note in u.notes:
        console.print(f"note: {note}", markup=False, soft_wrap=True)
    with outputs.transaction():  # every output written, or none
        if args.json:
            from ppeval._serialize import dumps

            outputs.stage_text(Path(args.json), "--json", dumps(u, indent=1))
        if report is not None:
            import dataclasses

            from ppeval.report import project_names_in

            names = project_names_in(assessment, t)
            shown = dataclasses.replace(result, project_names=tuple(
                names.get(p, n) for p, n in zip(result.project_ids, result.project_names, strict=True)))
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
        console.print(f"uncertainty analysis written to {args.json}", markup=False, soft_wrap=True)
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
