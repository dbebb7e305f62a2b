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

Numbers are stored as numbers with the formats a person would apply (scores
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
from ppeval.pipeline.scoring import scoring_sheet
from ppeval.pipeline.sensitivity import SensitivityAnalysis
from ppeval.pipeline.uncertainty import UncertaintyAnalysis
from ppeval.schema import IndicatorSystem

__all__ = ["write_xlsx", "LANGUAGES", "TEXT"]

Language = Literal["zh", "en"]
#: Languages of sheet names and headers.
LANGUAGES: tuple[str, ...] = ("zh", "en")

#: Every sheet name and header, ``key: (Chinese, English)``: the one place to translate.
TEXT: dict[str, tuple[str, str]] = {
    # sheets
    "sheet.scores": ("评价结果", "Scores"),
    "sheet.weights": ("指标权重", "Weights"),
    "sheet.scoring": ("评分表", "Scoring sheet"),
    "sheet.contributions": ("指标贡献", "Contributions"),
    "sheet.sensitivity": ("敏感性分析", "Sensitivity"),
    "sheet.certainty": ("结果可信度与付款", "Certainty and payments"),
    "sheet.diagnostics": ("诊断信息", "Diagnostics"),
    "sheet.provenance": ("来源与复现", "Provenance"),
    # scores
    "rank": ("排名", "Rank"),
    "project": ("项目编号", "Project"),
    "project_name": ("项目名称", "Project name"),
    "score": ("得分", "Score"),
    "grade": ("等级", "Grade"),
    "method_score": ("方法原始值", "Method score"),
    "sub_score": ("{name}得分", "{name} score"),
    # weights
    "node": ("上级指标", "Parent node"),
    "indicator": ("指标", "Indicator"),
    "indicator_id": ("指标编号", "Indicator id"),
    "weighting": ("赋权方法", "Weighting"),
    "local_weight": ("局部权重", "Local weight"),
    "global_weight": ("全局权重", "Global weight"),
    "points": ("分值", "Points"),
    "cr": ("一致性比率 CR", "Consistency ratio CR"),
    # scoring sheet
    "dimension": ("一级指标", "Dimension"),
    "rule": ("评分标准", "Scoring rule"),
    "target": ("指标值（目标）", "Target"),
    "actual": ("实际完成值", "Actual value"),
    "earned": ("得分", "Points earned"),
    "note": ("偏差原因分析及说明", "Evidence / deviation note"),
    "subtotal": ("小计", "Subtotal"),
    "total": ("合计", "Total"),
    "imputed": ("（缺失值已按规则补齐）", " (missing value imputed)"),
    "formation": ("计分方式", "How the score is formed"),
    # contributions
    "contribution_note": ("各指标对得分（0-100）的贡献", "Each indicator's part of the score (0-100)"),
    # sensitivity
    "base_rank": ("基准排名", "Base rank"),
    "p_first": ("排名第一的概率", "P(rank 1)"),
    "likely_rank": ("最可能排名", "Most likely rank"),
    "score_mean": ("得分均值", "Mean score"),
    "score_std": ("得分标准差", "Score std. dev."),
    "p_grade": ("等级“{grade}”的概率", "P({grade})"),
    "mc_note": ("蒙特卡洛权重抽样 {n} 次（种子 {seed}）", "Monte Carlo: {n} weight samples (seed {seed})"),
    # certainty and payments (evidence uncertainty)
    "score_low": ("得分下限（5%）", "Score 5 %"),
    "score_high": ("得分上限（95%）", "Score 95 %"),
    "p_own_grade": ("等级可信度", "P(this grade)"),
    "main_source": ("主要不确定来源", "Main source of spread"),
    "decision": ("处理决定", "Decision"),
    "contract_value": ("合同尾款", "Final payment at stake"),
    "payment": ("应付金额", "Payment"),
    "expected_payment": ("期望付款", "Expected payment"),
    "payment_low": ("付款下限（5%）", "Payment 5 %"),
    "payment_high": ("付款上限（95%）", "Payment 95 %"),
    "money_at_risk": ("风险金额", "Money at risk"),
    "source.weights": ("权重", "weights"),
    "source.ratings": ("评分人", "raters"),
    "source.values": ("测量值", "measured values"),
    "certainty_note": ("蒙特卡洛抽样 {n} 次（种子 {seed}），同时变动：{sources}",
                       "Monte Carlo: {n} samples (seed {seed}), varied together: {sources}"),
    # diagnostics / provenance
    "severity": ("级别", "Severity"),
    "code": ("类型", "Code"),
    "message": ("说明", "Message"),
    "key": ("项目", "Item"),
    "value": ("内容", "Value"),
    "method": ("评价方法", "Method"),
    "mode": ("计分模式", "Mode"),
    "normalization": ("标准化方法", "Normalisation"),
    "system": ("指标体系", "Indicator system"),
    "system_version": ("指标体系版本", "System version"),
    "system_hash": ("指标体系哈希", "System hash"),
    "assessment_hash": ("评价数据哈希", "Assessment hash"),
    "config_hash": ("配置哈希", "Configuration hash"),
    "seed": ("随机种子", "Seed"),
    "versions": ("软件版本", "Software versions"),
    "none": ("无", "none"),
}

_FMT_SCORE = "0.00"
_FMT_WEIGHT = "0.00%"
_FMT_POINTS = "0.##"
_FMT_RAW = "General"
_FMT_CR = "0.0000"


def _t(key: str, lang: Language, **kw: Any) -> str:
    zh, en = TEXT[key]
    text = zh if lang == "zh" else en
    return text.format(**kw) if kw else text


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
    wb = _workbook(result, system, sensitivity, lang)
    if uncertainty is not None and uncertainty.evidence is not None:
        _certainty(wb, result, system, uncertainty, lang)
    atomic_write(p, wb.save)
    return p


def _workbook(result: EvaluationResult, system: IndicatorSystem, sens: SensitivityAnalysis | None,
              lang: Language) -> Any:
    from openpyxl import Workbook

    wb = Workbook()
    for ws in list(wb.worksheets):  # the default empty sheet
        wb.remove(ws)
    _scores(wb, result, system, lang)
    _weights(wb, result, system, lang)
    _scoring(wb, result, system, lang)
    _contributions(wb, result, system, lang)
    if sens is not None and sens.monte_carlo is not None:
        _sensitivity(wb, result, sens, lang)
    _diagnostics(wb, result, lang)
    _provenance(wb, result, system, lang)
    return wb


# ------------------------------------------------------------------------------------------ helpers
def _sheet(wb: Any, key: str, lang: Language, headers: Sequence[str]) -> Any:
    from openpyxl.styles import Alignment, Font, PatternFill

    ws = wb.create_sheet(_t(key, lang))
    ws.append(list(headers))
    fill = PatternFill("solid", fgColor="DDE4EE")
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    ws.freeze_panes = "A2"
    return ws


def _formats(ws: Any, formats: dict[int, str], start: int = 2) -> None:
    """Number formats by 1-based column for rows from ``start``."""
    for row in ws.iter_rows(min_row=start):
        for cell in row:
            fmt = formats.get(cell.column)
            if fmt is not None and isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                cell.number_format = fmt


def _widths(ws: Any, most: int = 60) -> None:
    """Column widths from the longest text (CJK characters count double)."""
    from openpyxl.utils import get_column_letter

    widths: dict[int, float] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None:
                continue
            text = str(cell.value) if not isinstance(cell.value, float) else f"{cell.value:.4f}"
            w = float(sum(2 if ord(ch) > 0x2E80 else 1 for ch in text))
            widths[cell.column] = max(widths.get(cell.column, 0), w)
    for col, w in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = min(max(w + 2, 8), most)


def _name(system: IndicatorSystem, node_id: str) -> str:
    return system.node(node_id).name


# ------------------------------------------------------------------------------------------ sheets
def _scores(wb: Any, r: EvaluationResult, system: IndicatorSystem, lang: Language) -> None:
    heads = [_t(k, lang) for k in ("rank", "project", "project_name", "score", "grade", "method_score")]
    heads += [_t("sub_score", lang, name=_name(system, n)) for n in r.node_ids]
    ws = _sheet(wb, "sheet.scores", lang, heads)
    for i in np.argsort(r.ranks, kind="stable"):
        ws.append([int(r.ranks[i]), r.project_ids[i], r.project_names[i], _num(r.score_100[i]), r.grades[i],
                   _num(r.scores[i]), *(_num(x) for x in r.node_scores[i])])
    fmts = {4: _FMT_SCORE, 6: "0.0000"}
    fmts.update({7 + k: _FMT_SCORE for k in range(len(r.node_ids))})
    _formats(ws, fmts)
    _widths(ws)


def _weights(wb: Any, r: EvaluationResult, system: IndicatorSystem, lang: Language) -> None:
    heads = [_t(k, lang) for k in ("node", "indicator", "indicator_id", "weighting", "local_weight",
                                   "global_weight", "points", "cr")]
    ws = _sheet(wb, "sheet.weights", lang, heads)
    local = {nw.node: dict(zip(nw.children, nw.weights.tolist(), strict=True)) for nw in r.node_weights}
    node_w = system.node_global_weights(local)
    total = system.total_points
    for nw in r.node_weights:
        for c, w in zip(nw.children, nw.weights.tolist(), strict=True):
            g = node_w.get(c)
            ws.append([_name(system, nw.node), _name(system, c), c, nw.method, _num(w),
                       None if g is None else _num(g), None if g is None else _num(total * g),
                       None if nw.cr is None else _num(nw.cr)])
    _formats(ws, {5: _FMT_WEIGHT, 6: _FMT_WEIGHT, 7: _FMT_POINTS, 8: _FMT_CR})
    _widths(ws)


def _scoring(wb: Any, r: EvaluationResult, system: IndicatorSystem, lang: Language) -> None:
    from openpyxl.styles import Alignment, Font

    heads = [_t(k, lang) for k in ("project", "dimension", "indicator", "points", "rule", "target", "actual",
                                   "earned", "note")]
    ws = _sheet(wb, "sheet.scoring", lang, heads)
    bold = Font(bold=True)
    for i in np.argsort(r.ranks, kind="stable"):
        sheet = scoring_sheet(r, system, int(i))
        title = f"{sheet.project} {sheet.project_name}" if sheet.project_name != sheet.project else sheet.project
        ws.append([title])
        ws.cell(ws.max_row, 1).font = bold
        if sheet.note:
            ws.cell(ws.max_row, 9, sheet.note)
        for d in sheet.dimensions:
            for row in (x for x in sheet.rows if x.dimension == d.dimension):
                rule = row.rule_zh if lang == "zh" else row.rule_en
                actual: float | str | None = row.actual
                if row.actual_text and "(" in row.actual_text:
                    actual = row.actual_text  # rated indicators: mean and nearest label
                note = row.note + (_t("imputed", lang) if row.imputed else "")
                ws.append([sheet.project, d.name, row.name, _num(row.points), rule, row.target, actual,
                           _num(row.earned), note])
            ws.append([sheet.project, d.name, _t("subtotal", lang), _num(d.points), None, None, None,
                       _num(d.earned), None])
            for c in (3, 4, 8):
                ws.cell(ws.max_row, c).font = bold
        ws.append([sheet.project, None, _t("total", lang), _num(sheet.total_points), None, None, None,
                   _num(sheet.earned), None])
        for c in (3, 4, 8):
            ws.cell(ws.max_row, c).font = bold
        ws.append([sheet.project, None, f"{_t('score', lang)} ({sheet.method.upper()})", None,
                   sheet.formation_zh if lang == "zh" else sheet.formation_en, None, None, _num(sheet.score),
                   sheet.grade])
        for c in (3, 8, 9):
            ws.cell(ws.max_row, c).font = bold
        ws.append([])
    _formats(ws, {4: _FMT_POINTS, 7: _FMT_RAW, 8: _FMT_SCORE})
    _widths(ws, most=50)
    for row in ws.iter_rows(min_row=2):
        for c in (row[4], row[8]):
            c.alignment = Alignment(wrap_text=True, vertical="top")


def _contributions(wb: Any, r: EvaluationResult, system: IndicatorSystem, lang: Language) -> None:
    heads = [_t("project", lang), _t("project_name", lang), _t("score", lang)]
    heads += [_name(system, j) for j in r.indicator_ids]
    ws = _sheet(wb, "sheet.contributions", lang, heads)
    for i in np.argsort(r.ranks, kind="stable"):
        ws.append([r.project_ids[i], r.project_names[i], _num(r.score_100[i]),
                   *(_num(x) for x in r.contributions[i])])
    _formats(ws, {k: _FMT_SCORE for k in range(3, len(heads) + 1)})
    _widths(ws, most=24)


def _sensitivity(wb: Any, r: EvaluationResult, sens: SensitivityAnalysis, lang: Language) -> None:
    mc = sens.monte_carlo
    assert mc is not None  # noqa: S101 - checked by the caller
    heads = [_t(k, lang) for k in ("project", "project_name", "base_rank", "p_first", "likely_rank",
                                   "score_mean", "score_std")]
    grades = r.grade_labels if mc.grade_probability is not None else ()
    heads += [_t("p_grade", lang, grade=g) for g in grades]
    ws = _sheet(wb, "sheet.sensitivity", lang, heads)
    acc = np.asarray(mc.rank_acceptability)
    mean100 = sens.to_100(mc.score_mean)
    std100 = 100.0 * np.asarray(mc.score_std)
    for i in np.argsort(r.ranks, kind="stable"):
        row = [r.project_ids[i], r.project_names[i], int(r.ranks[i]), _num(acc[i, 0]), int(np.argmax(acc[i])) + 1,
               _num(mean100[i]), _num(std100[i])]
        if mc.grade_probability is not None:
            row += [_num(x) for x in mc.grade_probability[i]]
        ws.append(row)
    ws.append([])
    ws.append([_t("mc_note", lang, n=sens.samples, seed=sens.seed)])
    for note in sens.notes:
        ws.append([note])
    fmts = {4: _FMT_WEIGHT, 6: _FMT_SCORE, 7: _FMT_SCORE}
    fmts.update({8 + k: _FMT_WEIGHT for k in range(len(grades))})
    _formats(ws, fmts)
    _widths(ws, most=30)


def _certainty(wb: Any, r: EvaluationResult, system: IndicatorSystem, u: UncertaintyAnalysis,
               lang: Language) -> None:
    ev, pay = u.evidence, u.payments
    assert ev is not None  # noqa: S101 - checked by the caller
    keys = ["project", "project_name", "score", "score_low", "score_high", "grade", "p_own_grade", "main_source"]
    if pay is not None:
        keys += ["decision", "contract_value", "payment", "expected_payment", "payment_low", "payment_high",
                 "money_at_risk"]
    ws = _sheet(wb, "sheet.certainty", lang, [_t(k, lang) for k in keys])
    q = ev.to_100(ev.score_quantiles)
    lo, hi = np.minimum(q[:, 0], q[:, -1]), np.maximum(q[:, 0], q[:, -1])
    labels = [g.label for g in system.grades]
    for i in np.argsort(r.ranks, kind="stable"):
        k = labels.index(r.grades[i])
        p_own = ev.grade_probability[i, k] if ev.grade_probability is not None else None
        src = _t(f"source.{ev.sources[int(ev.main_source[i])]}", lang) if ev.main_source[i] >= 0 else _t("none", lang)
        row: list[Any] = [r.project_ids[i], r.project_names[i], _num(r.score_100[i]), _num(lo[i]), _num(hi[i]),
                          r.grades[i], _num(p_own), src]
        if pay is not None:
            row += [pay.rules.names[int(pay.decision[i])], _num(pay.contract_value[i]), _num(pay.payment[i]),
                    _num(pay.expected_payment[i]), _num(pay.payment_low[i]), _num(pay.payment_high[i]),
                    _num(pay.money_at_risk[i])]
        ws.append(row)
    ws.append([])
    sources = "、".join(_t(f"source.{s}", lang) for s in ev.sources) if lang == "zh" else \
        ", ".join(_t(f"source.{s}", lang) for s in ev.sources)
    ws.append([_t("certainty_note", lang, n=u.samples, seed=u.seed, sources=sources)])
    for note in u.notes:
        ws.append([note])
    fmts = {3: _FMT_SCORE, 4: _FMT_SCORE, 5: _FMT_SCORE, 7: _FMT_WEIGHT}
    fmts.update({c: "#,##0" for c in range(10, 16)})
    _formats(ws, fmts)
    _widths(ws, most=30)


def _diagnostics(wb: Any, r: EvaluationResult, lang: Language) -> None:
    ws = _sheet(wb, "sheet.diagnostics", lang, [_t(k, lang) for k in ("severity", "code", "message")])
    for d in r.diagnostics:
        ws.append([d.severity, d.code, d.message])
    if not r.diagnostics:
        ws.append([_t("none", lang)])
    _widths(ws, most=120)


def _provenance(wb: Any, r: EvaluationResult, system: IndicatorSystem, lang: Language) -> None:
    ws = _sheet(wb, "sheet.provenance", lang, [_t("key", lang), _t("value", lang)])
    p = r.provenance
    rows = [
        ("system", f"{system.name} ({p.system_id})"),
        ("system_version", p.system_version),
        ("method", r.method),
        ("mode", r.mode),
        ("normalization", r.normalization),
        ("seed", "" if p.seed is None else str(p.seed)),
        ("system_hash", p.system_hash),
        ("assessment_hash", p.assessment_hash),
        ("config_hash", p.config_hash),
        ("versions", f"ppeval {p.ppeval_version}, numpy {p.numpy_version}, scipy {p.scipy_version}"),
    ]
    for key, value in rows:
        ws.append([_t(key, lang), value])
    _widths(ws, most=80)
