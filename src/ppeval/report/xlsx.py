"""Evaluation results as a multi-sheet Excel workbook (``.xlsx``, written with openpyxl).

Sheets (names and headers in the report language, Chinese or English):

* scores -- rank, project, name, score (0-100), grade, the method's own score
  and the sub-score of every stage or dimension;
* weights -- every inner node's children with the weighting method, local and
  global weights, points and the AHP consistency ratio;
* scoring sheet (评分表) -- per project: indicator, points, scoring rule,
  target, actual value, points earned, evidence / deviation note, subtotals
  per first-level dimension and the total (see
  :func:`ppeval.pipeline.scoring.scoring_sheet`);
* contributions -- each indicator's part of each project's score;
* sensitivity (when an analysis is given) -- Monte Carlo rank
  acceptability, score spread and grade probabilities;
* diagnostics and provenance -- what the evaluation found, and the versions
  and hashes that reproduce it.

Sheet names, headers and the words in cells (grades, weighting methods,
severities) come from ppeval's message catalogs (:mod:`ppeval.i18n`), like the
reports'. Numbers are stored as numbers with the formats a person would apply (scores
``0.00``, weights ``0.00%``, points ``0.##``), header rows are frozen, columns
sized to their content. openpyxl is imported when a workbook is written.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np

from ppeval.errors import InputError
from ppeval.io._write import atomic_write, check_writable
from ppeval.pipeline import EvaluationResult
from ppeval.pipeline.scoring import scoring_sheets
from ppeval.pipeline.sensitivity import SensitivityAnalysis
from ppeval.pipeline.uncertainty import UncertaintyAnalysis
from ppeval.report.sections._context import N_
from ppeval.schema import IndicatorSystem

__all__ = ["write_xlsx", "LANGUAGES", "TEXT", "header"]

Language = Literal["zh", "en"]
#: Languages of sheet names and headers.
LANGUAGES: tuple[str, ...] = ("zh", "en")

#: Every sheet name, header and cell text, ``key: English text``, marked for the message catalogs
#: (``ppeval/locale/<lang>/LC_MESSAGES/ppeval.po``); :func:`header` gives them in a language.
TEXT: dict[str, str] = {
    "sheet.scores": N_("Scores"),
    "sheet.weights": N_("Weights"),
    "sheet.scoring": N_("Scoring sheet"),
    "sheet.contributions": N_("Contributions"),
    "sheet.sensitivity": N_("Sensitivity"),
    "sheet.certainty": N_("Certainty and payments"),
    "sheet.diagnostics": N_("Diagnostics"),
    "sheet.provenance": N_("Provenance"),
    "rank": N_("Rank"),
    "project": N_("Project id"),
    "project_name": N_("Project name"),
    "score": N_("Score"),
    "grade": N_("Grade"),
    "method_score": N_("Method score"),
    "sub_score": N_("{name} score"),
    "node": N_("Parent node"),
    "indicator": N_("Indicator"),
    "indicator_id": N_("Indicator id"),
    "weighting": N_("Weighting"),
    "local_weight": N_("Local weight"),
    "global_weight": N_("Global weight"),
    "points": N_("Full points"),
    "cr": N_("Consistency ratio CR"),
    "dimension": N_("Dimension"),
    "rule": N_("Scoring rule"),
    "target": N_("Target"),
    "actual": N_("Actual value"),
    "earned": N_("Points earned"),
    "note": N_("Evidence / deviation note"),
    "subtotal": N_("Subtotal"),
    "total": N_("Total"),
    "imputed": N_(" (missing value imputed)"),
    "formation": N_("How the score is formed"),
    "contribution_note": N_("Each indicator's part of the score (0-100)"),
    "base_rank": N_("Base rank"),
    "p_first": N_("P(rank 1)"),
    "likely_rank": N_("Most likely rank"),
    "median_rank": N_("Median rank"),
    "score_mean": N_("Mean score"),
    "score_std": N_("Score std. dev."),
    "p_grade": N_("P({grade})"),
    "mc_note": N_("Monte Carlo: {n} weight samples (seed {seed})"),
    "certainty_note": N_("Monte Carlo: {n} samples (seed {seed}), varied together: {sources}"),
    "score_low": N_("Score 5 %"),
    "score_high": N_("Score 95 %"),
    "p_own_grade": N_("P(this grade)"),
    "main_source": N_("Main source of spread"),
    "decision": N_("Decision"),
    "contract_value": N_("Final payment at stake"),
    "payment": N_("Payment"),
    "expected_payment": N_("Expected payment"),
    "payment_low": N_("Payment 5 %"),
    "payment_high": N_("Payment 95 %"),
    "money_at_risk": N_("Money at risk"),
    "source.weights": N_("weights"),
    "source.ratings": N_("raters"),
    "source.values": N_("measured values"),
    "severity": N_("Severity"),
    "code": N_("Code"),
    "message": N_("Message"),
    "key": N_("Item"),
    "value": N_("Value"),
    "method": N_("Method"),
    "mode": N_("Mode"),
    "normalization": N_("Normalisation"),
    "system": N_("Indicator system"),
    "system_version": N_("System version"),
    "system_hash": N_("System hash"),
    "assessment_hash": N_("Assessment hash"),
    "config_hash": N_("Configuration hash"),
    "seed": N_("Seed"),
    "versions": N_("Software versions"),
    "none": N_("none"),
    "grade.excellent": N_("excellent"),
    "grade.good": N_("good"),
    "grade.fair": N_("fair"),
    "grade.poor": N_("poor"),
    "weighting.fixed": N_("fixed"),
    "weighting.points": N_("points"),
    "weighting.equal": N_("equal"),
    "weighting.ahp": N_("AHP"),
    "weighting.entropy": N_("entropy"),
    "weighting.critic": N_("CRITIC"),
    "weighting.cv": N_("coefficient of variation"),
    "weighting.g1": N_("G1"),
    "weighting.bwm": N_("best-worst method"),
    "weighting.fuzzy_ahp": N_("fuzzy AHP"),
    "weighting.combine": N_("combination"),
    "weighting.override": N_("override"),
    "severity.info": N_("info"),
    "severity.warning": N_("warning"),
    "severity.error": N_("error"),
}

_FMT_SCORE = "0.00"
_FMT_WEIGHT = "0.00%"
_FMT_POINTS = "0.##"
_FMT_CR = "0.0000"


def header(key: str, lang: str, **kw: Any) -> str:
    """The text ``TEXT[key]`` in language ``lang`` (through the message catalogs), formatted with ``kw``."""
    from ppeval.i18n import language

    text = language(lang)._(TEXT[key])
    return text.format(**kw) if kw else text


def _t(key: str, lang: Language, **kw: Any) -> str:
    return header(key, lang, **kw)


def _checks(result: Any, system: Any, sensitivity: Any, language: Any) -> Language:
    if not isinstance(result, EvaluationResult):
        raise InputError(f"result must be an EvaluationResult; got {type(result).__name__}")
    if not isinstance(system, IndicatorSystem):
        raise InputError(f"system must be an IndicatorSystem; got {type(system).__name__}")
    if system.id != result.provenance.system_id or tuple(system.leaf_ids) != tuple(result.indicator_ids):
        raise InputError(f"the result was computed with system {result.provenance.system_id!r}, not {system.id!r}")
    if sensitivity is not None and not isinstance(sensitivity, SensitivityAnalysis):
        raise InputError(f"sensitivity must be a SensitivityAnalysis or None; got {type(sensitivity).__name__}")
    if language not in LANGUAGES:
        raise InputError(f"language is {language!r}; valid values are {', '.join(map(repr, LANGUAGES))}")
    lang: Language = "zh" if language == "zh" else "en"
    return lang


def _value(kind: str, value: str, lang: Language) -> str:
    """A grade label, weighting method or severity in the report language (unknown values as they are)."""
    key = f"{kind}.{value}"
    return _t(key, lang) if key in TEXT else value


def _num(x: Any) -> float | None:
    v = float(x)
    return v if np.isfinite(v) else None


def write_xlsx(
    path: str | os.PathLike[str],
    result: EvaluationResult,
    system: IndicatorSystem,
    *,
    sensitivity: SensitivityAnalysis | None = None,
    language: Language = "zh",
    overwrite: bool = False,
    uncertainty: UncertaintyAnalysis | None = None,
) -> Path:
    """Write an evaluation result to a multi-sheet ``.xlsx`` workbook.

    Parameters
    ----------
    path : path-like
        The workbook to write (suffix ``.xlsx``). Written to a temporary file
        in the same folder and renamed, so a failed write leaves no partial file.
    result : EvaluationResult
        The evaluation.
    system : IndicatorSystem
        The system it was computed with (names, points, scoring rules).
    sensitivity : SensitivityAnalysis, optional
        Adds the sensitivity sheet.
    uncertainty : UncertaintyAnalysis, optional
        Adds the certainty and payments sheet (:func:`ppeval.pipeline.analyse_uncertainty`).
    language : {"zh", "en"}
        Language of sheet names and headers (default Chinese).
    overwrite : bool
        Replace an existing file (default: an existing file is an error).

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    InputError
        Wrong argument types, a suffix other than ``.xlsx``, an existing file
        without ``overwrite``, a system that is not the result's, an unknown language.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from ppeval.io import bundled
    >>> from ppeval.pipeline import evaluate
    >>> system, data = bundled.load_sample("budget-performance")
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "result.xlsx"
    >>> write_xlsx(out, evaluate(system, data, method="wsm"), system).name
    'result.xlsx'
    """
    lang = _checks(result, system, sensitivity, language)
    if uncertainty is not None and not isinstance(uncertainty, UncertaintyAnalysis):
        raise InputError(f"uncertainty must be an UncertaintyAnalysis or None; got {type(uncertainty).__name__}")
    p = Path(path)
    if p.suffix.lower() != ".xlsx":
        raise InputError(f"{p}: an Excel workbook needs the suffix .xlsx (got {p.suffix!r})")
    check_writable(p, overwrite)
    wb = _workbook(result, system, sensitivity, lang, uncertainty)
    atomic_write(p, wb.save)
    return p


def _workbook(result: EvaluationResult, system: IndicatorSystem, sens: SensitivityAnalysis | None,
              lang: Language, uncertainty: UncertaintyAnalysis | None = None) -> Any:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)  # rows are streamed: fast and lean on workbooks of many projects
    sheets = [
        _scores(result, system, lang),
        _weights(result, system, lang),
        _scoring(result, system, lang),
        _contributions(result, system, lang),
    ]
    if sens is not None and sens.monte_carlo is not None:
        sheets.append(_sensitivity(result, sens, lang))
    if uncertainty is not None and uncertainty.evidence is not None:
        sheets.append(_certainty(result, system, uncertainty, lang))
    sheets += [_diagnostics(result, lang), _provenance(result, system, lang)]
    for sheet in sheets:
        sheet.write(wb)
    return wb


# ------------------------------------------------------------------------------------------ helpers
#: Data rows per sheet: Excel's 1,048,576 rows less the header row (see :meth:`_Sheet.write`).
MAX_DATA_ROWS = 1_048_575
#: Excel's longest sheet title.
_MAX_TITLE = 31


def _width(value: Any) -> float:
    """Display width of a cell value (CJK characters count double)."""
    text = f"{value:.4f}" if isinstance(value, float) else str(value)
    longest = max(text.split("\n"), key=len) if "\n" in text else text
    return float(sum(2 if ord(ch) > 0x2E80 else 1 for ch in longest))


class _Sheet:
    """Rows of one sheet collected in memory, then written in one pass to a write-only workbook.

    ``formats`` maps 1-based columns to number formats (applied to numbers),
    ``wrap`` lists columns whose text wraps; a row may name bold columns.
    Column widths follow the longest value (capped at ``most``); the header
    row is bold, shaded and frozen.
    """

    def __init__(self, key: str, lang: Language, headers: Sequence[str], formats: dict[int, str] | None = None,
                 *, most: int = 60, wrap: tuple[int, ...] = ()) -> None:
        self.title = _t(key, lang)
        self.headers = list(headers)
        self.formats = formats or {}
        self.most = most
        self.wrap = wrap
        self.rows: list[list[Any]] = []
        self.bold: list[tuple[int, ...]] = []

    def add(self, values: Sequence[Any], bold: tuple[int, ...] = ()) -> None:
        self.rows.append(list(values))
        self.bold.append(bold)

    def write(self, wb: Any) -> None:
        """Write the sheet; beyond Excel's :data:`MAX_DATA_ROWS` rows, as numbered continuation sheets.

        Excel opens at most 1,048,576 rows per sheet (a longer sheet is cut
        with a repair prompt): a scoring sheet of ~20,000 projects of 50
        indicators is longer. Each part repeats the header row and is titled
        ``<title> (2)``, ``(3)`` ... (titles cut to Excel's 31 characters).
        """
        widths: dict[int, float] = {}
        for row in [self.headers, *self.rows]:
            for j, v in enumerate(row, start=1):
                if v is not None:
                    widths[j] = max(widths.get(j, 0.0), _width(v))
        n_parts = max(1, -(-len(self.rows) // MAX_DATA_ROWS))
        for part in range(n_parts):
            suffix = f" ({part + 1})" if part else ""
            title = self.title[: _MAX_TITLE - len(suffix)] + suffix
            lo = part * MAX_DATA_ROWS
            self._write_part(wb, title, widths, slice(lo, lo + MAX_DATA_ROWS))

    def _write_part(self, wb: Any, title: str, widths: dict[int, float], rows: slice) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Font, PatternFill
        from openpyxl.utils import get_column_letter

        ws = wb.create_sheet(title)
        for j, w in widths.items():
            ws.column_dimensions[get_column_letter(j)].width = min(max(w + 2, 8), self.most)
        ws.freeze_panes = "A2"
        bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDE4EE")
        head_align, wrap_align = Alignment(wrap_text=True, vertical="center"), Alignment(wrap_text=True,
                                                                                         vertical="top")
        header = []
        for h in self.headers:
            cell = WriteOnlyCell(ws, h)
            cell.font, cell.fill, cell.alignment = bold, fill, head_align
            header.append(cell)
        ws.append(header)
        for values, bold_cols in zip(self.rows[rows], self.bold[rows], strict=True):
            out: list[Any] = []
            for j, v in enumerate(values, start=1):
                fmt = self.formats.get(j) if isinstance(v, int | float) and not isinstance(v, bool) else None
                if fmt is None and j not in bold_cols and j not in self.wrap:
                    out.append(v)
                    continue
                cell = WriteOnlyCell(ws, v)
                if fmt is not None:
                    cell.number_format = fmt
                if j in bold_cols:
                    cell.font = bold
                if j in self.wrap:
                    cell.alignment = wrap_align
                out.append(cell)
            ws.append(out)


def _name(system: IndicatorSystem, node_id: str, lang: Language) -> str:
    """A node's or indicator's name in the report language (its ``names`` entry when the system has one)."""
    node = system.node(node_id)
    names = getattr(node, "names", None)
    if isinstance(names, dict) and names:
        return str(names.get(lang) or next((v for k, v in names.items() if k.split("_")[0] == lang), node.name))
    return node.name


# ------------------------------------------------------------------------------------------ sheets
def _scores(r: EvaluationResult, system: IndicatorSystem, lang: Language) -> _Sheet:
    heads = [_t(k, lang) for k in ("rank", "project", "project_name", "score", "grade", "method_score")]
    heads += [_t("sub_score", lang, name=_name(system, n, lang)) for n in r.node_ids]
    fmts = {4: _FMT_SCORE, 6: "0.0000"}
    fmts.update({7 + k: _FMT_SCORE for k in range(len(r.node_ids))})
    sheet = _Sheet("sheet.scores", lang, heads, fmts)
    for i in np.argsort(r.ranks, kind="stable"):
        sheet.add([int(r.ranks[i]), r.project_ids[i], r.project_names[i], _num(r.score_100[i]),
                   _value("grade", r.grades[i], lang),
                   _num(r.scores[i]), *(_num(x) for x in r.node_scores[i])])
    return sheet


def _weights(r: EvaluationResult, system: IndicatorSystem, lang: Language) -> _Sheet:
    heads = [_t(k, lang) for k in ("node", "indicator", "indicator_id", "weighting", "local_weight",
                                   "global_weight", "points", "cr")]
    sheet = _Sheet("sheet.weights", lang, heads, {5: _FMT_WEIGHT, 6: _FMT_WEIGHT, 7: _FMT_POINTS, 8: _FMT_CR})
    local = {nw.node: dict(zip(nw.children, nw.weights.tolist(), strict=True)) for nw in r.node_weights}
    node_w = system.node_global_weights(local)
    total = system.total_points
    for nw in r.node_weights:
        for c, w in zip(nw.children, nw.weights.tolist(), strict=True):
            g = node_w.get(c)
            sheet.add([_name(system, nw.node, lang), _name(system, c, lang), c,
                       _value("weighting", nw.method, lang), _num(w),
                       None if g is None else _num(g), None if g is None else _num(total * g),
                       None if nw.cr is None else _num(nw.cr)])
    return sheet


def _scoring(r: EvaluationResult, system: IndicatorSystem, lang: Language) -> _Sheet:
    heads = [_t(k, lang) for k in ("project", "dimension", "indicator", "points", "rule", "target", "actual",
                                   "earned", "note")]
    out = _Sheet("sheet.scoring", lang, heads, {4: _FMT_POINTS, 8: _FMT_SCORE}, most=50,
                 wrap=(5, 9))
    every = scoring_sheets(r, system)
    for i in np.argsort(r.ranks, kind="stable"):
        sheet = every[int(i)]
        title = f"{sheet.project} {sheet.project_name}" if sheet.project_name != sheet.project else sheet.project
        out.add([title, *([None] * 7), sheet.note or None], (1,))
        for d in sheet.dimensions:
            for row in (x for x in sheet.rows if x.dimension == d.dimension):
                rule = row.rule_zh if lang == "zh" else row.rule_en
                actual: float | str | None = row.actual
                if row.actual_text and "(" in row.actual_text:
                    actual = row.actual_text  # rated indicators: mean and nearest label
                note = row.note + (_t("imputed", lang) if row.imputed else "")
                out.add([sheet.project, _name(system, d.dimension, lang), _name(system, row.indicator, lang),
                         _num(row.points), rule, row.target, actual,
                         _num(row.earned), note])
            out.add([sheet.project, _name(system, d.dimension, lang), _t("subtotal", lang), _num(d.points),
                     None, None, None, _num(d.earned), None], (3, 4, 8))
        out.add([sheet.project, None, _t("total", lang), _num(sheet.total_points), None, None, None,
                 _num(sheet.earned), None], (3, 4, 8))
        out.add([sheet.project, None, f"{_t('score', lang)} ({sheet.method.upper()})", None,
                 sheet.formation_zh if lang == "zh" else sheet.formation_en, None, None, _num(sheet.score),
                 _value("grade", sheet.grade, lang)], (3, 8, 9))
        out.add([])
    return out


def _contributions(r: EvaluationResult, system: IndicatorSystem, lang: Language) -> _Sheet:
    heads = [_t("project", lang), _t("project_name", lang), _t("score", lang)]
    heads += [_name(system, j, lang) for j in r.indicator_ids]
    sheet = _Sheet("sheet.contributions", lang, heads, {k: _FMT_SCORE for k in range(3, len(heads) + 1)}, most=24)
    for i in np.argsort(r.ranks, kind="stable"):
        sheet.add([r.project_ids[i], r.project_names[i], _num(r.score_100[i]),
                   *(_num(x) for x in r.contributions[i])])
    return sheet


def _sensitivity(r: EvaluationResult, sens: SensitivityAnalysis, lang: Language) -> _Sheet:
    mc = sens.monte_carlo
    assert mc is not None  # noqa: S101 - checked by the caller
    likely_key = "likely_rank" if mc.acceptability_form == "full" else "median_rank"
    heads = [_t(k, lang) for k in ("project", "project_name", "base_rank", "p_first", likely_key,
                                   "score_mean", "score_std")]
    grades = r.grade_labels if mc.grade_probability is not None else ()
    heads += [_t("p_grade", lang, grade=_value("grade", g, lang)) for g in grades]
    fmts = {4: _FMT_WEIGHT, 6: _FMT_SCORE, 7: _FMT_SCORE}
    fmts.update({8 + k: _FMT_WEIGHT for k in range(len(grades))})
    sheet = _Sheet("sheet.sensitivity", lang, heads, fmts, most=30)
    first = mc.first_probability
    likely = mc.likely_rank
    mean100 = sens.to_100(mc.score_mean)
    std100 = 100.0 * np.asarray(mc.score_std)
    for i in np.argsort(r.ranks, kind="stable"):
        row = [r.project_ids[i], r.project_names[i], int(r.ranks[i]), _num(first[i]), int(likely[i]),
               _num(mean100[i]), _num(std100[i])]
        if mc.grade_probability is not None:
            row += [_num(x) for x in mc.grade_probability[i]]
        sheet.add(row)
    sheet.add([])
    sheet.add([_t("mc_note", lang, n=sens.samples, seed=sens.seed)])
    for note in sens.notes:
        sheet.add([note])
    return sheet


def _certainty(r: EvaluationResult, system: IndicatorSystem, u: UncertaintyAnalysis, lang: Language) -> _Sheet:
    ev, pay = u.evidence, u.payments
    assert ev is not None  # noqa: S101 - checked by the caller
    keys = ["project", "project_name", "score", "score_low", "score_high", "grade", "p_own_grade", "main_source"]
    if pay is not None:
        keys += ["decision", "contract_value", "payment", "expected_payment", "payment_low", "payment_high",
                 "money_at_risk"]
    fmts = {3: _FMT_SCORE, 4: _FMT_SCORE, 5: _FMT_SCORE, 7: _FMT_WEIGHT}
    fmts.update({c: "#,##0" for c in range(10, 16)})
    sheet = _Sheet("sheet.certainty", lang, [_t(k, lang) for k in keys], fmts, most=30)
    q = ev.to_100(ev.score_quantiles)
    lo, hi = np.minimum(q[:, 0], q[:, -1]), np.maximum(q[:, 0], q[:, -1])
    labels = [g.label for g in system.grades]
    for i in np.argsort(r.ranks, kind="stable"):
        k = labels.index(r.grades[i])
        p_own = ev.grade_probability[i, k] if ev.grade_probability is not None else None
        src = _t(f"source.{ev.sources[int(ev.main_source[i])]}", lang) if ev.main_source[i] >= 0 else _t("none", lang)
        row: list[Any] = [r.project_ids[i], r.project_names[i], _num(r.score_100[i]), _num(lo[i]), _num(hi[i]),
                          _value("grade", r.grades[i], lang), None if p_own is None else _num(p_own), src]
        if pay is not None:
            row += [pay.rules.names[int(pay.decision[i])], _num(pay.contract_value[i]), _num(pay.payment[i]),
                    _num(pay.expected_payment[i]), _num(pay.payment_low[i]), _num(pay.payment_high[i]),
                    _num(pay.money_at_risk[i])]
        sheet.add(row)
    sheet.add([])
    sep = "、" if lang == "zh" else ", "
    sources = sep.join(_t(f"source.{name}", lang) for name in ev.sources)
    sheet.add([_t("certainty_note", lang, n=u.samples, seed=u.seed, sources=sources)])
    for note in u.notes:
        sheet.add([note])
    return sheet


def _diagnostics(r: EvaluationResult, lang: Language) -> _Sheet:
    sheet = _Sheet("sheet.diagnostics", lang, [_t(k, lang) for k in ("severity", "code", "message")], most=120)
    for d in r.diagnostics:
        sheet.add([_value("severity", d.severity, lang), d.code, d.message])
    if not r.diagnostics:
        sheet.add([_t("none", lang)])
    return sheet


def _provenance(r: EvaluationResult, system: IndicatorSystem, lang: Language) -> _Sheet:
    sheet = _Sheet("sheet.provenance", lang, [_t("key", lang), _t("value", lang)], most=80)
    p = r.provenance
    rows = [
        ("system", f"{system.name} ({p.system_id})"),
        ("system_version", p.system_version),
        ("method", r.method.upper()),
        ("mode", r.mode),
        ("normalization", r.normalization),
        ("seed", "" if p.seed is None else str(p.seed)),
        ("system_hash", p.system_hash),
        ("assessment_hash", p.assessment_hash),
        ("config_hash", p.config_hash),
        ("versions", f"ppeval {p.ppeval_version}, numpy {p.numpy_version}, scipy {p.scipy_version}"),
    ]
    for key, value in rows:
        sheet.add([_t(key, lang), value])
    return sheet
