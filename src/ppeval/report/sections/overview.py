"""Chapter 1, overview (基本概况): what was evaluated, the evaluator's background text, key figures."""

from __future__ import annotations

from ppeval.report._blocks import Block, KeyValues, Paragraph
from ppeval.report.sections._common import method_name, narrative_blocks
from ppeval.report.sections._context import Context
from ppeval.schema._base import localized

__all__ = ["build"]


def build(ctx: Context) -> list[Block]:
    r, t = ctx.result, ctx.t
    _ = t._
    n, m = len(r.project_ids), len(r.indicator_ids)
    n_qual = sum(k == "qualitative" for k in r.indicator_kinds)
    blocks: list[Block] = narrative_blocks(
        ctx, "overview", _("Background of the purchased service, its providers, funds and goals."))
    if ctx.system is not None:
        s = ctx.system
        what = _("the indicator system \u201c{name}\u201d ({id}, version {version})").format(
            name=localized(s.name, s.names, t.code), id=s.id, version=s.version)
    else:
        what = _("the indicator system {id} (version {version})").format(
            id=r.provenance.system_id, version=r.provenance.system_version)
    if r.mode == "absolute" and r.diagnostics_of("weights_depend_on_set"):
        mode = _("absolute mode: each indicator is measured against its bounds, but some weights are computed from "
                 "the evaluated projects' data (entropy, CRITIC or CV), so each project's score does depend on "
                 "which other projects were evaluated, through those weights")
    elif r.mode == "absolute":
        mode = _("absolute mode: each indicator is measured against its bounds, so a project's score does not "
                 "depend on which other projects were evaluated")
    else:
        mode = _("relative mode: each indicator is measured against the evaluated projects, so scores change "
                 "when projects are added or removed")
    blocks.append(Paragraph(
        t.n_("{n} project evaluated against {what}", "{n} projects evaluated against {what}", n).format(
            n=t.count(n), what=what)
        + _(": {m} indicators, {q} of them qualitative (ratings). ").format(m=m, q=n_qual)
        + _("Scores by {method} in {mode}.").format(method=method_name(ctx, r.method), mode=mode) + " "
        + _("Scores are on a 0-100 scale; rank 1 is best.")
    ))
    if ctx.project_index is not None:
        i = ctx.project_index
        blocks.append(KeyValues((
            (_("Project"), ctx.project_traced(i)),
            (_("Score"), t.num(float(r.score_100[i]), 2)),
            (_("Rank"), _("{rank} of {n}").format(rank=int(r.ranks[i]), n=t.count(n))),
            (_("Grade"), ctx.grade(r.grades[i])),
        )))
        return blocks
    items = [
        (_("Projects"), t.count(n)),
        (_("Indicators"), _("{m} ({q} qualitative)").format(m=m, q=n_qual)),
        (_("Method"), method_name(ctx, r.method)),
        (_("Mean score"), t.num(float(r.score_100.mean()), 1)),
    ]
    labels = list(r.grade_labels)
    if labels:
        counts = [(lab, sum(g == lab for g in r.grades)) for lab in labels]
        items.append((_("Grades"), t.join([f"{ctx.grade(lab)} {t.count(c)}" for lab, c in counts])))
    blocks.append(KeyValues(tuple(items)))
    return blocks
