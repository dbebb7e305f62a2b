"""Chapter 7, part: sensitivity and robustness (rank acceptability, one weight at a time, critical weights,
method agreement, qualitative-share sweep)."""

from __future__ import annotations

from functools import partial

import numpy as np

from ppeval.pipeline.sensitivity import OAT_STEPS
from ppeval.report import plots
from ppeval.report._blocks import Block, Code, Figure, KeyValues, Paragraph, Subsection, Table
from ppeval.report.sections._context import Context

__all__ = ["build", "critical_table", "agreement_tables"]

_MAX_TORNADO = 12
_MAX_LINES = 10

Inner = Paragraph | Table | Figure | KeyValues | Code


def critical_table(ctx: Context) -> Table | None:
    sens, r, t = ctx.sens, ctx.result, ctx.t
    _ = t._
    c = sens.critical if sens is not None else None
    if c is None:
        return None
    lead = ctx.project(c.leader)

    def change(k: int, d: int) -> str:
        if not bool(c.top.feasible[k, d]):
            return _("none")
        taker = ctx.project(int(c.top.taker[k, d]))
        rel = ""
        if bool(c.top.relative_defined[k, d]):
            x = float(c.top.relative_percent[k, d])
            rel = f" ({'+' if x >= 0 else ''}{t.num(x, 0)}%)"
        return _("{old} \u2192 {new}{rel}: {project} first").format(
            old=t.num(float(c.base_weights[k]), 4), new=t.num(float(c.top.new_weight[k, d]), 4), rel=rel,
            project=taker)

    def any_pair(k: int) -> str:
        feas = np.asarray(c.pairs.feasible[k])  # (2, n - 1)
        if not feas.any():
            return _("none")
        size = np.where(feas, np.abs(np.asarray(c.pairs.change[k])), np.inf)
        d, p = np.unravel_index(int(np.argmin(size)), size.shape)
        up, low = (ctx.project(int(x)) for x in c.pair_alternatives[p])
        return _("{new}: {low} passes {up}").format(new=t.num(float(c.pairs.new_weight[k, d, p]), 4), low=low,
                                                    up=up)

    size = np.where(np.asarray(c.top.feasible), np.abs(np.asarray(c.top.change)), np.inf).min(axis=1)
    order = np.argsort(size, kind="stable")
    rows = []
    for k in order:
        ind = r.indicator_ids[int(k)]
        rows.append((ctx.traced(ind), t.num(float(c.base_weights[k]), 4), change(int(k), 0), change(int(k), 1),
                     any_pair(int(k))))
    if c.exact:
        how = _("exact (closed form)")
    elif c.grid == 0:  # TOPSIS: the tie from a closed form, reported just past it
        how = _("closed form, reported {tol} past the tie in the weight").format(tol=f"{c.tolerance:g}")
    else:
        how = _("search to within {tol} in the weight").format(tol=f"{c.tolerance:g}")
    return Table(
        (_("Indicator"), _("Weight"), _("Raise weight until the leader changes"),
         _("Lower weight until the leader changes"), _("Smallest change that swaps two neighbours")),
        tuple(rows),
        caption=_("Critical weight changes (leader {lead}; other weights keep their proportions; {how}); "
                  "the most critical indicators first").format(lead=lead, how=how),
        numeric=(False, True, False, False, False),
    )


def agreement_tables(ctx: Context) -> list[Table]:
    sens, _r, t = ctx.sens, ctx.result, ctx.t
    _ = t._
    a = sens.agreement if sens is not None else None
    if a is None:
        return []
    rows = []
    for k, meth in enumerate(a.methods):
        top = [ctx.project(int(i)) for i in np.flatnonzero(a.ranks[k] == 1)]
        rows.append((meth + (" " + _("(reference)") if k == a.reference_index else ""), t.join(top),
                     t.num(float(a.spearman_to_reference[k]), 3), t.num(float(a.ws_to_reference[k]), 3),
                     _("yes") if bool(a.same_top[k]) else _("no")))
    summary = Table((_("Method"), _("Ranked first"), "Spearman", "WS", _("Same leader")), tuple(rows),
                    caption=_("Agreement of other methods with {ref} (1 = identical ranking)").format(ref=a.reference),
                    numeric=(False, False, True, True, False))
    idx = ctx.shown()
    prow = tuple((ctx.project(i), *[str(int(a.ranks[k, i])) for k in range(len(a.methods))]) for i in idx)
    ranks = Table((_("Project"), *a.methods), prow,
                  caption=_("Rank of every project by every method") + ctx.shown_note(),
                  numeric=(False, *[True] * len(a.methods)))
    return [summary, ranks]


