"""Evaluation reports: self-contained HTML and Markdown with figures.

* :func:`render_html` - one self-contained HTML file (inline CSS and SVG
  figures, no external resources, printable).
* :func:`render_markdown` - Markdown text plus its figures as SVG files.
* :func:`write_report` - either, chosen by the file suffix, written to disk.
* :func:`write_xlsx` - the results as a multi-sheet Excel workbook (scores,
  weights, scoring sheets, contributions, sensitivity, provenance).
* :func:`analyse_sensitivity` - the sensitivity analyses a report shows
  (rank acceptability, one weight at a time, critical weight changes, method
  agreement, qualitative-share sweep), run on an evaluation result.

A report has the sections listed in :data:`SECTIONS`: summary (ranking,
grades, scores), score breakdown by stage and dimension, weights and their
origin, contributions and weakest indicators, qualitative evidence,
sensitivity and robustness, diagnostics, and provenance with the command that
reproduces the result. matplotlib is imported when a report is made, not when
``ppeval`` is imported.

Examples
--------
>>> from ppeval.io import bundled
>>> from ppeval.pipeline import evaluate
>>> from ppeval.report import render_html
>>> system, data = bundled.load_sample("community-4stage")
>>> page = render_html(evaluate(system, data), system=system)
>>> page.startswith("<!DOCTYPE html>") and "Provenance and reproduction" in page
True
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ppeval.errors import InputError
from ppeval.pipeline import EvaluationResult
from ppeval.pipeline.sensitivity import SensitivityAnalysis, analyse_sensitivity
from ppeval.report._content import SECTIONS, build_document, sensitivity_tables
from ppeval.report.xlsx import write_xlsx
from ppeval.schema import IndicatorSystem

__all__ = [
    "render_html",
    "render_markdown",
    "write_report",
    "write_xlsx",
    "MarkdownReport",
    "SensitivityAnalysis",
    "analyse_sensitivity",
    "sensitivity_tables",
    "SECTIONS",
]

_HTML = (".html", ".htm")
_MARKDOWN = (".md", ".markdown")


@dataclass(frozen=True)
class MarkdownReport:
    """A Markdown report and its figures.

    Attributes
    ----------
    text : str
        The Markdown text; figures are linked as ``<figure_dir>/<name>.svg``.
    figures : dict of str to str
        ``{relative path: SVG text}`` of every linked figure.
    """

    text: str
    figures: dict[str, str] = field(default_factory=dict)


def _check(result: object, system: object, sensitivity: object, command: object) -> None:
    if not isinstance(result, EvaluationResult):
        raise InputError(f"result must be an EvaluationResult; got {type(result).__name__}")
    if system is not None and not isinstance(system, IndicatorSystem):
        raise InputError(f"system must be an IndicatorSystem or None; got {type(system).__name__}")
    if sensitivity is not None and not isinstance(sensitivity, SensitivityAnalysis):
        raise InputError(
            f"sensitivity must be a SensitivityAnalysis (from analyse_sensitivity) or None; got "
            f"{type(sensitivity).__name__}"
        )
    if command is not None and not isinstance(command, str):
        raise InputError(f"command must be a string or None; got {type(command).__name__}")
    if system is not None and isinstance(result, EvaluationResult) and isinstance(system, IndicatorSystem):
        if system.id != result.provenance.system_id or tuple(system.leaf_ids) != result.indicator_ids:
            raise InputError(
                f"system {system.id!r} does not match the result (computed with system "
                f"{result.provenance.system_id!r}, {len(result.indicator_ids)} indicators)"
            )


def render_html(
    result: EvaluationResult,
    *,
    system: IndicatorSystem | None = None,
    sensitivity: SensitivityAnalysis | None = None,
    command: str | None = None,
    title: str | None = None,
) -> str:
    """Render a self-contained HTML report of an evaluation.

    Parameters
    ----------
    result : EvaluationResult
        The evaluation.
    system : IndicatorSystem, optional
        The indicator system it was computed with: names of nodes and
        indicators, grade thresholds, stages. Without it, ids are shown.
    sensitivity : SensitivityAnalysis, optional
        From :func:`analyse_sensitivity`; without it the sensitivity section
        says how to add one.
    command : str, optional
        The command that reproduces the result (shown in the provenance
        block), e.g. ``ppeval reproduce result.json system.yaml data.csv``.
    title : str, optional
        Report title (default "Performance evaluation report").

    Returns
    -------
    str
        The HTML document: inline CSS and SVG, a Content-Security-Policy that
        blocks every network request, print styles.

    Raises
    ------
    InputError
        If an argument has the wrong type or ``system`` is not the system of ``result``.
    """
    from ppeval.report.html import render_document

    _check(result, system, sensitivity, command)
    doc = build_document(result, system=system, sensitivity=sensitivity, command=command, title=title)
    return render_document(doc)


def render_markdown(
    result: EvaluationResult,
    *,
    system: IndicatorSystem | None = None,
    sensitivity: SensitivityAnalysis | None = None,
    command: str | None = None,
    title: str | None = None,
    figure_dir: str = "figures",
) -> MarkdownReport:
    """Render a Markdown report of an evaluation (figures returned as SVG files to write).

    Parameters
    ----------
    result, system, sensitivity, command, title
        As for :func:`render_html`.
    figure_dir : str
        Folder, relative to the Markdown file, that the figure links point into.

    Returns
    -------
    MarkdownReport
        The text and ``{relative path: SVG text}`` of its figures.

    Raises
    ------
    InputError
        As :func:`render_html`; if ``figure_dir`` is empty or absolute.

    Examples
    --------
    >>> from ppeval.io import bundled
    >>> from ppeval.pipeline import evaluate
    >>> system, data = bundled.load_sample("community-4stage")
    >>> md = render_markdown(evaluate(system, data), system=system, figure_dir="fig")
    >>> sorted(md.figures)[0], "## Summary" in md.text
    ('fig/breakdown.svg', True)
    """
    from ppeval.report.markdown import render_document

    _check(result, system, sensitivity, command)
    if not isinstance(figure_dir, str) or not figure_dir.strip() or Path(figure_dir).is_absolute() \
            or ".." in Path(figure_dir).parts:
        raise InputError(f"figure_dir is {figure_dir!r}; expected a relative folder name such as 'figures'")
    doc = build_document(result, system=system, sensitivity=sensitivity, command=command, title=title)
    text, figures = render_document(doc, figure_dir)
    return MarkdownReport(text=text, figures=figures)


def write_report(
    path: str | os.PathLike[str],
    result: EvaluationResult,
    *,
    system: IndicatorSystem | None = None,
    sensitivity: SensitivityAnalysis | None = None,
    command: str | None = None,
    title: str | None = None,
) -> tuple[Path, ...]:
    """Write an HTML (``.html``, ``.htm``) or Markdown (``.md``, ``.markdown``) report.

    A Markdown report's figures go to the folder ``<stem>_figures`` next to it.

    Parameters
    ----------
    path : path-like
        The report file; its suffix chooses the format. Parent folders are created.
    result, system, sensitivity, command, title
        As for :func:`render_html`.

    Returns
    -------
    tuple of pathlib.Path
        The files written, the report first.

    Raises
    ------
    InputError
        On an unknown suffix, and as :func:`render_html`.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in _HTML + _MARKDOWN:
        raise InputError(f"{p}: unknown report type {p.suffix!r}; use .html or .md")
    if suffix in _HTML:
        text = render_html(result, system=system, sensitivity=sensitivity, command=command, title=title)
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8", newline="\n")
        return (p,)
    folder = f"{p.stem}_figures"
    md = render_markdown(result, system=system, sensitivity=sensitivity, command=command, title=title,
                         figure_dir=folder)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(md.text, encoding="utf-8", newline="\n")
    written = [p]
    for rel, svg in md.figures.items():
        fp = p.parent / rel
        fp.parent.mkdir(parents=True, exist_ok=True)
        fp.write_text(svg, encoding="utf-8", newline="\n")
        written.append(fp)
    return tuple(written)
