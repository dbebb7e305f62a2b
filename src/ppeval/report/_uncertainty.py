"""Report parts of issue 17: how sure each grade and payment is (read first), and two rounds compared.

Both are placed at the top of chapter 6 (conclusions), where a purchaser reads
first: :func:`certainty_subsection` when an uncertainty analysis
(:func:`ppeval.pipeline.analyse_uncertainty`) is given, :func:`rounds_subsection`
when a comparison of two rounds (:func:`ppeval.pipeline.compare`) is given.
Every text goes through the message catalogs.
"""

from __future__ import annotations

from functools import partial

import numpy as np

from ppeval.pipeline import EvaluationResult, RoundComparison, UncertaintyAnalysis
from ppeval.report._blocks import Figure, Paragraph, Section, Subsection, Table
from ppeval.report.i18n import Language
from ppeval.report.sections._context import N_, Context, make_context
from ppeval.schema import IndicatorSystem

__all__ = ["certainty_subsection", "rounds_subsection", "uncertainty_section", "rounds_section", "MAX_ROWS",
           "SOURCE_TERMS", "NOTE_TERMS"]

#: Per-project rows shown in the certainty and rounds tables; beyond, the least sure (or most changed)
#: projects are shown and a note points to the workbook, so a report of 10,000 projects stays small.
MAX_ROWS = 200

#: The sources of uncertainty as they reach the report (marked for the catalogs).
SOURCE_TERMS = (N_("weights"), N_("ratings"), N_("values"))

#: Fixed notes of the analyses (ppeval.pipeline.uncertainty, ppeval.pipeline.compare), marked so that the
#: catalogs translate them; other notes carry data and are shown as written.
NOTE_TERMS = (
    N_("imputed cells vary like measured ones of their indicator"),
    N_("no raters' answers to resample: the ratings are fixed"),
    N_("no indicator declares a measurement uncertainty: the measured values are fixed"),
    N_("no decision rules (evaluation.decisions) in the system: no payments"),
    N_("relative mode: a project's score also depends on the other projects of its round"),
    N_("the evidence uncertainty of only one round was given: no change is tested against it"),
    N_("raters of groups weighted 0 are left out of the resampled FCE memberships (the evaluation's memberships "
       "count them)"),
    N_("grade-boundary search: FCE is searched with WSM on the normalised values as a proxy (the memberships of "
       "rated cells do not follow a single value); the evidence Monte Carlo scores FCE itself"),
)

_Part = Paragraph | Table | Figure


def _money(t: Language, x: float) -> str:
    return t.num(float(x), 0)


