"""``ppeval ahp``: priorities, consistency and the judgments to revise of a pairwise matrix."""

from __future__ import annotations

import argparse
import math

from ppeval.cli._common import EXIT_OK, _console, _positive_int
from ppeval.errors import PPEvalError

__all__ = ["register", "run"]

#: Saaty's 1/9 ... 9 scale.
_SAATY = tuple([1 / k for k in range(9, 1, -1)] + [float(k) for k in range(1, 10)])


def run(args: argparse.Namespace) -> int:
    import numpy as np
    from rich.table import Table

    from ppeval import ahp
    from ppeval.io import read_judgment_matrix

    labels, matrix, filled = read_judgment_matrix(args.matrix)
    try:
        res = ahp.priorities(matrix, args.method)
    except PPEvalError as exc:
        raise type(exc)(
            f"{args.matrix}: {exc} (matrix[i, j] counts rows and columns from 0 in file order: "
            f"{', '.join(f'{k} = {lab}' for k, lab in enumerate(labels))})"
        ) from None
    console = _console()
    table = Table(title=f"Priorities ({args.method})", title_justify="left")
    table.add_column("rank", justify="right")
    table.add_column("element")
    table.add_column("priority", justify="right")
    ranks = np.argsort(np.argsort(-res.weights, kind="stable"), kind="stable") + 1
    for i in np.argsort(-res.weights, kind="stable"):
        table.add_row(str(int(ranks[i])), labels[i], f"{res.weights[i]:.4f}")
    console.print(table)
    if filled:
        console.print(f"{filled} judgment(s) filled in as reciprocals of the other triangle", markup=False)
    if res.n_missing:
        console.print(f"{res.n_missing} missing judgment(s) completed by Harker's method", markup=False)
    ri = ahp.random_index(res.n) if res.n <= 15 else float("nan")
    console.print(
        f"n = {res.n}   lambda_max = {res.lambda_max:.4f}   CI = {res.ci:.4f}   RI = {ri:.2f}   "
        f"CR = {res.cr:.4f}",
        markup=False,
    )
    verdict = "consistent" if res.consistent else "NOT consistent"
    console.print(f"{verdict} (CR {'<=' if res.consistent else '>'} {res.threshold:g})", markup=False)
    worst = [j for j in ahp.inconsistencies(matrix, args.method, top=args.top) if j.error > 1e-9]
    if res.consistent:  # only revisions that change a judgment on the 1-9 scale are worth listing
        worst = [j for j in worst if abs(math.log(_nearest_saaty(j.suggested) / j.current)) > 1e-9]
    if not worst:
        console.print("no judgment needs revising: each is the 1-9 scale value nearest to what the priorities "
                      "imply", markup=False)
        return EXIT_OK
    title = "Judgments to revise first" if not res.consistent else "Largest deviations (optional revisions)"
    rev = Table(title=title, title_justify="left")
    rev.add_column("row")
    rev.add_column("column")
    rev.add_column("current", justify="right")
    rev.add_column("consistent value w_i/w_j", justify="right")
    rev.add_column("nearest 1-9 value", justify="right")
    rev.add_column("CR after", justify="right")
    for j in worst:
        nearest = _nearest_saaty(j.suggested)
        revised = np.array(matrix, dtype=np.float64)
        revised[j.i, j.j], revised[j.j, j.i] = nearest, 1.0 / nearest
        cr_after = ahp.priorities(revised, args.method).cr
        rev.add_row(
            labels[j.i],
            labels[j.j],
            _judgment_text(j.current),
            f"{j.suggested:.3f}",
            _judgment_text(nearest),
            f"{cr_after:.4f}",
        )
    console.print(rev)
    console.print(
        "Revise one judgment at a time (the first one first) and recompute: the priorities move after "
        "each change.",
        markup=False,
    )
    return EXIT_OK


def _nearest_saaty(value: float) -> float:
    """The value on Saaty's 1/9 ... 9 scale nearest to ``value`` on a log scale."""
    target = math.log(value)
    return min(_SAATY, key=lambda s: abs(math.log(s) - target))


def _judgment_text(value: float) -> str:
    """``5``, ``1/3`` or ``2.37``: a judgment as an expert writes it."""
    if value >= 1:
        k = round(value)
        return str(k) if abs(value - k) < 1e-9 else f"{value:.3g}"
    k = round(1 / value)
    return f"1/{k}" if abs(1 / value - k) < 1e-9 else f"{value:.3g}"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``ahp`` subcommand to ``sub``."""
    p = sub.add_parser(
        "ahp",
        help="priorities, consistency and judgments to revise of one pairwise matrix",
        description="Read a pairwise comparison matrix (CSV: bare numbers or with labels; 1/3 allowed; "
                    "an upper triangle is enough) and print priorities, lambda_max, CI, CR and the "
                    "judgments to revise with suggested values.",
    )
    p.add_argument("matrix", metavar="MATRIX.csv", help="the pairwise comparison matrix")
    p.add_argument("--method", choices=("eigenvector", "geometric_mean"), default="eigenvector",
                   help="how priorities are derived (default eigenvector)")
    p.add_argument("--top", type=_positive_int, default=3, metavar="K",
                   help="list at most K judgments to revise (default 3)")
    p.set_defaults(func=run)
