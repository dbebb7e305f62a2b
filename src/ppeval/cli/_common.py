"""Shared pieces of the ``ppeval`` subcommands: output, progress, loading, argument types."""

from __future__ import annotations

import argparse
import contextlib
import math
import secrets
import shlex
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ppeval.errors import InputError

if TYPE_CHECKING:
    from rich.console import Console

    from ppeval.i18n import Language
    from ppeval.pipeline import EvaluationResult
    from ppeval.report import SensitivityAnalysis
    from ppeval.schema import Assessment, IndicatorSystem
    from ppeval.schema.narrative import Narrative

#: Scoring methods and modes offered on the command line (= ``ppeval.pipeline.METHODS`` / ``MODES``, checked
#: by a test; written out here so that ``ppeval --help`` does not import the pipeline).
METHOD_CHOICES = ("topsis", "wsm", "vikor", "fce", "gra")
MODE_CHOICES = ("absolute", "relative")

#: Exit status of a successful run.
EXIT_OK = 0
#: Exit status of a failure that is not the input's fault (or a result that does not reproduce).
EXIT_FAILURE = 1
#: Exit status for bad input: invalid files or options, files not found.
EXIT_INPUT = 2

#: The bundled system ``ppeval demo`` evaluates on its sample assessment.
DEMO_SYSTEM = "community-4stage"
#: Seed of ``ppeval demo`` (so the demo report is the same on every run).
DEMO_SEED = 20240601
#: Monte Carlo samples when a report is made and ``--samples`` is not given.
DEFAULT_SAMPLES = 2000
#: Dirichlet concentration of the Monte Carlo weight draws (see ``--concentration``).
DEFAULT_CONCENTRATION = 200.0
#: Show a progress bar for Monte Carlo runs with at least this many samples (terminal only).
PROGRESS_MIN_SAMPLES = 5000

_REPORT_SUFFIXES = (".docx", ".html", ".htm", ".md", ".markdown")
_MAX_WARNINGS = 5
#: Rankings longer than this are printed as their top and bottom rows (the files hold every row).
PRINT_ALL_UP_TO = 40
#: Rows printed from the top and from the bottom of a longer ranking.
PRINT_TOP, PRINT_BOTTOM = 20, 10


def _console(file: TextIO | None = None) -> Console:
    from rich.console import Console

    stream = file if file is not None else sys.stdout
    interactive = stream.isatty()
    # A pipe or a file gets plain text 120 columns wide (no colour codes, no wrapping of ids).
    return Console(file=stream, width=None if interactive else 120, highlight=False, no_color=not interactive)


def _error(message: str) -> None:
    sys.stderr.write(f"ppeval: error: {message}\n")


def _fmt(x: float, digits: int = 2) -> str:
    return f"{x:.{digits}f}"


def _quote_command(parts: Sequence[str]) -> str:
    return " ".join(shlex.quote(str(p)) for p in parts)


def _reproduce_command(
    result_path: str, system_path: str, data_paths: Sequence[str], encoding: str | None = None,
    delimiter: str | None = None, questionnaires: Sequence[Sequence[str]] | None = None,
) -> str:
    return _quote_command(
        ["ppeval", "reproduce", result_path, system_path, *data_paths,
         *_reading_flags(encoding, delimiter, questionnaires)]
    )


def _reading_flags(
    encoding: str | None, delimiter: str | None, questionnaires: Sequence[Sequence[str]] | None = None
) -> list[str]:
    """``--encoding``/``--delimiter``/``--questionnaire`` as given, to repeat them in a printed command."""
    flags = []
    for export, mapping in questionnaires or ():
        flags += ["--questionnaire", export, mapping]
    if encoding is not None:
        flags += ["--encoding", encoding]
    if delimiter is not None:
        flags += ["--delimiter", "tab" if delimiter == "\t" else delimiter]
    return flags


