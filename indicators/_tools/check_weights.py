"""Check the default weights of the bundled indicator systems, independently of ppeval.

For every AHP weighting (a node's own, or a source of a ``combine``) this
script rebuilds each expert's pairwise comparison matrix from the YAML file
(``matrix``, ``upper`` or ``pairs``; ``"a/b"`` strings allowed), computes
Saaty's principal-eigenvector priorities and consistency ratio, and does the
same for the AIJ group matrix (element-wise weighted geometric mean of the
experts' judgments). It then composes global leaf weights (fixed, equal and
AHP nodes) and reports the share of the total weight on qualitative
indicators.

Formulas (Saaty 1980, *The Analytic Hierarchy Process*, McGraw-Hill)::

    A w = lambda_max w,   CI = (lambda_max - n) / (n - 1),   CR = CI / RI(n)

with Saaty's random indices RI(1..10) = 0, 0, 0.58, 0.90, 1.12, 1.24, 1.32,
1.41, 1.45, 1.49 and CR = 0 for n <= 2. AIJ: Forman & Peniwati (1998),
*EJOR* 108(1), 165-169. With ``priority_method: geometric_mean`` the
priorities are normalised row geometric means and lambda_max is the mean of
(A w)_i / w_i.

Usage (from the repository root)::

    .venv/bin/python indicators/_tools/check_weights.py [--ppeval] [indicators/*.yaml]

Exit status 1 if any CR exceeds its node's ``cr_threshold``. Only numpy and
PyYAML are needed; with ``--ppeval`` every expert's and every AIJ group's
weights and CR are also recomputed by :mod:`ppeval.ahp` (``priorities``,
``aggregate``) and compared with this script's (difference must be < 1e-9).
"""

from __future__ import annotations

import sys
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import yaml

RI = (0.0, 0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59)
HERE = Path(__file__).resolve().parent.parent


def value(x: Any) -> float:
    """A judgment: number or ``"a/b"`` string."""
    if isinstance(x, str):
        return float(Fraction(x.strip()))
    return float(x)


def judgment_matrix(judgments: dict[str, Any], ids: list[str]) -> np.ndarray:
    """The n x n reciprocal matrix in children order."""
    n = len(ids)
    if "matrix" in judgments:
        a = np.array([[value(v) for v in row] for row in judgments["matrix"]], dtype=float)
        return a
    a = np.eye(n)
    if "upper" in judgments:
        iu, ju = np.triu_indices(n, 1)
        vals = np.array([value(v) for v in judgments["upper"]], dtype=float)
        a[iu, ju] = vals
        a[ju, iu] = 1.0 / vals
        return a
    index = {c: i for i, c in enumerate(ids)}
    seen = set()
    for row, col, v in judgments["pairs"]:
        i, j = index[row], index[col]
        a[i, j] = value(v)
        a[j, i] = 1.0 / value(v)
        seen.add(frozenset((i, j)))
    if len(seen) != n * (n - 1) // 2:
        raise SystemExit(f"incomplete pairs for {ids}: this checker needs every pair")
    return a


def priorities(a: np.ndarray, method: str = "eigenvector") -> tuple[np.ndarray, float, float]:
    """(weights, lambda_max, CR)."""
    n = a.shape[0]
    if method == "eigenvector":
        vals, vecs = np.linalg.eig(a)
        k = int(np.argmax(vals.real))
        lam = float(vals[k].real)
        w = np.abs(vecs[:, k].real)
    else:
        w = np.exp(np.log(a).mean(axis=1))
        w = w / w.sum()
        lam = float(np.mean((a @ w) / w))
    w = w / w.sum()
    cr = 0.0 if n <= 2 else ((lam - n) / (n - 1)) / RI[n]
    return w, lam, cr


CROSS_CHECK: list[float] = []  # max |difference| per matrix against ppeval.ahp, when --ppeval is given
USE_PPEVAL = False


def cross_check(a: np.ndarray, method: str, w: np.ndarray, cr: float) -> None:
    """Compare weights and CR with :func:`ppeval.ahp.priorities` (only with ``--ppeval``)."""
    if not USE_PPEVAL:
        return
    from ppeval import ahp

    r = ahp.priorities(a, method="eigenvector" if method == "eigenvector" else "geometric_mean")
    CROSS_CHECK.append(max(float(np.max(np.abs(np.asarray(r.weights) - w))), abs(float(r.cr) - cr)))


