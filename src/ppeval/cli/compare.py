"""``ppeval compare``: two evaluation rounds of the same projects side by side."""

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


def _load_round(path: str, inputs: list[str] | None, samples: int, seed: int, lang: Any
                ) -> tuple[Any, Any, Any, dict[str, str]]:
    """The round's result, its uncertainty analysis and system (with inputs), and project names in ``lang``."""
    from ppeval.pipeline import EvaluationResult, analyse_uncertainty, reproduce

    text = _read_result_text(path)
    if not inputs:
        try:
            return EvaluationResult.from_json(text), None, None, {}
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(f"{path}: not a result JSON written by ppeval evaluate --json ({exc})") from None
    if len(inputs) < 2:
        raise InputError(f"{path}: give the system and the assessment files: --earlier/--later SYSTEM DATA ...")
    system, assessment = _load_inputs(inputs[0], inputs[1:])
    result = reproduce(Path(path), system, assessment)  # errors name the file
    u = analyse_uncertainty(result, system, assessment, samples=samples, seed=seed, boundary=False)
    from ppeval.report import project_names_in

    return result, u, system, project_names_in(assessment, lang)


#: Names listed per line of the terminal summary (projects that left or joined, indicators that moved most).
_LISTED = 10


def _print_comparison(console: Any, c: Any, r0: Any, r1: Any, s0: Any, s1: Any, t: Any,
                      names_in: dict[str, str] | None = None) -> None:
    """Two rounds in the terminal (names, in ``--lang``): the largest changes when there are many projects."""
    import numpy as np
    from rich.table import Table

    _ = t._
    from ppeval.report.sections._context import DEFAULT_GRADE_LABELS

    grade = {g: t._(g) for g in DEFAULT_GRADE_LABELS}
    for system in (s0, s1):
        if system is not None:
            grade.update({g.label: g.label_in(t.code) for g in system.grades})
    table = Table(title=_("Rounds compared (score 0-100)"), title_justify="left")
    header = [_("Project"), _("Before"), _("After"), _("Change"), _("Grade")]
    if c.exceeds_uncertainty is not None:
        header.append(_("Beyond the evidence"))
    for col in header:
        table.add_column(col, justify="left" if col in (_("Project"), _("Grade")) else "right", overflow="fold")
    k_all = len(c.projects)
    order = np.argsort(-c.score_change, kind="stable")
    if k_all > PRINT_ALL_UP_TO:  # the largest rises and falls
        order = np.concatenate([order[:PRINT_TOP], order[-PRINT_BOTTOM:]])
    for pos, k in enumerate(order.tolist()):
        if k_all > PRINT_ALL_UP_TO and pos == PRINT_TOP:
            table.add_row("...", _("{k} more").format(k=t.count(k_all - PRINT_TOP - PRINT_BOTTOM)),
                          *([""] * (len(header) - 2)), end_section=True)
        before, after = grade.get(c.grade_before[k], c.grade_before[k]), grade.get(c.grade_after[k], c.grade_after[k])
        name = (names_in or {}).get(c.projects[k]) or c.project_names[k] or c.projects[k]
        row = [name, t.num(float(c.score_before[k]), 1), t.num(float(c.score_after[k]), 1),
               f"{float(c.score_change[k]):+.1f}",
               before if c.grade_before[k] == c.grade_after[k] else f"{before} -> {after}"]
        if c.exceeds_uncertainty is not None and c.change_threshold is not None:
            row.append((_("yes") if c.exceeds_uncertainty[k] else _("no"))
                       + f" (±{t.num(float(c.change_threshold[k]), 1)})")
        table.add_row(*row)
    console.print(table)
    if k_all > PRINT_ALL_UP_TO:
        console.print(_("{n} projects in both rounds: the {top} largest rises and the {bottom} largest falls are "
                        "shown; every project is in the files (--json, --report)").format(
            n=t.count(k_all), top=PRINT_TOP, bottom=PRINT_BOTTOM), markup=False, soft_wrap=True)
    names = {i: i for i in c.indicator_ids}  # ids, unless a system gives the names
    for system in (s0, s1):
        if system is not None:
            from ppeval.schema._base import localized

            names.update({leaf.id: localized(leaf.name, leaf.names, t.code) for leaf in system.leaves()})
    earlier_names = dict(zip(r0.project_ids, r0.project_names, strict=True)) | (names_in or {})
    later_names = dict(zip(r1.project_ids, r1.project_names, strict=True)) | (names_in or {})

    def listed(items: list[str]) -> str:
        text: str = t.join(items[:_LISTED])
        if len(items) > _LISTED:
            text += " " + _("and {k} more").format(k=t.count(len(items) - _LISTED))
        return text

    for label, items in ((_("improved most: {names}"), [names[i] for i in c.improved_most[:5]]),
                         (_("declined most: {names}"), [names[i] for i in c.declined_most[:5]]),
                         (_("left: {names}"), [earlier_names[p] or p for p in c.left]),
                         (_("joined: {names}"), [later_names[p] or p for p in c.joined])):
        if items:
            console.print(label.format(names=listed(items)), markup=False, soft_wrap=True)
    for note in c.notes:
        console.print(_("note: {message}").format(message=t.term(note)), markup=False, soft_wrap=True)


def run(args: argparse.Namespace) -> int:
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
        r0, u0, s0, n0 = _load_round(args.earlier_result, args.earlier, samples, seed, t)
        r1, u1, s1, n1 = _load_round(args.later_result, args.later, samples, seed + 1, t)
    except ReproducibilityError as exc:
        _error(str(exc))
        return EXIT_FAILURE
    c = compare(r0, r1, earlier_uncertainty=u0, later_uncertainty=u1)
    console = _console()
    _print_comparison(console, c, r0, r1, s0, s1, t, n0 | n1)  # the later round's names win
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
        console.print(_("comparison written to {path}").format(path=args.json), markup=False, soft_wrap=True)
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
