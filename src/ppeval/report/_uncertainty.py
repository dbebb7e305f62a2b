"""Report sections of issue 17: how sure each grade and payment is (read first), and two rounds compared."""

from __future__ import annotations

from functools import partial

import numpy as np

from ppeval.pipeline import EvaluationResult, RoundComparison, UncertaintyAnalysis
from ppeval.report._blocks import Block, Figure, Paragraph, Section, Table
from ppeval.schema import IndicatorSystem

__all__ = ["uncertainty_section", "rounds_section"]


def _money(x: float) -> str:
    return f"{x:,.0f}"


def uncertainty_section(
    result: EvaluationResult, analysis: UncertaintyAnalysis, system: IndicatorSystem
) -> Section:
    """The purchaser's page: per project the grade, how sure it is, the decision and the money at risk."""
    ev, pay = analysis.evidence, analysis.payments
    blocks: list[Block] = []
    if ev is None:
        blocks.append(Paragraph("The evidence uncertainty could not be computed.", "warning"))
    else:
        labels = [g.label for g in system.grades]
        q = ev.to_100(ev.score_quantiles)
        lo, hi = np.minimum(q[:, 0], q[:, -1]), np.maximum(q[:, 0], q[:, -1])
        p_grade = np.array([
            ev.grade_probability[i, labels.index(result.grades[i])] if ev.grade_probability is not None else 1.0
            for i in range(len(result.project_ids))
        ])
        unsure = int((p_grade < 0.9).sum())
        varied = ", ".join(analysis.sources)
        text = (f"Weights, raters and measured values were varied together ({varied}; {analysis.samples} "
                f"samples). {unsure} of {len(result.project_ids)} grades hold in fewer than 90 % of the "
                "samples.")
        if pay is not None:
            text += (f" Final payments at stake: {_money(float(pay.contract_value.sum()))}; expected payment "
                     f"{_money(float(pay.expected_payment.sum()))}; money at risk (payments whose decision "
                     f"changes within the 5-95 % variation): {_money(pay.total_money_at_risk)}.")
        blocks.append(Paragraph(text))
        header = ["Project", "Grade", "Sure", "Score", "5-95 %", "Driven by"]
        if pay is not None:
            header += ["Decision", "Payment", "Expected", "At risk"]
        rows = []
        order = np.argsort(result.ranks, kind="stable")
        for i in order:
            src = ev.sources[int(ev.main_source[i])] if ev.main_source[i] >= 0 else "-"
            row = [result.project_names[i], result.grades[i], f"{p_grade[i]:.0%}", f"{result.score_100[i]:.1f}",
                   f"{lo[i]:.1f}-{hi[i]:.1f}", src]
            if pay is not None:
                row += [pay.rules.names[int(pay.decision[i])], _money(pay.payment[i]),
                        _money(pay.expected_payment[i]), _money(pay.money_at_risk[i])]
            rows.append(tuple(row))
        numeric = tuple(h in ("Sure", "Score", "5-95 %", "Payment", "Expected", "At risk") for h in header)
        emphasis = tuple(bool(p_grade[i] < 0.9) for i in order)
        blocks.append(Table(tuple(header), tuple(rows), caption="How sure is each grade and each payment",
                            numeric=numeric, emphasis=emphasis))
    b = analysis.boundary
    if b is not None:
        names = [leaf.name for leaf in system.leaves()]
        span = b.value_range[:, 1] - b.value_range[:, 0]
        rows = []
        for i in np.argsort(result.ranks, kind="stable"):
            size = np.where(b.value_feasible[i], np.abs(b.value_change[i]) / span, np.inf)
            j = int(np.argmin(size))
            if not np.isfinite(size[j]):
                rows.append((result.project_names[i], result.grades[i], "no single value", "-", "-"))
                continue
            to = system.grades[int(b.value_grade[i, j])].label
            rows.append((result.project_names[i], result.grades[i], names[j], f"{b.value_change[i, j]:+.2f}", to))
        blocks.append(Table(("Project", "Grade", "Indicator", "Change", "New grade"), tuple(rows),
                            caption="Smallest change of one value that changes the grade",
                            numeric=(False, False, False, True, False)))
    for note in analysis.notes:
        blocks.append(Paragraph(note, "note"))
    return Section(id="certainty", title="How sure is each grade?", blocks=tuple(blocks))


def rounds_section(
    comparison: RoundComparison,
    system: IndicatorSystem | None = None,
    *,
    earlier_label: str = "earlier",
    later_label: str = "later",
) -> Section:
    """Two rounds compared: slope chart, score and grade changes, indicators that moved most."""
    from ppeval.report.plots import slope_chart

    c = comparison
    names = {i: i for i in c.indicator_ids}
    if system is not None:
        names.update({leaf.id: leaf.name for leaf in system.leaves()})
    blocks: list[Block] = []
    hl = c.exceeds_uncertainty if c.exceeds_uncertainty is not None else np.abs(c.score_change) > 0
    draw = partial(slope_chart, list(c.project_names), c.score_before, c.score_after, highlight=hl,
                   before_label=earlier_label, after_label=later_label, name="rounds")
    caption = (f"Scores from {earlier_label} to {later_label}"
               + ("; solid: changes beyond the evidence uncertainty" if c.exceeds_uncertainty is not None else ""))
    blocks.append(Figure("rounds", draw, caption, "Slope chart of every project's score in the two rounds"))
    header = ["Project", earlier_label, later_label, "Change", "Grade"]
    if c.exceeds_uncertainty is not None:
        header.append("Beyond the evidence")
    rows = []
    for k in np.argsort(-c.score_change, kind="stable"):
        same = c.grade_before[k] == c.grade_after[k]
        grade = c.grade_before[k] if same else f"{c.grade_before[k]} → {c.grade_after[k]}"
        row = [c.project_names[k], f"{c.score_before[k]:.1f}", f"{c.score_after[k]:.1f}",
               f"{c.score_change[k]:+.1f}", grade]
        if c.exceeds_uncertainty is not None and c.change_threshold is not None:
            row.append(("yes" if c.exceeds_uncertainty[k] else "no") + f" (±{c.change_threshold[k]:.1f})")
        rows.append(tuple(row))
    blocks.append(Table(tuple(header), tuple(rows), caption="Score and grade per project",
                        numeric=(False, True, True, True, False) + ((False,) if len(header) == 6 else ())))
    moved = [f"improved most: {', '.join(names[i] for i in c.improved_most[:5]) or 'none'}",
             f"declined most: {', '.join(names[i] for i in c.declined_most[:5]) or 'none'}"]
    if c.left:
        moved.append(f"left: {', '.join(c.left)}")
    if c.joined:
        moved.append(f"joined: {', '.join(c.joined)}")
    blocks.append(Paragraph("; ".join(moved) + "."))
    for note in c.notes:
        blocks.append(Paragraph(note, "note"))
    return Section(id="rounds", title="Rounds compared", blocks=tuple(blocks))
