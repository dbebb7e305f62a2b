"""Chapter 3, method (指标体系、评价标准和评价方法): the indicator tree, weights, grade bands, method."""

from __future__ import annotations

from ppeval.pipeline import NodeWeights
from ppeval.report._blocks import Block, Paragraph, Table
from ppeval.report.sections._common import method_name
from ppeval.report.sections._context import Context

__all__ = ["build", "expert_panel"]


def _expert_list(detail: dict[str, object]) -> list[dict[str, object]]:
    experts = detail.get("experts")
    return [e for e in experts if isinstance(e, dict)] if isinstance(experts, list) else []


def expert_panel(ctx: Context) -> dict[int, str] | None:
    """{expert index: name} when every AHP node names its experts alike (else None)."""
    names: dict[int, str] = {}
    for nw in ctx.result.node_weights:
        for e in _expert_list(nw.detail):
            index, name = e.get("index"), e.get("name")
            if not isinstance(index, int) or not isinstance(name, str):
                return None
            if names.setdefault(index, name) != name:
                return None
    return names


def _experts_text(ctx: Context, detail: dict[str, object], with_names: bool) -> str:
    _ = ctx.t._
    parts = []
    for e in _expert_list(detail):
        index = e.get("index", 0)
        label = f"E{int(index) + 1 if isinstance(index, int) else '?'}"
        if with_names and e.get("name"):
            label += f" ({e['name']})"
        cr = e.get("cr")
        flag = "" if e.get("consistent", True) else " " + _("(inconsistent)")
        parts.append(f"{label} {ctx.t.num(float(cr), 3)}{flag}" if isinstance(cr, int | float) else label)
    return "; ".join(parts)


def _weighting_text(ctx: Context, nw: NodeWeights) -> str:
    _ = ctx.t._
    d = nw.detail
    names = {"ahp": "AHP", "entropy": _("entropy"), "critic": "CRITIC", "fixed": _("fixed"),
             "equal": _("equal"), "std": _("standard deviation"), "combine": _("combination"),
             "g1": _("G1 order relation"), "cv": _("coefficient of variation"), "bwm": _("best-worst method"),
             "fuzzy_ahp": _("fuzzy AHP"), "points": _("points (full marks)")}
    if nw.method == "combine":
        sources = d.get("sources")
        rule = d.get("rule", "")
        src = ctx.t.join([names.get(str(s), str(s)) for s in sources]) if isinstance(sources, list) else ""
        return _("combination ({rule}) of {sources}").format(rule=rule, sources=src) if src else _("combination")
    if nw.method == "ahp":
        experts = d.get("experts")
        k = len(experts) if isinstance(experts, list) else 0
        return _("AHP, {k} expert(s)").format(k=k) if k else "AHP"
    if nw.method == "bwm" and "ksi" in d:
        return _("best-worst method (\u03be = {ksi}, CR = {cr})").format(
            ksi=ctx.t.num(float(d["ksi"]), 4), cr=ctx.t.num(float(d.get("consistency_ratio", 0.0)), 4))
    if nw.method == "fuzzy_ahp" and "modal_cr" in d:
        return _("fuzzy AHP (Buckley; CR of the modal judgments {cr})").format(cr=ctx.t.num(float(d["modal_cr"]), 4))
    if d.get("fallback"):
        return _("{method} (fell back to {fallback})").format(
            method=names.get(nw.method, nw.method), fallback=names.get(str(d["fallback"]), str(d["fallback"])))
    return names.get(nw.method, nw.method)


