"""``ppeval ahp``: priorities, consistency and the judgments to revise of a pairwise matrix."""

from __future__ import annotations

import argparse
import math
from typing import TYPE_CHECKING, Any

from ppeval.cli._common import EXIT_INPUT, EXIT_OK, _add_lang_option, _console, _error, _language, _positive_int
from ppeval.errors import InputError, PPEvalError

if TYPE_CHECKING:
    import numpy as np

__all__ = ["register", "run"]


def N_(text: str) -> str:  # noqa: N802 - the gettext convention for "mark, do not translate here"
    return text

#: The --method values as printed (``N_``: marked for the catalogs, translated where printed).
_METHOD_TERMS = (N_("eigenvector"), N_("geometric_mean"))

#: Saaty's 1/9 ... 9 scale.
_SAATY = tuple([1 / k for k in range(9, 1, -1)] + [float(k) for k in range(1, 10)])


def run(args: argparse.Namespace) -> int:
    import numpy as np
    from rich.table import Table

    from ppeval import ahp
    from ppeval.io import read_judgment_matrix

    t = _language(args.lang)
    _ = t._
    console = _console()
    files = list(args.matrix)
    read = [read_judgment_matrix(f) for f in files]
    labels = read[0][0]
    matrices = []
    for f, (lab, matrix, _filled) in zip(files, read, strict=True):
        if sorted(lab) != sorted(labels):
            raise InputError(
                f"{f}: compares {', '.join(lab)}; {files[0]} compares {', '.join(labels)}; every expert's "
                "matrix must compare the same elements"
            )
        order = [lab.index(x) for x in labels]
        matrices.append(np.asarray(matrix, dtype=np.float64)[np.ix_(order, order)])
    weights = _expert_weights(args.expert_weights, len(files))
    if len(files) == 1:
        res = _analyse(console, files[0], labels, matrices[0], read[0][2], args.method, args.top,
                       _("Priorities"), t)
        failing = [] if res.consistent else [(files[0], res.cr, res.threshold)]
    else:
        experts = Table(title=_("Experts ({k})").format(k=len(files)), title_justify="left")
        for col, just in ((_("expert"), "left"), (_("weight"), "right"), ("CR", "right"), ("", "left")):
            experts.add_column(col, justify=just)  # type: ignore[arg-type]
        failing = []
        for f, m, w in zip(files, matrices, weights, strict=True):
            r = _priorities(f, labels, m, args.method)
            experts.add_row(f, f"{w:.3f}", f"{r.cr:.4f}", _("consistent") if r.consistent else _("NOT consistent"))
            if not r.consistent:
                failing.append((f, r.cr, r.threshold))
        console.print(experts)
        group = ahp.aggregate(np.stack(matrices), weights=np.array(weights))
        console.print(
            _("group judgments: element-wise weighted geometric mean of the {k} experts' matrices "
              "(AIJ, as an indicator system's AHP node with several experts)").format(k=len(files)),
            markup=False, soft_wrap=True,
        )
        res = _analyse(console, _("the group matrix"), labels, group, 0, args.method, args.top,
                       _("Group priorities (AIJ)"), t)
        if not res.consistent:
            failing.append((_("the group matrix"), res.cr, res.threshold))
        if failing:
            console.print(
                _("revise an expert's matrix: {command}").format(
                    command="ppeval ahp " + " ".join(f for f, _cr, _th in failing if f in files)),
                markup=False, soft_wrap=True,
            )
    if args.strict and failing:
        _error(
            "--strict: CR above the threshold for "
            + "; ".join(f"{f} (CR = {cr:.4f} > {t:g})" for f, cr, t in failing)
        )
        return EXIT_INPUT
    return EXIT_OK


def _expert_weights(text: str | None, k: int) -> list[float]:
    if text is None:
        return [1.0 / k] * k
    try:
        values = [float(x) for x in text.split(",")]
    except ValueError:
        raise InputError(f"--expert-weights {text}: expected {k} numbers separated by commas") from None
    if len(values) != k:
        raise InputError(f"--expert-weights {text}: {len(values)} weights for {k} matrices; give one per matrix")
    if any(not math.isfinite(v) or v < 0 for v in values) or sum(values) <= 0:
        raise InputError(f"--expert-weights {text}: weights must be finite, >= 0 and not all 0")
    total = sum(values)
    return [v / total for v in values]


