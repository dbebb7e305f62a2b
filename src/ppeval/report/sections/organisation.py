"""Chapter 2, organisation (组织实施情况): the evaluator's account, the raters and their agreement."""

from __future__ import annotations

from ppeval.report._blocks import Block, Paragraph, Table
from ppeval.report.sections._common import narrative_blocks
from ppeval.report.sections._context import Context
from ppeval.report.sections.method import expert_panel

__all__ = ["build"]


def _share_note(ctx: Context, share: float) -> str:
    """Why a variance share can lie outside 0-100 % (it is a covariance share, not a fraction)."""
    _ = ctx.t._
    if 0.0 <= share <= 1.0:
        return ""
    if share > 1.0:
        return _(" (a share of the variance is the covariance of these indicators' contributions with the total "
                 "score divided by the variance of the total; the shares of all indicators add up to 100%, so when "
                 "the other indicators pull the scores the opposite way their share is negative and this one "
                 "exceeds 100%)")
    return _(" (negative: these indicators' contributions vary against the total score, pulling the projects "
             "together; the shares of all indicators add up to 100%)")


def build(ctx: Context) -> list[Block]:
    r, t = ctx.result, ctx.t
    _ = t._
    blocks: list[Block] = narrative_blocks(
        ctx, "organisation",
        _("How the evaluation was organised: the team, the timetable, data collection, surveys and site visits."))
    panel = expert_panel(ctx)
    if panel:
        blocks.append(Paragraph(
            _("Expert panel for the AHP weights: {experts}.").format(
                experts=t.join([f"E{k + 1} = {name}" for k, name in sorted(panel.items())]))))
    q = r.qualitative
    if q is None:
        blocks.append(Paragraph(_("This indicator system has no qualitative (rated) indicators; every indicator "
                                  "is measured.")))
        return blocks
    blocks.append(Paragraph(
        _("{k} indicators rest on ratings by {g} rater group(s) ({groups}). They carry {w} of the total weight "
          "and account for {v} of the variance of the scores across projects{note}. Agreement is "
          "Krippendorff's alpha (ordinal) between the raters of the same project; values below 0.667 are "
          "commonly read as too little agreement to rely on.").format(
            k=len(q.indicator_ids), g=len(q.groups), groups=t.join([t.term(g) for g in q.groups]),
            w=t.pct(q.weight_share), v=t.pct(q.variance_share), note=_share_note(ctx, q.variance_share))
    ))
    min_raters = ctx.system.evaluation.min_raters if ctx.system is not None else None
    header = [_("Indicator"), _("Raters per project"), _("Missing answers"), _("Alpha"), *[t.term(g) for g in q.groups]]
    rows, emph = [], []
    for k, ind in enumerate(q.indicator_ids):
        nr = q.n_raters[:, k]
        raters = f"{int(nr.min())}-{int(nr.max())}" if nr.min() != nr.max() else str(int(nr.min()))
        alpha = t.num(float(q.agreement[k]), 3) if bool(q.agreement_defined[k]) else _("n/a")
        means = []
        for g in range(len(q.groups)):
            cnt = q.group_counts[g, :, k]
            if cnt.sum() > 0:
                means.append(t.num(float((q.group_values[g, :, k] * cnt).sum() / cnt.sum()), 2))
            else:
                means.append("-")
        rows.append((ctx.traced(ind), raters, t.count(int(q.n_missing[:, k].sum())), alpha, *means))
        thin = min_raters is not None and int(nr.min()) < min_raters
        emph.append(thin or (bool(q.agreement_defined[k]) and float(q.agreement[k]) < 0.667))
    caption = _("Evidence per qualitative indicator: raters, missing answers, agreement (alpha) and the mean "
                "rating of each rater group on the indicator's scale")
    if min_raters is not None:
        caption += _("; marked rows have fewer than {k} raters for some project or alpha < 0.667").format(
            k=min_raters)
    blocks.append(Table(tuple(header), tuple(rows), caption=caption,
                        numeric=(False, True, True, True, *[True] * len(q.groups)), emphasis=tuple(emph)))
    blocks.extend(_reliability(ctx))
    return blocks


def _reliability(ctx: Context) -> list[Block]:
    """Cronbach's alpha and KMO per survey group, ICC per expert panel and indicator, with their thresholds."""
    q, t = ctx.result.qualitative, ctx.t
    _ = t._
    stats = getattr(q, "reliability", ()) if q is not None else ()
    if not stats:
        return []
    names = {"cronbach_alpha": _("Cronbach's alpha"), "kmo_bartlett": _("KMO (Bartlett's test)"), "icc": "ICC"}
    rows, emph = [], []
    for st in stats:
        items = (t.join([ctx.name(i) for i in st.indicator_ids]) if len(st.indicator_ids) <= 3
                 else _("{k} indicators").format(k=t.count(len(st.indicator_ids))))
        label = names.get(st.statistic, st.statistic) + (f" ({st.kind})" if st.statistic == "icc" else "")
        ci = "-" if st.ci is None else f"{t.num(float(st.ci[0]), 3)} - {t.num(float(st.ci[1]), 3)}"
        rows.append((label, t.term(st.group), items, t.num(float(st.value), 3), ci, t.count(int(st.n)),
                     t.num(float(st.threshold), 2), _("yes") if st.acceptable else _("no")))
        emph.append(not st.acceptable)
    return [
        Paragraph(_("Reliability of the ratings: Cronbach's alpha and KMO (with Bartlett's test) of each survey "
                    "group's answers, and the ICC of each expert panel's scores per indicator. Thresholds: "
                    "alpha 0.7, KMO 0.6, ICC 0.75. The intervals are 95 per cent confidence intervals.")),
        Table((_("Statistic"), _("Rater group"), _("Indicators"), _("Value"), _("Confidence interval"),
               _("Respondents"), _("Threshold"), _("Acceptable")), tuple(rows),
              caption=_("Reliability of the qualitative evidence"),
              numeric=(False, False, False, True, True, True, True, False), emphasis=tuple(emph)),
    ]