def certainty_subsection(ctx: Context, analysis: UncertaintyAnalysis) -> Subsection:
    """The purchaser's page: per project the grade, how sure it is, the decision and the money at risk."""
    r, t = ctx.result, ctx.t
    _ = t._
    ev, pay = analysis.evidence, analysis.payments
    blocks: list[_Part] = []
    n = ctx.n
    if ctx.project_index is not None:
        chosen = np.array([ctx.project_index])
    else:
        chosen = ctx.order
    if ev is None:
        blocks.append(Paragraph(_("The evidence uncertainty could not be computed."), "warning"))
    else:
        labels = list(r.grade_labels) if r.grade_labels else (
            [g.label for g in ctx.system.grades] if ctx.system is not None else [])
        q = ev.to_100(ev.score_quantiles)
        lo, hi = np.minimum(q[:, 0], q[:, -1]), np.maximum(q[:, 0], q[:, -1])
        if ev.grade_probability is not None and labels:
            k = np.array([labels.index(g) if g in labels else -1 for g in r.grades])
            p_grade = np.where(k >= 0, ev.grade_probability[np.arange(n), np.maximum(k, 0)], 1.0)
        else:
            p_grade = np.ones(n)
        unsure = int((p_grade < 0.9).sum())
        varied = t.join([t.term(s) for s in analysis.sources]) or _("nothing")
        if ctx.project_index is None:
            text = _("Weights, raters and measured values were varied together ({varied}; {k} samples). "
                     "{unsure} of {n} grades hold in fewer than 90 % of the samples.").format(
                varied=varied, k=t.count(analysis.samples), unsure=t.count(unsure), n=t.count(n))
        else:
            i = ctx.project_index
            text = _("Weights, raters and measured values were varied together ({varied}; {k} samples). "
                     "The grade {grade} holds in {p} of the samples.").format(
                varied=varied, k=t.count(analysis.samples), grade=ctx.grade(r.grades[i]), p=t.pct(p_grade[i], 0))
        if pay is not None:
            sel = chosen
            text += " " + _("Final payments at stake: {value}; expected payment {expected}; money at risk "
                            "(payments whose decision changes within the 5-95 % variation): {risk}.").format(
                value=_money(t, float(pay.contract_value[sel].sum())),
                expected=_money(t, float(pay.expected_payment[sel].sum())),
                risk=_money(t, float(pay.money_at_risk[sel].sum())))
        blocks.append(Paragraph(text))
        rows_idx = chosen
        if rows_idx.shape[0] > MAX_ROWS:
            # the least sure grades first, then the most money at risk
            risk = pay.money_at_risk if pay is not None else np.zeros(n)
            pick = np.lexsort((-risk[rows_idx], p_grade[rows_idx]))[:MAX_ROWS]
            rows_idx = np.sort(rows_idx[pick], kind="stable")
            rows_idx = rows_idx[np.argsort(r.ranks[rows_idx], kind="stable")]
            blocks.append(Paragraph(_("The {k} of {n} projects whose grade is least sure are listed; every "
                                      "project is in the workbook (--xlsx).").format(k=t.count(MAX_ROWS),
                                                                                      n=t.count(n)), "note"))
        header = [_("Project"), _("Grade"), _("Sure"), _("Score"), _("5-95 %"), _("Driven by")]
        numeric = [False, False, True, True, True, False]
        if pay is not None:
            header += [_("Decision"), _("Payment"), _("Expected"), _("At risk")]
            numeric += [False, True, True, True]
        rows = []
        for i in rows_idx.tolist():
            src = t.term(ev.sources[int(ev.main_source[i])]) if ev.main_source[i] >= 0 else "-"
            row = [ctx.project(i), ctx.grade(r.grades[i]), t.pct(float(p_grade[i]), 0),
                   t.num(float(r.score_100[i]), 1), f"{t.num(float(lo[i]), 1)}-{t.num(float(hi[i]), 1)}", src]
            if pay is not None:
                row += [t.term(pay.rules.names[int(pay.decision[i])]), _money(t, pay.payment[i]),
                        _money(t, pay.expected_payment[i]), _money(t, pay.money_at_risk[i])]
            rows.append(tuple(row))
        emphasis = tuple(bool(p_grade[i] < 0.9) for i in rows_idx.tolist())
        blocks.append(Table(tuple(header), tuple(rows), caption=_("How sure is each grade and each payment"),
                            numeric=tuple(numeric), emphasis=emphasis))
    b = analysis.boundary
    if b is not None and ctx.system is not None:
        leaf_ids = [leaf.id for leaf in ctx.system.leaves()]
        span = b.value_range[:, 1] - b.value_range[:, 0]
        span = np.where(span > 0, span, 1.0)
        rows = []
        for i in chosen[:MAX_ROWS].tolist():
            size = np.where(b.value_feasible[i], np.abs(b.value_change[i]) / span, np.inf)
            j = int(np.argmin(size))
            if not np.isfinite(size[j]):
                rows.append((ctx.project(i), ctx.grade(r.grades[i]), _("no single value"), "-", "-"))
                continue
            to = ctx.grade(ctx.system.grades[int(b.value_grade[i, j])].label)
            rows.append((ctx.project(i), ctx.grade(r.grades[i]), ctx.name(leaf_ids[j]),
                         f"{float(b.value_change[i, j]):+.2f}", to))
        blocks.append(Table((_("Project"), _("Grade"), _("Indicator"), _("Change"), _("New grade")), tuple(rows),
                            caption=_("Smallest change of one value that changes the grade"),
                            numeric=(False, False, False, True, False)))
    for note in analysis.notes:
        blocks.append(Paragraph(t.term(note), "note"))
    return Subsection(id="certainty", title=_("How sure is each grade?"), blocks=tuple(blocks))


