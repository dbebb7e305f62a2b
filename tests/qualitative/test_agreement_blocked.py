"""Krippendorff's alpha per indicator computed a block of projects at a time (qualitative.agreement).

``indicator_agreement`` takes the blocked path when the ratings are grouped by project (the order
``load_assessment`` gives them): the coincidence counts are integers added up over blocks and every
floating-point sum is continued block to block in the one-pass order, so the result must equal the
one-pass computation (``_alpha_long``) bit for bit, whatever the block size.
"""

from __future__ import annotations

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ppeval.qualitative import agreement as ag
from ppeval.qualitative import indicator_agreement

LEVELS = ("nominal", "ordinal", "interval", "ratio")


def _same_bits(a: tuple[np.ndarray, ...], b: tuple[np.ndarray, ...]) -> None:
    assert len(a) == len(b)
    for x, y in zip(a, b, strict=True):
        assert x.dtype == y.dtype
        assert x.shape == y.shape
        assert x.tobytes() == y.tobytes()  # nan, sign of zero and last bit included


def _case(rng: np.random.Generator, kind: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, int]:
    n_p = int(rng.integers(1, 60))
    n_i = int(rng.integers(1, 7))
    n = int(rng.integers(0, 500))
    proj = np.sort(rng.integers(0, n_p, n))
    ind = rng.integers(0, n_i, n)
    if kind == 0:  # scale points (the counting path of the value codes)
        x = rng.integers(1, 6, n).astype(np.float64)
    elif kind == 1:  # decimals (the sorting path), with ties, and zeros of both signs
        x = np.round(rng.random(n) * 10, 1)
        x[rng.random(n) < 0.1] = -0.0
        x[rng.random(n) < 0.1] = 0.0
    else:  # values whose sums round: the order of every sum matters
        x = rng.integers(0, 3, n) * 1e6 + rng.random(n) / 3.0
    return proj, ind, x, n_p, n_i


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("kind", [0, 1, 2])
def test_blocked_equals_one_pass_bit_for_bit(level: str, kind: int) -> None:
    rng = np.random.default_rng(100 + kind)
    for _ in range(40):
        proj, ind, x, n_p, n_i = _case(rng, kind)
        ref = ag._alpha_long(ind, ind * n_p + proj, x, n_i, n_i * n_p, level)
        for block in (1, 2, 7, 64, 1 << 20):
            _same_bits(ref, ag._alpha_blocked(proj, ind, x, n_p, n_i, level, block))


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("kind", [0, 1, 2])
def test_blocked_equals_one_pass_in_loader_order(level: str, kind: int) -> None:
    """Ratings sorted by (project, indicator), as ppeval.load_assessment gives them: the compact numbering of
    the units (run lengths and the groups of one block kept from pass 1); one project alone (its block larger
    than ``block``) and blocks of one or many projects, bit for bit the one-pass result."""
    rng = np.random.default_rng(200 + kind)
    for t in range(40):
        proj, ind, x, n_p, n_i = _case(rng, kind)
        if t % 5 == 0:
            proj = np.zeros_like(proj)  # one project: a single block, however small `block` is
        order = np.lexsort((ind, proj))
        proj, ind, x = proj[order], ind[order], x[order]
        ref = ag._alpha_long(ind, ind * n_p + proj, x, n_i, n_i * n_p, level)
        for block in (1, 2, 7, 64, 1 << 20):
            _same_bits(ref, ag._alpha_blocked(proj, ind, x, n_p, n_i, level, block))


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    level=st.sampled_from(LEVELS),
    block=st.integers(1, 50),
)
def test_blocked_equals_one_pass_property(seed: int, level: str, block: int) -> None:
    rng = np.random.default_rng(seed)
    proj, ind, x, n_p, n_i = _case(rng, seed % 3)
    ref = ag._alpha_long(ind, ind * n_p + proj, x, n_i, n_i * n_p, level)
    _same_bits(ref, ag._alpha_blocked(proj, ind, x, n_p, n_i, level, block))


