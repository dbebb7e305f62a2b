"""Empty data templates for an indicator system: an Excel workbook, or CSV files.

The workbook (``.xlsx``) has the sheets ``projects``, ``values`` and
``ratings`` in the layout :func:`ppeval.io.load_assessment` reads (the same
columns as the CSV files), plus a guide sheet listing every indicator and a
hidden ``lists`` sheet behind the drop-down lists. Data entry is checked by
Excel's data validation so it cannot produce values the system rejects:

* ``values``: one column per quantitative indicator, a decimal between the
  indicator's bounds (or range) -- any number where it has none; the header
  cell carries a note with the name, unit, direction, bounds, target or
  interval, points and scoring rule; optional ``note:<id>`` columns take the
  evidence / deviation notes shown in scoring sheets;
* ``ratings``: ``indicator`` is a drop-down of the qualitative indicators,
  ``rating`` a drop-down of that indicator's scale labels (a dependent list
  through ``INDIRECT`` of a named range per indicator), ``group`` a drop-down
  of the rater groups when the system weights them;
* ``projects``: ``contract_value`` a decimal >= 0.

The CSV form (``.csv``) writes ``<stem>.projects.csv``, ``<stem>.values.csv``
and ``<stem>.ratings.csv`` with their header rows (CSV holds no notes or
validation; the workbook is the safer form).
"""

from __future__ import annotations

import csv
import io as _io
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from ppeval.errors import InputError
from ppeval.io._assessment import NOTE_PREFIX, PROJECT_COLUMNS, RATING_COLUMNS
from ppeval.io._write import atomic_write, check_writable
from ppeval.schema import IndicatorSystem, Qualitative, Quantitative

__all__ = ["write_template", "TEMPLATE_ROWS"]

#: Rows below the header that carry data validation.
TEMPLATE_ROWS = 2000

_GUIDE = {
    "zh": ("填写说明", ["指标编号", "指标名称", "类型", "填写位置", "单位或量表", "取值范围", "分值", "评分标准"]),
    "en": ("Guide", ["Indicator id", "Name", "Kind", "Where", "Unit or scale", "Allowed values", "Points",
                     "Scoring rule"]),
}


def _localized(node: Any, lang: str) -> str:
    """A node's name in ``lang`` (its ``names`` entry when the system has one), else its ``name``."""
    names = getattr(node, "names", None)
    if isinstance(names, dict) and names:
        return str(names.get(lang) or next((v for k, v in names.items() if k.split("_")[0] == lang), node.name))
    return str(node.name)


def _describe_leaf(leaf: Quantitative | Qualitative, points: float | None, lang: str) -> dict[str, str]:
    from ppeval.schema.scoring import describe_rule

    out: dict[str, str] = {"name": _localized(leaf, lang), "points": "" if points is None else f"{points:.6g}"}
    if isinstance(leaf, Quantitative):
        out["kind"] = "quantitative"
        out["where"] = "values"
        out["unit"] = leaf.unit or ""
        span = leaf.span
        out["allowed"] = f"{span[0]:g} .. {span[1]:g}" if span else "any number"
        extra = []
        if leaf.direction == "target" and leaf.target is not None:
            extra.append(f"target {leaf.target.value:g} (tolerance {leaf.target.tolerance:g})")
        if leaf.direction == "interval" and leaf.interval is not None:
            extra.append(f"acceptable {leaf.interval.low:g} .. {leaf.interval.high:g}")
        out["direction"] = leaf.direction + (f"; {'; '.join(extra)}" if extra else "")
    else:
        out["kind"] = "qualitative"
        out["where"] = "ratings"
        labels = leaf.scale.term_labels
        values = leaf.scale.values
        out["unit"] = ", ".join(labels) if labels else ", ".join(f"{v:g}" for v in values)
        out["allowed"] = (", ".join(labels) if labels else "") + (" / " if labels else "") + \
            f"{min(values):g} .. {max(values):g}"
        out["direction"] = leaf.direction
    rule = leaf.scoring
    if rule is not None and points is not None:
        labels_by_value = None
        if isinstance(leaf, Qualitative) and leaf.scale.term_labels is not None:
            labels_by_value = dict(zip(leaf.scale.values, leaf.scale.term_labels, strict=True))
        out["rule"] = describe_rule(rule, leaf.direction, points, getattr(leaf, "unit", None),
                                    "zh" if lang == "zh" else "en", labels_by_value)
    else:
        out["rule"] = ""
    return out


