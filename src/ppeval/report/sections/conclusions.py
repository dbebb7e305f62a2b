"""Chapter 6, conclusions (评价结论及建议): grades, the leader and how robust it is, recommendations."""

from __future__ import annotations

from ppeval.report._blocks import Block, Paragraph, Table
from ppeval.report.sections._common import narrative_blocks
from ppeval.report.sections._context import Context

__all__ = ["build"]


def build(ctx: Context) -> list[Block]:
    r, t, sens = ctx.result, ctx.t, ctx.sens
    _ = t._
    blocks: list[Block] = []
    mc = sens.monte_carlo if sens is not None else None
    if ctx.project_index is not None:
        i = ctx.project_index
        blocks.append(Paragraph(_("{project} scores {score} of 100, grade {grade}, rank {rank} of {n}.").format(
            project=ctx.project(i), score=t.num(float(r.score_100[i]), 2), grade=ctx.grade(r.grades[i]),
            rank=int(r.ranks[i]), n=t.count(ctx.n))))
        if mc is not None:
            blocks.append(Paragraph(_("Over {k} weight samples it ranks first in {p}.").format(
                k=t.count(mc.samples), p=t.pct(float(mc.first_probability[i])))))
    else:
        labels = list(r.grade_labels)
        if labels:
            rows = []
            for lab in labels:
                c = sum(g == lab for g in r.grades)
                rows.append((ctx.grade(lab), t.count(c), t.pct(c / max(1, ctx.n))))
            blocks.append(Table((_("Grade"), _("Projects"), _("Share")), tuple(rows),
                                caption=_("Projects by grade"), numeric=(False, True, True)))
        if ctx.n >= 1:
            lead = int(ctx.order[0])
            blocks.append(Paragraph(_("{project} ranks first with {score} of 100 (grade {grade}).").format(
                project=ctx.project(lead), score=t.num(float(r.score_100[lead]), 2),
                grade=ctx.grade(r.grades[lead]))))
            if mc is not None and sens is not None:
                drawn = (_("drawn uniformly over all weight vectors") if sens.concentration is None
                         else _("drawn around the evaluated weights"))
                blocks.append(Paragraph(_("Robustness: {project} ranks first in {p} of {k} weight samples "
                                          "{drawn} (see chapter 7).").format(
                    project=ctx.project(lead), p=t.pct(float(mc.first_probability[lead])),
                    k=t.count(mc.samples), drawn=drawn)))
    blocks += narrative_blocks(ctx, "recommendations", _("Recommendations to the purchaser and the providers."))
    return blocks
