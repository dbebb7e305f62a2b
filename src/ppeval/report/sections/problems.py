"""Chapter 5, problems (存在问题及原因分析): where points were lost, the weakest indicators and their evidence."""

from __future__ import annotations

import numpy as np

from ppeval.report._blocks import Block, Paragraph, Table
from ppeval.report.sections._common import narrative_blocks
from ppeval.report.sections._context import Context

__all__ = ["build", "PROJECT_ROWS"]

#: The per-project "why" table lists every project up to this many (else the best and the worst).
PROJECT_ROWS = 200


def build(ctx: Context) -> list[Block]:
    r, t = ctx.result, ctx.t
    _ = t._
    blocks: list[Block] = narrative_blocks(
        ctx, "problems", _("The problems the evaluation found and their causes, from the evidence below."))
    blocks.append(Paragraph(
        _("The weakest indicators of a project are those with the largest shortfall (points lost against the "
          "best possible value): where improving would gain most.")))
    blocks.append(Paragraph(
        _("They are the project's main obstacles: the percentage after the points is the indicator's obstacle "
          "degree, its share of all the points the project lost.")))
    if ctx.project_index is not None:
        i = ctx.project_index
        order = np.argsort(-r.shortfall[i], kind="stable")
        rows: list[tuple[str, ...]] = []
        for j in order:
            if float(r.shortfall[i, j]) <= 0.0 and len(rows) >= 3:
                break
            rows.append((ctx.traced(r.indicator_ids[j]), t.num(float(r.contributions[i, j]), 2),
                         t.num(float(r.shortfall[i, j]), 2),
                         t.num(float(np.median(r.shortfall[:, j])), 2)))
        blocks.append(Table((_("Indicator"), _("Points"), _("Points lost"), _("Median points lost (all projects)")),
                            tuple(rows), caption=_("Points lost by indicator, largest first"),
                            numeric=(False, True, True, True)))
    else:
        mean_s = r.shortfall.mean(axis=0)
        weak_share = np.zeros(len(r.indicator_ids))
        for weak in r.weakest:
            for ind in weak:
                weak_share[ctx.col[ind]] += 1.0
        weak_share /= max(1, ctx.n)
        order = np.argsort(-mean_s, kind="stable")
        rows2 = [(ctx.traced(r.indicator_ids[j]), t.num(float(mean_s[j]), 2), t.pct(float(weak_share[j])))
                for j in order]
        blocks.append(Table((_("Indicator"), _("Mean points lost"), _("Among a project's weakest")), tuple(rows2),
                            caption=_("Where the projects lost points, largest first"), numeric=(False, True, True)))
        idx = ctx.order if ctx.n <= PROJECT_ROWS else ctx.shown()
        prow = []
        for i in idx:
            weak_text = [f"{ctx.name(ind)} (-{t.num(float(r.shortfall[i, ctx.col[ind]]), 1)}, "
                         f"{t.pct(float(r.obstacle[i, ctx.col[ind]]) if r.obstacle is not None else 0.0)})"
                         for ind in r.weakest[i]]
            top = np.argsort(-r.contributions[i], kind="stable")[:3]
            best = [f"{ctx.name(r.indicator_ids[j])} (+{t.num(float(r.contributions[i, j]), 1)})" for j in top]
            prow.append((ctx.project(i), t.num(float(r.score_100[i]), 2), "; ".join(weak_text) or "-", "; ".join(best)))
        caption = _("Why each project got its score")
        if ctx.n > PROJECT_ROWS:
            caption += ctx.shown_note()
        blocks.append(Table((_("Project"), _("Score"), _("Weakest indicators (points lost)"),
                             _("Largest contributions (points)")), tuple(prow), caption=caption,
                            numeric=(False, True, False, False)))
    imputed = np.asarray(r.imputed, dtype=bool)
    ids: list[str] = list(r.project_ids)
    if ctx.project_index is not None:
        imputed = imputed[[ctx.project_index]]
        ids = [r.project_ids[ctx.project_index]]
    n_imp = int(imputed.sum())
    if n_imp:
        cells = [f"{ids[i]}/{ctx.name(r.indicator_ids[j])}" for i, j in np.argwhere(imputed)[:50]]
        more = _(" and {k} more").format(k=t.count(n_imp - 50)) if n_imp > 50 else ""
        blocks.append(Paragraph(_("{k} missing value(s) were imputed: {cells}{more}.").format(
            k=t.count(n_imp), cells=t.join(cells), more=more), "warning"))
    return blocks
