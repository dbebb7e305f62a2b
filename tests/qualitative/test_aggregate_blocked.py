"""The mean of scale points a block of cells at a time (qualitative.aggregate, ratings grouped by cell).

When the ratings come grouped by (project, indicator) -- the order ``load_assessment`` gives -- and
the sums are exact (integer ratings), ``aggregate_ratings`` computes every statistic from blocks of
whole cells, with block-sized temporaries. Results are exact functions of the multiset of ratings, so
the blocked path must give the one-pass path's results (taken for the same ratings in another order)
bit for bit, whatever the block size.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ppeval.errors import InputError
from ppeval.qualitative import aggregate as agg
from ppeval.qualitative import aggregate_ratings

FIELDS = ("value", "has_value", "n_raters", "n_missing", "std", "group_values", "group_counts", "group_missing")


def _same_bits(a: agg.RatingAggregate, b: agg.RatingAggregate) -> None:
    for f in FIELDS:
        x, y = np.ascontiguousarray(getattr(a, f)), np.ascontiguousarray(getattr(b, f))
        assert x.dtype == y.dtype, f
        assert x.shape == y.shape, f
        assert x.tobytes() == y.tobytes(), f  # nan bits and last bits included
    assert a.groups == b.groups


def _ratings(seed: int, missing: bool, n_groups: int, weights: bool) -> tuple[dict, dict]:  # type: ignore[type-arg]
    rng = np.random.default_rng(seed)
    n_p, n_i = int(rng.integers(1, 30)), int(rng.integers(1, 5))
    n = int(rng.integers(1, 400))
    proj, ind = rng.integers(0, n_p, n), rng.integers(0, n_i, n)
    order = np.lexsort((ind, proj))
    proj, ind = proj[order], ind[order]
    v = rng.integers(1, 6, n).astype(np.float64)
    if missing:
        v[rng.random(n) < 0.2] = np.nan
    names = ["expert", "government", "resident"][:n_groups]
    kw: dict = {"n_projects": n_p, "n_indicators": n_i,  # type: ignore[type-arg]
                "rater": np.array([f"r{i}" for i in rng.permutation(n)])}
    if n_groups > 1 or weights:
        kw["group"] = np.array(names)[rng.integers(0, len(names), n)]
    if weights:
        w = rng.random(len(names)) + 0.1
        kw["group_weights"] = dict(zip(names, w / w.sum(), strict=True))
    return {"project": proj, "indicator": ind, "value": v}, kw


@pytest.mark.parametrize("n_groups", [1, 3])
@pytest.mark.parametrize("missing", [False, True])
@pytest.mark.parametrize("weights", [False, True])
def test_blocked_mean_equals_one_pass_bit_for_bit(
    n_groups: int, missing: bool, weights: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    for seed in range(25):
        data, kw = _ratings(seed, missing, n_groups, weights)
        n = data["project"].shape[0]
        perm = np.random.default_rng(seed).permutation(n)
        shuffled = {k: v[perm] for k, v in data.items()}
        kw_shuffled = {k: (v[perm] if isinstance(v, np.ndarray) and v.shape == (n,) else v) for k, v in kw.items()}
        one_pass = aggregate_ratings(**shuffled, **kw_shuffled)
        for block in (1, 2, 5, 64, 1 << 20):
            monkeypatch.setattr(agg, "_BLOCK", block)
            _same_bits(aggregate_ratings(**data, **kw), one_pass)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), block=st.integers(1, 40), missing=st.booleans())
def test_blocked_mean_property(seed: int, block: int, missing: bool) -> None:
    data, kw = _ratings(seed, missing, 1 + seed % 3, False)
    old = agg._BLOCK
    try:
        agg._BLOCK = block
        blocked = aggregate_ratings(**data, **kw)
    finally:
        agg._BLOCK = old
    # against a direct formula: the mean and sample standard deviation of each cell's ratings
    proj, ind, v = data["project"], data["indicator"], data["value"]
    n_p, n_i = kw["n_projects"], kw["n_indicators"]
    for p in range(n_p):
        for j in range(n_i):
            x = v[(proj == p) & (ind == j) & ~np.isnan(v)]
            assert blocked.n_raters[p, j] == x.size
            if x.size:
                assert blocked.value[p, j] == pytest.approx(x.mean(), rel=1e-15)
            else:
                assert np.isnan(blocked.value[p, j])
            if x.size >= 2:
                assert blocked.std[p, j] == pytest.approx(x.std(ddof=1), rel=1e-12, abs=1e-15)


def test_cell_blocks_end_between_cells() -> None:
    proj = np.array([0, 0, 0, 0, 0, 1, 1, 3, 3, 3, 3, 4])
    ind = np.array([0, 1, 1, 1, 1, 0, 2, 0, 0, 1, 2, 2])
    cell = proj * 3 + ind
    for block in (1, 2, 3, 4, 100):
        for max_cells in (None, 1, 2, 5):
            blocks = agg._cell_blocks(proj, ind, 3, block, max_cells)
            assert blocks is not None
            assert blocks[0][0] == 0
            assert blocks[-1][1] == proj.size
            for (_, stop), (start, _) in zip(blocks, blocks[1:], strict=False):
                assert stop == start
                assert cell[stop] != cell[stop - 1]  # a cell is never cut in two
            cap = block if max_cells is None else max_cells
            assert all(cell[e - 1] - cell[s] < cap or len(set(cell[s:e])) == 1 for s, e in blocks)
    assert agg._cell_blocks(proj[::-1].copy(), ind[::-1].copy(), 3, 4) is None  # not grouped by cell
    big = np.zeros(10, dtype=np.int64)
    assert agg._cell_blocks(big, big, 3, 3) == [(0, 10)]  # one cell larger than a block: one block


def test_duplicate_rating_named_as_by_the_one_pass_check(monkeypatch: pytest.MonkeyPatch) -> None:
    proj = np.array([0, 0, 0, 1, 1, 1, 2, 2])
    ind = np.zeros(8, dtype=np.int64)
    rater = np.array(["a", "b", "c", "a", "b", "a", "x", "x"])
    messages = []
    for block in (1, 2, 1 << 20):
        monkeypatch.setattr(agg, "_BLOCK", block)
        with pytest.raises(InputError, match=r"rater 'a' rated project #1, indicator #0 more than once") as e:
            aggregate_ratings(proj, ind, np.ones(8), rater=rater)
        messages.append(str(e.value))
    assert "(ratings [3] and [5])" in messages[0]
    assert len(set(messages)) == 1
    with pytest.raises(InputError, match="one id per rating"):
        aggregate_ratings(proj, ind, np.ones(8), rater=rater[:3])


def test_exact_sums_over_answered_ratings() -> None:
    v = np.array([1.0, 2.0, np.nan, 5.0])
    ok = ~np.isnan(v)
    assert agg._exact_sums(v, ok)
    assert not agg._exact_sums(np.array([1.0, 2.5]))
    assert not agg._exact_sums(np.array([2.0**27, 1.0]))  # squares summed reach 2**53
    assert agg._exact_sums(np.zeros(0))
    assert agg._exact_sums(np.array([np.nan]), np.array([False]))


@pytest.mark.parametrize("n_groups", [1, 3])
@pytest.mark.parametrize("missing", [False, True])
@pytest.mark.parametrize("shuffle", [False, True])
def test_without_std_every_other_field_is_the_same(
    n_groups: int, missing: bool, shuffle: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``std=False`` (what evaluate asks for) skips the standard deviation only; blocked and one-pass paths."""
    for seed in range(15):
        data, kw = _ratings(seed, missing, n_groups, seed % 2 == 1)
        if shuffle:  # not grouped by cell: the one-pass path
            n = data["project"].shape[0]
            perm = np.random.default_rng(seed).permutation(n)
            data = {k: v[perm] for k, v in data.items()}
            kw = {k: (v[perm] if isinstance(v, np.ndarray) and v.shape == (n,) else v) for k, v in kw.items()}
        for block in (1, 3, 1 << 20):
            monkeypatch.setattr(agg, "_BLOCK", block)
            full = aggregate_ratings(**data, **kw)
            lean = aggregate_ratings(**data, **kw, std=False)
            assert lean.std.shape == full.std.shape
            assert np.isnan(lean.std).all()
            assert not lean.std.flags.writeable
            for f in FIELDS:
                if f != "std":
                    x, y = np.ascontiguousarray(getattr(full, f)), np.ascontiguousarray(getattr(lean, f))
                    assert x.dtype == y.dtype, f
                    assert x.tobytes() == y.tobytes(), f
