"""The ``ppeval`` command: evaluate projects from files, check files, make reports.

Subcommands (``ppeval COMMAND --help`` for the options of each)::

    ppeval demo        [--out DIR] [--samples N] [--seed S]
    ppeval validate    SYSTEM [DATA ...]
    ppeval evaluate    SYSTEM DATA ... [--method M] [--mode M] [--seed S] [--samples N]
                       [--json OUT] [--report OUT.html|OUT.md]
    ppeval ahp         MATRIX.csv [--method eigenvector|geometric_mean] [--top K]
    ppeval sensitivity RESULT.json SYSTEM DATA ... [--samples N] [--seed S] [--report OUT]
    ppeval reproduce   RESULT.json SYSTEM DATA ...
    ppeval systems
    ppeval schema

Exit status: 0 success; 1 a failure (a result that does not reproduce, an
internal error); 2 bad input (a file that is missing, unreadable or invalid,
an invalid option). Errors are one message on stderr naming the file, row and
id at fault; ``--debug`` adds the traceback.

The command is a thin layer over the library: it parses arguments, calls
:func:`ppeval.pipeline.evaluate`, :func:`ppeval.report.write_report` and
friends, and prints with :mod:`rich`. ``rich`` and matplotlib are imported
inside the functions that use them, so ``import ppeval`` stays light.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import re
import secrets
import shlex
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import numpy as np

from ppeval import __version__
from ppeval.errors import InputError, PPEvalError, ReproducibilityError

if TYPE_CHECKING:
    from rich.console import Console

    from ppeval.pipeline import EvaluationResult
    from ppeval.report import SensitivityAnalysis
    from ppeval.schema import Assessment, IndicatorSystem

__all__ = ["main", "build_parser", "read_judgment_matrix", "EXIT_OK", "EXIT_FAILURE", "EXIT_INPUT"]

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

_REPORT_SUFFIXES = (".html", ".htm", ".md", ".markdown")
_MAX_WARNINGS = 5


# --------------------------------------------------------------------------- output helpers


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


def _reproduce_command(result_path: str, system_path: str, data_paths: Sequence[str]) -> str:
    return _quote_command(["ppeval", "reproduce", result_path, system_path, *data_paths])


# --------------------------------------------------------------------------- progress


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


# --------------------------------------------------------------------------- shared steps


def _load_inputs(system_path: str, data_paths: Sequence[str]) -> tuple[IndicatorSystem, Assessment]:
    from ppeval.io import load_assessment, load_system

    system = load_system(system_path)
    assessment = load_assessment(list(data_paths), system)
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
            f"--report {value}: unknown report type {path.suffix!r}; use a .html or .md file name"
        )
    return path


def _write_text(path: Path, text: str) -> None:
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


def _print_ranking(
    console: Console,
    result: EvaluationResult,
    system: IndicatorSystem | None,
    sensitivity: SensitivityAnalysis | None = None,
) -> None:
    from rich.table import Table

    title = f"{system.name} - {result.method.upper()}, {result.mode} mode" if system else result.method
    table = Table(title=title, title_justify="left")
    table.add_column("rank", justify="right")
    table.add_column("project")
    table.add_column("name", overflow="fold")
    table.add_column("score", justify="right")
    table.add_column("grade")
    mc = sensitivity.monte_carlo if sensitivity is not None else None
    if mc is not None:
        table.add_column("P(rank 1)", justify="right")
    table.add_column("weakest indicators", overflow="fold")
    for i in np.argsort(result.ranks, kind="stable"):
        row = [
            str(int(result.ranks[i])),
            result.project_ids[i],
            result.project_names[i],
            _fmt(float(result.score_100[i])),
            result.grades[i],
        ]
        if mc is not None:
            row.append(_fmt(float(mc.rank_acceptability[i, 0]), 3))
        row.append(", ".join(result.weakest[i]))
        table.add_row(*row)
    console.print(table)
    warnings = [d for d in result.diagnostics if d.severity in ("warning", "error")]
    if warnings:
        console.print(f"{len(warnings)} warning(s) about the evaluation:", markup=False)
        for d in warnings[:_MAX_WARNINGS]:
            console.print(f"  - {d.message}", markup=False, soft_wrap=True)
        if len(warnings) > _MAX_WARNINGS:
            console.print(f"  ... and {len(warnings) - _MAX_WARNINGS} more (the report lists them all)",
                          markup=False)


# --------------------------------------------------------------------------- commands


def _evaluate_and_write(
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
) -> int:
    from ppeval.pipeline import evaluate
    from ppeval.report import write_report

    system, assessment = _load_inputs(system_path, data_paths)
    if samples > 0:
        seed = _draw_seed(seed)
    result = evaluate(system, assessment, method=method, mode=mode, seed=seed)  # type: ignore[arg-type]
    sens = None
    if samples > 0:
        sens = _sensitivity(result, system, samples=samples, seed=int(seed or 0), concentration=concentration)
    _print_ranking(console, result, system, sens)
    if json_out is not None:
        _write_text(json_out, result.to_json())
        console.print(f"result written to {json_out}", markup=False, soft_wrap=True)
    if report_out is not None:
        result_ref = str(json_out) if json_out is not None else "RESULT.json"
        command = _reproduce_command(result_ref, system_path, data_paths)
        written = write_report(report_out, result, system=system, sensitivity=sens, command=command)
        console.print(f"report written to {written[0]}", markup=False, soft_wrap=True)
    if json_out is not None:
        console.print(
            "verify later with: " + _reproduce_command(str(json_out), system_path, data_paths), markup=False,
            soft_wrap=True,
        )
    if samples > 0:
        console.print(f"Monte Carlo: {samples} weight samples, seed {seed}", markup=False)
    return EXIT_OK


def _cmd_demo(args: argparse.Namespace) -> int:
    from ppeval.io import bundled

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    system_path = str(bundled.system_path(DEMO_SYSTEM))
    data_paths = [str(p) for p in bundled.sample_assessment_paths(DEMO_SYSTEM)]
    console = _console()
    console.print(
        f"ppeval demo: bundled system {DEMO_SYSTEM!r} on its sample assessment "
        f"({len(data_paths)} files in {Path(system_path).parent})",
        markup=False,
        soft_wrap=True,
    )
    return _evaluate_and_write(
        system_path=system_path,
        data_paths=data_paths,
        method="topsis",
        mode="absolute",
        seed=args.seed,
        samples=args.samples,
        concentration=_concentration(args.concentration),
        json_out=out / "result.json",
        report_out=out / "ppeval-report.html",
        console=console,
    )


def _cmd_evaluate(args: argparse.Namespace) -> int:
    report = _report_path(args.report)
    samples = args.samples if args.samples is not None else (DEFAULT_SAMPLES if report is not None else 0)
    return _evaluate_and_write(
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
    )


def _cmd_validate(args: argparse.Namespace) -> int:
    from ppeval.io import load_assessment, load_system, system_problems

    console = _console()
    problems = system_problems(args.system)
    if problems:
        console.print(f"{args.system}: {len(problems)} problem(s)", markup=False)
        for p in problems:
            console.print(f"  {args.system}: {p}", markup=False, soft_wrap=True)
        if args.data:
            console.print("the data files were not checked: fix the indicator system first", markup=False)
        return EXIT_INPUT
    system = load_system(args.system)
    n_inner = len(system.inner_nodes())
    console.print(
        f"{args.system}: valid indicator system {system.id!r} ({len(system.leaf_ids)} indicators, "
        f"{n_inner} inner nodes)",
        markup=False,
    )
    for rep in system.consistency():
        if not rep.consistent:
            console.print(f"  warning: {rep.message()}", markup=False, soft_wrap=True)
    if not args.data:
        return EXIT_OK
    try:
        assessment = load_assessment(list(args.data), system)
    except PPEvalError as exc:
        lines = str(exc).splitlines()
        console.print(lines[0], markup=False, soft_wrap=True)
        for line in lines[1:]:
            console.print(line, markup=False, soft_wrap=True)
        return EXIT_INPUT
    n_ratings = int(assessment.ratings.value.shape[0])
    console.print(
        f"{', '.join(args.data)}: valid assessment ({assessment.n_projects} projects, {n_ratings} ratings)",
        markup=False,
        soft_wrap=True,
    )
    return EXIT_OK


def _cmd_ahp(args: argparse.Namespace) -> int:
    from rich.table import Table

    from ppeval import ahp

    labels, matrix, filled = read_judgment_matrix(args.matrix)
    try:
        res = ahp.priorities(matrix, args.method)
    except PPEvalError as exc:
        raise type(exc)(
            f"{args.matrix}: {exc} (matrix[i, j] counts rows and columns from 0 in file order: "
            f"{', '.join(f'{k} = {lab}' for k, lab in enumerate(labels))})"
        ) from None
    console = _console()
    table = Table(title=f"Priorities ({args.method})", title_justify="left")
    table.add_column("rank", justify="right")
    table.add_column("element")
    table.add_column("priority", justify="right")
    ranks = np.argsort(np.argsort(-res.weights, kind="stable"), kind="stable") + 1
    for i in np.argsort(-res.weights, kind="stable"):
        table.add_row(str(int(ranks[i])), labels[i], f"{res.weights[i]:.4f}")
    console.print(table)
    if filled:
        console.print(f"{filled} judgment(s) filled in as reciprocals of the other triangle", markup=False)
    if res.n_missing:
        console.print(f"{res.n_missing} missing judgment(s) completed by Harker's method", markup=False)
    ri = ahp.random_index(res.n) if res.n <= 15 else float("nan")
    console.print(
        f"n = {res.n}   lambda_max = {res.lambda_max:.4f}   CI = {res.ci:.4f}   RI = {ri:.2f}   "
        f"CR = {res.cr:.4f}",
        markup=False,
    )
    verdict = "consistent" if res.consistent else "NOT consistent"
    console.print(f"{verdict} (CR {'<=' if res.consistent else '>'} {res.threshold:g})", markup=False)
    worst = [j for j in ahp.inconsistencies(matrix, args.method, top=args.top) if j.error > 1e-9]
    if res.consistent:  # only revisions that change a judgment on the 1-9 scale are worth listing
        worst = [j for j in worst if abs(math.log(_nearest_saaty(j.suggested) / j.current)) > 1e-9]
    if not worst:
        console.print("no judgment needs revising: each is the 1-9 scale value nearest to what the priorities "
                      "imply", markup=False)
        return EXIT_OK
    title = "Judgments to revise first" if not res.consistent else "Largest deviations (optional revisions)"
    rev = Table(title=title, title_justify="left")
    rev.add_column("row")
    rev.add_column("column")
    rev.add_column("current", justify="right")
    rev.add_column("consistent value w_i/w_j", justify="right")
    rev.add_column("nearest 1-9 value", justify="right")
    rev.add_column("CR after", justify="right")
    for j in worst:
        nearest = _nearest_saaty(j.suggested)
        revised = np.array(matrix, dtype=np.float64)
        revised[j.i, j.j], revised[j.j, j.i] = nearest, 1.0 / nearest
        cr_after = ahp.priorities(revised, args.method).cr
        rev.add_row(
            labels[j.i],
            labels[j.j],
            _judgment_text(j.current),
            f"{j.suggested:.3f}",
            _judgment_text(nearest),
            f"{cr_after:.4f}",
        )
    console.print(rev)
    console.print(
        "Revise one judgment at a time (the first one first) and recompute: the priorities move after "
        "each change.",
        markup=False,
    )
    return EXIT_OK


def _cmd_sensitivity(args: argparse.Namespace) -> int:
    from rich.table import Table

    from ppeval.pipeline import reproduce
    from ppeval.report import write_report

    report = _report_path(args.report)
    text = _read_result_text(args.result)
    system, assessment = _load_inputs(args.system, args.data)
    try:
        result = reproduce(text, system, assessment)
    except ReproducibilityError as exc:
        _error(f"{args.result}: {exc}")
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
        for i in np.argsort(result.ranks, kind="stable"):
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
        command = _reproduce_command(args.result, args.system, args.data)
        written = write_report(report, result, system=system, sensitivity=sens, command=command)
        console.print(f"report written to {written[0]}", markup=False, soft_wrap=True)
    return EXIT_OK


def _cmd_reproduce(args: argparse.Namespace) -> int:
    from ppeval.pipeline import reproduce

    text = _read_result_text(args.result)
    system, assessment = _load_inputs(args.system, args.data)
    try:
        result = reproduce(text, system, assessment)
    except ReproducibilityError as exc:
        _error(f"{args.result}: {exc}")
        return EXIT_FAILURE
    p = result.provenance
    _console().print(
        f"verified: {args.result} reproduces exactly ({len(result.project_ids)} projects, "
        f"system {p.system_id} {p.system_version}, system_hash {p.system_hash[:12]}, "
        f"assessment_hash {p.assessment_hash[:12]}, seed {p.seed})",
        markup=False,
        soft_wrap=True,
    )
    return EXIT_OK


def _cmd_systems(args: argparse.Namespace) -> int:
    from rich.table import Table

    from ppeval.io import bundled

    table = Table(title="Bundled indicator systems", title_justify="left")
    table.add_column("id")
    table.add_column("name", overflow="fold")
    table.add_column("indicators", justify="right")
    table.add_column("source", overflow="fold")
    for name in bundled.list_systems():
        system = bundled.load_bundled(name)
        source = " ".join(system.source.split())
        if len(source) > 90:
            source = source[:87].rstrip() + "..."
        table.add_row(name, system.name, str(len(system.leaf_ids)), source)
    _console().print(table)
    return EXIT_OK


def _cmd_schema(args: argparse.Namespace) -> int:
    from ppeval.schema import json_schema_text

    sys.stdout.write(json_schema_text())
    return EXIT_OK


# --------------------------------------------------------------------------- AHP matrix files

_NUMBER = r"[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?"
_JUDGMENT = re.compile(rf"^({_NUMBER})(?:\s*/\s*({_NUMBER}))?$")
_MISSING = frozenset({"", "?", "nan", "na", "-"})
_SAATY = np.array([1 / k for k in range(9, 1, -1)] + [float(k) for k in range(1, 10)])


def _parse_cell(cell: str) -> float | None:
    """A judgment (``3``, ``0.5``, ``1/3``) as a float, nan for a missing one, None if not a number."""
    text = cell.strip()
    if text.lower() in _MISSING:
        return math.nan
    match = _JUDGMENT.match(text)
    if match is None:
        return None
    value = float(match.group(1))
    if match.group(2) is not None:
        den = float(match.group(2))
        if den == 0:
            return None
        value /= den
    return value


def _split(line: str, delimiter: str | None) -> list[str]:
    import csv

    if delimiter is None:
        return line.split()
    return [c.strip() for c in next(csv.reader([line], delimiter=delimiter))]


def read_judgment_matrix(path: str | os.PathLike[str]) -> tuple[list[str], np.ndarray, int]:
    """Read a pairwise comparison matrix from a CSV (or whitespace-separated) text file.

    Accepted layouts: bare numbers (``n`` rows of ``n`` judgments), a header
    row of labels, a first column of labels, or both. Cells are numbers or
    ratios (``3``, ``0.5``, ``1/3``); an empty cell, ``?``, ``nan``, ``na`` or
    ``-`` is a missing judgment. Where only one of ``a_ij`` and ``a_ji`` is
    given, the other is filled in as its reciprocal (so an upper triangle is
    enough); a missing diagonal entry is 1.

    Parameters
    ----------
    path : path-like
        The file (UTF-8; ``,``, ``;``, tab or spaces between cells; ``#`` starts a comment line).

    Returns
    -------
    labels : list of str
        Element labels (row labels, else column labels, else ``"1"`` ... ``"n"``).
    matrix : ndarray of shape (n, n)
        The judgments, ``nan`` where missing.
    filled : int
        Number of entries filled in as reciprocals.

    Raises
    ------
    InputError
        Naming the file, line and column of a cell that is not a judgment, a
        row of the wrong length, or labels that disagree.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     path = Path(d) / "m.csv"
    ...     _ = path.write_text(",cost,quality\\ncost,1,1/3\\nquality,,1\\n")
    ...     labels, matrix, filled = read_judgment_matrix(path)
    >>> labels, matrix.tolist(), filled
    (['cost', 'quality'], [[1.0, 0.3333333333333333], [3.0, 1.0]], 1)
    """
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{p}: file not found") from None
    except OSError as exc:
        raise InputError(f"{p}: cannot read the file: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{p}: not UTF-8 text (byte {exc.start}); save the file as UTF-8") from None
    lines = [(k + 1, line) for k, line in enumerate(text.splitlines()) if line.strip()
             and not line.lstrip().startswith("#")]
    if not lines:
        raise InputError(f"{p}: empty file; expected a square matrix of pairwise judgments")
    body_text = "\n".join(line for _, line in lines)
    delimiter = next((d for d in (",", ";", "\t") if d in body_text), None)
    rows = [(k, _split(line, delimiter)) for k, line in lines]
    first = rows[0][1]
    # a header row holds only labels after its first cell (which may be empty or a title)
    labelled = [_parse_cell(c) is None for c in first]
    has_header = all(labelled[1:]) if len(first) > 1 else labelled[0]
    header = first if has_header else None
    body = rows[1:] if has_header else rows
    if not body:
        raise InputError(f"{p}: only a header row; expected the judgments below it")
    n = len(body)
    row_labels = [r[0] if r else "" for _, r in body]
    has_row_labels = all(_parse_cell(c) is None for c in row_labels)
    matrix = np.full((n, n), np.nan)
    for i, (line_no, cells) in enumerate(body):
        values = cells[1:] if has_row_labels else cells
        offset = 2 if has_row_labels else 1
        if len(values) != n:
            raise InputError(
                f"{p}, line {line_no}: {len(values)} judgments; the matrix has {n} rows, so every row "
                f"needs {n} (a square matrix{', after the row label' if has_row_labels else ''})"
            )
        for j, cell in enumerate(values):
            value = _parse_cell(cell)
            if value is None:
                raise InputError(
                    f"{p}, line {line_no}, column {j + offset}: {cell!r} is not a judgment; expected a "
                    "positive number or a ratio such as 1/3 (blank or ? for a missing judgment)"
                )
            matrix[i, j] = value
    labels: list[str]
    col_labels = None
    if header is not None:
        col_labels = header[1:] if len(header) == n + 1 else header
        if len(col_labels) != n:
            raise InputError(f"{p}, line {rows[0][0]}: {len(col_labels)} column labels for {n} rows")
    if has_row_labels:
        labels = row_labels
        if col_labels is not None and list(col_labels) != labels:
            raise InputError(
                f"{p}: the row labels {labels} differ from the column labels {list(col_labels)}; "
                "row i and column i must be the same element"
            )
    elif col_labels is not None:
        labels = list(col_labels)
    else:
        labels = [str(k + 1) for k in range(n)]
    # reciprocals for one-sided judgments, 1 on a missing diagonal
    diag = np.isnan(np.diag(matrix))
    matrix[diag, diag] = 1.0
    gap = np.isnan(matrix) & ~np.isnan(matrix.T)
    filled = int(gap.sum())
    with np.errstate(divide="ignore"):
        matrix = np.where(gap, 1.0 / matrix.T, matrix)
    return labels, matrix, filled


def _nearest_saaty(value: float) -> float:
    """The value on Saaty's 1/9 ... 9 scale nearest to ``value`` on a log scale."""
    return float(_SAATY[int(np.argmin(np.abs(np.log(_SAATY) - math.log(value))))])


def _judgment_text(value: float) -> str:
    """``5``, ``1/3`` or ``2.37``: a judgment as an expert writes it."""
    if value >= 1:
        k = round(value)
        return str(k) if abs(value - k) < 1e-9 else f"{value:.3g}"
    k = round(1 / value)
    return f"1/{k}" if abs(1 / value - k) < 1e-9 else f"{value:.3g}"


# --------------------------------------------------------------------------- parsing


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


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``ppeval`` command (all subcommands)."""
    from ppeval.pipeline import METHODS, MODES

    parser = argparse.ArgumentParser(
        prog="ppeval",
        description="Evaluate publicly purchased services: indicator systems, weights, scores, grades, "
                    "sensitivity and reports.",
        epilog="Exit status: 0 ok, 1 failure (e.g. a result that does not reproduce), 2 bad input.",
    )
    parser.add_argument("--version", action="version", version=f"ppeval {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the traceback of an error")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

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
    p.set_defaults(func=_cmd_demo)

    p = sub.add_parser(
        "validate",
        help="check an indicator system and assessment files",
        description="Check an indicator system file and, if given, assessment files against it. Prints "
                    "every problem with file, row and id; exit 0 if valid, 2 if not.",
    )
    p.add_argument("system", metavar="SYSTEM", help="indicator system (.yaml, .json or .toml)")
    p.add_argument("data", metavar="DATA", nargs="*", help="assessment files (values, ratings, projects)")
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser(
        "evaluate",
        help="score, grade and rank projects",
        description="Evaluate the projects of an assessment against an indicator system; print the "
                    "ranking and optionally write the result JSON and a report.",
    )
    p.add_argument("system", metavar="SYSTEM", help="indicator system (.yaml, .json or .toml)")
    p.add_argument("data", metavar="DATA", nargs="+", help="assessment files (values, ratings, projects)")
    p.add_argument("--method", choices=METHODS, default="topsis", help="scoring method (default topsis)")
    p.add_argument("--mode", choices=MODES, default="absolute",
                   help="absolute: against the indicator bounds (default); relative: against the "
                        "evaluated projects")
    _add_sampling(p, samples_default=None,
                  samples_help=f"Monte Carlo weight samples for the sensitivity analysis (default "
                               f"{DEFAULT_SAMPLES} with --report, else 0 = none)")
    p.add_argument("--json", metavar="OUT", help="write the result (canonical JSON) to OUT")
    p.add_argument("--report", metavar="OUT", help="write a report: OUT.html (self-contained) or OUT.md")
    p.set_defaults(func=_cmd_evaluate)

    p = sub.add_parser(
        "ahp",
        help="priorities, consistency and judgments to revise of one pairwise matrix",
        description="Read a pairwise comparison matrix (CSV: bare numbers or with labels; 1/3 allowed; "
                    "an upper triangle is enough) and print priorities, lambda_max, CI, CR and the "
                    "judgments to revise with suggested values.",
    )
    p.add_argument("matrix", metavar="MATRIX.csv", help="the pairwise comparison matrix")
    p.add_argument("--method", choices=("eigenvector", "geometric_mean"), default="eigenvector",
                   help="how priorities are derived (default eigenvector)")
    p.add_argument("--top", type=_positive_int, default=3, metavar="K",
                   help="list at most K judgments to revise (default 3)")
    p.set_defaults(func=_cmd_ahp)

    p = sub.add_parser(
        "sensitivity",
        help="robustness of a stored result: rank acceptability, critical weights, methods",
        description="Verify a stored result against its inputs, then run the sensitivity analysis and "
                    "print it (optionally as a report).",
    )
    p.add_argument("result", metavar="RESULT.json", help="result written by ppeval evaluate --json")
    p.add_argument("system", metavar="SYSTEM", help="the indicator system it was computed from")
    p.add_argument("data", metavar="DATA", nargs="+", help="the assessment files it was computed from")
    _add_sampling(p, samples_default=DEFAULT_SAMPLES,
                  samples_help=f"Monte Carlo weight samples (default {DEFAULT_SAMPLES})")
    p.add_argument("--report", metavar="OUT", help="also write a report: OUT.html or OUT.md")
    p.set_defaults(func=_cmd_sensitivity)

    p = sub.add_parser(
        "reproduce",
        help="check that a stored result follows from its inputs",
        description="Recompute a stored result from the indicator system and assessment files and check "
                    "every input hash and number. Exit 0 if verified, 1 (with what differs) if not.",
    )
    p.add_argument("result", metavar="RESULT.json")
    p.add_argument("system", metavar="SYSTEM")
    p.add_argument("data", metavar="DATA", nargs="+")
    p.set_defaults(func=_cmd_reproduce)

    p = sub.add_parser("systems", help="list the bundled indicator systems",
                       description="List the bundled indicator systems: id, name, indicators, source.")
    p.set_defaults(func=_cmd_systems)

    p = sub.add_parser("schema", help="print the JSON Schema of an indicator system file",
                       description="Print the JSON Schema (draft 2020-12) of an indicator system file.")
    p.set_defaults(func=_cmd_schema)
    return parser


# --------------------------------------------------------------------------- entry point


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``ppeval`` command; return its exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name (default ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success, 1 on a failure, 2 on bad input.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help / --version (0) or a usage error (2)
        return int(exc.code) if isinstance(exc.code, int) else EXIT_INPUT
    debug = bool(args.debug)
    try:
        return int(args.func(args))
    except PPEvalError as exc:
        if debug:
            traceback.print_exc()
        _error(str(exc))
        return EXIT_FAILURE if isinstance(exc, ReproducibilityError) else EXIT_INPUT
    except OSError as exc:
        if debug:
            traceback.print_exc()
        where = f"{exc.filename}: " if exc.filename else ""
        what = "file not found" if isinstance(exc, FileNotFoundError) else (exc.strerror or str(exc))
        _error(f"{where}{what}")
        return EXIT_INPUT
    except KeyboardInterrupt:
        _error("interrupted")
        return 130
    except Exception as exc:
        if debug:
            traceback.print_exc()
        _error(f"internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback and "
               "report it)")
        return EXIT_FAILURE