def _priorities(where: str, labels: list[str], matrix: np.ndarray, method: Any) -> Any:
    from ppeval import ahp

    try:
        return ahp.priorities(matrix, method)
    except PPEvalError as exc:
        raise type(exc)(
            f"{where}: {exc} (matrix[i, j] counts rows and columns from 0 in file order: "
            f"{', '.join(f'{k} = {lab}' for k, lab in enumerate(labels))})"
        ) from None


def _analyse(
    console: Any, where: str, labels: list[str], matrix: np.ndarray, filled: int, method: Any, top: int,
    title: str, t: Any,
) -> Any:
    """Print priorities, consistency and the judgments to revise of one matrix; return the AHPResult."""
    import numpy as np
    from rich.table import Table

    from ppeval import ahp

    _ = t._
    res = _priorities(where, labels, matrix, method)
    table = Table(title=f"{title} ({_(method)})", title_justify="left")
    table.add_column(_("rank"), justify="right")
    table.add_column(_("element"))
    table.add_column(_("priority"), justify="right")
    ranks = np.argsort(np.argsort(-res.weights, kind="stable"), kind="stable") + 1
    for i in np.argsort(-res.weights, kind="stable"):
        table.add_row(str(int(ranks[i])), labels[i], f"{res.weights[i]:.4f}")
    console.print(table)
    if filled:
        console.print(_("{k} judgment(s) filled in as reciprocals of the other triangle").format(k=filled),
                      markup=False)
    if res.n_missing:
        console.print(_("{k} missing judgment(s) completed by Harker's method").format(k=res.n_missing),
                      markup=False)
    ri = ahp.random_index(res.n) if res.n <= 15 else float("nan")
    console.print(
        f"n = {res.n}   lambda_max = {res.lambda_max:.4f}   CI = {res.ci:.4f}   RI = {ri:.2f}   "
        f"CR = {res.cr:.4f}",
        markup=False,
    )
    verdict = _("consistent") if res.consistent else _("NOT consistent")
    console.print(f"{verdict} (CR {'<=' if res.consistent else '>'} {res.threshold:g})", markup=False)
    worst = [j for j in ahp.inconsistencies(matrix, method, top=top) if j.error > 1e-9]
    if res.consistent:  # only revisions that change a judgment on the 1-9 scale are worth listing
        worst = [j for j in worst if abs(math.log(_nearest_saaty(j.suggested) / j.current)) > 1e-9]
    if not worst:
        console.print(_("no judgment needs revising: each is the 1-9 scale value nearest to what the priorities "
                        "imply"), markup=False)
        return res
    title = _("Judgments to revise first") if not res.consistent else _("Largest deviations (optional revisions)")
    rev = Table(title=title, title_justify="left")
    rev.add_column(_("row"))
    rev.add_column(_("column"))
    rev.add_column(_("current"), justify="right")
    rev.add_column(_("consistent value w_i/w_j"), justify="right")
    rev.add_column(_("nearest 1-9 value"), justify="right")
    rev.add_column(_("CR after"), justify="right")
    for j in worst:
        nearest = _nearest_saaty(j.suggested)
        revised = np.array(matrix, dtype=np.float64)
        revised[j.i, j.j], revised[j.j, j.i] = nearest, 1.0 / nearest
        cr_after = ahp.priorities(revised, method).cr
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
        _("Revise one judgment at a time (the first one first) and recompute: the priorities move after "
          "each change."),
        markup=False,
    )
    return res




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
        help="priorities, consistency and judgments to revise of pairwise matrices (one or several experts)",
        description="Read pairwise comparison matrices (CSV: bare numbers or with labels; 1/3 allowed; "
                    "an upper triangle is enough), one per expert, and print priorities, lambda_max, CI, CR "
                    "and the judgments to revise with suggested values. Several experts' matrices are "
                    "aggregated by the weighted geometric mean of the judgments (AIJ), as an indicator "
                    "system's AHP node does; each expert's CR is shown. Exit 0, or with --strict 2 when a "
                    "CR is above the threshold.",
    )
    p.add_argument("matrix", metavar="MATRIX.csv", nargs="+",
                   help="pairwise comparison matrices, one per expert (same elements)")
    p.add_argument("--expert-weights", metavar="W,W,...",
                   help="weights of the experts, in the order of the files (default equal)")
    p.add_argument("--strict", action="store_true",
                   help="exit with status 2 when any expert's or the group's CR is above the threshold (0.1)")
    p.add_argument("--method", choices=("eigenvector", "geometric_mean"), default="eigenvector",
                   help="how priorities are derived (default eigenvector)")
    p.add_argument("--top", type=_positive_int, default=3, metavar="K",
                   help="list at most K judgments to revise (default 3)")
    _add_lang_option(p)
    p.set_defaults(func=run)
