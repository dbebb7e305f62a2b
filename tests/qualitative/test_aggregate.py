"""Many raters per project and indicator (aggregate_ratings) and membership matrices."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from ppeval.errors import InputError
from ppeval.qualitative import aggregate_ratings, membership_matrix

NAN = np.nan
W3 = {"resident": 0.5, "expert": 0.3, "government": 0.2}


def _readonly(*arrays: np.ndarray) -> None:
    for a in arrays:
        a.setflags(write=False)


def _random_ratings(seed: int, n: int = 400, n_p: int = 6, n_i: int = 4, p_missing: float = 0.15):
    rng = np.random.default_rng(seed)
    proj = rng.integers(0, n_p, n)
    ind = rng.integers(0, n_i, n)
    val = rng.integers(1, 6, n).astype(float)
    val[rng.random(n) < p_missing] = NAN
    grp = rng.choice(np.array(["resident", "expert", "government"]), n, p=[0.6, 0.3, 0.1])
    return proj, ind, val, grp


def _cells(proj, ind, val, n_p, n_i):
    """Reference: the non-missing ratings of each cell, by a plain Python loop."""
    out = {}
    for p in range(n_p):
        for j in range(n_i):
            sel = (proj == p) & (ind == j) & ~np.isnan(val)
            out[p, j] = val[sel]
    return out


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_mean_median_trimmed_mean_match_numpy_and_scipy(seed: int) -> None:
    proj, ind, val, _ = _random_ratings(seed)
    ref = _cells(proj, ind, val, 6, 4)
    mean = aggregate_ratings(proj, ind, val, n_projects=6, n_indicators=4)
    med = aggregate_ratings(proj, ind, val, n_projects=6, n_indicators=4, method="median")
    tri = aggregate_ratings(proj, ind, val, n_projects=6, n_indicators=4, method="trimmed_mean", trim=0.2)
    for (p, j), x in ref.items():
        assert mean.n_raters[p, j] == x.size
        if x.size == 0:
            assert not mean.has_value[p, j]
            assert np.isnan(mean.value[p, j])
            continue
        assert mean.value[p, j] == pytest.approx(x.mean(), abs=1e-12)
        assert med.value[p, j] == pytest.approx(np.median(x), abs=1e-12)
        assert tri.value[p, j] == pytest.approx(stats.trim_mean(x, 0.2), abs=1e-12)
        if x.size >= 2:
            assert mean.std[p, j] == pytest.approx(np.std(x, ddof=1), abs=1e-12)
        else:
            assert np.isnan(mean.std[p, j])
    missing = np.zeros((6, 4), dtype=int)
    np.add.at(missing, (proj[np.isnan(val)], ind[np.isnan(val)]), 1)
    np.testing.assert_array_equal(mean.n_missing, missing)


def test_group_weights_renormalised_over_groups_present() -> None:
    """Hand example. Cell (0, 0): residents 4, 5 (mean 4.5), expert 2, government 1:
    0.5*4.5 + 0.3*2 + 0.2*1 = 3.05. Cell (0, 1): no government rating, weights renormalised
    over resident and expert: (0.5*3 + 0.3*5) / 0.8 = 3.75. Cell (1, 0): residents only -> 2.
    Cell (1, 1): only a missing answer -> no value."""
    proj = [0, 0, 0, 0, 0, 0, 1, 1, 0]
    ind = [0, 0, 0, 0, 1, 1, 0, 1, 1]
    val = [4, 5, 2, 1, 3, 5, 2, NAN, NAN]
    grp = ["resident", "resident", "expert", "government", "resident", "expert", "resident", "expert",
           "government"]
    r = aggregate_ratings(proj, ind, val, group=grp, group_weights=W3)
    np.testing.assert_allclose(r.value, [[3.05, 3.75], [2.0, NAN]], atol=1e-15)
    np.testing.assert_array_equal(r.has_value, [[True, True], [True, False]])
    np.testing.assert_array_equal(r.n_raters, [[4, 2], [1, 0]])
    np.testing.assert_array_equal(r.n_missing, [[0, 1], [0, 1]])
    assert r.groups == ("resident", "expert", "government")
    np.testing.assert_array_equal(r.group_counts[:, 0, 0], [2, 1, 1])
    np.testing.assert_array_equal(r.group_missing[:, 0, 1], [0, 0, 1])
    np.testing.assert_allclose(r.group_values[:, 0, 0], [4.5, 2.0, 1.0])
    assert np.isnan(r.group_values[2, 0, 1])
    np.testing.assert_array_equal(r.thin(2), [[False, False], [True, True]])
    np.testing.assert_allclose(r.group_weights, [0.5, 0.3, 0.2])


def test_residents_alone_are_visible() -> None:
    """The per-group values give the residents' view directly (issue 4: residents' voice)."""
    proj, ind, val, grp = _random_ratings(5)
    r = aggregate_ratings(proj, ind, val, n_projects=6, n_indicators=4, group=grp, group_weights=W3)
    only = aggregate_ratings(proj[grp == "resident"], ind[grp == "resident"], val[grp == "resident"],
                             n_projects=6, n_indicators=4)
    np.testing.assert_array_equal(r.group_values[0], only.value)
    np.testing.assert_array_equal(r.group_counts[0], only.n_raters)


def test_zero_weight_group_alone_gives_no_value() -> None:
    r = aggregate_ratings([0, 1], [0, 0], [3, 4], group=["media", "resident"],
                          group_weights={"resident": 1.0, "media": 0.0})
    np.testing.assert_array_equal(r.has_value.ravel(), [False, True])
    np.testing.assert_array_equal(r.n_raters.ravel(), [1, 1])
    with pytest.raises(InputError, match="only from groups with weight 0"):
        aggregate_ratings([0, 1], [0, 0], [3, 4], group=["media", "resident"],
                          group_weights={"resident": 1.0, "media": 0.0}, require_all=True)


def test_integer_group_codes_and_weight_array() -> None:
    a = aggregate_ratings([0, 0, 0], [0, 0, 0], [1, 5, 3], group=[0, 1, 1], groups=["resident", "expert"],
                          group_weights=[0.25, 0.75])
    assert a.groups == ("resident", "expert")
    assert a.value[0, 0] == pytest.approx(0.25 * 1 + 0.75 * 4)


def test_empty_input_gives_empty_cells() -> None:
    r = aggregate_ratings(np.zeros(0, int), np.zeros(0, int), np.zeros(0), n_projects=2, n_indicators=3)
    assert r.value.shape == (2, 3)
    assert not r.has_value.any()
    assert (r.n_raters == 0).all()


def test_results_read_only_and_inputs_untouched() -> None:
    proj, ind, val, grp = _random_ratings(3)
    copies = [a.copy() for a in (proj, ind, val, grp)]
    _readonly(proj, ind, val, grp)
    r = aggregate_ratings(proj, ind, val, group=grp, group_weights=W3, method="median")
    for a, c in zip((proj, ind, val, grp), copies, strict=True):
        np.testing.assert_array_equal(a, c)
    for field in ("value", "has_value", "n_raters", "n_missing", "std", "group_values", "group_counts"):
        assert not getattr(r, field).flags.writeable


def test_200k_ratings_match_pandas_groupby() -> None:
    """At the scale of a real evaluation (200,000 ratings) the vectorised medians equal a groupby.

    Speed is measured in benchmarks/ (bench_io.py, bench_evaluate.py), not asserted here.
    """
    import pandas as pd

    rng = np.random.default_rng(11)
    n = 200_000
    proj = rng.integers(0, 500, n)
    ind = rng.integers(0, 20, n)
    val = rng.integers(1, 6, n).astype(float)
    val[rng.random(n) < 0.05] = NAN
    r = aggregate_ratings(proj, ind, val, n_projects=500, n_indicators=20, method="median",
                          rater=np.arange(n), value_range=(1, 5))
    assert r.n_raters.sum() + r.n_missing.sum() == n
    ref = pd.DataFrame({"p": proj, "i": ind, "v": val}).dropna().groupby(["p", "i"])["v"].median()
    got = r.value[ref.index.get_level_values(0), ref.index.get_level_values(1)]
    np.testing.assert_array_equal(got, ref.to_numpy())


def test_duplicate_rating_names_rater_project_indicator() -> None:
    with pytest.raises(InputError) as exc:
        aggregate_ratings([0, 1, 1, 0], [0, 1, 1, 1], [3, 4, NAN, 2], rater=["ann", "bob", "bob", "bob"],
                          project_ids=["P1", "P2"], indicator_ids=["treated_with_respect", "needs_met"])
    msg = str(exc.value)
    for fragment in ("rater 'bob'", "project 'P2'", "indicator 'needs_met'", "[1] and [2]", "more than once"):
        assert fragment in msg


def test_require_all_names_the_empty_cell() -> None:
    with pytest.raises(InputError) as exc:
        aggregate_ratings([0, 0, 1], [0, 1, 0], [3, 4, NAN], n_indicators=2, require_all=True,
                          project_ids=["P1", "P2"], indicator_ids=["q1", "q2"])
    msg = str(exc.value)
    assert "project 'P2', indicator 'q1'" in msg
    assert "1 missing answer" in msg


BAD = [
    (dict(project=[0, 1], indicator=[0], value=[1, 2]), "indicator has 1 entries"),
    (dict(project=[0.0, 1.0], indicator=[0, 0], value=[1, 2]), "integer codes"),
    (dict(project=[0, -1], indicator=[0, 0], value=[1, 2]), "project[1] is -1"),
    (dict(project=[0, 3], indicator=[0, 0], value=[1, 2], n_projects=2), "valid codes are 0..1"),
    (dict(project=[0, 1], indicator=[0, 0], value=[1, np.inf]), "value[1] is inf"),
    (dict(project=[0, 1], indicator=[0, 0], value=["a", 1]), "numeric scale values"),
    (dict(project=[0, 1], indicator=[0, 0], value=[1, 7], value_range=(1, 5), project_ids=["P1", "P2"],
          rater=["r1", "r2"]), "value[1] = 7 (project 'P2', indicator #0, rater 'r2') lies outside"),
    (dict(project=[0, 1], indicator=[0, 1], value=[1, 5], value_range=[(1, 5), (1, 4)]),
     "outside the scale range [1, 4]"),
    (dict(project=[0], indicator=[0], value=[1], method="mode"), "method is 'mode'"),
    (dict(project=[0], indicator=[0], value=[1], method="trimmed_mean", trim=0.5), "[0, 0.5)"),
    (dict(project=[0], indicator=[0], value=[1], group=["media"], group_weights=W3),
     "group[0] = 'media' (project #0, indicator #0) has no weight"),
    (dict(project=[0], indicator=[0], value=[1], group=["resident"],
          group_weights={"resident": 0.5, "expert": 0.4}), "sum to 0.9"),
    (dict(project=[0], indicator=[0], value=[1], group=["resident"], group_weights={"resident": -1.0}),
     "non-negative"),
    (dict(project=[0], indicator=[0], value=[1], group_weights={"resident": 1.0}), "needs group"),
    (dict(project=[0], indicator=[0], value=[1], group=[2], groups=["a", "b"]), "group[0] is 2"),
    (dict(project=[0], indicator=[0], value=[1], project_ids=["P1", "P2"]), "project_ids has 2 entries"),
]


@pytest.mark.parametrize(("kwargs", "fragment"), BAD)
def test_bad_input(kwargs: dict, fragment: str) -> None:
    with pytest.raises(InputError) as exc:
        aggregate_ratings(**kwargs)
    assert fragment in str(exc.value)


def test_thin_rejects_bad_threshold() -> None:
    r = aggregate_ratings([0], [0], [1])
    with pytest.raises(InputError, match="min_raters"):
        r.thin(0)


ratings_strategy = st.lists(
    st.tuples(st.integers(0, 3), st.integers(0, 2), st.one_of(st.integers(1, 7), st.just(-1)),
              st.sampled_from(["resident", "expert", "government"])),
    min_size=1, max_size=60,
)


def _arrays(rows):
    proj = np.array([r[0] for r in rows])
    ind = np.array([r[1] for r in rows])
    val = np.array([NAN if r[2] < 0 else 0.5 + 1.5 * r[2] for r in rows])  # values on a 2..11 scale
    grp = np.array([r[3] for r in rows])
    return proj, ind, val, grp


@given(ratings_strategy, st.sampled_from(["mean", "median", "trimmed_mean"]), st.booleans())
def test_aggregates_lie_within_the_scale(rows, method: str, weighted: bool) -> None:
    proj, ind, val, grp = _arrays(rows)
    r = aggregate_ratings(proj, ind, val, n_projects=4, n_indicators=3, method=method, trim=0.25,
                          group=grp, group_weights=W3 if weighted else None)
    v = r.value[r.has_value]
    assert ((v >= 2.0) & (v <= 11.0)).all()
    assert np.isnan(r.value[~r.has_value]).all()
    gv = r.group_values[r.group_counts > 0]
    assert ((gv >= 2.0) & (gv <= 11.0)).all()
    assert r.n_raters.sum() + r.n_missing.sum() == len(rows)


@settings(max_examples=40)
@given(ratings_strategy, st.sampled_from(["mean", "median", "trimmed_mean"]), st.randoms())
def test_permuting_ratings_changes_nothing(rows, method: str, random) -> None:
    proj, ind, val, grp = _arrays(rows)
    perm = np.array(random.sample(range(len(rows)), len(rows)))
    a = aggregate_ratings(proj, ind, val, n_projects=4, n_indicators=3, method=method, group=grp,
                          group_weights=W3)
    b = aggregate_ratings(proj[perm], ind[perm], val[perm], n_projects=4, n_indicators=3, method=method,
                          group=grp[perm], group_weights=W3)
    for field in ("value", "std", "group_values", "n_raters", "n_missing", "group_counts"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))


# ---------------------------------------------------------------- membership matrices


def test_membership_shares_hand_example() -> None:
    """Project 0 / indicator 0: grades 5, 4, 4 and a missing answer -> (0, 0, 0, 2/3, 1/3)."""
    m = membership_matrix([0, 0, 0, 0, 1], [0, 0, 0, 0, 0], [5, 4, 4, NAN, 1], [1, 2, 3, 4, 5],
                          n_indicators=2)
    np.testing.assert_allclose(m.matrix[0, 0], [0, 0, 0, 2 / 3, 1 / 3])
    np.testing.assert_array_equal(m.counts[0, 0], [0, 0, 0, 2, 1])
    np.testing.assert_array_equal(m.has_raters, [[True, False], [True, False]])
    np.testing.assert_array_equal(m.matrix[:, 1], 0.0)
    np.testing.assert_array_equal(m.n_missing, [[1, 0], [0, 0]])
    assert not m.matrix.flags.writeable


def test_membership_group_weighted_rows() -> None:
    """Residents (w 0.5): grades 1, 3; experts (0.3): grade 3; government (0.2) absent ->
    row = (0.5 * (1/2, 0, 1/2) + 0.3 * (0, 0, 1)) / 0.8 = (0.3125, 0, 0.6875)."""
    m = membership_matrix([0, 0, 0], [0, 0, 0], [1, 3, 3], [1, 2, 3], group=["resident", "resident", "expert"],
                          group_weights=W3)
    np.testing.assert_allclose(m.matrix[0, 0], [0.3125, 0.0, 0.6875])


@given(ratings_strategy, st.booleans())
def test_memberships_sum_to_one(rows, weighted: bool) -> None:
    proj, ind, val, grp = _arrays(rows)
    grades = 0.5 + 1.5 * np.arange(1, 8)
    m = membership_matrix(proj, ind, val, grades, n_projects=4, n_indicators=3, group=grp,
                          group_weights=W3 if weighted else None)
    sums = m.matrix.sum(axis=-1)
    np.testing.assert_allclose(sums[m.has_raters], 1.0, atol=1e-12)
    np.testing.assert_array_equal(sums[~m.has_raters], 0.0)
    assert (m.matrix >= 0).all()
    # the mean over the membership equals the (group-weighted) mean rating
    a = aggregate_ratings(proj, ind, val, n_projects=4, n_indicators=3, group=grp,
                          group_weights=W3 if weighted else None)
    np.testing.assert_array_equal(m.has_raters, a.has_value)
    np.testing.assert_allclose((m.matrix @ grades)[m.has_raters], a.value[a.has_value], atol=1e-12)


@settings(max_examples=30)
@given(ratings_strategy, st.randoms())
def test_membership_invariant_to_permuting_ratings(rows, random) -> None:
    proj, ind, val, grp = _arrays(rows)
    perm = np.array(random.sample(range(len(rows)), len(rows)))
    grades = 0.5 + 1.5 * np.arange(1, 8)
    a = membership_matrix(proj, ind, val, grades, n_projects=4, n_indicators=3, group=grp, group_weights=W3)
    b = membership_matrix(proj[perm], ind[perm], val[perm], grades, n_projects=4, n_indicators=3,
                          group=grp[perm], group_weights=W3)
    np.testing.assert_array_equal(a.matrix, b.matrix)
    np.testing.assert_array_equal(a.counts, b.counts)


MEMBERSHIP_BAD = [
    (dict(value=[1, 2.5]), "value[1] = 2.5 (project #0, indicator #0, rater 'b') is not a grade"),
    (dict(grade_values=[1, 1, 2]), "strictly increasing"),
    (dict(grade_values=[1]), "at least 2 grades"),
    (dict(rater=["a", "a"]), "rater 'a' rated project #0, indicator #0 more than once"),
    (dict(value=[1, NAN], require_all=True, n_indicators=2), "indicator #1 has no usable rating"),
]


@pytest.mark.parametrize(("override", "fragment"), MEMBERSHIP_BAD)
def test_membership_bad_input(override: dict, fragment: str) -> None:
    kwargs = dict(project=[0, 0], indicator=[0, 0], value=[1, 2], grade_values=[1, 2, 3], rater=["a", "b"])
    kwargs.update(override)
    with pytest.raises(InputError) as exc:
        membership_matrix(**kwargs)
    assert fragment in str(exc.value)
