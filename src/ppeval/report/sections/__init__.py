"""What a report says, one module per chapter of the outline.

The outline is the list of contents of a performance evaluation report in
the Ministry of Finance's rules, 财政部《财政支出绩效评价管理暂行办法》
(财预〔2011〕285号) article 24, which local rules reissue; the 2020 rules that
replaced them (《项目支出绩效评价管理办法》, 财预〔2020〕10号, annex
项目支出绩效评价报告（参考提纲）) regroup the same content (see
docs/how-to/reports.md). In every language:

1. overview (基本概况) - :mod:`.overview`
2. organisation of the evaluation (组织实施情况) - :mod:`.organisation`
3. indicator system, standards and method (指标体系、评价标准和评价方法) - :mod:`.method`
4. results: achievement of the performance goals (绩效目标的实现程度) - :mod:`.results`
5. problems and their causes (存在问题及原因分析) - :mod:`.problems`
6. conclusions and recommendations (评价结论及建议) - :mod:`.conclusions`
7. other matters (其他需要说明的问题): diagnostics, sensitivity, provenance - :mod:`.other`

:func:`build_document` turns an evaluation result (plus, optionally, the
indicator system for names and grade bands, a sensitivity analysis, the
command that reproduces the result and the evaluator's narrative) into a
:class:`~ppeval.report._blocks.Document` in one language; renderers never
compute. Every text goes through the language's message catalog.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from ppeval import __version__
from ppeval.pipeline import EvaluationResult, RoundComparison, UncertaintyAnalysis
from ppeval.pipeline.sensitivity import SensitivityAnalysis
from ppeval.report._blocks import Block, Document, Section
from ppeval.report.i18n import Language
from ppeval.report.sections import conclusions, method, organisation, other, overview, problems, results
from ppeval.report.sections import sensitivity as _sens
from ppeval.report.sections._context import N_, Context, make_context
from ppeval.schema import IndicatorSystem
from ppeval.schema._base import localized
from ppeval.schema.narrative import Narrative

__all__ = ["SECTIONS", "build_document", "sensitivity_tables", "section_titles"]

#: (anchor id, English heading) of every chapter, in order (the headings are translated per report).
SECTIONS: tuple[tuple[str, str], ...] = (
    ("overview", N_("Overview")),
    ("organisation", N_("Organisation of the evaluation")),
    ("method", N_("Indicator system, evaluation standards and methods")),
    ("results", N_("Achievement of the performance goals")),
    ("problems", N_("Problems and their causes")),
    ("conclusions", N_("Conclusions and recommendations")),
    ("other", N_("Other matters: diagnostics, sensitivity, reproduction")),
)

_BUILDERS: dict[str, Callable[[Context], list[Block]]] = {
    "overview": overview.build,
    "organisation": organisation.build,
    "method": method.build,
    "results": results.build,
    "problems": problems.build,
    "conclusions": conclusions.build,
    "other": other.build,
}


def section_titles(t: Language) -> list[str]:
    """The numbered chapter headings in ``t``'s language (``1. Overview``, ``一、基本概况``)."""
    # Translators: the chapter numbers, separated by spaces (一 二 三 ... in Chinese)
    numerals = t._("1 2 3 4 5 6 7 8 9 10").split()
    return [t._("{number}. {title}").format(number=numerals[k] if k < len(numerals) else k + 1, title=t._(title))
            for k, (_sid, title) in enumerate(SECTIONS)]


def build_document(
    result: EvaluationResult,
    t: Language,
    *,
    system: IndicatorSystem | None = None,
    sensitivity: SensitivityAnalysis | None = None,
    command: str | None = None,
    title: str | None = None,
    narrative: Narrative | None = None,
    project: int | None = None,
    date: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
    uncertainty: UncertaintyAnalysis | None = None,
    comparison: RoundComparison | None = None,
    round_labels: tuple[str, str] | None = None,
) -> Document:
    """Build the report's content in language ``t`` (one project's report when ``project`` is an index).

    An uncertainty analysis and a comparison of two rounds open chapter 6
    (conclusions), where a purchaser reads first.
    """
    _ = t._
    ctx = make_context(result, system, t, sens=sensitivity, command=command, narrative=narrative,
                       project_index=project)
    titles = section_titles(t)
    sections = []
    for (sid, _title), heading in zip(SECTIONS, titles, strict=True):
        if progress is not None:
            progress(sid)
        blocks = _BUILDERS[sid](ctx)
        if sid == "conclusions" and (uncertainty is not None or comparison is not None):
            from ppeval.report._uncertainty import certainty_subsection, rounds_subsection

            first: list[Block] = []
            if uncertainty is not None:
                first.append(certainty_subsection(ctx, uncertainty))
            if comparison is not None:
                before, after = round_labels if round_labels is not None else (None, None)
                first.append(rounds_subsection(ctx, comparison, earlier_label=before, later_label=after))
            blocks = first + blocks
        sections.append(Section(sid, heading, tuple(blocks)))
    r = result
    name = localized(system.name, system.names, t.code) if system is not None else r.provenance.system_id
    day = date or dt.date.today()
    if project is None:
        subtitle = _("{system} \u00b7 {n} projects \u00b7 {method}, {mode} mode \u00b7 ppeval {version}").format(
            system=name, n=t.count(len(r.project_ids)), method=r.method.upper(), mode=_(r.mode),
            version=r.provenance.ppeval_version)
        default_title = _("Performance evaluation report")
    else:
        subtitle = _("{project} \u00b7 {system} \u00b7 {method}, {mode} mode \u00b7 ppeval {version}").format(
            project=ctx.project_traced(project), system=name, method=r.method.upper(), mode=_(r.mode),
            version=r.provenance.ppeval_version)
        default_title = _("Performance evaluation report of one project")
    labels = {
        "contents": _("Contents"),
        "table": _("Table {n}."),
        "figure": _("Figure {n}."),
        "note": _("Note:"),
        "warning": _("Warning:"),
        "footer": _("Made by ppeval {version}. This file is self-contained: it loads nothing from the network "
                    "and prints as shown.").format(version=__version__),
        "page": _("Page"),
        "toc_hint": _("Right-click and choose Update Field to fill in the table of contents."),
        "date": _("Date"),
    }
    return Document(title=title or default_title, subtitle=subtitle, sections=tuple(sections),
                    meta={"system": r.provenance.system_id, "system_hash": r.provenance.system_hash},
                    lang=t.code, labels=labels, date=t.date(day))


def sensitivity_tables(
    result: EvaluationResult, sens: SensitivityAnalysis, system: IndicatorSystem | None = None,
    t: Language | None = None,
) -> list[tuple[str, tuple[str, ...], tuple[tuple[str, ...], ...]]]:
    """The critical-weight and method-agreement tables as ``(title, header, rows)`` (for the CLI)."""
    ctx = make_context(result, system, t or Language("en"), sens=sens)
    tables = [x for x in (_sens.critical_table(ctx), *_sens.agreement_tables(ctx)) if x is not None]
    return [(x.caption or "", x.header, x.rows) for x in tables]