def _monte_carlo(ctx: Context) -> Subsection | None:
    sens, r, t = ctx.sens, ctx.result, ctx.t
    _ = t._
    mc = sens.monte_carlo if sens is not None else None
    if mc is None or sens is None:
        return None
    n = ctx.n
    if sens.concentration is None:
        spread = _("uniformly over all weight vectors")
    else:
        spread = _("from a Dirichlet distribution centred on the evaluated weights (concentration {c}: a weight w "
                   "varies with standard deviation \u221a(w(1-w)/{c1}))").format(
            c=f"{sens.concentration:g}", c1=f"{sens.concentration + 1:g}")
    sub: list[Inner] = [Paragraph(
        _("{k} weight vectors drawn {spread}, seed {seed}. The rank acceptability index (SMAA-2, Lahdelma & "
          "Salminen 2001) is the share of draws in which a project takes each rank.").format(
            k=t.count(mc.samples), spread=spread, seed=sens.seed))]
    shown = ctx.shown()
    full = mc.acceptability_form == "full"
    ra = np.asarray(mc.rank_acceptability)[shown]
    if full:
        cols = min(n, 30)
        col_labels = [str(k) for k in range(1, cols + 1)]
        heat = ra[:, :cols]
        caption = _("Rank acceptability (% of weight samples) of every project (rows, as evaluated) for every rank "
                    "(columns); darker is more likely, empty cells are below 0.5%.")
    else:  # rank bins, merged into at most 20 columns
        edges = np.asarray(mc.rank_bin_edges)
        b = edges.size - 1
        groups = np.linspace(0, b, min(b, 20) + 1).round().astype(np.int64)
        heat = np.add.reduceat(ra, groups[:-1], axis=1)
        col_labels = [f"{int(edges[g0]) + 1:,}-{int(edges[g1]):,}" for g0, g1 in zip(groups[:-1], groups[1:],
                                                                                    strict=True)]
        caption = _("Rank acceptability (% of weight samples) of every project (rows, as evaluated) for ranges of "
                    "ranks (columns): with {n} projects the ranks are counted in {b} rank-percentile bins, not one "
                    "by one; darker is more likely, empty cells are below 0.5%.").format(n=t.count(n), b=b)
        sub.append(Paragraph(_("With {n} projects the rank acceptability is kept for ranges of ranks (percentiles "
                               "of the ranking) rather than every rank: the full table would hold {cells} cells. "
                               "P(rank 1), P(top 3) and the mean rank are exact; the median rank is accurate to one "
                               "range.").format(n=t.count(n), cells=t.count(n * n))))
    sub.append(Figure(
        name="acceptability",
        draw=partial(plots.heatmap, [ctx.project(i) for i in shown], col_labels,
                     100.0 * heat, name="acceptability", xlabel=_("rank"),
                     colorbar_label=_("share of samples (%)"), hide_below=0.5, cmap="Greys"),
        caption=caption + ctx.shown_note(),
        alt=_("Heatmap of rank acceptability indices."),
    ))
    mean100, std100 = sens.to_100(mc.score_mean), 100.0 * np.asarray(mc.score_std)
    qs = list(np.asarray(mc.quantiles))
    lo_i = qs.index(0.05) if 0.05 in qs else 0
    hi_i = qs.index(0.95) if 0.95 in qs else len(qs) - 1
    q100 = sens.to_100(mc.score_quantiles)
    first = mc.first_probability
    top3 = mc.top_probability(3)
    likely = mc.likely_rank
    rows = []
    for i in shown:
        a, b_ = sorted((float(q100[i, lo_i]), float(q100[i, hi_i])))
        rows.append((ctx.project(i), str(int(r.ranks[i])), t.pct(float(first[i])), t.pct(float(top3[i])),
                     str(int(likely[i])), f"{t.num(mean100[i], 1)} \u00b1 {t.num(std100[i], 1)}",
                     f"{t.num(a, 1)} - {t.num(b_, 1)}"))
    sub.append(Table(
        (_("Project"), _("Rank"), _("P(rank 1)"), _("P(top 3)"), _("Most likely rank") if full else _("Median rank"),
         _("Score mean \u00b1 sd"), _("{lo}-{hi}% range").format(lo=int(100 * qs[lo_i]), hi=int(100 * qs[hi_i]))),
        tuple(rows), caption=_("Ranks and scores over the weight samples") + ctx.shown_note(),
        numeric=(False, True, True, True, True, True, True)))
    gp = mc.grade_probability
    if gp is not None and len(r.grade_labels) == gp.shape[1]:
        grows = tuple((ctx.project(i), ctx.grade(r.grades[i]), *[t.pct(float(gp[i, g])) for g in range(gp.shape[1])])
                      for i in shown)
        sub.append(Table((_("Project"), _("Grade"), *[f"P({ctx.grade(g)})" for g in r.grade_labels]), grows,
                         caption=_("Probability of each grade over the weight samples") + ctx.shown_note(),
                         numeric=(False, False, *[True] * gp.shape[1])))
    return Subsection("rank-acceptability", _("Rank acceptability (Monte Carlo)"), tuple(sub))


