"""Work that ``evaluate`` now shares or defers gives the bits of the calls it replaces.

* :func:`ppeval.methods.topsis.topsis_columns` (the total score and the inner nodes' sub-scores in one
  pass) against one :func:`ppeval.methods.topsis` call per column subset;
* :func:`ppeval.qualitative.aggregate.group_means_exact` (the residents' row) against the row of the
  per-group tables of :func:`ppeval.qualitative.aggregate_ratings`;
* the per-group tables the assembly leaves out (computed when read) against the eager ones;
* the obstacle degrees and entropy weights against their textbook formulas written plainly.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ppeval import methods, normalize, weights
from ppeval.io import bundled
from ppeval.methods.obstacle import degrees
from ppeval.methods.topsis import topsis_columns
from ppeval.pipeline import _assemble, evaluate
from ppeval.qualitative import aggregate_ratings
from ppeval.qualitative.aggregate import group_means_exact


def _bits(a: np.ndarray) -> bytes:
    return np.ascontiguousarray(a, dtype=np.float64).tobytes()


def _parts(m: int, rng: np.random.Generator) -> list[tuple[np.ndarray | None, np.ndarray]]:
    w = rng.random(m)
    parts: list[tuple[np.ndarray | None, np.ndarray]] = [(None, w / w.sum())]
    cuts = np.sort(rng.choice(np.arange(1, m), size=min(3, m - 1), replace=False)) if m > 1 else np.array([], int)
    for a, b in zip(np.r_[0, cuts], np.r_[cuts, m], strict=True):
        idx = np.arange(a, b)
        wk = rng.random(idx.size)
        parts.append((idx, wk / wk.sum()))
    scattered = np.sort(rng.choice(m, size=max(1, m // 2), replace=False))  # not a run of columns
    wk = rng.random(scattered.size)
    parts.append((scattered, wk / wk.sum()))
    return parts


@pytest.mark.parametrize("n", [1, 2, 31, 32, 33, 257, 1300, 3001])
@pytest.mark.parametrize("absolute", [True, False])
def test_topsis_columns_gives_the_bits_of_one_call_per_part(n: int, absolute: bool) -> None:
    rng = np.random.default_rng(n + 7 * absolute)
    m = 12
    x = rng.random((n, m)) * 100.0
    x[:, 3] = 42.0  # a constant column
    types = np.where(rng.random(m) < 0.3, -1, 1)
    bounds = None
    if absolute:
        bounds = np.column_stack([np.where(types > 0, 0.0, 100.0), np.where(types > 0, 100.0, 0.0)])
        x[::3, 5] = bounds[5, 0]  # at the worst bound: a zero gap of either sign
        x[1::3, 6] = bounds[6, 1]  # at the best bound
    elif n < 2:
        return
    parts = _parts(m, rng)
    got = topsis_columns(x, types, parts, normalization="minmax", bounds=bounds)
    checked = topsis_columns(x, types, parts, normalization="minmax", bounds=bounds, checked=True)
    r01 = normalize.minmax(x, types, bounds=bounds)
    given_r = topsis_columns(x, types, parts, normalization="minmax", bounds=bounds, checked=True, normalized=r01)
    for (c, w), out, out_checked, out_r in zip(parts, got, checked, given_r, strict=True):
        assert _bits(out_checked) == _bits(out)
        assert _bits(out_r) == _bits(out)
        cols = np.arange(m) if c is None else c
        want = methods.topsis(x[:, cols], w, types[cols], normalization="minmax",
                              bounds=None if bounds is None else bounds[cols])
        assert _bits(out) == _bits(want)


def test_topsis_columns_refuses_the_vector_normalisation() -> None:
    from ppeval.errors import InputError

    with pytest.raises(InputError, match="minmax"):
        topsis_columns(np.ones((3, 2)), [1, 1], [(None, np.array([0.5, 0.5]))], normalization="vector")


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 40), st.integers(1, 5), st.integers(1, 4), st.integers(0, 2**31 - 1), st.booleans())
def test_group_means_exact_is_the_group_tables_row(n_p: int, n_i: int, n_g: int, seed: int, missing: bool) -> None:
    rng = np.random.default_rng(seed)
    k = int(rng.integers(0, 4 * n_p * n_i + 1))
    proj = rng.integers(0, n_p, k)
    ind = rng.integers(0, n_i, k)
    val = rng.integers(1, 6, k).astype(np.float64)
    if missing and k:
        val[rng.random(k) < 0.2] = np.nan
    grp = rng.integers(0, n_g, k)
    names = tuple(f"g{i}" for i in range(n_g))
    agg = aggregate_ratings(proj, ind, val, n_projects=n_p, n_indicators=n_i, group=grp, groups=names)
    codes = np.arange(n_i)[::-1].copy()  # an indicator recoding, applied to the group's ratings
    agg_r = aggregate_ratings(proj, codes[ind], val, n_projects=n_p, n_indicators=n_i, group=grp, groups=names)
    for g in range(n_g):
        row = group_means_exact(proj, ind, val, grp, g, n_p, n_i)
        assert row is not None
        means, counts = row
        assert _bits(means) == _bits(agg.group_values[g])
        assert np.array_equal(counts, agg.group_counts[g])
        row_r = group_means_exact(proj, ind, val, grp, g, n_p, n_i, codes)
        assert row_r is not None
        assert _bits(row_r[0]) == _bits(agg_r.group_values[g])


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 30), st.integers(1, 5), st.integers(2, 4), st.integers(0, 2**31 - 1),
       st.sampled_from(("integers", "decimals", "mixed")), st.booleans(), st.booleans())
def test_pooled_mean_without_groups_is_the_pooled_mean_with_them(
    n_p: int, n_i: int, n_g: int, seed: int, kind: str, in_order: bool, missing: bool
) -> None:
    """The assembly asks for the pooled mean without the groups (their tables are computed when read): the
    same value and counts, bit for bit, as with the groups, for exact and inexact sums, sorted or not; one
    group's row from ``group_means_exact`` where its sums are exact (None where they are not)."""
    rng = np.random.default_rng(seed)
    k = int(rng.integers(1, 4 * n_p * n_i + 1))
    proj = rng.integers(0, n_p, k)
    ind = rng.integers(0, n_i, k)
    grp = rng.integers(0, n_g, k)
    if in_order:
        o = np.lexsort((grp, ind, proj))
        proj, ind, grp = proj[o], ind[o], grp[o]
    val = rng.integers(1, 6, k).astype(np.float64)
    if kind == "decimals":
        val = np.round(rng.random(k) * 5, 3) + 1e5 * rng.integers(0, 2, k)
    elif kind == "mixed":
        val[grp == 0] += 0.1  # group 0 inexact, the others integers
    if missing:
        val[rng.random(k) < 0.15] = np.nan
    names = tuple(f"g{i}" for i in range(n_g))
    with_groups = aggregate_ratings(proj, ind, val, n_projects=n_p, n_indicators=n_i, group=grp, groups=names)
    pooled = aggregate_ratings(proj, ind, val, n_projects=n_p, n_indicators=n_i)
    assert _bits(pooled.value) == _bits(with_groups.value)
    assert np.array_equal(pooled.n_raters, with_groups.n_raters)
    assert np.array_equal(pooled.n_missing, with_groups.n_missing)
    for g in range(n_g):
        row = group_means_exact(proj, ind, val, grp, g, n_p, n_i)
        if kind == "decimals" or (kind == "mixed" and g == 0):
            continue  # (inexact sums: None, or exact by chance)
        assert row is not None
        has = with_groups.group_counts[g] > 0
        assert np.array_equal(row[1], with_groups.group_counts[g])
        assert _bits(row[0][has]) == _bits(with_groups.group_values[g][has])


