"""Indicator systems and AHP judgments in an Excel workbook.

The workbook is turned into the same nested data a YAML file holds, then
validated by :func:`~ppeval.io.system_from_dict`, so every rule of a YAML
system applies. Problems the workbook layout can show itself (a missing id, an
unknown parent, a number that is not one) are named by sheet and cell; problems
found by the schema name the node's dotted path and id, and the message adds
the sheet row of each node it mentions.

Layout (sheet names in English; only ``system`` and ``indicators`` are required)
--------------------------------------------------------------------------------
``system``
    Two columns, key and value: ``id``, ``name``, ``version``, ``description``,
    ``source``, ``licence``, ``schema_version`` (default 1) and dotted keys for
    the evaluation settings, e.g. ``evaluation.missing`` = ``worst``.
``grades`` (optional)
    Columns ``label`` and ``min``, best grade first.
    Cells of number fields (bounds, targets, ranges, weights, scale points,
    grade minimums, evaluation settings) are read as numbers, all others as
    text (a version ``2024`` stays text, as it would quoted in YAML).
``indicators``
    One row per node (the root, inner nodes and indicators), header in the
    first row. ``id`` and ``parent`` (empty for the root only) place the node
    in the tree; rows of one parent keep their order. Other columns are node
    fields under their YAML names, dotted for nested ones (``bounds.worst``,
    ``scale.type``, ``weighting.method``, ``weighting.cr_policy``), with
    these short forms: ``worst``, ``best`` (bounds), ``weighting`` (its
    method), ``scale`` (its type), ``points``, ``labels`` (scale labels
    separated by ``|``). Lists are separated by ``|`` too: ``derived.inputs``
    and ``derived.outputs`` (a DEA efficiency indicator, with
    ``derived.method`` = ``dea``), ``weighting.order`` and
    ``weighting.ratios`` (G1 weights). ``weight`` gives a child's weight when its parent's
    weighting is ``fixed``, and its points when the parent's weighting is
    ``points`` (e.g. 20, 20, 30, 30). Empty cells are left out.
``judgments`` (optional)
    AHP pairwise judgments, one per row: ``node`` (the inner node whose
    weighting is ``ahp``), ``expert`` (a name; one matrix per expert),
    ``row``, ``column`` (child ids) and ``value`` (``3``, ``0.5`` or
    ``1/3``: how much more important ``row`` is than ``column``); an optional
    ``expert_weight`` column weights the experts.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ppeval.errors import DataError, SchemaError
from ppeval.io._excel import Sheet, read_workbook
from ppeval.schema import IndicatorSystem

__all__ = ["load_system_workbook", "system_dict_from_workbook"]

_ALIASES = {
    "worst": "bounds.worst",
    "best": "bounds.best",
    "weighting": "weighting.method",
    "scale": "scale.type",
    "points": "scale.points",
    "labels": "scale.labels",
}
#: Keys whose cells are numbers (others stay text, as YAML would quote them: a version "2024" is text).
_NUMERIC = {"bounds.worst", "bounds.best", "target.value", "target.tolerance", "range.low", "range.high",
            "interval.low", "interval.high", "weight", "scale.points", "weighting.cr_threshold", "min"}
_LISTS = {"scale.labels", "scale.values", "stages", "derived.inputs", "derived.outputs", "weighting.order",
          "weighting.ratios"}
_NUMBER = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")


def _value(text: str, key: str, where: str, problems: list[str]) -> Any:
    if key in _LISTS:
        items = [x.strip() for x in re.split(r"[|｜]", text) if x.strip()]
        if key in ("scale.values", "weighting.ratios"):
            return [_value(x, "weight", where, problems) for x in items]
        return items
    numeric = key in _NUMERIC or key.startswith("evaluation.")
    if numeric and _NUMBER.match(text):
        x = float(text)
        return int(x) if x.is_integer() and re.match(r"^[-+]?\d+$", text) else x
    if key in _NUMERIC:
        problems.append(f"{where}: {text!r} is not a number")
        return None
    if numeric and text.lower() in ("true", "false"):
        return text.lower() == "true"
    return text


def _put(target: dict[str, Any], dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    for p in parts[:-1]:
        target = target.setdefault(p, {})
    target[parts[-1]] = value


def _sheet(sheets: dict[str, Sheet], name: str, path: Path, required: bool) -> Sheet | None:
    found = {k.strip().lower(): v for k, v in sheets.items()}.get(name)
    if found is None and required:
        raise SchemaError(
            f"{path}: no sheet {name!r}; an indicator-system workbook has sheets 'system' and 'indicators' "
            f"(and optionally 'grades', 'judgments'); it has {', '.join(map(repr, sheets))}"
        )
    return found


def system_dict_from_workbook(path: str | Path) -> tuple[dict[str, Any], dict[str, str]]:
    """The workbook as system data (nested dicts) and, per node id, the cell of its ``id``.

    Raises
    ------
    SchemaError
        Naming the sheet and cell of every layout problem.
    """
    p = Path(path)
    try:
        sheets = {s.name: s for s in read_workbook(p, header=None)}
    except DataError as exc:  # the sheet-level problems of a system workbook are schema problems
        raise SchemaError(str(exc)) from None
    problems: list[str] = []
    data: dict[str, Any] = {"schema_version": 1}
    # system: key / value (the header row is its first pair)
    sysheet = _sheet(sheets, "system", p, True)
    assert sysheet is not None  # noqa: S101 - required=True raised otherwise
    pairs = [(sysheet.header[0], sysheet.header[1] if len(sysheet.header) > 1 else "")]
    if len(sysheet.columns) >= 2:
        pairs += list(zip(sysheet.columns[0].tolist(), sysheet.columns[1].tolist(), strict=True))
    for r, (key, text) in enumerate(pairs):
        row = sysheet.header_row if r == 0 else int(sysheet.rows[r - 1])
        if key and text != "":
            _put(data, key, _value(text, key, f"{p}: {sysheet.name}!B{row}", problems))
    # grades
    gsheet = _sheet(sheets, "grades", p, False)
    if gsheet is not None:
        cols = dict(zip(gsheet.header, gsheet.columns, strict=True))
        if "label" not in cols or "min" not in cols:
            problems.append(f"{p}: {gsheet.name}!1:1: the grades sheet needs columns 'label' and 'min'")
        else:
            data["grades"] = [
                {"label": lab, "min": _value(m, "weight", f"{p}: {gsheet.cell(i, gsheet.header.index('min'))}",
                                             problems)}
                for i, (lab, m) in enumerate(zip(cols["label"].tolist(), cols["min"].tolist(), strict=True))
            ]
    # indicators
    isheet = _sheet(sheets, "indicators", p, True)
    assert isheet is not None  # noqa: S101 - required=True raised otherwise
    header = [_ALIASES.get(h, h) for h in isheet.header]
    if "id" not in header:
        problems.append(f"{p}: {isheet.name}!{isheet.header_row}:{isheet.header_row}: no 'id' column")
        raise SchemaError(f"{p}: invalid indicator-system workbook:\n  - " + "\n  - ".join(problems))
    jid = header.index("id")
    jparent = header.index("parent") if "parent" in header else None
    nodes: dict[str, dict[str, Any]] = {}
    cells: dict[str, str] = {}
    parent_of: dict[str, str] = {}
    weights: dict[str, Any] = {}
    roots: list[str] = []
    row_of: dict[str, int] = {}
    for i in range(isheet.n):
        nid = str(isheet.columns[jid][i])
        if not nid:
            problems.append(f"{p}: {isheet.cell(i, jid)}: empty id")
            continue
        if nid in nodes:
            problems.append(f"{p}: {isheet.cell(i, jid)}: id {nid!r} appears again (first at {cells[nid]})")
            continue
        node: dict[str, Any] = {"id": nid}
        cells[nid] = isheet.cell(i, jid)
        row_of[nid] = int(isheet.rows[i])
        for j, key in enumerate(header):
            text = str(isheet.columns[j][i])
            if j in (jid, jparent) or text == "":
                continue
            value = _value(text, key, f"{p}: {isheet.cell(i, j)} (column {isheet.header[j]!r})", problems)
            if key == "weight":
                weights[nid] = value
            elif value is not None:
                _put(node, key, value)
        nodes[nid] = node
        parent = str(isheet.columns[jparent][i]) if jparent is not None else ""
        if parent:
            parent_of[nid] = parent
        else:
            roots.append(nid)
    for nid, parent in parent_of.items():
        if parent not in nodes:
            j = jparent if jparent is not None else jid
            problems.append(f"{p}: {isheet.name}!{isheet.letters[j]}{row_of[nid]}: parent {parent!r} of {nid!r} "
                            "is not an id in this sheet")
    if len(roots) != 1 and nodes:
        shown = ", ".join(f"{r!r} ({cells[r]})" for r in roots) or "none"
        problems.append(f"{p}: {isheet.name}: exactly one row without a parent (the root) is needed; found {shown}")
    if problems:
        raise SchemaError(f"{p}: invalid indicator-system workbook ({len(problems)} problems):\n  - "
                          + "\n  - ".join(problems))
    for nid, parent in parent_of.items():
        nodes[parent].setdefault("children", []).append(nodes[nid])
    for nid, w in weights.items():
        up = parent_of.get(nid)
        if up is None:
            continue
        spec = nodes[up].setdefault("weighting", {})
        spec.setdefault("method", "fixed")
        if spec.get("method") == "fixed":
            spec.setdefault("weights", {})[nid] = w
        elif spec.get("method") == "points":
            spec.setdefault("points", {})[nid] = w
    _judgments(sheets, p, nodes, problems)
    if problems:
        raise SchemaError(f"{p}: invalid indicator-system workbook ({len(problems)} problems):\n  - "
                          + "\n  - ".join(problems))
    data["root"] = nodes[roots[0]]
    return data, cells


def _judgments(sheets: dict[str, Sheet], p: Path, nodes: dict[str, dict[str, Any]], problems: list[str]) -> None:
    jsheet = _sheet(sheets, "judgments", p, False)
    if jsheet is None:
        return
    need = ("node", "expert", "row", "column", "value")
    missing = [c for c in need if c not in jsheet.header]
    if missing:
        problems.append(f"{p}: {jsheet.name}!{jsheet.header_row}:{jsheet.header_row}: the judgments sheet needs "
                        f"columns {', '.join(need)}; missing {', '.join(missing)}")
        return
    col = {c: jsheet.columns[jsheet.header.index(c)].tolist() for c in jsheet.header}
    experts: dict[str, dict[str, dict[str, Any]]] = {}
    for i in range(jsheet.n):
        nid = col["node"][i]
        node = nodes.get(nid)
        if node is None:
            problems.append(f"{p}: {jsheet.cell(i, jsheet.header.index('node'))}: unknown node {nid!r}")
            continue
        name = col["expert"][i] or "expert"
        expert = experts.setdefault(nid, {}).setdefault(name, {"name": name, "judgments": {"pairs": []}})
        if "expert_weight" in col and col["expert_weight"][i]:
            expert["weight"] = _value(col["expert_weight"][i], "weight",
                                      f"{p}: {jsheet.cell(i, jsheet.header.index('expert_weight'))}", problems)
        expert["judgments"]["pairs"].append([col["row"][i], col["column"][i], col["value"][i]])
    for nid, by_name in experts.items():
        spec = nodes[nid].setdefault("weighting", {"method": "ahp"})
        if spec.get("method") != "ahp":
            problems.append(f"{p}: {jsheet.name}: judgments for node {nid!r}, whose weighting is "
                            f"{spec.get('method')!r}, not 'ahp'")
            continue
        spec["experts"] = list(by_name.values())


def load_system_workbook(path: str | Path) -> IndicatorSystem:
    """Load an indicator system from a workbook laid out as in the module docstring."""
    from ppeval.io._system import system_from_dict

    data, cells = system_dict_from_workbook(path)
    try:
        return system_from_dict(data, source=str(path))
    except SchemaError as exc:
        text = str(exc)
        where = [f"{nid!r} is {cell}" for nid, cell in cells.items() if f"'{nid}'" in text]
        if where:
            raise SchemaError(f"{text}\n  (in the workbook: {'; '.join(where[:20])})") from None
        raise