def _one_at_a_time(ctx: Context) -> Subsection | None:
    sens, r, t = ctx.sens, ctx.result, ctx.t
    _ = t._
    oat = sens.one_at_a_time if sens is not None else None
    if oat is None or sens is None:
        return None
    lead = int(ctx.order[0])
    base = float(sens.to_100(np.asarray(oat.base_scores)[lead]))
    lo = sens.to_100(np.asarray(oat.scores)[:, 0, lead])
    hi = sens.to_100(np.asarray(oat.scores)[:, -1, lead])
    width = np.abs(lo - base) + np.abs(hi - base)
    order = np.argsort(-width, kind="stable")[:_MAX_TORNADO]
    labels = [ctx.name(r.indicator_ids[int(oat.criteria[k])]) for k in order]
    low_pct, high_pct = int(100 * OAT_STEPS.min()), int(100 * OAT_STEPS.max())
    leader = ctx.project(lead)
    sub: list[Inner] = [Paragraph(
        _("Each weight changed by {low}% to +{high}% of its value, the other weights keeping their proportions "
          "(so they still sum to 1). The tornado shows how far the leader's ({project}) score moves; the widest "
          "bars are the weights that matter most.").format(low=low_pct, high=high_pct, project=leader)
    ), Figure(
        name="tornado",
        draw=partial(plots.tornado, labels, lo[order], hi[order], base, name="tornado",
                     xlabel=_("score of {project} (0-100)").format(project=plots.shorten(leader, 24)),
                     low_label=_("weight {pct}%").format(pct=int(100 * OAT_STEPS[0])),
                     high_label=_("weight +{pct}%").format(pct=int(100 * OAT_STEPS[-1]))),
        caption=_("Score of {project} when one weight at a time is lowered (dark) or raised (hatched) by {pct}%, "
                  "the {k} most influential weights first; the vertical line is the evaluated score.").format(
            project=leader, pct=int(100 * OAT_STEPS[-1]), k=len(labels)),
        alt=_("Tornado chart of one-at-a-time weight changes."),
    )]
    moved = []
    for k in range(len(oat.criteria)):
        best, worst = np.asarray(oat.rank_best[k]), np.asarray(oat.rank_worst[k])
        changed = np.flatnonzero(best != worst)
        if changed.size:
            text = t.join([f"{ctx.project(int(i))} {int(best[i])}-{int(worst[i])}" for i in changed[:20]])
            if changed.size > 20:
                text += _(" and {k} more").format(k=t.count(int(changed.size) - 20))
            moved.append((ctx.traced(r.indicator_ids[int(oat.criteria[k])]), text))
    if moved:
        sub.append(Table((_("Indicator"), _("Projects whose rank changes (best-worst rank)")), tuple(moved),
                         caption=_("Rank changes within \u00b150% of one weight")))
    else:
        sub.append(Paragraph(_("No project changes rank when any single weight changes by up to \u00b150%.")))
    sweep = sens.oat_sweep
    if sweep is not None and sens.oat_sweep_indicator >= 0:
        ind = ctx.name(r.indicator_ids[sens.oat_sweep_indicator])
        lines = ctx.order[:_MAX_LINES]
        ranks = np.asarray(sweep.ranks)[0][:, lines].astype(np.float64)
        sub.append(Figure(
            name="weight-sweep",
            draw=partial(plots.line_sweep, np.asarray(sweep.values)[0], ranks, [ctx.project(i) for i in lines],
                         base_x=float(r.weights[sens.oat_sweep_indicator]), name="weight-sweep",
                         xlabel=_("weight of {indicator}").format(indicator=plots.shorten(ind, 24)),
                         ylabel=_("rank"), invert_y=True, integer_y=True, base_label=_("as evaluated")),
            caption=_("Rank of every project as the weight of {indicator} (the most influential indicator for the "
                      "leader) goes from 0 to 1; the dotted line is the evaluated weight.").format(indicator=ind)
            + (" " + _("Shown: the {k} best projects.").format(k=_MAX_LINES) if ctx.n > _MAX_LINES else ""),
            alt=_("Line chart of ranks against one weight."),
        ))
    return Subsection("one-at-a-time", _("One weight at a time"), tuple(sub))


