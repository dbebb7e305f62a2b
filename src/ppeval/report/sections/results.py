"""Chapter 4, results (绩效目标的实现程度): scores, ranks, grades, sub-scores by stage and dimension, contributions."""

from __future__ import annotations

from functools import partial

import numpy as np

from ppeval.report import plots
from ppeval.report._blocks import Block, Figure, Paragraph, Subsection, Table
from ppeval.report.i18n import Language
from ppeval.report.sections._context import WIDE_COLUMNS, Context

__all__ = ["build", "ranking_table", "scoring_sheet_blocks", "SHEETS_IN_REPORT"]

#: The all-project report has a compact scoring-sheet table (points earned per dimension) up to this many
#: projects; beyond, a note points to the workbook and the one-project reports (a report stays small).
SHEETS_IN_REPORT = 30


def ranking_table(ctx: Context) -> Table:
    """The scoring sheet: every project, best first, with score, grade and weakest indicators."""
    r, t, sens = ctx.result, ctx.t, ctx.sens
    _ = t._
    mc = sens.monte_carlo if sens is not None else None
    header = [_("Rank"), _("Project"), _("Name"), _("Score"), _("Grade")]
    numeric = [True, False, False, True, False]
    if mc is not None:
        header += [_("P(rank 1)"), _("P(same grade)")]
        numeric += [True, True]
    header.append(_("Weakest indicators"))
    numeric.append(False)
    labels = list(r.grade_labels)
    gp = mc.grade_probability if mc is not None else None
    grade_index = {g: k for k, g in enumerate(labels)}
    scores = [t.num(float(x), 2) for x in r.score_100]
    rows = []
    for i in ctx.order:
        row = [str(int(r.ranks[i])), r.project_ids[i], r.project_names[i], scores[i], ctx.grade(r.grades[i])]
        if mc is not None:
            row.append(t.pct(float(mc.first_probability[i])))
            g = grade_index.get(r.grades[i])
            row.append(t.pct(float(gp[i, g])) if gp is not None and g is not None else "-")
        row.append(t.join([ctx.name(w) for w in r.weakest[i]]) or "-")
        rows.append(tuple(row))
    return Table(tuple(header), tuple(rows), caption=_("Scoring sheet: ranking, scores and grades"),
                 numeric=tuple(numeric))


def _score_figure(ctx: Context) -> Figure:
    r, t = ctx.result, ctx.t
    _ = t._
    if not ctx.many:
        idx = ctx.order
        return Figure(
            name="scores",
            draw=partial(plots.score_bars, [ctx.project(i) for i in idx], r.score_100[idx], ctx.grade_bands(),
                         name="scores", xlabel=_("score (0-100)")),
            caption=_("Scores (0-100), best first; dashed lines mark the grade thresholds."),
            alt=_("Horizontal bar chart of the projects' scores with grade thresholds."),
        )
    # many projects: the distribution, one bar per 5-point bin
    edges = np.arange(0.0, 105.0, 5.0)
    counts, _edges = np.histogram(np.clip(r.score_100, 0.0, 100.0), bins=edges)
    labels = [f"{int(lo)}-{int(lo) + 5}" for lo in edges[:-1]][::-1]
    return Figure(
        name="scores",
        draw=partial(plots.score_bars, labels, counts[::-1].astype(np.float64) * 100.0 / max(1, counts.max()),
                     (), name="scores", xlabel=_("projects (% of the largest bin)")),
        caption=_("Distribution of the {n} projects' scores in 5-point bins (bar length relative to the largest "
                  "bin; the number is that share).").format(n=t.count(ctx.n)),
        alt=_("Histogram of the projects' scores."),
    )


