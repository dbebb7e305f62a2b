"""Benchmark: DEA (CCR, input orientation) on n DMUs x 5 inputs x 5 outputs.

Contenders, timed interleaved on the same seeded data (uniform in [1, 10]):

* ``ppeval.efficiency.dea``: both stages (radial score, then max-slack), one
  highspy model per stage re-solved from the previous basis for each DMU;
* ``linprog loop``: the same two stages as one ``scipy.optimize.linprog(method="highs")``
  call per DMU and stage (the straightforward formulation);
* ``block-diagonal``: stage 1 only, all DMUs in one sparse LP of ``n + n**2``
  variables solved once by highspy (full mode, ``n <= 400`` only: it grows
  with ``n**2``).

Every contender must agree with ppeval's efficiencies to 1e-7.

Usage::

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_dea.py [--quick]
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

from _harness import arg_parser, fmt_seconds, interleave, machine_line, markdown_table, max_abs_diff
from ppeval.efficiency import dea

M = S = 5


def data(n: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(2026)
    return rng.uniform(1, 10, (n, M)), rng.uniform(1, 10, (n, S))


def linprog_loop(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Stage 1 and stage 2 by one linprog call each, per DMU."""
    n = x.shape[0]
    a1 = np.zeros((M + S, n + 1))
    a1[:M, 1:] = x.T
    a1[M:, 1:] = -y.T
    c1 = np.r_[1.0, np.zeros(n)]
    a2 = np.block([[x.T, np.eye(M), np.zeros((M, S))], [y.T, np.zeros((S, M)), -np.eye(S)]])
    c2 = -np.r_[np.zeros(n), np.ones(M + S)]
    theta = np.empty(n)
    for o in range(n):
        a1[:M, 0] = -x[o]
        r1 = linprog(c1, A_ub=a1, b_ub=np.r_[np.zeros(M), -y[o]], bounds=[(None, None)] + [(0, None)] * n,
                     method="highs")
        theta[o] = r1.fun
        r2 = linprog(c2, A_eq=a2, b_eq=np.r_[theta[o] * x[o], y[o]], bounds=(0, None), method="highs")
        if r2.status != 0:
            raise RuntimeError(f"stage 2 of DMU {o}: {r2.message}")
    return theta


def block_diagonal(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Stage 1 of every DMU as one LP: variables (theta_1..theta_n, lambda_1..lambda_n per DMU)."""
    import highspy

    n = x.shape[0]
    inf = highspy.kHighsInf
    tech = sp.csc_matrix(np.vstack([x.T, y.T]))
    blocks = sp.block_diag([tech] * n, format="csc")
    rows = (np.arange(n)[:, None] * (M + S) + np.arange(M)[None, :]).ravel()
    theta_cols = sp.csc_matrix((-x.ravel(), (rows, np.repeat(np.arange(n), M))), shape=(n * (M + S), n))
    a = sp.hstack([theta_cols, blocks], format="csc")
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n + n * n, n * (M + S)
    lp.col_cost_ = np.r_[np.ones(n), np.zeros(n * n)]
    lp.col_lower_ = np.r_[np.full(n, -inf), np.zeros(n * n)]
    lp.col_upper_ = np.full(n + n * n, inf)
    lp.row_lower_ = np.concatenate([np.r_[np.full(M, -inf), y[o]] for o in range(n)])
    lp.row_upper_ = np.tile(np.r_[np.zeros(M), np.full(S, inf)], n)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = a.indptr, a.indices, a.data
    h = highspy._core._Highs()
    h.setOptionValue("output_flag", False)
    h.passModel(lp)
    h.run()
    return np.asarray(h.getSolution().col_value[:n])


def main() -> None:
    ap = arg_parser(__doc__ or "")
    args = ap.parse_args()
    sizes = (100,) if args.quick else (200, 400, 1000)
    repeats = args.repeats or (1 if args.quick else 3)
    print(f"\n{machine_line()}\n")
    rows = []
    for n in sizes:
        x, y = data(n)
        cands = {
            "ppeval dea (2 stages)": lambda x=x, y=y: dea(x, y).efficiency,
            "linprog loop (2 stages)": lambda x=x, y=y: linprog_loop(x, y),
        }
        if not args.quick and n <= 400:
            cands["block-diagonal (stage 1 only)"] = lambda x=x, y=y: block_diagonal(x, y)
        timings, outs = interleave(cands, repeats=repeats, slow_seconds=3.0, slow_repeats=2)
        ref = outs["ppeval dea (2 stages)"]
        base = timings["ppeval dea (2 stages)"].median
        for name, t in timings.items():
            diff = max_abs_diff(outs[name], ref)
            if diff > 1e-7:
                raise SystemExit(f"{name} disagrees with ppeval on n={n}: max |diff| = {diff:.2e}")
            rows.append([f"{n} x {M} x {S}", name, fmt_seconds(t.median), fmt_seconds(t.low), fmt_seconds(t.high),
                         f"{t.median / base:.2f}", f"{diff:.1e}"])
    print(markdown_table(["DMUs x inputs x outputs", "contender", "median", "min", "max", "/ ppeval", "max |diff|"],
                         rows, "llrrrrr"))


if __name__ == "__main__":
    main()
