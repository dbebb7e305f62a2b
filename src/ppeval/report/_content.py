"""What a report says: the sections, tables and figures built from an evaluation result.

:func:`build_document` turns an :class:`~ppeval.pipeline.EvaluationResult`
(plus, optionally, the indicator system for names and grade bands, a
:class:`~ppeval.report.SensitivityAnalysis` and the command that reproduces
the result) into a :class:`~ppeval.report._blocks.Document`. Renderers never
compute: every number shown is decided here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np

from ppeval.pipeline import EvaluationResult, NodeWeights
from ppeval.pipeline.sensitivity import OAT_STEPS, SensitivityAnalysis
from ppeval.report import plots
from ppeval.report._blocks import (
    Block,
    Code,
    Document,
    Figure,
    KeyValues,
    Paragraph,
    Section,
    Subsection,
    Table,
)
from ppeval.schema import IndicatorSystem

__all__ = ["SECTIONS", "build_document", "sensitivity_tables"]

#: (anchor id, heading) of every top-level section, in order.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("summary", "Summary"),
    ("breakdown", "Score breakdown by stage and dimension"),
    ("weights", "Weights and their origin"),
    ("contributions", "Contributions and weakest indicators"),
    ("qualitative", "Qualitative evidence"),
    ("sensitivity", "Sensitivity and robustness"),
    ("diagnostics", "Diagnostics and warnings"),
    ("provenance", "Provenance and reproduction"),
)

_METHOD_NAMES = {
    "topsis": "TOPSIS (Hwang & Yoon 1981)",
    "wsm": "the weighted sum (simple additive weighting)",
    "vikor": "VIKOR (Opricovic & Tzeng 2004)",
    "fce": "fuzzy comprehensive evaluation (weighted-average operator)",
}
_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
_MAX_TORNADO = 12


def _f(x: float, digits: int = 1) -> str:
    return f"{x:.{digits}f}"


def _pct(x: float, digits: int = 1) -> str:
    return f"{100.0 * x:.{digits}f} %"


def _heading(section_id: str) -> str:
    return dict(SECTIONS)[section_id]


@dataclass(frozen=True)
class _Context:
    """Names and orders shared by the sections."""

    result: EvaluationResult
    system: IndicatorSystem | None
    names: dict[str, str]
    order: np.ndarray  # project indices, best first
    nodes: dict[str, NodeWeights]
    root: str | None
    col: dict[str, int]  # indicator id -> column

    def name(self, node_id: str) -> str:
        return self.names.get(node_id, node_id)

    def project(self, i: int) -> str:
        pid, name = self.result.project_ids[i], self.result.project_names[i]
        return pid if name == pid else f"{pid} ({name})"

    def leaves_under(self, node_id: str) -> list[int]:
        if node_id in self.col:
            return [self.col[node_id]]
        nw = self.nodes.get(node_id)
        if nw is None:
            return []
        out: list[int] = []
        for child in nw.children:
            out += self.leaves_under(child)
        return out

    def walk(self) -> list[tuple[str, int, float, float]]:
        """(id, depth, local weight, global weight) of every node, depth-first from the root."""
        out: list[tuple[str, int, float, float]] = []
        if self.root is None:
            return out

        def visit(node_id: str, depth: int, local: float, glob: float) -> None:
            out.append((node_id, depth, local, glob))
            nw = self.nodes.get(node_id)
            if nw is None:
                return
            for child, w in zip(nw.children, nw.weights, strict=True):
                visit(child, depth + 1, float(w), glob * float(w))

        visit(self.root, 0, 1.0, 1.0)
        return out


def _context(result: EvaluationResult, system: IndicatorSystem | None) -> _Context:
    names: dict[str, str] = {}
    if system is not None:
        names = {g.id: g.name for g in system.inner_nodes()}
        names.update({leaf.id: leaf.name for leaf in system.leaves()})
    nodes = {nw.node: nw for nw in result.node_weights}
    children = {c for nw in result.node_weights for c in nw.children}
    roots = [nw.node for nw in result.node_weights if nw.node not in children]
    return _Context(
        result=result,
        system=system,
        names=names,
        order=np.argsort(result.ranks, kind="stable"),
        nodes=nodes,
        root=roots[0] if roots else None,
        col={ind: j for j, ind in enumerate(result.indicator_ids)},
    )


def _grade_bands(ctx: _Context) -> list[tuple[str, float]]:
    if ctx.system is None:
        return []
    return [(b.label, float(b.min)) for b in ctx.system.grades]


# --------------------------------------------------------------------------- sections


def _share_note(share: float) -> str:
    """Why a variance share can lie outside 0-100 % (it is a covariance share, not a fraction)."""
    if 0.0 <= share <= 1.0:
        return ""
    return (
        " (a share of the variance is the covariance of these indicators' contributions with the total score "
        "divided by the variance of the total; the shares of all indicators add up to 100 %, so when the other "
        "indicators pull the scores the opposite way their share is negative and this one exceeds 100 %"
        if share > 1.0
        else " (negative: these indicators' contributions vary against the total score, pulling the projects "
        "together; the shares of all indicators add up to 100 %"
    ) + ")"


def _summary(ctx: _Context, sens: SensitivityAnalysis | None) -> Section:
    r = ctx.result
    n, m = len(r.project_ids), len(r.indicator_ids)
    n_qual = sum(k == "qualitative" for k in r.indicator_kinds)
    blocks: list[Block] = []
    if ctx.system is not None:
        s = ctx.system
        what = f"the indicator system \u201c{s.name}\u201d ({s.id}, version {s.version})"
    else:
        what = f"the indicator system {r.provenance.system_id} (version {r.provenance.system_version})"
    mode = (
        "absolute mode: each indicator is measured against its bounds, but some weights are computed from "
        "the evaluated projects' data (entropy, CRITIC or CV), so each project's score does depend on which "
        "other projects were evaluated, through those weights"
        if r.mode == "absolute" and r.diagnostics_of("weights_depend_on_set")
        else "absolute mode: each indicator is measured against its bounds, so a project's score does not "
        "depend on which other projects were evaluated"
        if r.mode == "absolute"
        else "relative mode: each indicator is measured against the evaluated projects, so scores change "
        "when projects are added or removed"
    )
    blocks.append(Paragraph(
        f"{n} project{'s' if n != 1 else ''} evaluated against {what}: {m} indicators, {n_qual} of them "
        f"qualitative (ratings). Scores by {_METHOD_NAMES.get(r.method, r.method)} in {mode}. "
        "Scores are on a 0-100 scale; rank 1 is best."
    ))
    bands = _grade_bands(ctx)
    if bands:
        parts = [f"{label} \u2265 {low:g}" for label, low in bands[:-1]]
        parts.append(f"{bands[-1][0]} below {bands[-2][1]:g}" if len(bands) > 1 else bands[-1][0])
        blocks.append(Paragraph("Grades: " + ", ".join(parts) + "."))
    mc = sens.monte_carlo if sens is not None else None
    if mc is not None and n >= 1:
        lead = int(ctx.order[0])
        drawn = "drawn uniformly over all weight vectors" if sens is not None and sens.concentration is None \
            else "drawn around the evaluated weights"
        blocks.append(Paragraph(
            f"Robustness: {ctx.project(lead)} ranks first in {_pct(float(mc.rank_acceptability[lead, 0]))} "
            f"of {mc.samples} weight samples {drawn} (see \u201c{_heading('sensitivity')}\u201d)."
        ))
    header = ["Rank", "Project", "Name", "Score", "Grade"]
    numeric = [True, False, False, True, False]
    if mc is not None:
        header += ["P(rank 1)", "P(same grade)"]
        numeric += [True, True]
    header.append("Weakest indicators")
    numeric.append(False)
    rows = []
    labels = list(r.grade_labels)
    for i in ctx.order:
        row = [str(int(r.ranks[i])), r.project_ids[i], r.project_names[i], _f(float(r.score_100[i]), 2),
               r.grades[i]]
        if mc is not None:
            row.append(_pct(float(mc.rank_acceptability[i, 0])))
            gp = mc.grade_probability
            if gp is not None and r.grades[i] in labels:
                row.append(_pct(float(gp[i, labels.index(r.grades[i])])))
            else:
                row.append("-")
        row.append(", ".join(r.weakest[i]) or "-")
        rows.append(tuple(row))
    blocks.append(Table(tuple(header), tuple(rows), caption="Ranking", numeric=tuple(numeric)))
    blocks.append(Figure(
        name="scores",
        svg=plots.score_bars([r.project_ids[i] for i in ctx.order], r.score_100[ctx.order], bands,
                             name="scores"),
        caption="Scores (0-100), best first; dashed lines mark the grade thresholds.",
        alt="Horizontal bar chart of the projects' scores with grade thresholds.",
    ))
    return Section("summary", _heading("summary"), tuple(blocks))


def _breakdown(ctx: _Context) -> Section:
    r = ctx.result
    blocks: list[Block] = []
    if not r.node_ids:
        blocks.append(Paragraph("The indicator tree has no inner nodes below the root; there is no breakdown."))
        return Section("breakdown", _heading("breakdown"), tuple(blocks))
    blocks.append(Paragraph(
        "Sub-score (0-100) of every project on every stage and dimension of the indicator tree: the same "
        "method applied to the indicators under that node, with their weights renormalised. A low sub-score "
        "shows where a project lost its points."
    ))
    depth = {node: d for node, d, _, _ in ctx.walk()}
    header = ("Stage / dimension", *[r.project_ids[i] for i in ctx.order])
    rows = []
    indent = []
    for k, node in enumerate(r.node_ids):
        label = ctx.name(node)
        label = label if label == node else f"{label} [{node}]"
        rows.append((label, *[_f(float(r.node_scores[i, k])) for i in ctx.order]))
        indent.append(max(0, depth.get(node, 1) - 1))
    blocks.append(Table(header, tuple(rows), caption="Sub-scores by node (projects best first)",
                        numeric=(False, *[True] * len(ctx.order)), indent=tuple(indent)))
    blocks.append(Figure(
        name="breakdown",
        svg=plots.heatmap([r.project_ids[i] for i in ctx.order], list(r.node_ids), r.node_scores[ctx.order],
                          name="breakdown", colorbar_label="sub-score (0-100)"),
        caption="Sub-scores (0-100) of every project (rows, best first) on every stage and dimension "
                "(columns); darker is lower.",
        alt="Heatmap of sub-scores by project and node.",
    ))
    return Section("breakdown", _heading("breakdown"), tuple(blocks))


def _expert_list(detail: dict[str, object]) -> list[dict[str, object]]:
    experts = detail.get("experts")
    return [e for e in experts if isinstance(e, dict)] if isinstance(experts, list) else []


def _experts_text(detail: dict[str, object], with_names: bool) -> str:
    parts = []
    for e in _expert_list(detail):
        index = e.get("index", 0)
        label = f"E{int(index) + 1 if isinstance(index, int) else '?'}"
        if with_names and e.get("name"):
            label += f" ({e['name']})"
        cr = e.get("cr")
        flag = "" if e.get("consistent", True) else " (inconsistent)"
        parts.append(f"{label} {float(cr):.3f}{flag}" if isinstance(cr, int | float) else label)
    return "; ".join(parts)


def _panel(ctx: _Context) -> dict[int, str] | None:
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


def _weighting_text(nw: NodeWeights) -> str:
    d = nw.detail
    if nw.method == "combine":
        sources = d.get("sources")
        rule = d.get("rule", "")
        src = ", ".join(str(s) for s in sources) if isinstance(sources, list) else ""
        return f"combine ({rule}) of {src}" if src else "combine"
    if nw.method == "ahp":
        experts = d.get("experts")
        k = len(experts) if isinstance(experts, list) else 0
        return f"AHP, {k} expert{'s' if k != 1 else ''}" if k else "AHP"
    if nw.method == "bwm" and "ksi" in d:
        return f"best-worst method (ξ = {d['ksi']:.4f}, CR = {d.get('consistency_ratio', 0.0):.4f})"
    if nw.method == "fuzzy_ahp" and "modal_cr" in d:
        return f"fuzzy AHP (Buckley; CR of the modal judgments {d['modal_cr']:.4f})"
    if nw.method == "g1":
        return "G1 order relation"
    if d.get("fallback"):
        return f"{nw.method} (fell back to {d['fallback']})"
    if nw.method == "cv":
        return "coefficient of variation"
    return nw.method


def _weights(ctx: _Context) -> Section:
    r = ctx.result
    blocks: list[Block] = [Paragraph(
        "Every inner node weighs its children as the indicator system says (fixed weights, AHP from "
        "experts' pairwise judgments, fuzzy AHP, G1 or the best-worst method from fewer expert judgments, "
        "entropy, CRITIC or the coefficient of variation from the data, or a combination). The global weight "
        "of an indicator is the product of the local weights on its path from the root. CR is the "
        "consistency ratio of the (aggregated) AHP judgments; Saaty's threshold is 0.1."
    )]
    panel = _panel(ctx)
    if panel:
        blocks.append(Paragraph(
            "Experts: " + "; ".join(f"E{k + 1} = {name}" for k, name in sorted(panel.items()))
            + ". The Experts' CR column gives each expert's consistency ratio at the node."
        ))
    notes: dict[str, list[str]] = {}
    for d in r.diagnostics:
        if d.code in ("ahp_inconsistent", "weights_fallback") or d.code.endswith("_near_zero"):
            key = d.indicator or d.node
            if key:
                notes.setdefault(key, []).append(d.message)
    rows, indent, emph = [], [], []
    for node_id, depth, local, glob in ctx.walk():
        nw = ctx.nodes.get(node_id)
        label = ctx.name(node_id)
        label = label if label == node_id else f"{label} [{node_id}]"
        if nw is not None:
            kind = "group"
            if ctx.system is not None:
                stage = ctx.system.stage_of(node_id)
                if stage:
                    kind = f"group (stage {stage})"
            threshold = nw.detail.get("cr_threshold", 0.1)
            cr = "-" if nw.cr is None else f"{nw.cr:.3f}"
            bad = nw.cr is not None and isinstance(threshold, int | float) and nw.cr > threshold
            if bad:
                cr += f" > {threshold:g}"
            rows.append((label, kind, _weighting_text(nw), _f(local, 4), _f(glob, 4), cr,
                         _experts_text(nw.detail, not panel), "; ".join(notes.get(node_id, []))))
            emph.append(bad)
        else:
            j = ctx.col.get(node_id)
            kind = r.indicator_kinds[j] if j is not None else "indicator"
            if ctx.system is not None and j is not None:
                leaf = ctx.system.leaf(node_id)
                kind = f"{kind}, {leaf.direction}"
            glob_w = float(r.weights[j]) if j is not None else glob
            rows.append((label, kind, "", _f(local, 4), _f(glob_w, 4), "", "",
                         "; ".join(notes.get(node_id, []))))
            emph.append(False)
        indent.append(depth)
    header: tuple[str, ...] = ("Node / indicator", "Type", "Weighting", "Local weight", "Global weight", "CR",
                               "Experts' CR", "Notes")
    numeric: tuple[bool, ...] = (False, False, False, True, True, True, False, False)
    keep = [j for j in range(len(header)) if j < 5 or any(row[j] for row in rows)]
    blocks.append(Table(
        tuple(header[j] for j in keep), tuple(tuple(row[j] for j in keep) for row in rows),
        caption="Weights tree", numeric=tuple(numeric[j] for j in keep), indent=tuple(indent),
        emphasis=tuple(emph),
    ))
    if r.qualitative is not None:
        text = f"Qualitative indicators carry {_pct(r.qualitative.weight_share)} of the total weight"
        if ctx.system is not None and ctx.system.evaluation.qualitative_floor is not None:
            text += f" (the system's floor is {_pct(ctx.system.evaluation.qualitative_floor)})"
        blocks.append(Paragraph(text + "."))
    return Section("weights", _heading("weights"), tuple(blocks))


def _top_groups(ctx: _Context) -> tuple[list[str], np.ndarray]:
    """Children of the root and the (n, k) contributions summed under each."""
    r = ctx.result
    if ctx.root is None:
        return ["all indicators"], r.contributions.sum(axis=1, keepdims=True)
    groups = list(ctx.nodes[ctx.root].children)
    parts = np.column_stack([
        r.contributions[:, ctx.leaves_under(g)].sum(axis=1) if ctx.leaves_under(g) else np.zeros(len(r.ranks))
        for g in groups
    ])
    return groups, parts


def _contributions(ctx: _Context) -> Section:
    r = ctx.result
    blocks: list[Block] = [Paragraph(
        "Contribution of every indicator to every project's 0-100 score (the contributions of a project add "
        "up to its score), and the points it lost against the best possible value: shortfall = 100 w (1 - r), "
        "with w the indicator's global weight and r its normalised value in [0, 1]. The weakest indicators "
        "of a project are those with the largest shortfall: where improving would gain most."
    )]
    groups, parts = _top_groups(ctx)
    blocks.append(Figure(
        name="contributions",
        svg=plots.stacked_bars([r.project_ids[i] for i in ctx.order], np.clip(parts[ctx.order], 0, None),
                               groups, name="contributions"),
        caption="Score of every project split by the top-level nodes of the indicator tree (shade and "
                "hatching per node).",
        alt="Stacked bar chart of score contributions by stage.",
    ))
    rows = []
    for i in ctx.order:
        weak = []
        for ind in r.weakest[i]:
            j = ctx.col[ind]
            weak.append(f"{ind} (-{_f(float(r.shortfall[i, j]))})")
        top = np.argsort(-r.contributions[i], kind="stable")[:3]
        best = [f"{r.indicator_ids[j]} (+{_f(float(r.contributions[i, j]))})" for j in top]
        rows.append((r.project_ids[i], _f(float(r.score_100[i]), 2), "; ".join(weak) or "-", "; ".join(best)))
    blocks.append(Table(
        ("Project", "Score", "Weakest indicators (points lost)", "Largest contributions (points)"),
        tuple(rows), caption="Why each project got its score", numeric=(False, True, False, False),
    ))
    imputed = np.asarray(r.imputed, dtype=bool)
    header = ("Indicator", "Weight", *[r.project_ids[i] for i in ctx.order])
    crow = []
    for j, ind in enumerate(r.indicator_ids):
        cells = []
        for i in ctx.order:
            cell = _f(float(r.contributions[i, j]), 2)
            cells.append(cell + "*" if imputed[i, j] else cell)
        label = ctx.name(ind)
        crow.append((label if label == ind else f"{label} [{ind}]", _f(float(r.weights[j]), 4), *cells))
    caption = "Contribution of each indicator (points of the 0-100 score)"
    if imputed.any():
        caption += "; * marks an imputed value"
    blocks.append(Table(header, tuple(crow), caption=caption, numeric=(False, *[True] * (len(header) - 1))))
    return Section("contributions", _heading("contributions"), tuple(blocks))


def _qualitative(ctx: _Context) -> Section:
    r = ctx.result
    q = r.qualitative
    if q is None:
        return Section("qualitative", _heading("qualitative"), (Paragraph(
            "This indicator system has no qualitative (rated) indicators; every indicator is measured."),))
    blocks: list[Block] = [Paragraph(
        f"{len(q.indicator_ids)} indicators rest on ratings by {len(q.groups)} rater group"
        f"{'s' if len(q.groups) != 1 else ''} ({', '.join(q.groups)}). They carry {_pct(q.weight_share)} of "
        f"the total weight and account for {_pct(q.variance_share)} of the variance of the scores across "
        f"projects{_share_note(q.variance_share)}. Agreement is Krippendorff's alpha (ordinal) between the "
        "raters of the same project; values below 0.667 are commonly read as too little agreement to rely on."
    )]
    min_raters = ctx.system.evaluation.min_raters if ctx.system is not None else None
    header = ["Indicator", "Raters per project", "Missing answers", "Alpha", *q.groups]
    rows, emph = [], []
    for k, ind in enumerate(q.indicator_ids):
        nr = q.n_raters[:, k]
        raters = f"{int(nr.min())}-{int(nr.max())}" if nr.min() != nr.max() else str(int(nr.min()))
        alpha = _f(float(q.agreement[k]), 3) if bool(q.agreement_defined[k]) else "n/a"
        means = []
        for g in range(len(q.groups)):
            cnt = q.group_counts[g, :, k]
            if cnt.sum() > 0:
                means.append(_f(float((q.group_values[g, :, k] * cnt).sum() / cnt.sum()), 2))
            else:
                means.append("-")
        label = ctx.name(ind)
        rows.append((label if label == ind else f"{label} [{ind}]", raters, str(int(q.n_missing[:, k].sum())),
                     alpha, *means))
        thin = min_raters is not None and int(nr.min()) < min_raters
        emph.append(thin or (bool(q.agreement_defined[k]) and float(q.agreement[k]) < 0.667))
    caption = ("Evidence per qualitative indicator: raters, missing answers, agreement (alpha) and the mean "
               "rating of each rater group on the indicator's scale")
    if min_raters is not None:
        caption += f"; marked rows have fewer than {min_raters} raters for some project or alpha < 0.667"
    blocks.append(Table(tuple(header), tuple(rows), caption=caption,
                        numeric=(False, True, True, True, *[True] * len(q.groups)), emphasis=tuple(emph)))
    if q.resident_scores is not None and q.resident_ranks is not None:
        rs, rr = q.resident_scores, q.resident_ranks
        rows = []
        for i in ctx.order:
            diff = float(rs[i] - r.score_100[i])
            rows.append((r.project_ids[i], _f(float(r.score_100[i]), 2), str(int(r.ranks[i])),
                         _f(float(rs[i]), 2), str(int(rr[i])), f"{diff:+.2f}"))
        blocks.append(Subsection("residents", "Residents' view and the others'", (
            Paragraph(
                "The same evaluation with the qualitative indicators rated by residents only, beside the "
                "evaluation with every rater group. A large difference means residents see a project "
                "differently from experts, officials or service users."
            ),
            Table(("Project", "Score (all raters)", "Rank", "Score (residents)", "Rank (residents)",
                   "Difference"), tuple(rows), caption="All raters vs residents only",
                  numeric=(False, True, True, True, True, True)),
            Figure(
                name="residents",
                svg=plots.dumbbell([r.project_ids[i] for i in ctx.order], r.score_100[ctx.order],
                                   rs[ctx.order], "all raters", "residents only", name="residents"),
                caption="Score with all raters (filled circle) and with residents' ratings only (open square).",
                alt="Dot plot comparing scores by all raters and by residents only.",
            ),
        )))
    return Section("qualitative", _heading("qualitative"), tuple(blocks))


def _critical_table(ctx: _Context, sens: SensitivityAnalysis) -> Table | None:
    c = sens.critical
    r = ctx.result
    if c is None:
        return None
    lead = r.project_ids[c.leader]

    def change(k: int, d: int) -> str:
        if not bool(c.top.feasible[k, d]):
            return "none"
        taker = r.project_ids[int(c.top.taker[k, d])]
        rel = f" ({float(c.top.relative_percent[k, d]):+.0f} %)" if bool(c.top.relative_defined[k, d]) else ""
        return f"{float(c.base_weights[k]):.4f} \u2192 {float(c.top.new_weight[k, d]):.4f}{rel}: {taker} first"

    def any_pair(k: int) -> str:
        feas = np.asarray(c.pairs.feasible[k])  # (2, n - 1)
        if not feas.any():
            return "none"
        size = np.where(feas, np.abs(np.asarray(c.pairs.change[k])), np.inf)
        d, p = np.unravel_index(int(np.argmin(size)), size.shape)
        up, low = (r.project_ids[int(x)] for x in c.pair_alternatives[p])
        return f"{float(c.pairs.new_weight[k, d, p]):.4f}: {low} passes {up}"

    m = len(r.indicator_ids)
    size = np.where(np.asarray(c.top.feasible), np.abs(np.asarray(c.top.change)), np.inf).min(axis=1)
    order = np.argsort(size, kind="stable")
    rows = []
    for k in order[:m]:
        ind = r.indicator_ids[int(k)]
        rows.append((ind, _f(float(c.base_weights[k]), 4), change(int(k), 0), change(int(k), 1), any_pair(int(k))))
    how = "exact (closed form)" if c.exact else f"search to within {c.tolerance:g} in the weight"
    return Table(
        ("Indicator", "Weight", "Raise weight until the leader changes", "Lower weight until the leader changes",
         "Smallest change that swaps two neighbours"),
        tuple(rows),
        caption=f"Critical weight changes (leader {lead}; other weights keep their proportions; {how}); "
                "the most critical indicators first",
        numeric=(False, True, False, False, False),
    )


def _agreement_tables(ctx: _Context, sens: SensitivityAnalysis) -> list[Table]:
    a = sens.agreement
    r = ctx.result
    if a is None:
        return []
    rows = []
    for k, meth in enumerate(a.methods):
        top = [r.project_ids[i] for i in np.flatnonzero(a.ranks[k] == 1)]
        rows.append((meth + (" (reference)" if k == a.reference_index else ""), ", ".join(top),
                     _f(float(a.spearman_to_reference[k]), 3), _f(float(a.ws_to_reference[k]), 3),
                     "yes" if bool(a.same_top[k]) else "no"))
    summary = Table(("Method", "Ranked first", "Spearman", "WS", "Same leader"), tuple(rows),
                    caption=f"Agreement of other methods with {a.reference} (1 = identical ranking)",
                    numeric=(False, False, True, True, False))
    header = ("Project", *a.methods)
    prow = tuple((r.project_ids[i], *[str(int(a.ranks[k, i])) for k in range(len(a.methods))])
                 for i in ctx.order)
    ranks = Table(header, prow, caption="Rank of every project by every method",
                  numeric=(False, *[True] * len(a.methods)))
    return [summary, ranks]


def sensitivity_tables(
    result: EvaluationResult, sens: SensitivityAnalysis, system: IndicatorSystem | None = None
) -> list[tuple[str, tuple[str, ...], tuple[tuple[str, ...], ...]]]:
    """The critical-weight and method-agreement tables as ``(title, header, rows)`` (for the CLI)."""
    ctx = _context(result, system)
    tables = [t for t in (_critical_table(ctx, sens), *_agreement_tables(ctx, sens)) if t is not None]
    return [(t.caption or "", t.header, t.rows) for t in tables]


def _sensitivity(ctx: _Context, sens: SensitivityAnalysis | None) -> Section:
    r = ctx.result
    sid, title = "sensitivity", _heading("sensitivity")
    if sens is None:
        return Section(sid, title, (Paragraph(
            "No sensitivity analysis was run for this report. Run `ppeval sensitivity RESULT.json SYSTEM DATA` "
            "or `ppeval evaluate ... --report OUT --samples N` to add rank acceptability, one-at-a-time and "
            "critical weight changes, method agreement and the qualitative-share sweep.", "note"),))
    blocks: list[Block] = [Paragraph(
        "How far the ranking can be trusted: would a project keep its place if the weights were somewhat "
        "different, if another method were used, or if ratings counted more or less?"
    )]
    how = f"{sens.method.upper()}" + (f" ({sens.normalization})" if sens.normalization else "")
    how += ", against the bounds" if sens.absolute else ", relative to the evaluated projects"
    blocks.append(Paragraph(f"The analyses score with {how}."))
    for note in sens.notes:
        blocks.append(Paragraph(note, "note"))
    ids_by_rank = [r.project_ids[i] for i in ctx.order]
    mc = sens.monte_carlo
    if mc is not None:
        n = len(r.project_ids)
        spread = ("uniformly over all weight vectors" if sens.concentration is None else
                  f"from a Dirichlet distribution centred on the evaluated weights (concentration "
                  f"{sens.concentration:g}: a weight w varies with standard deviation "
                  f"\u221a(w(1-w)/{sens.concentration + 1:g}))")
        sub: list[Paragraph | Table | Figure | KeyValues | Code] = [Paragraph(
            f"{mc.samples} weight vectors drawn {spread}, seed {sens.seed}. The rank acceptability index "
            "(SMAA-2, Lahdelma & Salminen 2001) is the share of draws in which a project takes each rank."
        )]
        ra = np.asarray(mc.rank_acceptability)[ctx.order]
        sub.append(Figure(
            name="acceptability",
            svg=plots.heatmap(ids_by_rank, [str(k) for k in range(1, n + 1)], 100.0 * ra, name="acceptability",
                              xlabel="rank", colorbar_label="share of samples (%)", hide_below=0.5,
                              cmap="Greys"),
            caption="Rank acceptability (% of weight samples) of every project (rows, as evaluated) for "
                    "every rank (columns); darker is more likely, empty cells are below 0.5 %.",
            alt="Heatmap of rank acceptability indices.",
        ))
        mean100, std100 = sens.to_100(mc.score_mean), 100.0 * np.asarray(mc.score_std)
        qs = list(np.asarray(mc.quantiles))
        lo_i = qs.index(0.05) if 0.05 in qs else 0
        hi_i = qs.index(0.95) if 0.95 in qs else len(qs) - 1
        q100 = sens.to_100(mc.score_quantiles)
        rows = []
        top3 = ra[:, : min(3, n)].sum(axis=1)
        for pos, i in enumerate(ctx.order):
            a, b = sorted((float(q100[i, lo_i]), float(q100[i, hi_i])))
            rows.append((r.project_ids[i], str(int(r.ranks[i])), _pct(float(ra[pos, 0])), _pct(float(top3[pos])),
                         str(int(np.argmax(ra[pos])) + 1), f"{mean100[i]:.1f} \u00b1 {std100[i]:.1f}",
                         f"{a:.1f} - {b:.1f}"))
        sub.append(Table(
            ("Project", "Rank", "P(rank 1)", "P(top 3)", "Most likely rank", "Score mean \u00b1 sd",
             f"{int(100 * qs[lo_i])}-{int(100 * qs[hi_i])} % range"),
            tuple(rows), caption="Ranks and scores over the weight samples",
            numeric=(False, True, True, True, True, True, True)))
        gp = mc.grade_probability
        if gp is not None and len(r.grade_labels) == gp.shape[1]:
            grows = tuple((r.project_ids[i], r.grades[i], *[_pct(float(gp[i, g])) for g in range(gp.shape[1])])
                          for i in ctx.order)
            sub.append(Table(("Project", "Grade", *[f"P({g})" for g in r.grade_labels]), grows,
                             caption="Probability of each grade over the weight samples",
                             numeric=(False, False, *[True] * gp.shape[1])))
        blocks.append(Subsection("rank-acceptability", "Rank acceptability (Monte Carlo)", tuple(sub)))
    oat = sens.one_at_a_time
    if oat is not None:
        lead = int(ctx.order[0])
        base = float(sens.to_100(np.asarray(oat.base_scores)[lead]))
        lo = sens.to_100(np.asarray(oat.scores)[:, 0, lead])
        hi = sens.to_100(np.asarray(oat.scores)[:, -1, lead])
        width = np.abs(lo - base) + np.abs(hi - base)
        order = np.argsort(-width, kind="stable")[:_MAX_TORNADO]
        labels = [r.indicator_ids[int(oat.criteria[k])] for k in order]
        sub = [Paragraph(
            f"Each weight changed by {int(100 * OAT_STEPS.min())} % to +{int(100 * OAT_STEPS.max())} % of its "
            "value, the other weights keeping their proportions (so they still sum to 1). The tornado shows "
            f"how far the leader's ({r.project_ids[lead]}) score moves; the widest bars are the weights that "
            "matter most."
        ), Figure(
            name="tornado",
            svg=plots.tornado(labels, lo[order], hi[order], base, name="tornado",
                              xlabel=f"score of {r.project_ids[lead]} (0-100)",
                              low_label=f"weight {int(100 * OAT_STEPS[0])} %",
                              high_label=f"weight +{int(100 * OAT_STEPS[-1])} %"),
            caption=f"Score of {r.project_ids[lead]} when one weight at a time is lowered (dark) or raised "
                    f"(hatched) by {int(100 * OAT_STEPS[-1])} %, the {len(labels)} most influential weights "
                    "first; the vertical line is the evaluated score.",
            alt="Tornado chart of one-at-a-time weight changes.",
        )]
        moved = []
        for k in range(len(oat.criteria)):
            best, worst = np.asarray(oat.rank_best[k]), np.asarray(oat.rank_worst[k])
            changed = np.flatnonzero(best != worst)
            if changed.size:
                moved.append((r.indicator_ids[int(oat.criteria[k])],
                              ", ".join(f"{r.project_ids[i]} {int(best[i])}-{int(worst[i])}"
                                        for i in changed)))
        if moved:
            sub.append(Table(("Indicator", "Projects whose rank changes (best-worst rank)"), tuple(moved),
                             caption="Rank changes within \u00b150 % of one weight"))
        else:
            sub.append(Paragraph("No project changes rank when any single weight changes by up to \u00b150 %."))
        sweep = sens.oat_sweep
        if sweep is not None and sens.oat_sweep_indicator >= 0:
            ind = r.indicator_ids[sens.oat_sweep_indicator]
            ranks = np.asarray(sweep.ranks)[0][:, ctx.order].astype(np.float64)
            sub.append(Figure(
                name="weight-sweep",
                svg=plots.line_sweep(np.asarray(sweep.values)[0], ranks, ids_by_rank,
                                     base_x=float(r.weights[sens.oat_sweep_indicator]), name="weight-sweep",
                                     xlabel=f"weight of {ind}", ylabel="rank", invert_y=True, integer_y=True),
                caption=f"Rank of every project as the weight of {ind} (the most influential indicator for "
                        "the leader) goes from 0 to 1; the dotted line is the evaluated weight.",
                alt="Line chart of ranks against one weight.",
            ))
        blocks.append(Subsection("one-at-a-time", "One weight at a time", tuple(sub)))
    table = _critical_table(ctx, sens)
    if table is not None:
        blocks.append(Subsection("critical-weights", "Critical weight changes", (Paragraph(
            "The smallest change of each indicator's weight that puts another project first, and the smallest "
            "that swaps any two neighbouring projects (Triantaphyllou & S\u00e1nchez 1997). A small change "
            "(a few percent of the weight) means the ranking hinges on that weight."
        ), table)))
    agree = _agreement_tables(ctx, sens)
    if agree:
        blocks.append(Subsection("method-agreement", "Method agreement", (Paragraph(
            "The same data and weights ranked by other methods. Spearman's rank correlation and the WS "
            "coefficient (Sa\u0142abun & Urbaniak 2020, which weighs disagreement at the top most) compare "
            "each ranking with this evaluation's method; 1 means identical."
        ), *agree)))
    share = sens.share_sweep
    if share is not None:
        s100 = sens.to_100(share.scores)[:, ctx.order]
        picks = sorted({0, len(share.shares) // 4, len(share.shares) // 2, 3 * len(share.shares) // 4,
                        len(share.shares) - 1})
        rows = []
        for i in ctx.order:
            rows.append((r.project_ids[i], str(int(r.ranks[i])),
                         *[str(int(share.ranks[p, i])) for p in picks]))
        blocks.append(Subsection("qualitative-share", "Qualitative-share sweep", (
            Paragraph(
                "The total weight of the qualitative (rated) indicators scaled from 0 to 1, the proportions "
                f"inside each group kept. As evaluated the share is {_pct(share.base_share)}. Lines that cross "
                "show projects whose order depends on how much ratings count."
            ),
            Figure(
                name="qualitative-share",
                svg=plots.line_sweep(np.asarray(share.shares), s100, ids_by_rank, base_x=share.base_share,
                                     name="qualitative-share", xlabel="share of the weight on qualitative "
                                     "indicators", ylabel="score (0-100)"),
                caption="Scores of every project as the qualitative share goes from 0 to 1; the dotted line "
                        "is the evaluated share.",
                alt="Line chart of scores against the qualitative share.",
            ),
            Table(("Project", "Rank", *[f"rank at {_pct(float(share.shares[p]), 0)}" for p in picks]),
                  tuple(rows), caption="Ranks at selected qualitative shares",
                  numeric=(False, True, *[True] * len(picks))),
        )))
    return Section(sid, title, tuple(blocks))


def _diagnostics(ctx: _Context) -> Section:
    r = ctx.result
    diags = sorted(r.diagnostics, key=lambda d: _SEVERITY_ORDER.get(d.severity, 3))
    blocks: list[Block] = []
    if not diags:
        blocks.append(Paragraph("No diagnostics: nothing in the data or the judgments calls for attention."))
    else:
        counts = {s: sum(d.severity == s for d in diags) for s in ("error", "warning", "info")}
        blocks.append(Paragraph(
            f"{counts['warning']} warning(s), {counts['info']} note(s)"
            + (f", {counts['error']} error(s)" if counts["error"] else "")
            + ". Warnings do not stop the evaluation but should be read before the result is used."
        ))
        rows = []
        for d in diags:
            where = ", ".join(x for x in (
                f"node {d.node}" if d.node else "",
                f"indicator {d.indicator}" if d.indicator else "",
                f"project {d.project}" if d.project else "",
            ) if x)
            rows.append((d.severity, d.code, where or "-", d.message))
        blocks.append(Table(("Severity", "Kind", "Where", "Message"), tuple(rows), caption="Diagnostics"))
    n_imp = int(np.asarray(r.imputed).sum())
    if n_imp:
        cells = [f"{r.project_ids[i]}/{r.indicator_ids[j]}" for i, j in np.argwhere(np.asarray(r.imputed))]
        blocks.append(Paragraph(f"{n_imp} missing value(s) were imputed: {', '.join(cells)}.", "warning"))
    return Section("diagnostics", _heading("diagnostics"), tuple(blocks))


def _provenance(ctx: _Context, sens: SensitivityAnalysis | None, command: str | None) -> Section:
    p = ctx.result.provenance
    items = [
        ("ppeval version", p.ppeval_version),
        ("numpy / scipy", f"{p.numpy_version} / {p.scipy_version}"),
        ("indicator system", f"{p.system_id} version {p.system_version}"),
        ("system_hash (SHA-256)", p.system_hash),
        ("assessment_hash (SHA-256)", p.assessment_hash),
        ("config_hash (SHA-256)", p.config_hash),
        ("seed", "none" if p.seed is None else str(p.seed)),
        ("configuration", json.dumps(p.config, sort_keys=True)),
    ]
    if sens is not None:
        items.append(("sensitivity", f"{sens.samples} samples, seed {sens.seed}, concentration "
                                     f"{'uniform' if sens.concentration is None else f'{sens.concentration:g}'}"))
    cmd = command or "ppeval reproduce result.json SYSTEM DATA..."
    blocks: list[Block] = [
        Paragraph(
            "The hashes are SHA-256 digests of the canonical JSON of the indicator system, the assessment "
            "and the configuration: they change when any input value changes and not when a file is only "
            "reformatted. To verify this result, run the command below with the same files; it recomputes "
            "the evaluation and checks every hash and number (exit status 0 = verified, 1 = something differs)."
        ),
        KeyValues(tuple(items), mono=True),
        Code(cmd),
    ]
    if command is None:
        blocks.append(Paragraph(
            "Replace result.json, SYSTEM and DATA with the result file and the input files.", "note"))
    return Section("provenance", _heading("provenance"), tuple(blocks))


def build_document(
    result: EvaluationResult,
    *,
    system: IndicatorSystem | None = None,
    sensitivity: SensitivityAnalysis | None = None,
    command: str | None = None,
    title: str | None = None,
) -> Document:
    """Build the report's content (every section of :data:`SECTIONS`)."""
    ctx = _context(result, system)
    name = system.name if system is not None else result.provenance.system_id
    sections = (
        _summary(ctx, sensitivity),
        _breakdown(ctx),
        _weights(ctx),
        _contributions(ctx),
        _qualitative(ctx),
        _sensitivity(ctx, sensitivity),
        _diagnostics(ctx),
        _provenance(ctx, sensitivity, command),
    )
    r = result
    subtitle = (f"{name} \u00b7 {len(r.project_ids)} projects \u00b7 {r.method.upper()}, {r.mode} mode \u00b7 "
                f"ppeval {r.provenance.ppeval_version}")
    return Document(title=title or "Performance evaluation report", subtitle=subtitle, sections=sections,
                    meta={"system": r.provenance.system_id, "system_hash": r.provenance.system_hash})