def _breakdown(ctx: Context) -> list[Block]:
    r, t = ctx.result, ctx.t
    _ = t._
    if not r.node_ids:
        return [Paragraph(_("The indicator tree has no inner nodes below the root; there is no breakdown."))]
    blocks: list[Block] = [Paragraph(
        _("Sub-score (0-100) of every project on every stage and dimension of the indicator tree: the same "
          "method applied to the indicators under that node, with their weights renormalised. A low sub-score "
          "shows where a project lost its points.")
    )]
    depth = {node: d for node, d, _w, _g in ctx.walk()}
    rows: list[tuple[str, ...]]
    if ctx.project_index is not None:
        i = ctx.project_index
        med = np.median(r.node_scores, axis=0)
        rows = [
            (ctx.traced(node), t.num(float(r.node_scores[i, k]), 1), t.num(float(med[k]), 1))
            for k, node in enumerate(r.node_ids)]
        blocks.append(Table((_("Stage / dimension"), _("Sub-score"), _("Median of all projects")), tuple(rows),
                            caption=_("Sub-scores by node"), numeric=(False, True, True),
                            indent=tuple(max(0, depth.get(node, 1) - 1) for node in r.node_ids)))
        return blocks
    if ctx.n <= WIDE_COLUMNS:
        header = (_("Stage / dimension"), *[ctx.project(i) for i in ctx.order])
        rows = [(ctx.traced(node), *[t.num(float(r.node_scores[i, k]), 1) for i in ctx.order])
                for k, node in enumerate(r.node_ids)]
        blocks.append(Table(header, tuple(rows), caption=_("Sub-scores by node (projects best first)"),
                            numeric=(False, *[True] * len(ctx.order)),
                            indent=tuple(max(0, depth.get(node, 1) - 1) for node in r.node_ids)))
    else:
        top = [k for k, node in enumerate(r.node_ids) if depth.get(node, 1) <= 1]
        header = (_("Project"), *[ctx.name(r.node_ids[k]) for k in top])
        vals = r.node_scores[:, top]
        rows = [(ctx.project(i), *[t.num(float(x), 1) for x in vals[i]]) for i in ctx.order]
        blocks.append(Table(header, tuple(rows), numeric=(False, *[True] * len(top)),
                            caption=_("Sub-scores by stage or dimension (projects best first; every node of "
                                      "the tree in the one-project reports)")))
    shown = ctx.shown()
    blocks.append(Figure(
        name="breakdown",
        draw=partial(plots.heatmap, [ctx.project(i) for i in shown], [ctx.name(x) for x in r.node_ids],
                     r.node_scores[shown], name="breakdown", colorbar_label=_("sub-score (0-100)")),
        caption=_("Sub-scores (0-100) of every project (rows, best first) on every stage and dimension "
                  "(columns); darker is lower.") + ctx.shown_note(),
        alt=_("Heatmap of sub-scores by project and node."),
    ))
    return blocks