def write_template(
    system: IndicatorSystem,
    path: str | os.PathLike[str],
    *,
    notes: bool = True,
    language: Literal["zh", "en"] = "zh",
    overwrite: bool = False,
) -> tuple[Path, ...]:
    """Write an empty data template for ``system``.

    Parameters
    ----------
    system : IndicatorSystem
        The system whose data the template collects.
    path : path-like
        ``*.xlsx`` for a workbook; ``*.csv`` for three CSV files named
        ``<stem>.projects.csv``, ``<stem>.values.csv``, ``<stem>.ratings.csv``.
    notes : bool
        Add a ``note`` column (a note on the whole project) and a
        ``note:<indicator id>`` column per indicator to the values table
        (evidence / deviation notes for the scoring sheet).
    language : {"zh", "en"}
        Language of the guide sheet and the header notes' labels.
    overwrite : bool
        Replace existing files (default: an existing file is an error).

    Returns
    -------
    tuple of pathlib.Path
        The files written.

    Raises
    ------
    InputError
        Unknown suffix, an existing file without ``overwrite``, bad arguments.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from ppeval.io import load_bundled
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "data.xlsx"
    >>> [p.name for p in write_template(load_bundled("budget-performance"), out)]
    ['data.xlsx']
    """
    if not isinstance(system, IndicatorSystem):
        raise InputError(f"system must be an IndicatorSystem; got {type(system).__name__}")
    if language not in ("zh", "en"):
        raise InputError(f"language is {language!r}; valid values are 'zh', 'en'")
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".xlsx":
        check_writable(p, overwrite)
        wb = _workbook(system, notes, language)
        atomic_write(p, wb.save)
        return (p,)
    if suffix == ".csv":
        stem = p.name[: -len(p.suffix)]
        targets = [p.with_name(f"{stem}.{kind}.csv") for kind in ("projects", "values", "ratings")]
        for t in targets:
            check_writable(t, overwrite)
        headers = _headers(system, notes)
        for t, kind in zip(targets, ("projects", "values", "ratings"), strict=True):
            buf = _io.StringIO()
            csv.writer(buf, lineterminator="\n").writerow(headers[kind])
            atomic_write(t, _text_writer(buf.getvalue()))
        return tuple(targets)
    raise InputError(f"{p}: unknown template type {p.suffix!r}; use .xlsx (a workbook) or .csv")


def _text_writer(text: str) -> Callable[[str], None]:
    def write(tmp: str) -> None:
        Path(tmp).write_text(text, encoding="utf-8")

    return write


def _headers(system: IndicatorSystem, notes: bool) -> dict[str, list[str]]:
    derived = set(system.derived_leaf_ids)  # DEA indicators are computed, not entered
    quant = [i for i in system.quantitative_leaf_ids if i not in derived]
    values = ["project", *quant]
    if notes:
        values += ["note", *(f"{NOTE_PREFIX}{i}" for i in system.leaf_ids)]
    # name_zh: the project's Chinese name, shown in Chinese reports (any name_<language> column is read)
    projects = [*PROJECT_COLUMNS[:2], "name_zh", *PROJECT_COLUMNS[2:]]
    return {"projects": projects, "values": values, "ratings": list(RATING_COLUMNS)}


def _note_text(leaf: Quantitative | Qualitative, info: dict[str, str], lang: str) -> str:
    if lang == "zh":
        lines = [f"{info['name']}（{leaf.id}）", f"方向：{info['direction']}"]
        if info["unit"]:
            lines.append(f"单位：{info['unit']}")
        lines.append(f"取值范围：{info['allowed']}")
        if info["points"]:
            lines.append(f"分值：{info['points']}")
        if info["rule"]:
            lines.append(f"评分标准：{info['rule']}")
    else:
        lines = [f"{info['name']} ({leaf.id})", f"direction: {info['direction']}"]
        if info["unit"]:
            lines.append(f"unit: {info['unit']}")
        lines.append(f"allowed: {info['allowed']}")
        if info["points"]:
            lines.append(f"points: {info['points']}")
        if info["rule"]:
            lines.append(f"scoring rule: {info['rule']}")
    return "\n".join(lines)


