"""Absolute mode: a project's result is bit-identical alone and among 10,000 others, for every method.

Absolute mode promises that a project's score depends on its own data and
the bounds only. That holds to the last bit: the products over indicators
never depend on how many rows a BLAS call holds (``methods._batch.matvec``,
``axis_dot``). Weights here come from AHP judgments (not from the data), so
nothing else couples the projects.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from ppeval import io, methods
from ppeval.methods._batch import ROW_ALIGN, axis_dot, matvec
from ppeval.pipeline import evaluate
from ppeval.schema import Assessment, ProjectInfo, Qualitative, Ratings

N = 10_000
NAME = "community-4stage"


@pytest.fixture(scope="module")
def big() -> tuple[object, Assessment]:
    """10,000 synthetic projects for the bundled community system (values in bounds, 6 ratings per cell)."""
    system = io.load_system(io.bundled.system_path(NAME))
    rng = np.random.default_rng(2024)
    leaves = system.leaves()
    m = len(leaves)
    values = np.full((N, m), np.nan)
    qual = [j for j, leaf in enumerate(leaves) if isinstance(leaf, Qualitative)]
    for j, leaf in enumerate(leaves):
        if j not in qual:
            lo, hi = leaf.span
            values[:, j] = np.round(lo + (hi - lo) * rng.random(N), 2)
    per = 6
    groups = np.array(["resident", "service_user", "expert", "government"])
    proj = np.repeat(np.arange(N), len(qual) * per)
    ind = np.tile(np.repeat(np.array(qual), per), N)
    rater = np.array([f"r{k}" for k in range(per)])[np.tile(np.arange(per), N * len(qual))]
    group = groups[np.tile(np.arange(per) % 4, N * len(qual))]
    value = rng.integers(1, 6, proj.size).astype(np.float64)
    ids = tuple(f"p{i:05d}" for i in range(N))
    a = Assessment(
        system_id=system.id,
        project_ids=ids,
        projects=tuple(ProjectInfo(id=p) for p in ids),
        indicator_ids=system.leaf_ids,
        values=values,
        missing=np.zeros((N, m), dtype=bool),
        ratings=Ratings(proj, ind, rater, group, value),
    )
    return system, a


def _alone(a: Assessment, i: int) -> Assessment:
    r = a.ratings
    keep = r.project == i
    ratings = Ratings(
        np.zeros(int(keep.sum()), dtype=np.int64), r.indicator[keep], r.rater[keep], r.group[keep], r.value[keep]
    )
    return dataclasses.replace(
        a,
        project_ids=(a.project_ids[i],),
        projects=(a.projects[i],),
        values=a.values[i : i + 1],
        missing=a.missing[i : i + 1],
        ratings=ratings,
    )


#: First, last, and rows at the ends of row blocks and of ROW_ALIGN groups.
PICKS = [0, 1, 31, 32, 255, 256, 3275, 3276, 4999, 9983, 9998, 9999]


@pytest.mark.parametrize("method", ["topsis", "wsm", "vikor", "fce", "gra"])
def test_alone_equals_among_ten_thousand(big: tuple[object, Assessment], method: str) -> None:
    system, a = big
    full = evaluate(system, a, method=method, mode="absolute")  # type: ignore[arg-type]
    for i in PICKS:
        one = evaluate(system, _alone(a, i), method=method, mode="absolute")  # type: ignore[arg-type]
        for field in ("scores", "score_100", "contributions", "node_scores", "normalized", "shortfall", "matrix"):
            got = getattr(one, field)[0]
            want = getattr(full, field)[i]
            assert got.tobytes() == want.tobytes(), f"{method}: {field} of project {i} differs alone"
        if one.fce_membership is not None:
            assert one.fce_membership[0].tobytes() == full.fce_membership[i].tobytes()  # type: ignore[index]
        assert one.grades[0] == full.grades[i]


@pytest.mark.parametrize("m", [1, 3, 7, 20, 23, 50])
def test_methods_bit_identical_for_any_number_of_rows(m: int) -> None:
    """The kernels themselves: every row of an n-row call equals the row scored alone, for many n."""
    rng = np.random.default_rng(m)
    n = 3 * 3300 + 17
    x = rng.random((n, m)) * 100
    w = rng.dirichlet(np.ones(m))
    t = np.where(rng.random(m) < 0.3, -1, 1)
    bounds = np.column_stack([np.where(t > 0, 0.0, 100.0), np.where(t > 0, 100.0, 0.0)])
    full = {
        "topsis": methods.topsis(x, w, t, bounds=bounds),
        "wsm": methods.wsm(x, w, t, bounds=bounds),
        "gra": methods.gra(x, w, t, bounds=bounds),
    }
    for i in [0, 5, ROW_ALIGN - 1, ROW_ALIGN, 3299, 3300, n - 18, n - 1]:
        for name, fn in (("topsis", methods.topsis), ("wsm", methods.wsm), ("gra", methods.gra)):
            for k in (1, 2, 33):  # the row alone, or among a few
                lo = max(0, i - k + 1)
                part = fn(x[lo : i + 1], w, t, bounds=bounds)
                assert part[-1].tobytes() == full[name][i].tobytes(), (name, i, k)


def test_matvec_and_axis_dot_match_the_product() -> None:
    rng = np.random.default_rng(0)
    a = rng.random((77, 9))
    v = rng.random(9)
    np.testing.assert_allclose(matvec(a, v, np.empty(77)), a @ v, rtol=1e-14)
    r = rng.random((5, 9, 4))
    np.testing.assert_allclose(axis_dot(r, v, 1), np.einsum("pjg,j->pg", r, v), rtol=1e-14)
    rows = [matvec(a[i : i + 1], v, np.empty(1))[0] for i in range(77)]
    assert np.array(rows).tobytes() == matvec(a, v, np.empty(77)).tobytes()