@pytest.mark.parametrize("name", bundled.list_systems())
def test_deferred_group_tables_are_the_eager_ones(name: str) -> None:
    system, assessment = bundled.load_sample(name)
    asm = _assemble.assemble(system, assessment)
    q = asm.qualitative
    if q is None or q.group_code is None:
        pytest.skip("no ratings")
    values, counts = q.group_tables()
    r = assessment.ratings
    pos = np.full(len(assessment.indicator_ids), -1, dtype=np.int64)
    pos[q.cols] = np.arange(q.cols.size)
    ev = system.evaluation
    gw = None
    if ev.rater_group_weights is not None:
        gw = {g: ev.rater_group_weights[g] for g in q.groups}
    eager = aggregate_ratings(r.project, pos[r.indicator], r.value, n_projects=len(assessment.project_ids),
                              n_indicators=q.cols.size, method=ev.rating_aggregation, trim=ev.trim,
                              group=q.group_code, groups=q.groups, group_weights=gw)
    assert _bits(values) == _bits(eager.group_values)
    assert np.array_equal(counts, eager.group_counts)
    for g in range(len(q.groups)):
        row_v, row_c = q.group_row(g)
        assert _bits(row_v) == _bits(eager.group_values[g])
        assert np.array_equal(row_c, eager.group_counts[g])
    res = evaluate(system, assessment)
    assert res.qualitative is not None
    assert _bits(res.qualitative.group_values) == _bits(np.where(eager.group_counts > 0, eager.group_values, 0.0))
    assert np.array_equal(res.qualitative.group_counts, eager.group_counts)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 50), st.integers(1, 8), st.integers(0, 2**31 - 1))