def _add_reading(parser: argparse.ArgumentParser) -> None:
    """``--encoding`` and ``--delimiter``: how to read the CSV assessment files (default: detected per file)."""
    parser.add_argument(
        "--encoding", metavar="NAME", default=None,
        help="text encoding of the CSV data files: utf-8, gbk, gb18030, utf-16, ... (default: detected per file; "
             "give it when a file is reported ambiguous)",
    )
    parser.add_argument(
        "--delimiter", metavar="CHAR", default=None,
        help="field separator of the CSV data files: ',', ';' or tab (default: detected from each header line)",
    )
    parser.add_argument(
        "--questionnaire", nargs=2, metavar=("EXPORT", "MAPPING"), action="append", default=None,
        help="ratings from a questionnaire export (one row per respondent, .csv or .xlsx) read through a "
             "mapping file (.yaml/.json/.toml); may be repeated",
    )


class _ProgressExecutor(Executor):
    """Runs each task at once in the calling thread and advances a progress bar.

    Monte Carlo results do not depend on the executor, so this shows progress
    without changing a single number.
    """

    def __init__(self, advance: Callable[[], None]) -> None:
        self._advance = advance

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        fut: Future[Any] = Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # handed to the caller through the future
            fut.set_exception(exc)
        self._advance()
        return fut