def _workbook(system: IndicatorSystem, notes: bool, lang: str) -> Any:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.workbook.defined_name import DefinedName
    from openpyxl.worksheet.datavalidation import DataValidation

    points = system.points()
    headers = _headers(system, notes)
    wb = Workbook()
    for ws in list(wb.worksheets):
        wb.remove(ws)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDE4EE")
    note_fill = PatternFill("solid", fgColor="F2F2F2")
    last = TEMPLATE_ROWS + 1

    def sheet(name: str, cols: list[str]) -> Any:
        ws = wb.create_sheet(name)
        ws.append(cols)
        for cell in ws[1]:
            cell.font = bold
            cell.fill = fill
        ws.freeze_panes = "B2"
        for j, c in enumerate(cols, start=1):
            ws.column_dimensions[get_column_letter(j)].width = max(12, min(40, len(c) + 4))
        return ws

    def validate(ws: Any, dv: Any, col: int) -> None:
        letter = get_column_letter(col)
        dv.add(f"{letter}2:{letter}{last}")
        ws.add_data_validation(dv)

    # projects
    pws = sheet("projects", headers["projects"])
    dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                        showErrorMessage=True, errorTitle="contract_value",
                        error="contract_value is a number >= 0")
    validate(pws, dv, headers["projects"].index("contract_value") + 1)

    # values
    vws = sheet("values", headers["values"])
    for j, col in enumerate(headers["values"], start=1):
        cell = vws.cell(1, j)
        if col == "project" or col == "note":
            continue
        if col.startswith(NOTE_PREFIX):
            cell.fill = note_fill
            leaf_id = col[len(NOTE_PREFIX):]
            cell.comment = Comment(
                ("偏差原因分析及说明：" if lang == "zh" else "evidence / deviation note: ")
                + _localized(system.node(leaf_id), lang), "ppeval")
            continue
        leaf = system.leaf(col)
        assert isinstance(leaf, Quantitative)  # noqa: S101 - the values columns are quantitative
        info = _describe_leaf(leaf, points.get(leaf.id), lang)
        comment = Comment(_note_text(leaf, info, lang), "ppeval")
        comment.width, comment.height = 320, 180
        cell.comment = comment
        span = leaf.span
        letter = get_column_letter(j)
        if span is not None:
            dv = DataValidation(type="decimal", operator="between", formula1=repr(float(span[0])),
                                formula2=repr(float(span[1])), allow_blank=True, showErrorMessage=True,
                                errorTitle=leaf.id, error=f"{leaf.name}: a number from {span[0]:g} to {span[1]:g}",
                                promptTitle=leaf.id, prompt=f"{span[0]:g} .. {span[1]:g}", showInputMessage=True)
        else:
            dv = DataValidation(type="custom", formula1=f"ISNUMBER({letter}2)", allow_blank=True,
                                showErrorMessage=True, errorTitle=leaf.id, error=f"{leaf.name}: a number")
        validate(vws, dv, j)

    # ratings and the lists behind their drop-downs
    rws = sheet("ratings", headers["ratings"])
    qual = [system.leaf(i) for i in system.qualitative_leaf_ids]
    lws = wb.create_sheet("lists")
    lws.append(["indicator", *(f"scale_{k + 1}" for k in range(len(qual)))])
    for k, leaf in enumerate(qual):
        lws.cell(k + 2, 1, leaf.id)
        assert isinstance(leaf, Qualitative)  # noqa: S101 - qualitative ids
        answers = list(leaf.scale.term_labels) if leaf.scale.term_labels else [
            int(v) if float(v).is_integer() else v for v in leaf.scale.values]
        col = get_column_letter(k + 2)
        for r, a in enumerate(answers, start=2):
            lws.cell(r, k + 2, a)
        ref = f"lists!${col}$2:${col}${len(answers) + 1}"
        wb.defined_names[f"scale_{k + 1}"] = DefinedName(f"scale_{k + 1}", attr_text=ref)
    if qual:
        ids_ref = f"lists!$A$2:$A${len(qual) + 1}"
        wb.defined_names["qualitative_indicators"] = DefinedName("qualitative_indicators", attr_text=ids_ref)
        dv = DataValidation(type="list", formula1="=qualitative_indicators", allow_blank=True,
                            showErrorMessage=True, errorTitle="indicator",
                            error="an id of a qualitative indicator of the system (see the list)")
        validate(rws, dv, 2)
        dv = DataValidation(type="list", formula1='=INDIRECT("scale_"&MATCH($B2,qualitative_indicators,0))',
                            allow_blank=True, showErrorMessage=True, errorTitle="rating",
                            error="a label of the indicator's scale (choose the indicator first)")
        validate(rws, dv, 5)
        rws.cell(1, 5).comment = Comment(
            "\n".join(f"{leaf.id}: {', '.join(_describe_leaf(leaf, None, lang)['unit'].split(', '))}"
                      for leaf in qual), "ppeval")
    groups = system.evaluation.rater_group_weights
    if groups:
        dv = DataValidation(type="list", formula1='"' + ",".join(sorted(groups)) + '"', allow_blank=True,
                            showErrorMessage=True, errorTitle="group",
                            error="a rater group the system weights: " + ", ".join(sorted(groups)))
        validate(rws, dv, 4)
    lws.sheet_state = "hidden"

    # guide
    title, cols = _GUIDE[lang]
    gws = wb.create_sheet(title, 0)
    gws.append(cols)
    for cell in gws[1]:
        cell.font = bold
        cell.fill = fill
    gws.freeze_panes = "A2"
    for leaf in system.leaves():
        info = _describe_leaf(leaf, points.get(leaf.id), lang)
        gws.append([leaf.id, info["name"], info["kind"], info["where"], info["unit"], info["allowed"],
                    float(info["points"]) if info["points"] else None, info["rule"]])
    gws.append([])
    gws.append([f"{system.name} ({system.id} {system.version})"])
    gws.cell(gws.max_row, 1).font = Font(bold=True)
    for j, width in enumerate((24, 40, 14, 10, 30, 30, 8, 60), start=1):
        gws.column_dimensions[get_column_letter(j)].width = width
    return wb
