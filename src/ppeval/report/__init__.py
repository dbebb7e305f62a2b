"""Evaluation reports in Chinese or English: Word, self-contained HTML and Markdown, with figures.

* :func:`render_html` - one self-contained HTML file (inline CSS and SVG
  figures, no external resources, printable).
* :func:`render_docx` - a Word document (headings, table of contents, native
  tables, PNG figures, page numbers, Chinese fonts).
* :func:`render_markdown` - Markdown text plus its figures as SVG files.
* :func:`write_report` - any of them, chosen by the file suffix, written to disk.
* :func:`write_xlsx` - the results as a multi-sheet Excel workbook (scores,
  weights, scoring sheets, contributions, sensitivity, provenance).
* :func:`analyse_sensitivity` - the sensitivity analyses a report shows
  (rank acceptability, one weight at a time, critical weight changes, method
  agreement, qualitative-share sweep), run on an evaluation result.

A report follows the outline of the Ministry of Finance's evaluation rules
(:data:`SECTIONS`: overview; organisation; indicator system, standards and
methods; achievement of the goals; problems and causes; conclusions and
recommendations; other matters - diagnostics, sensitivity, reproduction), in
the language ``lang`` (``"en"`` or ``"zh"``, see :mod:`ppeval.report.i18n`).
The parts an evaluator writes come from an optional narrative
(:class:`~ppeval.schema.narrative.Narrative`); ``project=`` makes the report of
one project. matplotlib is imported when a report is made, not when ``ppeval``
is imported.

Examples
--------
>>> from ppeval.io import bundled
>>> from ppeval.pipeline import evaluate
>>> from ppeval.report import render_html
>>> system, data = bundled.load_sample("community-4stage")
>>> page = render_html(evaluate(system, data), system=system)
>>> page.startswith("<!DOCTYPE html>") and "Provenance and reproduction" in page
True
>>> "基本概况" in render_html(evaluate(system, data), system=system, lang="zh")
True
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ppeval.errors import InputError
from ppeval.pipeline import EvaluationResult, RoundComparison, UncertaintyAnalysis
from ppeval.pipeline.sensitivity import SensitivityAnalysis, analyse_sensitivity
from ppeval.report._blocks import Document
from ppeval.report.i18n import Language, available_languages, language
from ppeval.report.sections import SECTIONS, build_document, sensitivity_tables
from ppeval.report.xlsx import write_xlsx
from ppeval.schema import Assessment, IndicatorSystem
from ppeval.schema._base import localized
from ppeval.schema.narrative import Narrative

__all__ = [
    "render_html",
    "render_markdown",
    "render_docx",
    "write_report",
    "report_document",
    "project_names_in",
    "with_names_in",
    "available_languages",
    "REPORT_SUFFIXES",
    "write_xlsx",
    "MarkdownReport",
    "SensitivityAnalysis",
    "analyse_sensitivity",
    "sensitivity_tables",
    "SECTIONS",
]

_HTML = (".html", ".htm")
_MARKDOWN = (".md", ".markdown")
_DOCX = (".docx",)
#: File suffixes :func:`write_report` understands.
REPORT_SUFFIXES = (*_HTML, *_MARKDOWN, *_DOCX)


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


def project_names_in(assessment: Assessment, lang: str | Language) -> dict[str, str]:
    """Project names in a language, by id, from an assessment's projects table (``name_zh`` columns).

    A project without a name in ``lang`` keeps its ``name`` (else its id).
    """
    code = language(lang).code
    return {p.id: localized(p.name or p.id, p.names, code) for p in assessment.projects}


def with_names_in(result: EvaluationResult, assessment: Assessment, lang: str | Language) -> EvaluationResult:
    """``result`` with its project names in ``lang`` (:func:`project_names_in`), for what people read.

    Deferred fields stay deferred (:func:`ppeval.pipeline.result.replace_fields`).
    """
    from ppeval.pipeline.result import replace_fields

    names = project_names_in(assessment, lang)
    shown: EvaluationResult = replace_fields(result, project_names=tuple(
        names.get(p, n) for p, n in zip(result.project_ids, result.project_names, strict=True)))
    return shown


def report_document(
    result: EvaluationResult,
    *,
    system: IndicatorSystem | None = None,
    sensitivity: SensitivityAnalysis | None = None,
    command: str | None = None,
    title: str | None = None,
    lang: str | Language = "en",
    narrative: Narrative | None = None,
    project: str | None = None,
    project_names: Mapping[str, str] | None = None,
    date: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
    uncertainty: UncertaintyAnalysis | None = None,
    comparison: RoundComparison | None = None,
    round_labels: tuple[str, str] | None = None,
) -> Document:
    """The content of a report, before rendering (what :func:`render_html` and the others render).

    Parameters
    ----------
    result : EvaluationResult
        The evaluation.
    system : IndicatorSystem, optional
        The indicator system it was computed with: names of nodes and
        indicators in the report's language, grade bands, stages. Without it,
        ids are shown.
    sensitivity : SensitivityAnalysis, optional
        From :func:`analyse_sensitivity`; without it the sensitivity part
        says how to add one.
    command : str, optional
        The command that reproduces the result (shown in the provenance
        block), e.g. ``ppeval reproduce result.json system.yaml data.csv``.
    title : str, optional
        Report title (default "Performance evaluation report", translated).
    lang : str or Language
        Report language, one of :func:`available_languages` (``"en"``, ``"zh"``).
    narrative : Narrative, optional
        The evaluator's texts (overview, organisation, problems,
        recommendations, other), inserted in their chapters; per project in a
        one-project report (falling back to the evaluation's texts).
    project : str, optional
        A project id: the report of that project alone.
    project_names : mapping of str to str, optional
        Project names to show, by project id (e.g. :func:`project_names_in` of
        the assessment in the report's language); default the result's names.
    date : datetime.date, optional
        Report date (default today), formatted for the language.
    progress : callable, optional
        Called with each chapter's id as it is built (a progress bar).
    uncertainty : UncertaintyAnalysis, optional
        From :func:`ppeval.pipeline.analyse_uncertainty` (needs ``system``):
        chapter 6 opens with "How sure is each grade?" - grade certainty,
        decisions, expected payments, money at risk, the smallest change that
        moves a grade.
    comparison : RoundComparison, optional
        From :func:`ppeval.pipeline.compare` (this result being the later
        round): chapter 6 adds "Rounds compared" with a slope chart.
    round_labels : tuple of (str, str), optional
        Names of the earlier and the later round (default "earlier round",
        "later round", translated).

    Raises
    ------
    InputError
        If an argument has the wrong type, ``system`` is not the system of
        ``result``, ``lang`` has no catalog or ``project`` is not a project id.
    """
    _check(result, system, sensitivity, command)
    t = language(lang)
    if narrative is not None and not isinstance(narrative, Narrative):
        raise InputError(f"narrative must be a Narrative (ppeval.io.load_narrative) or None; got "
                         f"{type(narrative).__name__}")
    index = None
    if project is not None:
        if project not in result.project_ids:
            raise InputError(f"project {project!r} is not in the result; projects: "
                             f"{', '.join(map(repr, result.project_ids[:10]))}"
                             f"{' ...' if len(result.project_ids) > 10 else ''}")
        index = result.project_ids.index(project)
    if project_names is not None:
        names = [project_names.get(pid, name) for pid, name in zip(result.project_ids, result.project_names,
                                                                  strict=True)]
        if not all(isinstance(x, str) and x for x in names):
            raise InputError("project_names must map project ids to non-empty names")
        from ppeval.pipeline.result import replace_fields

        result = replace_fields(result, project_names=tuple(names))
    if date is not None and not isinstance(date, dt.date):
        raise InputError(f"date must be a datetime.date or None; got {type(date).__name__}")
    if uncertainty is not None:
        if not isinstance(uncertainty, UncertaintyAnalysis):
            raise InputError(f"uncertainty must be an UncertaintyAnalysis (from ppeval.pipeline.analyse_uncertainty) "
                             f"or None; got {type(uncertainty).__name__}")
        if system is None:
            raise InputError("uncertainty= needs system= (the grade bands and the indicator names)")
        ev = uncertainty.evidence
        if ev is not None and ev.base_scores.shape[0] != len(result.project_ids):
            raise InputError(f"uncertainty has {ev.base_scores.shape[0]} projects; the result has "
                             f"{len(result.project_ids)}: it was computed for another evaluation")
    if comparison is not None and not isinstance(comparison, RoundComparison):
        raise InputError(f"comparison must be a RoundComparison (from ppeval.pipeline.compare()) or None; got "
                         f"{type(comparison).__name__}")
    if round_labels is not None and (not isinstance(round_labels, tuple) or len(round_labels) != 2
                                     or not all(isinstance(x, str) and x for x in round_labels)):
        raise InputError(f"round_labels must be two non-empty strings (earlier, later); got {round_labels!r}")
    return build_document(result, t, system=system, sensitivity=sensitivity, command=command, title=title,
                          narrative=narrative, project=index, date=date, progress=progress,
                          uncertainty=uncertainty, comparison=comparison, round_labels=round_labels)


def render_html(
    result: EvaluationResult,
    *,
    system: IndicatorSystem | None = None,
    sensitivity: SensitivityAnalysis | None = None,
    command: str | None = None,
    title: str | None = None,
    lang: str | Language = "en",
    narrative: Narrative | None = None,
    project: str | None = None,
    project_names: Mapping[str, str] | None = None,
    date: dt.date | None = None,
    uncertainty: UncertaintyAnalysis | None = None,
    comparison: RoundComparison | None = None,
    round_labels: tuple[str, str] | None = None,
) -> str:
    """Render a self-contained HTML report of an evaluation.

    Parameters
    ----------
    result, system, sensitivity, command, title, lang, narrative, project, project_names, date, uncertainty, \
    comparison, round_labels
        As for :func:`report_document`.

    Returns
    -------
    str
        The HTML document: inline CSS and SVG, a Content-Security-Policy that
        blocks every network request, print styles that fit tables to the page.

    Raises
    ------
    InputError
        As :func:`report_document`.
    """
    from ppeval.report.html import render_document

    return render_document(report_document(
        result, system=system, sensitivity=sensitivity, command=command, title=title, lang=lang,
        narrative=narrative, project=project, project_names=project_names, date=date, uncertainty=uncertainty,
        comparison=comparison, round_labels=round_labels))


def render_docx(
    result: EvaluationResult,
    *,
    system: IndicatorSystem | None = None,
    sensitivity: SensitivityAnalysis | None = None,
    command: str | None = None,
    title: str | None = None,
    lang: str | Language = "en",
    narrative: Narrative | None = None,
    project: str | None = None,
    project_names: Mapping[str, str] | None = None,
    date: dt.date | None = None,
    uncertainty: UncertaintyAnalysis | None = None,
    comparison: RoundComparison | None = None,
    round_labels: tuple[str, str] | None = None,
) -> bytes:
    """Render a Word (``.docx``) report of an evaluation.

    Parameters
    ----------
    result, system, sensitivity, command, title, lang, narrative, project, project_names, date, uncertainty, \
    comparison, round_labels
        As for :func:`report_document`.

    Returns
    -------
    bytes
        The ``.docx`` file: Word headings (navigation pane) and a table of
        contents field, native tables fitted to the page width, PNG figures
        at print resolution, East-Asian fonts, page numbers.

    Raises
    ------
    InputError
        As :func:`report_document`.
    """
    from ppeval.report.word import render_document

    return render_document(report_document(
        result, system=system, sensitivity=sensitivity, command=command, title=title, lang=lang,
        narrative=narrative, project=project, project_names=project_names, date=date, uncertainty=uncertainty,
        comparison=comparison, round_labels=round_labels))


def render_markdown(
    result: EvaluationResult,
    *,
    system: IndicatorSystem | None = None,
    sensitivity: SensitivityAnalysis | None = None,
    command: str | None = None,
    title: str | None = None,
    figure_dir: str = "figures",
    lang: str | Language = "en",
    narrative: Narrative | None = None,
    project: str | None = None,
    project_names: Mapping[str, str] | None = None,
    date: dt.date | None = None,
    uncertainty: UncertaintyAnalysis | None = None,
    comparison: RoundComparison | None = None,
    round_labels: tuple[str, str] | None = None,
) -> MarkdownReport:
    """Render a Markdown report of an evaluation (figures returned as SVG files to write).

    Parameters
    ----------
    result, system, sensitivity, command, title, lang, narrative, project, project_names, date, uncertainty, \
    comparison, round_labels
        As for :func:`report_document`.
    figure_dir : str
        Folder, relative to the Markdown file, that the figure links point into.

    Returns
    -------
    MarkdownReport
        The text and ``{relative path: SVG text}`` of its figures.

    Raises
    ------
    InputError
        As :func:`report_document`; if ``figure_dir`` is empty or absolute.

    Examples
    --------
    >>> from ppeval.io import bundled
    >>> from ppeval.pipeline import evaluate
    >>> system, data = bundled.load_sample("community-4stage")
    >>> md = render_markdown(evaluate(system, data), system=system, figure_dir="fig")
    >>> sorted(md.figures)[0], "## 1. Overview" in md.text
    ('fig/breakdown.svg', True)
    """
    from ppeval.report.markdown import render_document

    if not isinstance(figure_dir, str) or not figure_dir.strip() or Path(figure_dir).is_absolute() \
            or ".." in Path(figure_dir).parts:
        raise InputError(f"figure_dir is {figure_dir!r}; expected a relative folder name such as 'figures'")
    doc = report_document(result, system=system, sensitivity=sensitivity, command=command, title=title, lang=lang,
                          narrative=narrative, project=project, project_names=project_names, date=date,
                          uncertainty=uncertainty, comparison=comparison, round_labels=round_labels)
    text, figures = render_document(doc, figure_dir)
    return MarkdownReport(text=text, figures=figures)


def _atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename."""
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes the file private; a report is an ordinary file
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_report(
    path: str | os.PathLike[str],
    result: EvaluationResult,
    *,
    system: IndicatorSystem | None = None,
    sensitivity: SensitivityAnalysis | None = None,
    command: str | None = None,
    title: str | None = None,
    lang: str | Language = "en",
    narrative: Narrative | None = None,
    project: str | None = None,
    project_names: Mapping[str, str] | None = None,
    date: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
    uncertainty: UncertaintyAnalysis | None = None,
    comparison: RoundComparison | None = None,
    round_labels: tuple[str, str] | None = None,
) -> tuple[Path, ...]:
    """Write a Word (``.docx``), HTML (``.html``, ``.htm``) or Markdown (``.md``, ``.markdown``) report.

    A Markdown report's figures go to the folder ``<stem>_figures`` next to
    it. Every file is written atomically (a temporary file renamed).

    Parameters
    ----------
    path : path-like
        The report file; its suffix chooses the format. Parent folders are created.
    result, system, sensitivity, command, title, lang, narrative, project, project_names, date, progress, \
    uncertainty, comparison, round_labels
        As for :func:`report_document`.

    Returns
    -------
    tuple of pathlib.Path
        The files written, the report first.

    Raises
    ------
    InputError
        On an unknown suffix, and as :func:`report_document`.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in REPORT_SUFFIXES:
        raise InputError(f"{p}: unknown report type {p.suffix!r}; use .docx, .html or .md")
    doc = report_document(result, system=system, sensitivity=sensitivity, command=command, title=title, lang=lang,
                          narrative=narrative, project=project, project_names=project_names, date=date,
                          progress=progress, uncertainty=uncertainty, comparison=comparison,
                          round_labels=round_labels)
    if suffix in _HTML:
        from ppeval.report.html import render_document as html_document

        _atomic_write(p, html_document(doc).encode("utf-8"))
        return (p,)
    if suffix in _DOCX:
        from ppeval.report.word import render_document as word_document

        _atomic_write(p, word_document(doc))
        return (p,)
    from ppeval.report.markdown import render_document as md_document

    text, figures = md_document(doc, f"{p.stem}_figures")
    _atomic_write(p, text.encode("utf-8"))
    written = [p]
    for rel, svg in figures.items():
        fp = p.parent / rel
        _atomic_write(fp, svg.encode("utf-8"))
        written.append(fp)
    return tuple(written)