def build(ctx: Context) -> list[Block]:
    r, t = ctx.result, ctx.t
    _ = t._
    blocks: list[Block] = [Paragraph(
        _("Every inner node weighs its children as the indicator system says (fixed weights, AHP from "
          "experts' pairwise judgments, fuzzy AHP, G1 or the best-worst method from fewer expert judgments, "
          "entropy, CRITIC or the coefficient of variation from the data, or a combination). The global weight "
          "of an indicator is the product of the local weights on its path from the root. CR is the "
          "consistency ratio of the (aggregated) AHP judgments; Saaty's threshold is 0.1.")
    )]
    panel = expert_panel(ctx)
    notes: dict[str, list[str]] = {}
    for d in r.diagnostics:
        if d.code in ("ahp_inconsistent", "weights_fallback") or d.code.endswith("_near_zero"):
            key = d.indicator or d.node
            if key:
                notes.setdefault(key, []).append(d.message)
    rows, indent, emph = [], [], []
    kinds = {"quantitative": _("quantitative"), "qualitative": _("qualitative")}
    directions = {"benefit": _("benefit"), "cost": _("cost"), "target": _("target"), "interval": _("interval")}
    for node_id, depth, local, glob in ctx.walk():
        nw = ctx.nodes.get(node_id)
        label = ctx.traced(node_id)
        if nw is not None:
            kind = _("group")
            if ctx.system is not None:
                stage = ctx.system.stage_of(node_id)
                if stage:
                    kind = _("group (stage {stage})").format(stage=ctx.name(stage))
            threshold = nw.detail.get("cr_threshold", 0.1)
            cr = "-" if nw.cr is None else t.num(nw.cr, 3)
            bad = nw.cr is not None and isinstance(threshold, int | float) and nw.cr > threshold
            if bad:
                cr += f" > {threshold:g}"
            rows.append((label, kind, _weighting_text(ctx, nw), t.num(local, 4), t.num(glob, 4), cr,
                         _experts_text(ctx, nw.detail, not panel), "; ".join(notes.get(node_id, []))))
            emph.append(bad)
        else:
            j = ctx.col.get(node_id)
            kind = kinds.get(r.indicator_kinds[j], r.indicator_kinds[j]) if j is not None else _("indicator")
            if ctx.system is not None and j is not None:
                leaf = ctx.system.leaf(node_id)
                kind = f"{kind}, {directions.get(leaf.direction, leaf.direction)}"
            glob_w = float(r.weights[j]) if j is not None else glob
            rows.append((label, kind, "", t.num(local, 4), t.num(glob_w, 4), "", "",
                         "; ".join(notes.get(node_id, []))))
            emph.append(False)
        indent.append(depth)
    header: tuple[str, ...] = (_("Node / indicator"), _("Type"), _("Weighting"), _("Local weight"),
                               _("Global weight"), "CR", _("Experts' CR"), _("Notes"))
    numeric: tuple[bool, ...] = (False, False, False, True, True, True, False, False)
    keep = [j for j in range(len(header)) if j < 5 or any(row[j] for row in rows)]
    blocks.append(Table(
        tuple(header[j] for j in keep), tuple(tuple(row[j] for j in keep) for row in rows),
        caption=_("Indicator system and weights"), numeric=tuple(numeric[j] for j in keep), indent=tuple(indent),
        emphasis=tuple(emph),
    ))
    if r.qualitative is not None:
        text = _("Qualitative indicators carry {share} of the total weight").format(
            share=t.pct(r.qualitative.weight_share))
        if ctx.system is not None and ctx.system.evaluation.qualitative_floor is not None:
            text += _(" (the system's floor is {floor})").format(floor=t.pct(ctx.system.evaluation.qualitative_floor))
        blocks.append(Paragraph(text + _(".")))
    bands = ctx.grade_bands()
    if bands:
        parts = [_("{grade} \u2265 {low}").format(grade=label, low=f"{low:g}") for label, low in bands[:-1]]
        if len(bands) > 1:
            parts.append(_("{grade} below {low}").format(grade=bands[-1][0], low=f"{bands[-2][1]:g}"))
        else:
            parts.append(bands[-1][0])
        blocks.append(Paragraph(_("Evaluation standard (grades of the 0-100 score): {bands}.").format(
            bands=t.join(parts))))
    blocks.append(Paragraph(_("Evaluation method: {method}; {mode} mode.").format(
        method=method_name(ctx, r.method), mode=_(r.mode))))
    return blocks