def test_obstacle_degrees_are_the_plain_formula(n: int, m: int, seed: int) -> None:
    """Obstacle degree ``o_ij = w_j (1 - r_ij) / sum_k w_k (1 - r_ik)`` (0 for a row without loss), written plainly."""
    rng = np.random.default_rng(seed)
    x = rng.random((n, m)) * 1.2 - 0.1  # a little outside [0, 1]: clipped
    x[rng.random((n, m)) < 0.3] = 1.0
    w = rng.random(m)
    w /= w.sum()
    lost = np.clip(1.0 - np.clip(x, 0.0, 1.0), 0.0, 1.0) * w
    tot = lost.sum(axis=1, keepdims=True)
    want = np.where(tot > 0, lost / np.where(tot > 0, tot, 1.0), 0.0)
    assert _bits(degrees(x, w)) == _bits(want)


def test_entropy_with_zeros_matches_the_masked_log() -> None:
    """``0 ln 0 = 0``: the entropy weights of a matrix with zeros against the formula written with a masked log."""
    rng = np.random.default_rng(3)
    x = rng.random((500, 6))
    x[rng.random(x.shape) < 0.2] = 0.0
    x[:7, 2] = -0.0
    p = x / x.sum(axis=0)
    plogp = np.zeros_like(p)
    np.multiply(p, np.log(p, out=np.zeros_like(p), where=p > 0), out=plogp)
    e = -plogp.sum(axis=0) / np.log(x.shape[0])
    d = 1.0 - e
    np.testing.assert_allclose(weights.entropy(x), d / d.sum(), rtol=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_log_of_the_raised_zeros_gives_the_sums_of_the_masked_log(seed: int) -> None:
    """``sum y ln y`` with ``ln`` taken of ``max(y, tiny)`` has the bits of the masked ``ln`` (``0 ln 0 = 0``)."""
    from ppeval.weights._objective import _TINY

    rng = np.random.default_rng(seed)
    y = rng.random((2000, 7))
    y[rng.random(y.shape) < 0.3] = 0.0
    y[:5, 1] = -0.0
    y[:, 4] = 0.0
    masked = np.zeros_like(y)
    np.log(y, out=masked, where=y > 0)
    raised = np.log(np.maximum(y, _TINY))
    a = np.zeros(7) + np.einsum("ij,ij->j", y, masked)
    b = np.zeros(7) + np.einsum("ij,ij->j", y, raised)
    assert _bits(a) == _bits(b)


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from(("nominal", "ordinal", "interval", "ratio")),
       st.sampled_from((1, 3, 50, 1 << 20)), st.booleans())
