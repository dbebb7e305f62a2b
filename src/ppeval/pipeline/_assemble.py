"""Assessment → decision matrix, in the system's leaf order.

The only place that maps indicator ids to matrix columns:

* quantitative values as measured;
* qualitative ratings aggregated per project and indicator by the system's
  rule (mean / median / trimmed mean, rater-group weights);
* missing cells handled by the system's ``evaluation.missing`` policy
  (``reject``: error naming project and indicator; ``worst``: the indicator's
  worst bound; ``mean``: the mean of the observed projects), every imputed
  cell recorded;
* DEA efficiency indicators (``derived: {method: dea, ...}``) computed from
  their input and output columns by :func:`ppeval.efficiency.dea`, with a
  diagnostic that the score is relative to the evaluated projects;
* target and interval indicators turned into benefit columns of closeness in
  [0, 1] (see :mod:`ppeval.pipeline._transform`);
* with ``scoring_rules=True`` (absolute mode), indicators with a scoring rule
  turned into benefit columns of the share of their points the rule awards, in
  [0, 1] (see :func:`ppeval.pipeline.scoring.rule_points`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from ppeval import qualitative as qual
from ppeval._typing import BoolArray, FloatArray, IntArray
from ppeval.errors import DataError, InputError
from ppeval.pipeline._transform import interval_closeness, target_closeness
from ppeval.pipeline.result import Diagnostic
from ppeval.pipeline.scoring import rule_points
from ppeval.qualitative._common import factorize
from ppeval.schema import Assessment, IndicatorSystem, Qualitative, Quantitative

__all__ = ["Assembled", "QualitativeData", "assemble", "int64_counts", "listing", "loader_codes"]


def listing(items: list[str], most: int = 5, total: int | None = None) -> str:
    """``"a, b, c and 7 more"``: the first ``most`` items of a list for a message.

    ``total`` is the length of the whole list when ``items`` holds only its head
    (so a message about a million projects formats six of them, not all).
    """
    count = len(items) if total is None else int(total)
    head = ", ".join(items[:most])
    return head + (f" and {count - most} more" if count > most else "")


@dataclass(frozen=True, eq=False)
class QualitativeData:
    """Aggregated ratings of the qualitative leaves (columns ``cols`` of the matrix)."""

    cols: IntArray
    value: FloatArray | None  # (n, q), nan where no rater; None once `assemble` wrote it into the matrix
    n_raters: IntArray  # (n, q)
    n_missing: IntArray  # (n, q)
    groups: tuple[str, ...]
    # (g, n, q), nan where the group gave no rating; None when not computed (see `tables`)
    group_values: FloatArray | None
    # (g, n, q), int32 (fewer than 2**31 ratings); int64_counts gives the public form; None as group_values
    group_counts: IntArray | None
    # (ratings,) code of every rating's group into `groups` (None: no ratings); int8 for fewer than 128 groups
    group_code: IntArray | None = None
    # the (group_values, group_counts) tables computed when first asked for (a SharedDeferred), where the
    # cell values did not need them (the mean without group weights); None: the fields hold them
    tables: Any = None
    # (ratings, indicator position of every leaf column, number of projects): one group's table on its own
    source: tuple[Any, IntArray, int] | None = None

    def group_tables(self) -> tuple[FloatArray, IntArray]:
        """``(group_values, group_counts)``, computed now if the assembly left them out."""
        if self.group_values is not None and self.group_counts is not None:
            return self.group_values, self.group_counts
        out: tuple[FloatArray, IntArray] = self.tables()
        return out

    def group_row(self, g: int) -> tuple[FloatArray, IntArray]:
        """``(group_values[g], group_counts[g])`` of one group, without the other groups' tables (values read
        only where the count is positive: a cell without a rating holds nan)."""
        if self.group_values is not None and self.group_counts is not None:
            return self.group_values[g], self.group_counts[g]
        assert self.source is not None  # noqa: S101 - set with `tables`
        assert self.group_code is not None  # noqa: S101 - set with `tables`
        r, pos, n = self.source
        row = qual.aggregate.group_means_exact(r.project, r.indicator, r.value, self.group_code, g, n,
                                               self.cols.shape[0], pos)
        if row is None:  # the group's sums are not exact: its row of the tables
            values, counts = self.group_tables()
            return values[g], counts[g]
        return row


@dataclass(frozen=True, eq=False)
class Assembled:
    """The decision matrix and everything the scoring needs about its columns."""

    matrix: FloatArray
    types: IntArray
    bounds: FloatArray | None  # (m, 2) (worst, best) in matrix space; None if some leaf has none
    missing_bounds: tuple[str, ...]
    kinds: tuple[str, ...]
    imputed: BoolArray
    qualitative: QualitativeData | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    raw: FloatArray | None = None  # values before target/interval/rule transforms (after imputation)
    ruled: BoolArray | None = None  # (m,) columns scored by their scoring rule


def int64_counts(counts: IntArray) -> IntArray:
    """``counts`` as a read-only int64 array (the results' count fields), from the assembly's int32 counts."""
    out: IntArray = np.asarray(counts, dtype=np.int64)
    out.setflags(write=False)
    return out


def _leaf_bounds(leaf: Quantitative | Qualitative) -> tuple[float, float] | None:
    """(worst, best) of a leaf in matrix space, or None when the system gives none."""
    if isinstance(leaf, Qualitative):
        b = leaf.effective_bounds
        return (b.worst, b.best)
    if leaf.derived is not None:  # DEA efficiency
        return (0.0, 1.0)
    if leaf.direction in ("target", "interval"):
        return (0.0, 1.0)
    if leaf.bounds is None:
        return None
    return (leaf.bounds.worst, leaf.bounds.best)


def loader_codes(r: Any) -> tuple[np.ndarray, IntArray, int, IntArray] | None:
    """The codes :func:`ppeval.load_assessment` attached to its ratings, or None (ratings built another way).

    ``(groups, group code per rating, number of raters, rater code per rating)``: ``groups[code]`` is the
    rating's group and the rater codes are equal exactly for equal rater ids (codes into the sorted distinct
    ids). Ratings are frozen with read-only arrays, and ``dataclasses.replace`` makes a new object without
    the private attribute, so the codes always describe the arrays they came with.
    """
    codes = getattr(r, "_codes", None)
    if codes is None or len(codes) != 4:
        return None
    n = len(r)
    names, gcode, n_raters, rcode = codes
    if np.shape(gcode) != (n,) or np.shape(rcode) != (n,):
        return None
    return np.asarray(names), np.asarray(gcode), int(n_raters), np.asarray(rcode)


def _aggregate_ratings(system: IndicatorSystem, assessment: Assessment, cols: IntArray) -> QualitativeData:
    ev = system.evaluation
    r = assessment.ratings
    n = assessment.n_projects
    q = cols.shape[0]
    # map leaf column -> position among qualitative leaves
    pos = np.full(len(assessment.indicator_ids), -1, dtype=np.int64)
    pos[cols] = np.arange(q)
    ind = pos[r.indicator]
    if (ind < 0).any():
        k = int(np.argmax(ind < 0))
        raise DataError(
            f"rating of project {assessment.project_ids[r.project[k]]!r} is for indicator "
            f"{assessment.indicator_ids[r.indicator[k]]!r}, which is quantitative; ratings are for "
            "qualitative indicators only"
        )
    # a handful of group names over many ratings: the loader's codes, else factorize without sorting the ratings
    cached = loader_codes(r)
    if cached is not None and len(r):
        names, gcode = cached[0], cached[1]
        if names.shape[0] <= 8:  # a few names: a compare each, stopping at the first occurrence
            present = np.array([bool((gcode == c).any()) for c in range(names.shape[0])], dtype=bool)
        else:
            present = np.bincount(gcode, minlength=names.shape[0]) > 0
        if not present.all():  # (every distinct name the loader kept occurs; kept exact all the same)
            names, gcode = names[present], (np.cumsum(present) - 1)[gcode]
    else:
        names, gcode = factorize(r.group)
    found = {str(g) for g in names.tolist()}
    group_weights = None
    if ev.rater_group_weights is not None:
        unknown = sorted(found - set(ev.rater_group_weights))
        if unknown:
            raise DataError(
                f"ratings come from rater group(s) {', '.join(map(repr, unknown))} that the system's "
                f"evaluation.rater_group_weights does not list ({', '.join(sorted(ev.rater_group_weights))})"
            )
        groups = tuple(sorted(ev.rater_group_weights))
        gw = np.array([ev.rater_group_weights[g] for g in groups], dtype=np.float64)
        if gw.sum() <= 0:
            raise DataError("evaluation.rater_group_weights are all 0; at least one group needs weight")
        group_weights = gw / gw.sum()
    else:
        groups = tuple(sorted(found))
    # codes into `groups` (sorted names, so a lookup by position of the found names)
    # (a handful of groups: one byte per rating, not eight, for the codes the result's provenance reuses)
    small = np.int8 if len(groups) < 128 else np.int64
    lookup: IntArray = np.array([groups.index(str(g)) for g in names.tolist()], dtype=small)
    gcode = lookup.take(gcode) if len(r) else gcode  # (take: fancy indexing by int8 codes is several times slower)
    indicator_ids = tuple(assessment.indicator_ids[c] for c in cols)
    # the mean without group weights: a cell's value is its pooled mean, which needs no per-group table (the
    # call without groups computes the pooled statistics as the call with them: with the same function on
    # the same cells, or from exact sums); the (groups, projects, indicators) tables are then computed when
    # the result's fields are read, by the same call with groups
    lazy = len(r) > 0 and ev.rating_aggregation == "mean" and group_weights is None
    agg = qual.aggregate_ratings(
        r.project,
        ind,
        r.value,
        n_projects=n,
        n_indicators=q,
        method=ev.rating_aggregation,
        trim=ev.trim,
        group=gcode if len(r) and not lazy else None,
        groups=groups if len(r) and not lazy else None,
        group_weights=group_weights if len(r) else None,
        # (the rater ids only check duplicates and name raters in messages of values and groups, which the
        # loader checked: its ratings keep their ids as codes, not read here)
        rater=None if getattr(r, "_no_duplicates", False) else r.rater,
        project_ids=assessment.project_ids,
        indicator_ids=indicator_ids,
        # ratings from ppeval.io were checked for duplicates when loaded
        duplicates_checked=bool(getattr(r, "_no_duplicates", False)),
        count_dtype=np.int32 if len(r) < 2**31 else np.int64,  # the (g, n, q) counts: half the memory
        std=False,  # the assembly does not keep the standard deviations
    )
    if not len(r):
        groups = ()
    if lazy:
        from ppeval.pipeline.result import deferred_shared

        return QualitativeData(
            cols=cols,
            value=agg.value,
            n_raters=agg.n_raters,
            n_missing=agg.n_missing,
            groups=groups,
            group_values=None,
            group_counts=None,
            group_code=gcode,
            tables=deferred_shared(_group_tables, ev.rating_aggregation, ev.trim, r, cols, pos, gcode, groups, n,
                                   assessment.project_ids, indicator_ids),
            source=(r, pos, n),
        )
    return QualitativeData(
        cols=cols,
        value=agg.value,
        n_raters=agg.n_raters,
        n_missing=agg.n_missing,
        groups=agg.groups,
        group_values=agg.group_values,
        group_counts=agg.group_counts,
        group_code=gcode if len(r) else None,
    )


def _runs(cols: IntArray) -> list[tuple[int, int, int]]:
    """``(start, stop, position)`` of each run of consecutive column numbers in ``cols`` (increasing)."""
    out: list[tuple[int, int, int]] = []
    values = cols.tolist()
    k = 0
    while k < len(values):
        e = k
        while e + 1 < len(values) and values[e + 1] == values[e] + 1:
            e += 1
        out.append((values[k], values[e] + 1, k))
        k = e + 1
    return out


def _group_tables(
    method: qual.AggregationMethod, trim: float, r: Any, cols: IntArray, pos: IntArray, gcode: IntArray,
    groups: tuple[str, ...],
    n: int, project_ids: tuple[str, ...], indicator_ids: tuple[str, ...],
) -> tuple[FloatArray, IntArray]:
    """The per-group tables ``(group_values, group_counts)`` that :func:`_aggregate_ratings` left out: the
    aggregation's call with the groups (the duplicate check done already), so the same bits."""
    agg = qual.aggregate_ratings(
        r.project, pos[r.indicator], r.value, n_projects=n, n_indicators=cols.shape[0], method=method,
        trim=trim, group=gcode, groups=groups, project_ids=project_ids, indicator_ids=indicator_ids,
        duplicates_checked=True, count_dtype=np.int32 if len(r) < 2**31 else np.int64, std=False,
    )
    return agg.group_values, agg.group_counts