def _contributions(ctx: Context) -> list[Block]:
    r, t = ctx.result, ctx.t
    _ = t._
    blocks: list[Block] = [Paragraph(
        _("Contribution of every indicator to every project's 0-100 score (the contributions of a project add "
          "up to its score), and the points it lost against the best possible value: shortfall = 100 w (1 - r), "
          "with w the indicator's global weight and r its normalised value in [0, 1].")
    )]
    groups, parts = ctx.top_groups()
    shown = ctx.shown() if ctx.project_index is None else np.array([ctx.project_index])
    blocks.append(Figure(
        name="contributions",
        draw=partial(plots.stacked_bars, [ctx.project(i) for i in shown], np.clip(parts[shown], 0, None),
                     [ctx.name(g) for g in groups], name="contributions", xlabel=_("points of the 0-100 score")),
        caption=_("Score of every project split by the top-level nodes of the indicator tree (shade and "
                  "hatching per node).") + (ctx.shown_note() if ctx.project_index is None else ""),
        alt=_("Stacked bar chart of score contributions by stage."),
    ))
    imputed = np.asarray(r.imputed, dtype=bool)
    if ctx.project_index is not None or ctx.n <= WIDE_COLUMNS:
        cols = [ctx.project_index] if ctx.project_index is not None else list(ctx.order)
        header = (_("Indicator"), _("Weight"), *[ctx.project(int(i)) for i in cols])
        crow = []
        for j, ind in enumerate(r.indicator_ids):
            cells = []
            for i in cols:
                cell = t.num(float(r.contributions[i, j]), 2)
                cells.append(cell + "*" if imputed[i, j] else cell)
            crow.append((ctx.traced(ind), t.num(float(r.weights[j]), 4), *cells))
        caption = _("Contribution of each indicator (points of the 0-100 score)")
        if imputed[cols].any():
            caption += _("; * marks an imputed value")
        blocks.append(Table(header, tuple(crow), caption=caption, numeric=(False, *[True] * (len(header) - 1))))
    else:
        mean_c = r.contributions.mean(axis=0)
        lo, hi = r.contributions.min(axis=0), r.contributions.max(axis=0)
        rows = tuple((ctx.traced(ind), t.num(float(r.weights[j]), 4), t.num(100.0 * float(r.weights[j]), 2),
                      t.num(float(mean_c[j]), 2), f"{t.num(float(lo[j]), 2)} - {t.num(float(hi[j]), 2)}")
                     for j, ind in enumerate(r.indicator_ids))
        blocks.append(Table((_("Indicator"), _("Weight"), _("Full points"), _("Mean points"), _("Range")), rows,
                            caption=_("Points of each indicator over all projects (per project in the "
                                      "one-project reports)"), numeric=(False, True, True, True, True)))
    return blocks


def _residents(ctx: Context) -> list[Block]:
    r, t = ctx.result, ctx.t
    _ = t._
    q = r.qualitative
    if q is None or q.resident_scores is None or q.resident_ranks is None:
        return []
    rs, rr = q.resident_scores, q.resident_ranks
    idx = ctx.shown() if ctx.project_index is None else np.array([ctx.project_index])
    rows = []
    for i in idx:
        diff = float(rs[i] - r.score_100[i])
        rows.append((ctx.project(i), t.num(float(r.score_100[i]), 2), str(int(r.ranks[i])),
                     t.num(float(rs[i]), 2), str(int(rr[i])), ("+" if diff >= 0 else "") + t.num(diff, 2)))
    return [Subsection("residents", _("Residents' view and the others'"), (
        Paragraph(_("The same evaluation with the qualitative indicators rated by residents only, beside the "
                    "evaluation with every rater group. A large difference means residents see a project "
                    "differently from experts, officials or service users.")),
        Table((_("Project"), _("Score (all raters)"), _("Rank"), _("Score (residents)"), _("Rank (residents)"),
               _("Difference")), tuple(rows), caption=_("All raters vs residents only") + ctx.shown_note(),
              numeric=(False, True, True, True, True, True)),
        Figure(
            name="residents",
            draw=partial(plots.dumbbell, [ctx.project(i) for i in idx], r.score_100[idx], rs[idx],
                         _("all raters"), _("residents only"), name="residents", xlabel=_("score (0-100)")),
            caption=_("Score with all raters (filled circle) and with residents' ratings only (open square).")
            + (ctx.shown_note() if ctx.project_index is None else ""),
            alt=_("Dot plot comparing scores by all raters and by residents only."),
        ),
    ))]


def _points(t: Language, x: float) -> str:
    return t.num(float(x), 2)


