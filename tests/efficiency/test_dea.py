"""DEA (CCR / BCC): published examples, an independent LP cross-check, edge cases, properties."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.optimize import linprog

from ppeval._serialize import dumps
from ppeval.efficiency import dea, scale_efficiency
from ppeval.errors import InputError

# Cooper, Seiford & Tone (2007), Data Envelopment Analysis, 2nd ed., Table 1.5 (hospital case):
# doctors, nurses | outpatients, inpatients (hundreds) of hospitals A..L.
HOSPITALS = np.array(
    [
        [20, 151, 100, 90], [19, 131, 150, 50], [25, 160, 160, 55], [27, 168, 180, 72],
        [22, 158, 94, 66], [55, 255, 230, 90], [33, 235, 220, 88], [31, 206, 152, 80],
        [30, 244, 190, 100], [50, 268, 250, 100], [53, 306, 260, 147], [38, 284, 250, 120],
    ],
    dtype=float,
)
# CCR-I scores of the hospital case as printed (3 decimals) in Cooper, Seiford & Tone (2007), chapter 3.
HOSPITAL_CCR = [1.0, 1.0, 0.883, 1.0, 0.763, 0.835, 0.902, 0.796, 0.960, 0.871, 0.955, 0.958]

# Cooper, Seiford & Tone (2007), Table 3.2 / Example 3.2: two inputs, one unit output, DMUs A..F.
TWO_INPUTS = np.array([[4, 3], [7, 3], [8, 1], [4, 2], [2, 4], [10, 1]], dtype=float)


def test_hospital_ccr_published() -> None:
    """Cooper, Seiford & Tone (2007), hospital case (Table 1.5 data), CCR-I scores of chapter 3 (3 dp)."""
    r = dea(HOSPITALS[:, :2], HOSPITALS[:, 2:])
    np.testing.assert_allclose(r.efficiency, HOSPITAL_CCR, atol=5e-4)
    assert r.efficient.tolist() == [True, True, False, True] + [False] * 8
    # Output orientation: same efficiency, eta = 1 / theta (CRS).
    ro = dea(HOSPITALS[:, :2], HOSPITALS[:, 2:], orientation="output")
    np.testing.assert_allclose(ro.efficiency, r.efficiency, rtol=1e-9)
    np.testing.assert_allclose(ro.objective, 1.0 / r.objective, rtol=1e-9)


def test_two_input_example_published() -> None:
    """Cooper, Seiford & Tone (2007), Example 3.2 (Table 3.2, two inputs, one output).

    Printed: theta*_A = 0.8571 (reference set {D, E}), theta*_B = 0.6316 (12/19, reference {C, D}),
    C, D, E efficient, F: theta* = 1 with input-1 excess s1- = 2 and reference set {C}
    (weakly efficient).
    """
    r = dea(TWO_INPUTS, np.ones(6))
    np.testing.assert_allclose(r.efficiency, [6 / 7, 12 / 19, 1, 1, 1, 1], rtol=1e-9)
    assert r.reference_sets[0] == (3, 4)
    assert r.reference_sets[1] == (2, 3)
    assert r.reference_sets[5] == (2,)
    np.testing.assert_allclose(r.input_slacks[5], [2.0, 0.0], atol=1e-9)
    assert r.weakly_efficient.tolist() == [False, False, True, True, True, True]
    assert r.efficient.tolist() == [False, False, True, True, True, False]
    # A's projection: theta x_A = (24/7, 18/7) = lambda_D D + lambda_E E with lambda_D + lambda_E = 1.
    np.testing.assert_allclose(r.lambdas[0, [3, 4]], [5 / 7, 2 / 7], rtol=1e-9)
    np.testing.assert_allclose(r.input_targets[0], r.lambdas[0] @ TWO_INPUTS, rtol=1e-9)


def test_bcc_and_scale_by_hand() -> None:
    """One input, one output: frontier A(2,1)-B(3,3)-D(9,5); E = (5, 2).

    BCC-I: the frontier reaches output 2 at input 2.5 (on A-B), so theta_E = 0.5; CCR: the best
    ratio is B's 1, so theta_E = (2/5)/1 = 0.4 and the scale efficiency 0.8. BCC-O: at input 5 the
    frontier (B-D) gives output 3 + 2/3, so eta_E = 11/6.
    """
    x = [2, 3, 6, 9, 5]
    y = [1, 3, 4, 5, 2]
    r = scale_efficiency(x, y)
    np.testing.assert_allclose(r.vrs.efficiency, [1, 1, 1, 1, 0.5], rtol=1e-9)
    np.testing.assert_allclose(r.crs.efficiency, [0.5, 1, 2 / 3, 5 / 9, 0.4], rtol=1e-9)
    np.testing.assert_allclose(r.scale, [0.5, 1, 2 / 3, 5 / 9, 0.8], rtol=1e-9)
    ro = dea(x, y, rts="vrs", orientation="output")
    np.testing.assert_allclose(ro.objective[4], 11 / 6, rtol=1e-9)
    np.testing.assert_allclose(ro.efficiency[4], 6 / 11, rtol=1e-9)
    np.testing.assert_allclose(ro.lambdas.sum(axis=1), 1.0, rtol=1e-12)


# --------------------------------------------------------------------------- independent LP


def _multiplier(x: np.ndarray, y: np.ndarray, rts: str, orientation: str) -> np.ndarray:
    """Efficiency from the multiplier (dual) form, one scipy linprog per DMU (CST 2007, (2.3)-(2.6), (4.6))."""
    n, m = x.shape
    s = y.shape[1]
    out = np.empty(n)
    for o in range(n):
        # variables: v (m), u (s), u0 (free, VRS only)
        a_ub = np.hstack([-x, y, -np.ones((n, 1)) if rts == "vrs" else np.zeros((n, 1))])
        bounds = [(0, None)] * (m + s) + [((None, None) if rts == "vrs" else (0, 0))]
        if orientation == "input":  # max u y_o - u0 s.t. v x_o = 1, u Y - v X - u0 <= 0
            c = -np.r_[np.zeros(m), y[o], -1.0]
            a_eq = np.r_[x[o], np.zeros(s), 0.0][None, :]
            res = linprog(c, A_ub=a_ub, b_ub=np.zeros(n), A_eq=a_eq, b_eq=[1.0], bounds=bounds, method="highs")
            out[o] = -res.fun
        else:  # min v x_o + v0 s.t. u y_o = 1, u Y - v X - v0 <= 0 ; efficiency = 1 / optimum
            c = np.r_[x[o], np.zeros(s), 1.0]
            a_eq = np.r_[np.zeros(m), y[o], 0.0][None, :]
            res = linprog(c, A_ub=a_ub, b_ub=np.zeros(n), A_eq=a_eq, b_eq=[1.0], bounds=bounds, method="highs")
            out[o] = 1.0 / res.fun
        assert res.status == 0
    return out


def _max_slack_sum(x: np.ndarray, y: np.ndarray, score: np.ndarray, rts: str, orientation: str) -> np.ndarray:
    """Stage-2 optimum sum(s-) + sum(s+) by a plain envelopment LP per DMU (scipy linprog)."""
    n, m = x.shape
    s = y.shape[1]
    out = np.empty(n)
    for o in range(n):
        a_eq = np.block([[x.T, np.eye(m), np.zeros((m, s))], [y.T, np.zeros((s, m)), -np.eye(s)]])
        if orientation == "input":
            b_eq = np.r_[score[o] * x[o], y[o]]
        else:
            b_eq = np.r_[x[o], score[o] * y[o]]
        if rts == "vrs":
            a_eq = np.vstack([a_eq, np.r_[np.ones(n), np.zeros(m + s)]])
            b_eq = np.r_[b_eq, 1.0]
        c = -np.r_[np.zeros(n), np.ones(m + s)]
        res = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        assert res.status == 0
        out[o] = -res.fun
    return out


@pytest.mark.parametrize("rts", ["crs", "vrs"])
@pytest.mark.parametrize("orientation", ["input", "output"])
def test_agrees_with_independent_linprog(rts: str, orientation: str) -> None:
    rng = np.random.default_rng(7)
    x = rng.uniform(1, 10, (40, 3))
    y = rng.uniform(1, 10, (40, 2))
    x[3, 1] = 0.0  # zeros are legal
    y[5, 0] = 0.0
    r = dea(x, y, rts=rts, orientation=orientation)  # type: ignore[arg-type]
    np.testing.assert_allclose(r.efficiency, _multiplier(x, y, rts, orientation), rtol=1e-7, atol=1e-9)
    slack = r.input_slacks.sum(axis=1) + r.output_slacks.sum(axis=1)
    np.testing.assert_allclose(slack, _max_slack_sum(x, y, r.objective, rts, orientation), atol=1e-6)
    # Projections are what the lambdas produce.
    np.testing.assert_allclose(r.input_targets, r.lambdas @ x, atol=1e-6)
    np.testing.assert_allclose(r.output_targets, r.lambdas @ y, atol=1e-6)


def test_vrs_at_least_crs_and_output_vrs_differs() -> None:
    rng = np.random.default_rng(3)
    x = rng.uniform(1, 10, (30, 2))
    y = rng.uniform(1, 10, (30, 2))
    crs = dea(x, y)
    vrs_i = dea(x, y, rts="vrs")
    vrs_o = dea(x, y, rts="vrs", orientation="output")
    assert (vrs_i.efficiency >= crs.efficiency - 1e-12).all()
    assert (vrs_o.efficiency >= crs.efficiency - 1e-12).all()
    assert not np.allclose(vrs_i.efficiency, vrs_o.efficiency)  # orientations differ under VRS
    np.testing.assert_array_equal(vrs_i.efficiency == 1.0, vrs_o.efficiency == 1.0)  # same frontier DMUs


# --------------------------------------------------------------------------- edge cases


def test_single_dmu_and_two_dmus() -> None:
    r = dea([[3.0, 4.0]], [[5.0]])
    assert r.efficiency.tolist() == [1.0]
    assert r.reference_sets == ((0,),)
    r2 = dea([[1.0], [2.0]], [[1.0], [1.0]])
    np.testing.assert_allclose(r2.efficiency, [1.0, 0.5])
    assert r2.reference_sets == ((0,), (0,))


def test_ties_duplicate_dmus_are_both_efficient() -> None:
    x = [[2.0, 3.0], [2.0, 3.0], [4.0, 5.0]]
    y = [[1.0], [1.0], [1.0]]
    r = dea(x, y)
    assert r.efficient.tolist() == [True, True, False]
    np.testing.assert_allclose(r.lambdas[0].sum(), 1.0)


def test_zero_column_and_zero_entries() -> None:
    x = np.array([[1.0, 0.0], [2.0, 0.0], [3.0, 0.0]])
    y = np.array([[1.0], [3.0], [2.0]])
    np.testing.assert_allclose(dea(x, y).efficiency, [2 / 3, 1.0, 4 / 9])  # ratios 1, 1.5, 2/3
    # A zero input does not make the output-oriented VRS LP infeasible: the DMU itself is feasible.
    x2 = np.array([[0.0, 1.0], [1.0, 1.0], [2.0, 2.0]])
    r = dea(x2, [[1.0], [2.0], [2.0]], rts="vrs", orientation="output")
    assert np.isfinite(r.efficiency).all()
    assert (r.efficiency > 0).all()


def test_large_units_are_well_conditioned() -> None:
    rng = np.random.default_rng(11)
    x = rng.uniform(1, 10, (25, 2))
    y = rng.uniform(1, 10, (25, 2))
    base = dea(x, y)
    scaled = dea(x * [1e9, 1e-6], y * [1e7, 3.0])
    np.testing.assert_allclose(scaled.efficiency, base.efficiency, rtol=1e-8)
    np.testing.assert_allclose(scaled.lambdas, base.lambdas, atol=1e-6)


@pytest.mark.parametrize(
    ("inputs", "outputs", "kwargs", "fragment"),
    [
        ([[1.0], [-1.0]], [[1.0], [1.0]], {}, "inputs[1, 0] is -1.0"),
        ([[1.0], [np.nan]], [[1.0], [1.0]], {}, "inputs[1, 0] is nan"),
        ([[1.0], [1.0]], [[1.0], [np.inf]], {}, "outputs[1, 0] is inf"),
        ([[1.0], [2.0]], [[1.0]], {}, "inputs has 2 rows but outputs has 1"),
        ([[1.0, 0.0], [0.0, 0.0]], [[1.0], [1.0]], {}, "DMU 1 has no positive input"),
        ([[1.0], [2.0]], [[1.0], [0.0]], {}, "DMU 1 has no positive output"),
        ([[1.0], [2.0]], [[1.0], [0.0]], {"orientation": "output"}, "semipositive"),
        ([[1.0]], [[1.0]], {"rts": "irs"}, "rts is 'irs'; valid values are 'crs', 'vrs'"),
        ([[1.0]], [[1.0]], {"orientation": "both"}, "orientation is 'both'"),
        ("abc", [[1.0]], {}, "inputs must be numeric"),
        ([[[1.0]]], [[1.0]], {}, "inputs must be 2-D"),
    ],
)
def test_bad_input(inputs: object, outputs: object, kwargs: dict[str, str], fragment: str) -> None:
    with pytest.raises(InputError) as exc:
        dea(inputs, outputs, **kwargs)  # type: ignore[arg-type]
    assert fragment in str(exc.value)


def test_result_is_read_only_and_serialisable() -> None:
    x = np.array(TWO_INPUTS)
    x.setflags(write=False)
    r = dea(x, np.ones(6))
    for arr in (r.efficiency, r.lambdas, r.input_slacks, r.output_targets, r.efficient):
        assert not arr.flags.writeable
    data = json.loads(dumps(r))
    assert data["reference_sets"][0] == [3, 4]
    assert data["rts"] == "crs"
    json.loads(dumps(scale_efficiency(x, np.ones(6))))


# --------------------------------------------------------------------------- properties

_data = st.integers(2, 12).flatmap(
    lambda n: st.tuples(
        arrays(np.float64, (n, 2), elements=st.floats(0.5, 100.0)),
        arrays(np.float64, (n, 2), elements=st.floats(0.5, 100.0)),
        st.lists(st.floats(0.01, 100.0), min_size=2, max_size=2),
        st.sampled_from(["crs", "vrs"]),
        st.sampled_from(["input", "output"]),
    )
)


@given(_data)
def test_properties(case: tuple[np.ndarray, np.ndarray, list[float], str, str]) -> None:
    x, y, factors, rts, orientation = case
    r = dea(x, y, rts=rts, orientation=orientation)  # type: ignore[arg-type]
    e = r.efficiency
    assert ((e > 0) & (e <= 1.0)).all()
    assert e.max() == 1.0  # some DMU spans the frontier
    assert (e[r.efficient] == 1.0).all()
    assert (e[r.weakly_efficient] == 1.0).all()
    for o, refs in enumerate(r.reference_sets):
        assert all(r.weakly_efficient[j] for j in refs), (o, refs)
    if rts == "vrs":
        np.testing.assert_allclose(r.lambdas.sum(axis=1), 1.0, atol=1e-7)
    # Efficiency does not depend on the units of an input (scale invariance).
    scaled = dea(x * np.asarray(factors), y, rts=rts, orientation=orientation)  # type: ignore[arg-type]
    np.testing.assert_allclose(scaled.efficiency, e, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize(("lower", "upper", "maximize", "status"), [
    (2.0, np.inf, False, "infeasible"),   # x <= 1 and x >= 2
    (-np.inf, 1.0, True, "unbounded"),    # max y with y free above: x - y <= 1
])
def test_solver_failure_is_a_degenerate_error(lower: float, upper: float, maximize: bool, status: str) -> None:
    """The LP layer turns a non-optimal HiGHS status into a DegenerateError naming the LP and the status
    (validated DEA data cannot reach it; this is the defined behaviour if a solve ever fails)."""
    import scipy.sparse as sp

    from ppeval.efficiency._lp import WarmLP
    from ppeval.errors import DegenerateError

    if status == "infeasible":
        lp = WarmLP(sp.csc_matrix(np.ones((1, 1))), np.ones(1), np.array([-np.inf]), np.array([1.0]),
                    np.array([lower]), np.array([upper]), maximize=maximize)
    else:
        lp = WarmLP(sp.csc_matrix(np.array([[1.0, -1.0]])), np.array([0.0, 1.0]), np.array([0.0, 0.0]),
                    np.array([np.inf, np.inf]), np.array([lower]), np.array([upper]), maximize=maximize)
    with pytest.raises(DegenerateError) as exc:
        lp.solve("test LP")
    assert "test LP" in str(exc.value)
    assert status in str(exc.value).lower()


_small_ints = st.integers(1, 10).flatmap(lambda n: st.tuples(
    arrays(np.float64, (n, 2), elements=st.integers(0, 3).map(float)),
    arrays(np.float64, (n, 2), elements=st.integers(0, 3).map(float)),
))


@given(_small_ints, st.sampled_from(["crs", "vrs"]), st.sampled_from(["input", "output"]))
def test_degenerate_data_agree_with_independent_linprog(
    xy: tuple[np.ndarray, np.ndarray], rts: str, orientation: str
) -> None:
    """Small integers with many ties and zeros (degenerate LPs, alternative optima): the scores, the
    largest total slack and the projections still agree with the plain per-DMU formulations."""
    x, y = xy
    x[:, 0] = np.maximum(x[:, 0], 1.0)  # semipositive rows
    y[:, 0] = np.maximum(y[:, 0], 1.0)
    r = dea(x, y, rts=rts, orientation=orientation)  # type: ignore[arg-type]
    np.testing.assert_allclose(r.efficiency, _multiplier(x, y, rts, orientation), rtol=1e-7, atol=1e-9)
    slack = r.input_slacks.sum(axis=1) + r.output_slacks.sum(axis=1)
    np.testing.assert_allclose(slack, _max_slack_sum(x, y, r.objective, rts, orientation), atol=1e-6)
    np.testing.assert_allclose(r.input_targets, r.lambdas @ x, atol=1e-6)
    np.testing.assert_allclose(r.output_targets, r.lambdas @ y, atol=1e-6)


@pytest.mark.parametrize("scale", [(1e300, 1e300), (2.0**-1000, 2.0**-1000), (1e300, 1e-300)])
def test_units_invariance_at_extreme_magnitudes(scale: tuple[float, float]) -> None:
    """DEA is units-invariant (CST 2007, sec. 3.9): inputs in units of 1e300, 2**-1000 (subnormal after
    scaling by the old clipped factor) or mixed made HiGHS fail (stage-2 costs 2**1000 or inf: 'no optimal
    solution'). The Cooper-Seiford-Tone hospital case gives its published scores in any unit."""
    x = HOSPITALS[:, :2] * np.array(scale)
    r = dea(x, HOSPITALS[:, 2:])
    np.testing.assert_allclose(r.efficiency, HOSPITAL_CCR, atol=5e-4)
    base = dea(HOSPITALS[:, :2], HOSPITALS[:, 2:])
    np.testing.assert_allclose(r.efficiency, base.efficiency, rtol=1e-9)
    np.testing.assert_allclose(r.lambdas, base.lambdas, atol=1e-9)
    if scale[0] == scale[1]:  # equal units: the same max-slack solution, in the data's units
        np.testing.assert_allclose(r.input_slacks / scale[0], base.input_slacks, atol=1e-9)
    v = scale_efficiency(x, HOSPITALS[:, 2:])
    assert np.isfinite(v.scale).all()