def assemble(system: IndicatorSystem, assessment: Assessment, *, scoring_rules: bool = False) -> Assembled:
    """Build the decision matrix of ``assessment`` in ``system``'s leaf order.

    With ``scoring_rules``, every indicator with a scoring rule becomes the
    share of its points the rule awards (a benefit column with bounds (0, 1)).
    """
    leaves = system.leaves()
    ids = tuple(leaf.id for leaf in leaves)
    if tuple(assessment.indicator_ids) != ids:
        raise DataError(
            f"the assessment was loaded for indicator system {assessment.system_id!r} with indicators "
            f"{list(assessment.indicator_ids)[:5]}...; it does not match system {system.id!r}"
        )
    n, m = assessment.values.shape
    matrix = np.array(assessment.values, dtype=np.float64)  # our own copy
    kinds = tuple(leaf.kind for leaf in leaves)
    types = np.array([-1 if leaf.direction == "cost" else 1 for leaf in leaves], dtype=np.int64)
    diagnostics: list[Diagnostic] = []

    qcols = np.array([j for j, leaf in enumerate(leaves) if isinstance(leaf, Qualitative)], dtype=np.int64)
    qdata = None
    missing = np.array(assessment.missing, dtype=bool)
    if qcols.size:
        qdata = _aggregate_ratings(system, assessment, qcols)
        assert qdata.value is not None  # noqa: S101 - set by _aggregate_ratings
        nan_cells = np.isnan(qdata.value)
        for lo, hi, k in _runs(qcols):  # runs of adjacent columns: strided copies, no fancy-indexed write
            matrix[:, lo:hi] = qdata.value[:, k : k + hi - lo]
            missing[:, lo:hi] = nan_cells[:, k : k + hi - lo]
        del nan_cells
        qdata = replace(qdata, value=None)  # nothing reads it after this: one (n, q) array less to keep
    derived = np.array([isinstance(leaf, Quantitative) and leaf.derived is not None for leaf in leaves])
    quant_missing = np.isnan(matrix)
    np.greater(quant_missing, missing, out=quant_missing)  # nan & ~missing (booleans), in place
    if derived.any():
        quant_missing[:, derived] = False  # DEA columns are computed below
    missing |= quant_missing

    bounds_list = [_leaf_bounds(leaf) for leaf in leaves]
    missing_bounds = tuple(ids[j] for j, b in enumerate(bounds_list) if b is None)

    imputed = np.zeros((n, m), dtype=bool)
    if missing.any():
        policy = system.evaluation.missing
        asked = assessment.missing_policy
        if asked is not None and asked != policy:
            raise InputError(
                f"the assessment was loaded with missing={asked!r}, but indicator system {system.id!r} imputes "
                f"by its evaluation.missing = {policy!r} and {int(missing.sum())} cell(s) are missing; set "
                f"evaluation.missing: {asked} in the system (the policy is part of the evaluation settings) "
                "or load without missing="
            )
        if policy == "reject":
            raise DataError(_missing_message(assessment, leaves, np.argwhere(missing)))
        # the columns with a missing cell (no (cells, 2) index of every missing cell, no sort of it); their
        # flags as contiguous rows, the values to fill in per column, then the masked copies into the matrix
        with_missing = np.flatnonzero(missing.any(axis=0))
        flags = np.ascontiguousarray(missing[:, with_missing].T)
        fill = np.zeros(m)
        for k, j in enumerate(with_missing.tolist()):
            col_missing = flags[k]
            leaf = leaves[j]
            if policy == "worst":
                b = bounds_list[j]
                if b is None:
                    raise DataError(
                        f"indicator {ids[j]!r} has missing values and no bounds; policy 'worst' "
                        "imputes the worst bound, so the indicator needs bounds"
                    )
                raw_worst = _raw_worst(leaf, b)
                fill[j] = raw_worst
                rule = f"worst bound {raw_worst:g}"
            else:
                observed = matrix[~col_missing, j]
                if observed.size == 0:
                    raise DataError(
                        f"indicator {ids[j]!r} has no value for any project; policy 'mean' cannot impute it"
                    )
                fill[j] = observed.mean()
                rule = f"mean of {observed.size} observed project(s) {observed.mean():.6g}"
            which = np.flatnonzero(col_missing)
            listed = listing([repr(assessment.project_ids[i]) for i in which[:6]], total=which.size)
            diagnostics.append(
                Diagnostic(
                    code="imputed",
                    severity="warning",
                    message=f"indicator {ids[j]!r}: {which.size} missing value(s) imputed with the {rule} "
                    f"(projects {listed})",
                    indicator=ids[j],
                    project=assessment.project_ids[which[0]] if which.size == 1 else None,
                    value=float(which.size),
                )
            )
        for k, j in enumerate(with_missing.tolist()):  # a masked copy per column, its flags contiguous
            np.copyto(matrix[:, j], fill[j], where=flags[k])
        # every column with a missing cell is imputed once: the flags are the missing cells (our own copy)
        imputed = missing

    # DEA efficiency indicators, from the (imputed) raw inputs and outputs
    for j, leaf in enumerate(leaves):
        if isinstance(leaf, Quantitative) and leaf.derived is not None:
            matrix[:, j] = _dea_column(leaf, leaves, matrix, assessment.project_ids, diagnostics)

    ruled = np.array([scoring_rules and leaf.scoring is not None for leaf in leaves], dtype=bool)
    # the raw values need their own (n, m) copy only when a column is transformed below (scoring rule,
    # target / interval closeness); otherwise raw and matrix share one read-only buffer
    transformed = ruled.any() or any(
        isinstance(leaf, Quantitative) and leaf.direction in ("target", "interval") for leaf in leaves
    )
    raw = matrix.copy() if transformed else matrix
    if transformed:
        raw.setflags(write=False)
    if ruled.any():
        static_points = system.points()
        for jr in np.flatnonzero(ruled):
            jj = int(jr)
            rleaf = leaves[jj]
            leaf_rule = rleaf.scoring
            assert leaf_rule is not None  # noqa: S101 - ruled marks leaves with a rule
            full = static_points.get(rleaf.id, 1.0)
            labels = rleaf.scale.label_map() if isinstance(rleaf, Qualitative) else None
            earned = rule_points(leaf_rule, raw[:, jj], full, rleaf.direction, labels)
            matrix[:, jj] = earned / full if full > 0 else 0.0
            types[jj] = 1
            bounds_list[jj] = (0.0, 1.0)
        missing_bounds = tuple(ids[j] for j, b in enumerate(bounds_list) if b is None)
    # target / interval -> closeness in [0, 1]
    for j, leaf in enumerate(leaves):
        if ruled[j]:
            continue
        if isinstance(leaf, Quantitative) and leaf.direction in ("target", "interval"):
            rng = leaf.range
            if rng is None:  # pragma: no cover - the schema requires it
                raise DataError(f"indicator {ids[j]!r} ({leaf.direction}) has no range")
            if leaf.direction == "target":
                tgt = leaf.target
                if tgt is None:  # pragma: no cover - the schema requires it
                    raise DataError(f"indicator {ids[j]!r} has direction 'target' but no target")
                matrix[:, j] = target_closeness(matrix[:, j], tgt.value, tgt.tolerance, rng.low, rng.high)
            else:
                iv = leaf.interval
                if iv is None:  # pragma: no cover - the schema requires it
                    raise DataError(f"indicator {ids[j]!r} has direction 'interval' but no interval")
                matrix[:, j] = interval_closeness(matrix[:, j], iv.low, iv.high, rng.low, rng.high)

    bounds = None
    if not missing_bounds:
        bounds = np.array(bounds_list, dtype=np.float64)
    matrix.setflags(write=False)
    imputed.setflags(write=False)
    return Assembled(
        matrix=matrix,
        types=types,
        bounds=bounds,
        missing_bounds=missing_bounds,
        kinds=kinds,
        imputed=imputed,
        qualitative=qdata,
        diagnostics=diagnostics,
        raw=raw,
        ruled=ruled,
    )