@contextlib.contextmanager
def _monte_carlo_progress(samples: int, chunk_size: int) -> Iterator[Executor | None]:
    """A progress-reporting executor when stderr is a terminal and the run is long; else None."""
    if samples < PROGRESS_MIN_SAMPLES or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    total = math.ceil(samples / chunk_size)
    with Progress(
        TextColumn("Monte Carlo"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=_console(sys.stderr),
        transient=True,
    ) as progress:
        task = progress.add_task("chunks", total=total)
        yield _ProgressExecutor(lambda: progress.advance(task))


def _load_inputs(
    system_path: str, data_paths: Sequence[str], encoding: str | None = None, delimiter: str | None = None,
    questionnaires: Sequence[Sequence[str]] | None = None,
) -> tuple[IndicatorSystem, Assessment]:
    from ppeval.io import Questionnaire, load_assessment, load_system

    system = load_system(system_path)
    items: list[Any] = [*data_paths, *(Questionnaire(e, m) for e, m in questionnaires or ())]
    assessment = load_assessment(items, system, encoding=encoding, delimiter=delimiter)
    return system, assessment


def _draw_seed(seed: int | None) -> int:
    """The given seed, or a fresh one (printed and recorded so the run can be repeated)."""
    return int(seed) if seed is not None else secrets.randbelow(2**31)


def _sensitivity(
    result: EvaluationResult,
    system: IndicatorSystem,
    *,
    samples: int,
    seed: int,
    concentration: float | None,
) -> SensitivityAnalysis:
    from ppeval.pipeline import analyse_sensitivity

    chunk = max(256, -(-samples // 50))
    with _monte_carlo_progress(samples, chunk) as executor:
        return analyse_sensitivity(
            result,
            system,
            samples=samples,
            seed=seed,
            concentration=concentration,
            executor=executor,
            chunk_size=chunk if executor is not None else None,
        )


def _report_path(value: str | None) -> Path | None:
    if value is None:
        return None
    path = Path(value)
    if path.suffix.lower() not in _REPORT_SUFFIXES:
        raise InputError(
            f"--report {value}: unknown report type {path.suffix!r}; use a .docx, .html or .md file name"
        )
    return path


def _language(code: str | None) -> Language:
    from ppeval.i18n import language

    return language(code)


def _print_ranking(
    console: Console,
    result: EvaluationResult,
    system: IndicatorSystem | None,
    sensitivity: SensitivityAnalysis | None = None,
    lang: Language | None = None,
) -> None:
    """The ranking table (names in the language; ids in the project column) and the warnings."""
    import numpy as np
    from rich.table import Table

    from ppeval.report.sections._context import make_context
    from ppeval.report.sections.other import diagnostic_text
    from ppeval.schema._base import localized

    t = lang if lang is not None else _language(None)
    _ = t._
    ctx = make_context(result, system, t, sens=sensitivity)
    if system is not None:
        title = f"{localized(system.name, system.names, t.code)} - {result.method.upper()}, " + _(
            "{mode} mode").format(mode=_(result.mode))
    else:
        title = result.method
    table = Table(title=title, title_justify="left")
    table.add_column(_("rank"), justify="right")
    table.add_column(_("project"))
    table.add_column(_("name"), overflow="fold")
    table.add_column(_("score"), justify="right")
    table.add_column(_("grade"))
    mc = sensitivity.monte_carlo if sensitivity is not None else None
    if mc is not None:
        table.add_column(_("P(rank 1)"), justify="right")
    table.add_column(_("weakest indicators"), overflow="fold")
    order = np.argsort(result.ranks, kind="stable")
    n = order.shape[0]
    shown = order if n <= PRINT_ALL_UP_TO else np.concatenate([order[:PRINT_TOP], order[-PRINT_BOTTOM:]])
    for pos, i in enumerate(shown.tolist()):
        if n > PRINT_ALL_UP_TO and pos == PRINT_TOP:
            hidden = n - PRINT_TOP - PRINT_BOTTOM
            table.add_row("...", _("{k} more").format(k=t.count(hidden)), "", "", "",
                          *([""] if mc is not None else []), "", end_section=True)
        row = [
            str(int(result.ranks[i])),
            result.project_ids[i],
            result.project_names[i],
            t.num(float(result.score_100[i]), 2),
            ctx.grade(result.grades[i]),
        ]
        if mc is not None:
            row.append(t.num(float(mc.rank_acceptability[i, 0]), 3))
        row.append(t.join([ctx.name(w) for w in result.weakest[i]]))
        table.add_row(*row)
    console.print(table)
    if n > PRINT_ALL_UP_TO:
        console.print(
            _("{n} projects: the top {top} and the bottom {bottom} are shown; every project is in the files "
              "(--csv, --json, --report)").format(n=t.count(n), top=PRINT_TOP, bottom=PRINT_BOTTOM),
            markup=False, soft_wrap=True,
        )
    warnings = [d for d in result.diagnostics if d.severity in ("warning", "error")]
    # the scores' dependence on the evaluated set (absolute mode with data-driven weights) is always shown first
    warnings.sort(key=lambda d: d.code != "weights_depend_on_set")
    if warnings:
        console.print(_("{k} warning(s) about the evaluation:").format(k=len(warnings)), markup=False)
        for d in warnings[:_MAX_WARNINGS]:
            console.print(f"  - {diagnostic_text(ctx, d)}", markup=False, soft_wrap=True)
        if len(warnings) > _MAX_WARNINGS:
            console.print("  " + _("... and {k} more (the report lists them all)").format(
                k=len(warnings) - _MAX_WARNINGS), markup=False)


def _add_lang_option(parser: argparse.ArgumentParser, what: str = "the printed output") -> None:
    """``--lang`` (a language with a message catalog)."""
    from ppeval.i18n import available_languages

    parser.add_argument("--lang", choices=available_languages(), default="en",
                        help=f"language of {what} (default en; zh: Simplified Chinese)")


def _add_report_options(parser: argparse.ArgumentParser, *, report_help: str | None = None) -> None:
    """``--report``, ``--lang``, ``--narrative`` and ``--project`` of the subcommands that write reports."""
    if report_help is not None:
        parser.add_argument("--report", metavar="OUT", help=report_help)
    _add_lang_option(parser, "the report and of the printed output")
    parser.add_argument("--narrative", metavar="FILE",
                        help="the evaluator's texts (overview, organisation, problems, recommendations, other; "
                             "per project under 'projects:') inserted in the report (.yaml, .json or .toml)")
    parser.add_argument("--project", metavar="ID",
                        help="write the report of this one project (what a single provider receives) instead "
                             "of the all-project report")


def _load_narrative(path: str | None) -> Narrative | None:
    if path is None:
        return None
    from ppeval.io import load_narrative

    return load_narrative(path)


def _write_report(
    report: Path,
    result: EvaluationResult,
    *,
    system: IndicatorSystem | None,
    sensitivity: SensitivityAnalysis | None,
    command: str,
    lang: Language,
    narrative: Narrative | None,
    project: str | None,
    **extra: Any,
) -> tuple[Path, ...]:
    """Write a report, with a progress bar on a terminal (one step per chapter, then the rendering).

    ``extra`` goes to :func:`ppeval.report.write_report` (``uncertainty=``, ``comparison=``, ``round_labels=``).
    """
    from ppeval.report import SECTIONS, write_report

    kwargs: dict[str, Any] = {"system": system, "sensitivity": sensitivity, "command": command, "lang": lang,
                              "narrative": narrative, "project": project, **extra}
    if not sys.stderr.isatty():
        return write_report(report, result, **kwargs)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    _ = lang._
    with Progress(TextColumn(_("Writing the report")), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=_console(sys.stderr), transient=True) as progress:
        task = progress.add_task("report", total=len(SECTIONS) + 1)
        return write_report(report, result, progress=lambda _sid: progress.advance(task), **kwargs)


def _write_text(path: Path, text: str) -> None:
    """Write UTF-8 text at ``path`` (commands stage their outputs through :mod:`ppeval.cli._output`)."""
    path.write_text(text, encoding="utf-8", newline="\n")


def _write_ranking_csv(path: Path, result: EvaluationResult) -> None:
    """The full ranking as CSV (UTF-8 with BOM, which Excel opens correctly): one row per project, best first."""
    import csv
    import io

    import numpy as np

    order = np.argsort(result.ranks, kind="stable")
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["rank", "project", "name", "score_100", "grade", *[f"node:{k}" for k in result.node_ids],
                "weakest"])
    ranks = result.ranks[order].tolist()
    s100 = result.score_100[order].tolist()
    nodes = result.node_scores[order].tolist()
    for k, i in enumerate(order.tolist()):
        w.writerow([ranks[k], result.project_ids[i], result.project_names[i], repr(s100[k]), result.grades[i],
                    *(repr(v) for v in nodes[k]), "; ".join(result.weakest[i])])
    _write_text(path, "\ufeff" + buf.getvalue())


def _read_result_text(path: str) -> str:
    p = Path(path)
    try:
        return p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{p}: file not found (expected a result JSON written by ppeval evaluate --json)")\
            from None
    except UnicodeDecodeError:
        raise InputError(f"{p}: not UTF-8 text; expected a result JSON written by ppeval evaluate --json")\
            from None


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} is negative; expected an integer >= 0")
    return value


def _positive_int(text: str) -> int:
    value = _non_negative_int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not >= 1")
    return value


def _concentration_arg(text: str) -> float:
    if text.lower() in ("uniform", "none", "0"):
        return 0.0
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number or 'uniform'") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"{text} must be a finite number > 0 (or 'uniform')")
    return value


def _concentration(value: float) -> float | None:
    return None if value == 0 else value


def _add_sampling(parser: argparse.ArgumentParser, *, samples_default: int | None, samples_help: str) -> None:
    parser.add_argument("--samples", type=_non_negative_int, default=samples_default, metavar="N",
                        help=samples_help)
    parser.add_argument("--seed", type=_non_negative_int, default=None, metavar="S",
                        help="seed of the Monte Carlo weight draws (default: a fresh seed, printed and "
                             "recorded in the result)")
    parser.add_argument("--concentration", type=_concentration_arg, default=DEFAULT_CONCENTRATION,
                        metavar="C",
                        help="Dirichlet concentration of the weight draws around the evaluated weights: a "
                             "weight w varies with standard deviation sqrt(w(1-w)/(C+1)); 'uniform' (or 0) draws "
                             f"from the whole simplex (default {DEFAULT_CONCENTRATION:g})")