def scoring_sheet_blocks(ctx: Context) -> list[Paragraph | Table]:
    """The scoring sheet (评分表, :func:`ppeval.pipeline.scoring.scoring_sheet`) in the report.

    A one-project report gets the project's full sheet: per first-level
    dimension its indicators with points, scoring rule, target, actual value
    and points earned, subtotals, the total and how the score is formed. The
    all-project report gets points earned per dimension for every project (up
    to :data:`SHEETS_IN_REPORT` projects), else a note pointing to the
    workbook. Needs the indicator system (nothing without it).
    """
    from ppeval.pipeline.scoring import scoring_sheet, scoring_sheets

    r, t, system = ctx.result, ctx.t, ctx.system
    _ = t._
    if system is None:
        return []
    blocks: list[Paragraph | Table] = []
    if ctx.project_index is not None:
        sheet = scoring_sheet(r, system, ctx.project_index)
        rows: list[tuple[str, ...]] = []
        indent: list[int] = []
        strong: list[bool] = []
        imputed = False
        for d in sheet.dimensions:
            rows.append((ctx.name(d.dimension), _points(t, d.points), "", "", "", _points(t, d.earned)))
            indent.append(0)
            strong.append(True)
            for row in (x for x in sheet.rows if x.dimension == d.dimension):
                actual = row.actual_text or ("-" if row.actual is None else t.num(float(row.actual), 2))
                if row.imputed:
                    actual += " *"
                    imputed = True
                rows.append((ctx.name(row.indicator), _points(t, row.points),
                             row.rule_zh if t.code == "zh" else row.rule_en, row.target or "-", actual,
                             _points(t, row.earned)))
                indent.append(1)
                strong.append(False)
        rows.append((_("Total"), _points(t, sheet.total_points), "", "", "", _points(t, sheet.earned)))
        indent.append(0)
        strong.append(True)
        caption = _("Scoring sheet of {project}").format(project=ctx.project(ctx.project_index))
        if imputed:
            caption += _("; * marks an imputed value")
        blocks.append(Table((_("Indicator"), _("Full marks"), _("Scoring rule"), _("Target"), _("Actual value"),
                             _("Points earned")), tuple(rows), caption=caption,
                            numeric=(False, True, False, False, True, True), indent=tuple(indent),
                            emphasis=tuple(strong)))
        blocks.append(Paragraph(_("Score {score} of 100, grade {grade}: {formation}").format(
            score=t.num(float(r.score_100[ctx.project_index]), 2), grade=ctx.grade(r.grades[ctx.project_index]),
            formation=sheet.formation_zh if t.code == "zh" else sheet.formation_en)))
        return blocks
    if ctx.n > SHEETS_IN_REPORT:
        return [Paragraph(_("The scoring sheet of every project (indicator, points, scoring rule, actual value, "
                            "points earned) is in the workbook (--xlsx, sheet \"Scoring sheet\"); each "
                            "project's report (--project) contains its own."), "note")]
    sheets = scoring_sheets(r, system)
    dims = sheets[0].dimensions if sheets else ()
    header = [_("Project"), *(_("{dimension} ({points} points)").format(
        dimension=ctx.name(d.dimension), points=_points(t, d.points)) for d in dims),
        _("Total ({points} points)").format(points=_points(t, sheets[0].total_points) if sheets else "-")]
    table_rows = []
    for i in ctx.order.tolist():
        sh = sheets[i]
        earned = {d.dimension: d.earned for d in sh.dimensions}
        table_rows.append((ctx.project(i), *(_points(t, earned.get(d.dimension, 0.0)) for d in dims),
                           _points(t, sh.earned)))
    blocks.append(Table(tuple(header), tuple(table_rows),
                        caption=_("Scoring sheets: points earned per dimension (each project's full sheet is in "
                                  "its own report and in the workbook)"),
                        numeric=(False, *([True] * (len(dims) + 1)))))
    return blocks


def build(ctx: Context) -> list[Block]:
    _ = ctx.t._
    blocks: list[Block] = []
    sheet = scoring_sheet_blocks(ctx)
    if ctx.project_index is None:
        blocks += [ranking_table(ctx), _score_figure(ctx)]
    if sheet:
        blocks.append(Subsection("scoring-sheet", _("Scoring sheet"), tuple(sheet)))
    blocks.append(Subsection("breakdown", _("Score breakdown by stage and dimension"), tuple(
        b for b in _breakdown(ctx) if not isinstance(b, Subsection))))
    blocks.append(Subsection("contributions", _("Contributions of the indicators"), tuple(
        b for b in _contributions(ctx) if not isinstance(b, Subsection))))
    blocks += _residents(ctx)
    return blocks