def ahp_report(node_id: str, spec: dict[str, Any], ids: list[str]) -> tuple[np.ndarray, list[str], bool]:
    method = spec.get("priority_method", "eigenvector")
    threshold = float(spec.get("cr_threshold", 0.1))
    experts = spec["experts"]
    raw = np.array([float(e.get("weight", 1.0)) for e in experts])
    ew = raw / raw.sum()
    mats = [judgment_matrix(e["judgments"], ids) for e in experts]
    lines = []
    ok = True
    per = []
    for e, a in zip(experts, mats, strict=True):
        w, lam, cr = priorities(a, method)
        cross_check(a, method, w, cr)
        per.append(w)
        ok &= cr <= threshold
        lines.append(f"    {e.get('name', '?'):<44} n={len(ids)} lambda={lam:.4f} CR={cr:.4f} "
                     f"w={np.round(w, 3).tolist()}")
    group = np.exp(np.tensordot(ew, np.log(np.stack(mats)), axes=1))
    gw, glam, gcr = priorities(group, method)
    if USE_PPEVAL and len(mats) > 1:
        from ppeval import ahp

        CROSS_CHECK.append(float(np.max(np.abs(ahp.aggregate(np.stack(mats), weights=ew) - group))))
        cross_check(group, method, gw, gcr)
    aggregation = spec.get("aggregation", "aij")
    if len(mats) > 1:
        ok &= (gcr <= threshold) or aggregation == "aip"
        lines.append(f"    {'AIJ group matrix':<44} n={len(ids)} lambda={glam:.4f} CR={gcr:.4f} "
                     f"w={np.round(gw, 3).tolist()}")
    if aggregation == "aip" and len(mats) > 1:
        # AIP by the weighted geometric mean of priorities, normalised (Forman & Peniwati 1998)
        w = np.exp(np.tensordot(ew, np.log(np.stack(per)), axes=1))
        w = w / w.sum()
        lines.append(f"    {'AIP (weighted geometric mean of priorities)':<44} w={np.round(w, 3).tolist()}")
    else:
        w = gw if len(mats) > 1 else per[0]
    head = (f"  node {node_id!r}: AHP {aggregation}/{method}, {len(experts)} expert(s), "
            f"threshold {threshold:g}")
    return w, [head, *lines], bool(ok)


def local_weights(node: dict[str, Any], out: list[str]) -> tuple[dict[str, float], bool]:
    ids = [c["id"] for c in node["children"]]
    spec = node["weighting"]
    m = spec["method"]
    if m == "fixed":
        return {c: float(spec["weights"][c]) for c in ids}, True
    if m == "points":
        total = sum(float(spec["points"][c]) for c in ids)
        return {c: float(spec["points"][c]) / total for c in ids}, True
    if m == "equal":
        return {c: 1.0 / len(ids) for c in ids}, True
    if m == "ahp":
        w, lines, ok = ahp_report(node["id"], spec, ids)
        out.extend(lines)
        return dict(zip(ids, w.tolist(), strict=True)), ok
    raise SystemExit(f"node {node['id']!r}: weighting {m!r} needs data; this checker handles fixed/points/equal/ahp")


def walk(node: dict[str, Any], weight: float, leaves: dict[str, tuple[float, str]], out: list[str]) -> bool:
    local, ok = local_weights(node, out)
    for child in node["children"]:
        w = weight * local[child["id"]]
        if "children" in child:
            ok &= walk(child, w, leaves, out)
        else:
            leaves[child["id"]] = (w, child["kind"])
    return ok


def check(path: Path) -> bool:
    system = yaml.safe_load(path.read_text(encoding="utf-8"))
    out: list[str] = []
    leaves: dict[str, tuple[float, str]] = {}
    ok = walk(system["root"], 1.0, leaves, out)
    qual = sum(w for w, k in leaves.values() if k == "qualitative")
    n_qual = sum(k == "qualitative" for _, k in leaves.values())
    print(f"{path.name}: {len(leaves)} leaves ({len(leaves) - n_qual} quantitative, {n_qual} qualitative); "
          f"weights sum {sum(w for w, _ in leaves.values()):.12f}; qualitative share {qual:.4f}")
    for line in out:
        print(line)
    floor = (system.get("evaluation") or {}).get("qualitative_floor")
    if floor is not None and qual < floor:
        print(f"  qualitative share {qual:.4f} is below the floor {floor}")
        ok = False
    print("  global weights: " + ", ".join(f"{k}={w:.4f}" for k, (w, _) in leaves.items()))
    print("  OK" if ok else "  FAILED")
    return ok


def main(argv: list[str]) -> int:
    global USE_PPEVAL
    USE_PPEVAL = "--ppeval" in argv
    paths = [Path(p) for p in argv if p != "--ppeval"] or sorted(HERE.glob("*.yaml"))
    results = [check(p) for p in paths]
    if USE_PPEVAL:
        worst = max(CROSS_CHECK, default=0.0)
        print(f"ppeval.ahp cross-check: {len(CROSS_CHECK)} comparisons, max |difference| {worst:.2e}")
        results.append(worst < 1e-9)
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