def _missing_message(assessment: Assessment, leaves: tuple[Any, ...] | list[Any], cells: IntArray) -> str:
    """Every missing cell (the first few) with the file it should come from, for the 'reject' policy."""
    sources = tuple(assessment.sources)
    r = assessment.ratings
    rating_files = sorted({sources[int(f)] for f in np.unique(r.file)} if len(r) and sources else set())
    value_files = sorted(
        {sources[int(f)] for f in np.unique(assessment.cell_source) if f >= 0}
        if assessment.cell_source is not None and sources else set()
    )
    lines = []
    for i, j in cells[:5].tolist():
        leaf = leaves[j]
        where = f"project {assessment.project_ids[i]!r}, indicator {leaf.id!r} ({leaf.name})"
        if isinstance(leaf, Qualitative):
            files = ", ".join(rating_files or sorted(set(sources))) or "the assessment given"
            lines.append(f"{where}: no answered rating in {files}")
        else:
            files = ", ".join(value_files or sorted(set(sources))) or "the assessment given"
            lines.append(f"{where}: no value in {files}")
    more = f"\n  ... and {len(cells) - 5} more" if len(cells) > 5 else ""
    return (
        f"{len(cells)} missing cell(s); the system's evaluation.missing policy is 'reject' (use 'worst' or "
        "'mean' to impute):\n" + "\n".join(f"  - {line}" for line in lines) + more
    )