def test_blocks_cover_whole_projects() -> None:
    proj = np.array([0, 0, 0, 1, 2, 2, 2, 2, 2, 5, 5, 9])
    for block in (1, 2, 3, 4, 100):
        blocks = ag._blocks(proj, 2, block)
        assert blocks[0][0] == 0
        assert blocks[-1][1] == proj.size
        for (s0, e0, p0, span), nxt in zip(blocks, blocks[1:] + [(proj.size,)], strict=True):
            assert e0 == nxt[0]  # contiguous
            assert e0 == proj.size or proj[e0] != proj[e0 - 1]  # ends between projects
            assert p0 == proj[s0]
            assert span == proj[e0 - 1] - p0 + 1
    assert len(ag._blocks(proj, 2, 1)) == 5  # one project per block (0, 1, 2, 5, 9)


@pytest.mark.parametrize("level", LEVELS)
def test_indicator_agreement_blocked_with_small_blocks_matches_package(
    level: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Blocks of 5 ratings over 40 projects: each indicator's alpha equals the ``krippendorff``
    package's on that indicator's (raters x projects) reliability matrix, and the blocked result equals
    the one-pass result (ratings given in another order, which takes the one-pass path) bit for bit."""
    rng = np.random.default_rng(11)
    n_p, n_i, n = 40, 3, 600
    proj = np.sort(rng.integers(0, n_p, n))
    ind = rng.integers(0, n_i, n)
    quality = rng.integers(1, 6, n_p)
    val = np.clip(quality[proj] + rng.integers(-1, 2, n), 1, 5).astype(np.float64)
    val[rng.random(n) < 0.1] = np.nan  # missing answers are skipped
    monkeypatch.setattr(ag, "_BLOCK", 5)
    blocked = indicator_agreement(proj, ind, val, n_projects=n_p, n_indicators=n_i, level=level)
    order = np.argsort(-proj, kind="stable")  # projects descending: not sorted, so the one-pass path
    assert not ag._sorted_codes(proj[order])
    one_pass = indicator_agreement(proj[order], ind[order], val[order], n_projects=n_p, n_indicators=n_i,
                                   level=level)
    for j in range(n_i):
        sel = (ind == j) & ~np.isnan(val)
        mat = np.full((int(np.bincount(proj[sel], minlength=n_p).max()), n_p), np.nan)
        for p in range(n_p):
            v = val[sel & (proj == p)]
            mat[: v.size, p] = v
        assert blocked.alpha[j] == pytest.approx(krippendorff.alpha(mat, level_of_measurement=level), abs=1e-10)
    np.testing.assert_array_equal(blocked.n_units, one_pass.n_units)
    np.testing.assert_array_equal(blocked.n_pairable, one_pass.n_pairable)
    np.testing.assert_allclose(blocked.alpha, one_pass.alpha, rtol=0, atol=1e-12)


def test_indicator_agreement_takes_the_blocked_path_on_sorted_projects(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = ag._alpha_blocked

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(ag, "_alpha_blocked", spy)
    a = indicator_agreement([0, 0, 1, 1, 2, 2], [0, 0, 0, 0, 0, 0], [5, 5, 2, 2, 4, 3])
    assert calls == [1]
    assert round(float(a.alpha[0]), 4) == 0.9495  # the docstring example
    indicator_agreement([2, 2, 1, 1, 0, 0], [0, 0, 0, 0, 0, 0], [4, 3, 2, 2, 5, 5])
    assert calls == [1]  # not sorted by project: the one-pass path


def test_blocked_no_ratings_and_no_pairable_unit() -> None:
    z = np.zeros(0, dtype=np.int64)
    for level in LEVELS:
        _same_bits(ag._alpha_long(z, z, np.zeros(0), 3, 6, level),
                   ag._alpha_blocked(z, z, np.zeros(0), 2, 3, level, 4))
        proj, ind, x = np.array([0, 1, 2]), np.array([0, 0, 1]), np.array([1.0, 2.0, 3.0])
        _same_bits(ag._alpha_long(ind, ind * 3 + proj, x, 2, 6, level),
                   ag._alpha_blocked(proj, ind, x, 3, 2, level, 1))