def _share(ctx: Context) -> Subsection | None:
    sens, r, t = ctx.sens, ctx.result, ctx.t
    _ = t._
    share = sens.share_sweep if sens is not None else None
    if share is None or sens is None:
        return None
    lines = ctx.order[:_MAX_LINES]
    s100 = sens.to_100(share.scores)[:, lines]
    picks = sorted({0, len(share.shares) // 4, len(share.shares) // 2, 3 * len(share.shares) // 4,
                    len(share.shares) - 1})
    rows = tuple((ctx.project(i), str(int(r.ranks[i])), *[str(int(share.ranks[p, i])) for p in picks])
                 for i in ctx.shown())
    return Subsection("qualitative-share", _("Qualitative-share sweep"), (
        Paragraph(_("The total weight of the qualitative (rated) indicators scaled from 0 to 1, the proportions "
                    "inside each group kept. As evaluated the share is {share}. Lines that cross show projects "
                    "whose order depends on how much ratings count.").format(share=t.pct(share.base_share))),
        Figure(
            name="qualitative-share",
            draw=partial(plots.line_sweep, np.asarray(share.shares), s100, [ctx.project(i) for i in lines],
                         base_x=share.base_share, name="qualitative-share",
                         xlabel=_("share of the weight on qualitative indicators"), ylabel=_("score (0-100)"),
                         base_label=_("as evaluated")),
            caption=_("Scores of every project as the qualitative share goes from 0 to 1; the dotted line is the "
                      "evaluated share.")
            + (" " + _("Shown: the {k} best projects.").format(k=_MAX_LINES) if ctx.n > _MAX_LINES else ""),
            alt=_("Line chart of scores against the qualitative share."),
        ),
        Table((_("Project"), _("Rank"), *[_("rank at {share}").format(share=t.pct(float(share.shares[p]), 0))
                                          for p in picks]),
              rows, caption=_("Ranks at selected qualitative shares") + ctx.shown_note(),
              numeric=(False, True, *[True] * len(picks))),
    ))


def build(ctx: Context) -> list[Block]:
    """The sensitivity subsections (or a note saying how to add them)."""
    sens, t = ctx.sens, ctx.t
    _ = t._
    if sens is None:
        return [Subsection("sensitivity", _("Sensitivity and robustness"), (Paragraph(
            _("No sensitivity analysis was run for this report. Run `ppeval sensitivity RESULT.json SYSTEM DATA` or "
              "`ppeval evaluate ... --report OUT --samples N` to add rank acceptability, one-at-a-time and "
              "critical weight changes, method agreement and the qualitative-share sweep."), "note"),))]
    how = f"{sens.method.upper()}" + (f" ({sens.normalization})" if sens.normalization else "")
    how += _(", against the bounds") if sens.absolute else _(", relative to the evaluated projects")
    intro: list[Inner] = [
        Paragraph(_("How far the ranking can be trusted: would a project keep its place if the weights were "
                    "somewhat different, if another method were used, or if ratings counted more or less?")),
        Paragraph(_("The analyses score with {how}.").format(how=how)),
        *[Paragraph(note, "note") for note in sens.notes],
    ]
    out: list[Block] = [Subsection("sensitivity", _("Sensitivity and robustness"), tuple(intro))]
    for sub in (_monte_carlo(ctx), _one_at_a_time(ctx)):
        if sub is not None:
            out.append(sub)
    table = critical_table(ctx)
    if table is not None:
        out.append(Subsection("critical-weights", _("Critical weight changes"), (Paragraph(
            _("The smallest change of each indicator's weight that puts another project first, and the smallest "
              "that swaps any two neighbouring projects (Triantaphyllou & S\u00e1nchez 1997). A small change (a few "
              "percent of the weight) means the ranking hinges on that weight.")), table)))
    agree = agreement_tables(ctx)
    if agree:
        out.append(Subsection("method-agreement", _("Method agreement"), (Paragraph(
            _("The same data and weights ranked by other methods. Spearman's rank correlation and the WS "
              "coefficient (Sa\u0142abun & Urbaniak 2020, which weighs disagreement at the top most) compare each "
              "ranking with this evaluation's method; 1 means identical.")), *agree)))
    share = _share(ctx)
    if share is not None:
        out.append(share)
    return out