def test_alpha_on_runs_of_units_gives_the_one_pass_bits(seed: int, level: str, block: int, shuffled: bool) -> None:
    """Ratings sorted by project and indicator (the loader's order: a unit's ratings are a run) take the run
    path of the blocked alpha; against the one-pass alpha, bit for bit (with some projects out of indicator
    order when ``shuffled``: those blocks take the counting path)."""
    from ppeval.qualitative import agreement as ag

    rng = np.random.default_rng(seed)
    n_p, n_i = int(rng.integers(1, 40)), int(rng.integers(1, 6))
    n = int(rng.integers(0, 400))
    proj = rng.integers(0, n_p, n)
    ind = rng.integers(0, n_i, n)
    order = np.lexsort((ind, proj))
    proj, ind = proj[order], ind[order]
    if shuffled and n > 3:
        k = int(rng.integers(0, n - 3))
        p = proj[k]
        same = np.flatnonzero(proj == p)
        ind[same] = ind[same][::-1]  # one project's indicators in descending order
    x = rng.integers(1, 6, n).astype(np.float64) if seed % 2 else np.round(rng.random(n) * 10, 1)
    ref = ag._alpha_long(ind, ind * n_p + proj, x, n_i, n_i * n_p, level)
    got = ag._alpha_blocked(proj, ind, x, n_p, n_i, level, block)
    for a, b in zip(ref, got, strict=True):
        assert a.dtype == b.dtype
        assert a.tobytes() == b.tobytes()


def test_residents_fast_path_only_inside_the_bounds() -> None:
    """The residents' TOPSIS skips its checks only when every residents' mean lies within its column's bounds."""
    from ppeval.pipeline._evaluate import _Scorer, _within_bounds

    bounds = np.array([[0.0, 10.0], [1.0, 5.0], [5.0, 1.0]])
    scorer = _Scorer("topsis", "absolute", "minmax", np.array([1, 1, -1]), bounds, 0.5, np.zeros(1))
    cols = np.array([1, 2])
    vals = np.array([[1.0, 5.0], [np.nan, 3.0], [4.5, np.nan]])
    has = ~np.isnan(vals)
    assert _within_bounds(scorer, cols, vals, has)
    vals[0, 1] = 5.5  # above the cost column's worst
    assert not _within_bounds(scorer, cols, vals, has)
    vals[0, 1] = 5.0
    vals[2, 0] = 0.5  # below the worst of column 1
    assert not _within_bounds(scorer, cols, vals, has)
    has[2, 0] = False  # not a residents' cell: not compared
    assert _within_bounds(scorer, cols, vals, has)
    relative = _Scorer("topsis", "relative", "minmax", np.array([1, 1, -1]), None, 0.5, np.zeros(1))
    assert not _within_bounds(relative, cols, vals, has)


def test_residents_row_from_the_tables_when_its_sums_are_not_exact(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where one group's row cannot be formed on its own (inexact sums), the residents' view reads it from the
    per-group tables: the same result, byte for byte."""
    from ppeval.qualitative import aggregate as agg_mod

    system, assessment = bundled.load_sample("3e-equity")  # residents, no group weights: the tables deferred
    q = _assemble.assemble(system, assessment).qualitative
    assert q is not None
    assert q.tables is not None
    assert "resident" in q.groups
    want = evaluate(system, assessment).to_json()
    monkeypatch.setattr(agg_mod, "group_means_exact", lambda *a, **k: None)
    assert evaluate(system, assessment).to_json() == want
