"""``ppeval compare``: two evaluation rounds of the same projects side by side."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ppeval.cli._common import (
    DEFAULT_SAMPLES,
    EXIT_FAILURE,
    EXIT_OK,
    _add_report_options,
    _console,
    _draw_seed,
    _error,
    _language,
    _load_inputs,
    _load_narrative,
    _non_negative_int,
    _quote_command,
    _read_result_text,
    _report_path,
    _write_report,
)
from ppeval.cli._output import Outputs, print_created
from ppeval.errors import InputError, ReproducibilityError

__all__ = ["register", "run"]


def _load_round(path: str, inputs: list[str] | None, samples: int, seed: int) -> tuple[Any, Any, Any]:
    from ppeval.pipeline import EvaluationResult, analyse_uncertainty, reproduce

    text = _read_result_text(path)
    if not inputs:
        try:
            return EvaluationResult.from_json(text), None, None
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(f"{path}: not a result JSON written by ppeval evaluate --json ({exc})") from None
    if len(inputs) < 2:
        raise InputError(f"{path}: give the system and the assessment files: --earlier/--later SYSTEM DATA ...")
    system, assessment = _load_inputs(inputs[0], inputs[1:])
    result = reproduce(Path(path), system, assessment)  # errors name the file
    u = analyse_uncertainty(result, system, assessment, samples=samples, seed=seed, boundary=False)
    return result, u, system


def run(args: argparse.Namespace) -> int:
    import numpy as np
    from rich.table import Table

    from ppeval.pipeline import compare

    t = _language(args.lang)
    narrative = _load_narrative(args.narrative)
    report = _report_path(args.report)
    inputs = [args.earlier_result, args.later_result, *(args.earlier or []), *(args.later or []),
              *([args.narrative] if args.narrative else [])]
    outputs = Outputs(inputs, force=args.force)
    named = [(Path(p), o) for p, o in ((args.json, "--json"), (report, "--report")) if p]
    for path, option in named:
        outputs.check(path, option)
    if len({p.resolve() for p, _o in named}) == 1 and len(named) == 2:
        raise InputError("--json and --report name the same file; give each output its own name")
    seed = _draw_seed(args.seed)
    samples = args.samples if args.samples else DEFAULT_SAMPLES
    try:
        r0, u0, s0 = _load_round(args.earlier_result, args.earlier, samples, seed)
        r1, u1, s1 = _load_round(args.later_result, args.later, samples, seed + 1)
    except ReproducibilityError as exc:
        _error(str(exc))
        return EXIT_FAILURE
    c = compare(r0, r1, earlier_uncertainty=u0, later_uncertainty=u1)
    console = _console()
    table = Table(title="Rounds compared (score 0-100)", title_justify="left")
    cols = ["project", "before", "after", "change", "grade"]
    if c.exceeds_uncertainty is not None:
        cols.append("beyond the evidence?")
    for col in cols:
        table.add_column(col, justify="left" if col in ("project", "grade") else "right")
    for k in np.argsort(-c.score_change, kind="stable"):
        grade = c.grade_before[k] if c.grade_before[k] == c.grade_after[k] else \
            f"{c.grade_before[k]} -> {c.grade_after[k]}"
        row = [c.project_names[k], f"{c.score_before[k]:.1f}", f"{c.score_after[k]:.1f}",
               f"{c.score_change[k]:+.1f}", grade]
        if c.exceeds_uncertainty is not None and c.change_threshold is not None:
            row.append(("yes" if c.exceeds_uncertainty[k] else "no") + f" (±{c.change_threshold[k]:.1f})")
        table.add_row(*row)
    console.print(table)
    names = {i: i for i in c.indicator_ids}  # ids, unless a system gives the names
    for system in (s0, s1):
        if system is not None:
            names.update({leaf.id: leaf.name for leaf in system.leaves()})
    earlier_names = dict(zip(r0.project_ids, r0.project_names, strict=True))
    later_names = dict(zip(r1.project_ids, r1.project_names, strict=True))
    if c.improved_most:
        console.print("improved most: " + ", ".join(names[i] for i in c.improved_most[:5]), markup=False)
    if c.declined_most:
        console.print("declined most: " + ", ".join(names[i] for i in c.declined_most[:5]), markup=False)
    if c.left:
        console.print("left: " + ", ".join(earlier_names[p] for p in c.left), markup=False)
    if c.joined:
        console.print("joined: " + ", ".join(later_names[p] for p in c.joined), markup=False)
    for note in c.notes:
        console.print(f"note: {note}", markup=False, soft_wrap=True)
    with outputs.transaction():  # every output written, or none
        if args.json:
            from ppeval._serialize import dumps

            outputs.stage_text(Path(args.json), "--json", dumps(c, indent=1))
        if report is not None:
            labels = (Path(args.earlier_result).stem, Path(args.later_result).stem)
            if labels[0] == labels[1]:
                labels = (t._("earlier round"), t._("later round"))
            command = _quote_command(["ppeval", "compare", args.earlier_result, args.later_result,
                                      *(["--earlier", *args.earlier] if args.earlier else []),
                                      *(["--later", *args.later] if args.later else []),
                                      "--samples", str(samples), "--seed", str(seed)])
            later_uncertainty = u1 if s1 is not None else None
            outputs.stage(report, "--report", lambda p: list(_write_report(
                p, r1, system=s1, sensitivity=None, command=command, lang=t, narrative=narrative,
                project=args.project, uncertainty=later_uncertainty, comparison=c, round_labels=labels)))
    _ = t._
    print_created(console, outputs, _)
    if args.json:
        console.print(f"comparison written to {args.json}", markup=False, soft_wrap=True)
    if report is not None:
        console.print(_("report written to {path}").format(path=report), markup=False, soft_wrap=True)
    return EXIT_OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``compare`` subcommand to ``sub``."""
    p = sub.add_parser(
        "compare",
        help="two rounds (mid-term and final, year and year) of the same projects side by side",
        description="Compare two stored results: change of score, grade, sub-scores and indicators per "
                    "project, projects that left or joined. With --earlier and --later (each: SYSTEM DATA ...) "
                    "the results are verified and the evidence uncertainty of both rounds says which changes "
                    "exceed it.",
    )
    p.add_argument("earlier_result", metavar="EARLIER.json", help="result of the earlier round")
    p.add_argument("later_result", metavar="LATER.json", help="result of the later round")
    p.add_argument("--earlier", nargs="+", metavar="FILE", help="SYSTEM DATA ... of the earlier round")
    p.add_argument("--later", nargs="+", metavar="FILE", help="SYSTEM DATA ... of the later round")
    p.add_argument("--samples", type=_non_negative_int, default=DEFAULT_SAMPLES, metavar="N",
                   help=f"Monte Carlo samples per round with --earlier/--later (default {DEFAULT_SAMPLES})")
    p.add_argument("--seed", type=_non_negative_int, default=None, metavar="S", help="seed of the draws")
    p.add_argument("--json", metavar="OUT.json", help="also write the comparison as JSON")
    _add_report_options(p, report_help="also write a report of the later round (OUT.docx, OUT.html or OUT.md) "
                                       "whose chapter 6 compares the rounds (slope chart)")
    p.add_argument("--force", action="store_true", help="replace existing --json / --report files")
    p.set_defaults(func=run)