def rounds_subsection(
    ctx: Context, comparison: RoundComparison, *, earlier_label: str | None = None, later_label: str | None = None,
) -> Subsection:
    """Two rounds compared: slope chart, score and grade changes, indicators that moved most."""
    from ppeval.report.plots import slope_chart

    t, c = ctx.t, comparison
    _ = t._
    before = earlier_label or _("earlier round")
    after = later_label or _("later round")
    pid_index = {p: k for k, p in enumerate(ctx.result.project_ids)}
    names = [ctx.project(pid_index[p]) if p in pid_index else name
             for p, name in zip(c.projects, c.project_names, strict=True)]
    blocks: list[_Part] = []
    hl = c.exceeds_uncertainty if c.exceeds_uncertainty is not None else np.abs(c.score_change) > 0
    order = np.argsort(-c.score_change, kind="stable")
    if ctx.project_index is not None:
        mine = ctx.result.project_ids[ctx.project_index]
        order = np.array([k for k in order.tolist() if c.projects[k] == mine], dtype=np.int64)
    drawn = order if order.shape[0] <= 30 else np.concatenate([order[:15], order[-15:]])
    draw = partial(slope_chart, [names[k] for k in drawn.tolist()], c.score_before[drawn], c.score_after[drawn],
                   highlight=hl[drawn], before_label=before, after_label=after, name="rounds")
    caption = _("Scores from {earlier} to {later}").format(earlier=before, later=after)
    if c.exceeds_uncertainty is not None:
        caption += _("; solid: changes beyond the evidence uncertainty")
    if drawn.shape[0] < order.shape[0]:
        caption += _("; the 15 largest rises and the 15 largest falls of {n} projects").format(
            n=t.count(order.shape[0]))
    if order.shape[0]:
        blocks.append(Figure("rounds", draw, caption, _("Slope chart of every project's score in the two rounds")))
    header = [_("Project"), before, after, _("Change"), _("Grade")]
    if c.exceeds_uncertainty is not None:
        header.append(_("Beyond the evidence"))
    listed = order if order.shape[0] <= MAX_ROWS else np.concatenate([order[:MAX_ROWS // 2],
                                                                     order[-(MAX_ROWS // 2):]])
    if listed.shape[0] < order.shape[0]:
        blocks.append(Paragraph(_("The {k} largest rises and falls of {n} projects are listed; every project is in "
                                  "the JSON output (--json).").format(k=t.count(listed.shape[0]),
                                                                     n=t.count(order.shape[0])), "note"))
    rows = []
    for k in listed.tolist():
        g0, g1 = ctx.grade(c.grade_before[k]), ctx.grade(c.grade_after[k])
        grade = g0 if c.grade_before[k] == c.grade_after[k] else f"{g0} → {g1}"
        row = [names[k], t.num(float(c.score_before[k]), 1), t.num(float(c.score_after[k]), 1),
               ("+" if c.score_change[k] >= 0 else "") + t.num(float(c.score_change[k]), 1), grade]
        if c.exceeds_uncertainty is not None and c.change_threshold is not None:
            row.append((_("yes") if c.exceeds_uncertainty[k] else _("no"))
                       + f" (±{t.num(float(c.change_threshold[k]), 1)})")
        rows.append(tuple(row))
    blocks.append(Table(tuple(header), tuple(rows), caption=_("Score and grade per project"),
                        numeric=(False, True, True, True, False) + ((False,) if len(header) == 6 else ())))
    none = _("none")
    moved = [_("improved most: {items}").format(items=t.join([ctx.name(i) for i in c.improved_most[:5]]) or none),
             _("declined most: {items}").format(items=t.join([ctx.name(i) for i in c.declined_most[:5]]) or none)]
    if c.left:
        moved.append(_("left: {items}").format(items=t.join(list(c.left[:20]))))
    if c.joined:
        moved.append(_("joined: {items}").format(items=t.join(list(c.joined[:20]))))
    blocks.append(Paragraph(_("; ").join(moved) + _(".")))
    for note in c.notes:
        blocks.append(Paragraph(t.term(note), "note"))
    return Subsection(id="rounds", title=_("Rounds compared"), blocks=tuple(blocks))


def _flat(sub: Subsection) -> Section:
    return Section(id=sub.id, title=sub.title, blocks=sub.blocks)


def uncertainty_section(
    result: EvaluationResult, analysis: UncertaintyAnalysis, system: IndicatorSystem, t: Language | None = None,
) -> Section:
    """:func:`certainty_subsection` of the whole evaluation as a section (English unless ``t``)."""
    return _flat(certainty_subsection(make_context(result, system, t or Language("en")), analysis))


def rounds_section(
    comparison: RoundComparison,
    system: IndicatorSystem | None = None,
    *,
    result: EvaluationResult,
    earlier_label: str = "earlier",
    later_label: str = "later",
    t: Language | None = None,
) -> Section:
    """:func:`rounds_subsection` as a section; names from ``result`` (the later round)."""
    ctx = make_context(result, system, t or Language("en"))
    return _flat(rounds_subsection(ctx, comparison, earlier_label=earlier_label, later_label=later_label))