def _dea_column(
    leaf: Quantitative,
    leaves: tuple[Quantitative | Qualitative, ...],
    matrix: FloatArray,
    project_ids: tuple[str, ...],
    diagnostics: list[Diagnostic],
) -> FloatArray:
    """DEA efficiency of every project for ``leaf`` (its inputs/outputs are raw columns of ``matrix``)."""
    from ppeval.efficiency import dea

    spec = leaf.derived
    if spec is None:  # pragma: no cover - called for derived leaves only
        raise DataError(f"indicator {leaf.id!r} is not a DEA indicator")
    col = {lf.id: k for k, lf in enumerate(leaves)}
    name = {lf.id: lf.name for lf in leaves}
    x = matrix[:, [col[c] for c in spec.inputs]]
    y = matrix[:, [col[c] for c in spec.outputs]]
    for what, arr, names in (("input", x, spec.inputs), ("output", y, spec.outputs)):
        neg = arr < 0
        if neg.any():
            i, k = (int(v) for v in np.argwhere(neg)[0])
            raise DataError(
                f"project {project_ids[i]!r}: {what} {names[k]!r} of DEA indicator {leaf.id!r} is "
                f"{arr[i, k]:g}; DEA needs non-negative inputs and outputs"
            )
    no_input = ~(x > 0).any(axis=1)
    if no_input.any():
        i = int(np.argmax(no_input))
        raise DataError(
            f"project {project_ids[i]!r}: every input of DEA indicator {leaf.id!r} ({', '.join(spec.inputs)}) "
            "is 0; DEA needs at least one positive input per project (its efficiency would be unbounded)"
        )
    # A project that delivered no output at all gets efficiency 0 by convention: that is the CCR optimum
    # (theta* = 0 with lambda = 0) and the limit of every output-oriented score; the BCC input-oriented
    # LP would only measure how small its inputs are, which says nothing of performance when nothing was
    # delivered. It is left out of the frontier LPs (which need a positive output) and named in a warning.
    produced = (y > 0).any(axis=1)
    if not produced.any():
        raise DataError(
            f"every output of DEA indicator {leaf.id!r} ({', '.join(spec.outputs)}) is 0 for every project; "
            "DEA needs at least one project with a positive output"
        )
    keep = np.flatnonzero(produced)
    sub = dea(x[keep], y[keep], rts=spec.rts, orientation=spec.orientation)
    efficiency = np.zeros(len(project_ids))
    efficiency[keep] = sub.efficiency
    efficient = np.zeros(len(project_ids), dtype=bool)
    efficient[keep] = sub.efficient
    reference_sets: list[tuple[int, ...]] = [()] * len(project_ids)
    for k, i in enumerate(keep.tolist()):
        reference_sets[i] = tuple(int(keep[j]) for j in sub.reference_sets[k])
    idle = np.flatnonzero(~produced)
    if idle.size:
        diagnostics.append(
            Diagnostic(
                code="dea_no_output",
                severity="warning",
                message=(
                    f"indicator {leaf.id!r} ({leaf.name}): {idle.size} project(s) reported no output at all "
                    f"({', '.join(name[c] for c in spec.outputs)} all 0) and get DEA efficiency 0 by convention "
                    "(nothing was delivered for what they spent): "
                    f"{listing([project_ids[i] for i in idle])}"
                ),
                indicator=leaf.id,
                value=float(idle.size),
            )
        )
    model = {"crs": "CCR (constant returns to scale)", "vrs": "BCC (variable returns to scale)"}[spec.rts]
    frontier = [project_ids[i] for i in np.flatnonzero(efficient)]
    diagnostics.append(
        Diagnostic(
            code="dea_relative",
            severity="info",
            message=(
                f"indicator {leaf.id!r} ({leaf.name}) is a DEA efficiency, {model}, {spec.orientation}-oriented, "
                f"from inputs {', '.join(name[c] for c in spec.inputs)} and outputs "
                f"{', '.join(name[c] for c in spec.outputs)} of the "
                f"{len(project_ids)} evaluated project(s); DEA is relative: the efficiency in [0, 1] (bounds "
                "worst 0, best 1) measures each project against the best of these projects, so it depends on "
                "which projects are evaluated together, also in absolute mode, where this indicator's value "
                "(and so the score) can change when projects are added or removed. Efficient projects: "
                f"{listing(frontier)}"
            ),
            indicator=leaf.id,
            value=float(efficient.sum()),
        )
    )
    below = np.flatnonzero((efficiency < 1.0) & produced)
    if below.size:
        order = below[np.argsort(efficiency[below], kind="stable")]
        peers = [", ".join(project_ids[j] for j in reference_sets[i]) for i in order[:20]]
        shown = [f"{project_ids[i]} {efficiency[i]:.3f} (peers {p})" for i, p in zip(order, peers, strict=False)]
        more = f"; and {order.size - 20} more" if order.size > 20 else ""
        diagnostics.append(
            Diagnostic(
                code="dea_peers",
                severity="info",
                message=(
                    f"indicator {leaf.id!r} ({leaf.name}): projects below the DEA frontier, least efficient "
                    f"first, with the efficient projects they are compared with (their reference set): "
                    f"{'; '.join(shown)}{more}"
                ),
                indicator=leaf.id,
                value=float(below.size),
            )
        )
    return efficiency


def _raw_worst(leaf: Quantitative | Qualitative, b: tuple[float, float]) -> float:
    """The raw value that is worst for the leaf (before target/interval transforms)."""
    if isinstance(leaf, Quantitative) and leaf.direction in ("target", "interval") and leaf.range is not None:
        # the end of the plausible range farthest from what is acceptable
        if leaf.direction == "target" and leaf.target is not None:
            t = leaf.target.value
            return leaf.range.low if t - leaf.range.low >= leaf.range.high - t else leaf.range.high
        if leaf.interval is not None:
            lo_gap = leaf.interval.low - leaf.range.low
            hi_gap = leaf.range.high - leaf.interval.high
            return leaf.range.low if lo_gap >= hi_gap else leaf.range.high
    return b[0]
