"""``ppeval evaluate``: score, grade and rank projects; write the result JSON and a report."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ppeval.cli._common import (
    DEFAULT_SAMPLES,
    EXIT_OK,
    METHOD_CHOICES,
    MODE_CHOICES,
    _add_reading,
    _add_report_options,
    _add_sampling,
    _concentration,
    _console,
    _draw_seed,
    _language,
    _load_inputs,
    _load_narrative,
    _print_ranking,
    _read_result_text,
    _report_path,
    _reproduce_command,
    _sensitivity,
    _write_ranking_csv,
    _write_report,
)
from ppeval.cli._output import Outputs, print_created
from ppeval.cli._xlsx import add_xlsx_arguments, xlsx_path
from ppeval.cli._xlsx import xlsx_language as resolve_xlsx_language
from ppeval.errors import InputError

__all__ = ["register", "run", "evaluate_and_write"]

if TYPE_CHECKING:
    from rich.console import Console


def evaluate_and_write(
    *,
    system_path: str,
    data_paths: Sequence[str],
    method: str,
    mode: str,
    seed: int | None,
    samples: int,
    concentration: float | None,
    json_out: Path | None,
    report_out: Path | None,
    console: Console,
    encoding: str | None = None,
    delimiter: str | None = None,
    questionnaires: Sequence[Sequence[str]] | None = None,
    rho: float = 0.5,
    xlsx_out: Path | None = None,
    xlsx_language: str = "zh",
    force: bool = False,
    csv_out: Path | None = None,
    weights_from: str | None = None,
    lang: str | None = None,
    narrative_path: str | None = None,
    project: str | None = None,
) -> int:
    from ppeval.pipeline import EvaluationResult, evaluate

    t = _language(lang)
    _ = t._
    narrative = _load_narrative(narrative_path)
    inputs = [system_path, *data_paths, *(f for q in questionnaires or () for f in q),
              *([weights_from] if weights_from else [])]
    outputs = Outputs(inputs, force=force)
    # refuse bad destinations before any work
    named = [(p, o) for p, o in ((json_out, "--json"), (report_out, "--report"), (xlsx_out, "--xlsx"),
                                 (csv_out, "--csv")) if p]
    for path, option in named:
        outputs.check(path, option)
    resolved = [p.resolve() for p, _ in named]
    if len(set(resolved)) < len(resolved):
        raise InputError("two of --json, --report, --xlsx and --csv name the same file; give each output its own "
                         "name")
    system, assessment = _load_inputs(system_path, data_paths, encoding, delimiter, questionnaires)
    frozen = None
    if weights_from is not None:
        frozen = EvaluationResult.from_json(_read_result_text(weights_from))
    if samples > 0:
        seed = _draw_seed(seed)
    result = evaluate(system, assessment, method=method, mode=mode, seed=seed, rho=rho,  # type: ignore[arg-type]
                      weights=frozen)
    sens = None
    if samples > 0:
        sens = _sensitivity(result, system, samples=samples, seed=int(seed or 0), concentration=concentration)
    from ppeval.report import with_names_in

    # names in the report's language (name_zh ... columns of the projects table) for what people read
    shown = with_names_in(result, assessment, t)
    _print_ranking(console, shown, system, sens, t)
    with outputs.transaction():  # every output written, or none
        if csv_out is not None:

            def ranking_csv(p: Path) -> list[Path]:
                _write_ranking_csv(p, result)
                return [p]

            outputs.stage(csv_out, "--csv", ranking_csv)
        if json_out is not None:
            outputs.stage_text(json_out, "--json", result.to_json())
        if report_out is not None:
            result_ref = str(json_out) if json_out is not None else "RESULT.json"
            command = _reproduce_command(result_ref, system_path, data_paths, encoding, delimiter, questionnaires)
            outputs.stage(report_out, "--report", lambda p: list(_write_report(
                p, shown, system=system, sensitivity=sens, command=command, lang=t, narrative=narrative,
                project=project)))
        if xlsx_out is not None:
            from ppeval.report.xlsx import write_xlsx

            def workbook(p: Path) -> list[Path]:
                write_xlsx(p, result, system, sensitivity=sens, language="en" if xlsx_language == "en" else "zh",
                           overwrite=True)
                return [p]

            outputs.stage(xlsx_out, "--xlsx", workbook)
    print_created(console, outputs, _)
    if csv_out is not None:
        console.print(_("ranking of all {n} projects written to {path}").format(
            n=t.count(len(result.project_ids)), path=csv_out), markup=False, soft_wrap=True)
    if json_out is not None:
        console.print(_("result written to {path}").format(path=json_out), markup=False, soft_wrap=True)
    if report_out is not None:
        console.print(_("report written to {path}").format(path=report_out), markup=False, soft_wrap=True)
        if t.is_cjk:
            from ppeval.report import fonts

            if fonts.cjk_font() is None:
                console.print(_("note: {message}").format(message=fonts.missing_font_message()), markup=False,
                              soft_wrap=True)
    if xlsx_out is not None:
        console.print(_("workbook written to {path}").format(path=xlsx_out), markup=False, soft_wrap=True)
    if json_out is not None:
        console.print(
            _("verify later with: {command}").format(
                command=_reproduce_command(str(json_out), system_path, data_paths, encoding, delimiter,
                                           questionnaires)),
            markup=False,
            soft_wrap=True,
        )
    if samples > 0:
        console.print(_("Monte Carlo: {k} weight samples, seed {seed}").format(k=samples, seed=seed), markup=False)
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    report = _report_path(args.report)
    force = bool(getattr(args, "force", False))
    xlsx = xlsx_path(args.xlsx, force)
    samples = args.samples if args.samples is not None else (DEFAULT_SAMPLES if report is not None else 0)
    return evaluate_and_write(
        system_path=args.system,
        data_paths=args.data,
        method=args.method,
        mode=args.mode,
        seed=args.seed,
        samples=samples,
        concentration=_concentration(args.concentration),
        json_out=Path(args.json) if args.json is not None else None,
        report_out=report,
        console=_console(),
        encoding=args.encoding,
        delimiter=args.delimiter,
        questionnaires=args.questionnaire,
        rho=args.rho,
        xlsx_out=xlsx,
        xlsx_language=resolve_xlsx_language(args.xlsx_language, args.lang),
        force=force,
        csv_out=Path(args.csv) if args.csv is not None else None,
        weights_from=args.weights_from,
        lang=args.lang,
        narrative_path=args.narrative,
        project=args.project,
    )


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``evaluate`` subcommand to ``sub``."""
    p = sub.add_parser(
        "evaluate",
        help="score, grade and rank projects",
        description="Evaluate the projects of an assessment against an indicator system; print the "
                    "ranking and optionally write the result JSON and a report.",
    )
    p.add_argument("system", metavar="SYSTEM", help="indicator system (.yaml, .json or .toml)")
    p.add_argument("data", metavar="DATA", nargs="+",
                   help="assessment files: values, ratings, projects (.csv in UTF-8, GBK or UTF-16; .xlsx; .json)")
    _add_reading(p)
    p.add_argument("--method", choices=METHOD_CHOICES, default="topsis", help="scoring method (default topsis)")
    p.add_argument("--rho", type=float, default=0.5, metavar="R",
                   help="distinguishing coefficient of --method gra, in (0, 1] (default 0.5, Deng's)")
    p.add_argument("--mode", choices=MODE_CHOICES, default="absolute",
                   help="absolute: against the indicator bounds (default); relative: against the "
                        "evaluated projects")
    _add_sampling(p, samples_default=None,
                  samples_help=f"Monte Carlo weight samples for the sensitivity analysis (default "
                               f"{DEFAULT_SAMPLES} with --report, else 0 = none)")
    p.add_argument("--json", metavar="OUT", help="write the result (canonical JSON) to OUT")
    p.add_argument("--csv", metavar="OUT",
                   help="write the full ranking (rank, project, name, score, grade, sub-scores, weakest "
                        "indicators) to OUT as CSV")
    _add_report_options(p, report_help="write a report: OUT.docx (Word), OUT.html (self-contained) or OUT.md")
    p.add_argument("--weights-from", metavar="RESULT.json",
                   help="freeze data-driven weights (entropy, CRITIC, CV) at their values in an earlier "
                        "result, so absolute-mode scores do not depend on which projects are evaluated")
    add_xlsx_arguments(p)
    p.set_defaults(func=run)
