"""Adapter to pymcdm's MCDA methods (imported lazily: pymcdm imports matplotlib).

Translates ppeval's conventions to pymcdm's and back:

* types: ppeval's ``+1``/``-1`` are pymcdm's ``1``/``-1`` (passed as int arrays);
* bounds: ppeval's ``(worst, best)`` rows become pymcdm's ``[min, max]`` rows;
* orientation: each method's own, read from ``method.rank`` (e.g. SPOTIS and
  VIKOR: lower is better);
* validation: inputs are validated by the caller (vectorised, in ppeval), so
  pymcdm runs with ``validation=False``, which also avoids its per-row Python
  loops.

pymcdm results that are not finite (a division by zero inside pymcdm) raise
:class:`~ppeval.errors.DegenerateError` naming the method; no numpy warning
escapes.

Method-specific choices
-----------------------
``COPRAS``
    pymcdm 1.4.0 computes the relative significance as
    ``Q_i = S+_i + min(S-) S-_i / (S-_i min(S-) / S-_i)``, which simplifies to
    ``S+_i + S-_i``: cost criteria then *raise* an alternative's utility. The
    adapter takes pymcdm's ``S+`` and ``S-`` (its "explained" output) and applies
    the published formula ``Q_i = S+_i + min(S-) Σ_j S-_j / (S-_i Σ_j min(S-)/S-_j)``
    (Zavadskas, Kaklauskas & Šarka 1994), utility ``Q_i / max Q``. Like pymcdm
    it needs at least one cost criterion, and positive ``S-_i``.
``PROMETHEE_II``
    The usual criterion (type I preference function, no thresholds); net flow,
    higher is better.
``SPOTIS``
    Needs bounds: the given ``bounds`` (``(worst, best)`` per criterion) or,
    without them, each column's data minimum and maximum. A constant column
    has no span; it contributes a distance of 0 to every alternative
    (equivalently, it is left out), which changes no ranking.
Any other name
    A pymcdm method class constructed with its defaults (e.g. ``TOPSIS`` with
    pymcdm's min-max normalisation, ``VIKOR``, ``ARAS``, ``EDAS``, ``MABAC``).

References
----------
Kizielewicz, B., Shekhovtsov, A., & Sałabun, W. (2023). pymcdm - The
universal library for solving multi-criteria decision-making problems.
*SoftwareX*, 22, 101368.

Zavadskas, E. K., Kaklauskas, A., & Šarka, V. (1994). The new method of
multicriteria complex proportional assessment of projects. *Technological
and Economic Development of Economy*, 1(3), 131-139.

Dezert, J., Tchamova, A., Han, D., & Tacnet, J.-M. (2020). The SPOTIS rank
reversal free method for multi-criteria decision-making support. *2020 IEEE
23rd International Conference on Information Fusion (FUSION)*, 1-8.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from ._typing import FloatArray, IntArray
from .errors import DegenerateError, InputError

__all__ = ["pymcdm_scores", "pymcdm_method_names"]

_SPECIAL = ("COPRAS", "PROMETHEE_II", "SPOTIS")
# pymcdm method classes that need constructor arguments we do not supply
_UNSUPPORTED = {"COMET", "LoPM", "LMAW", "RAFSI", "BalancedSPOTIS", "ERVD", "RIM", "SPROBID", "PROBID"}


@functools.lru_cache(maxsize=1)
def pymcdm_method_names() -> tuple[str, ...]:
    """Names accepted by :func:`pymcdm_scores` (imports pymcdm).

    The special cases (COPRAS, PROMETHEE_II, SPOTIS) and every pymcdm method
    class whose constructor needs no argument.

    Examples
    --------
    >>> from ppeval._pymcdm import pymcdm_method_names
    >>> {"COPRAS", "PROMETHEE_II", "SPOTIS", "TOPSIS"} <= set(pymcdm_method_names())
    True
    """
    import inspect

    from pymcdm import methods as pm

    names = set(_SPECIAL)
    for name, obj in vars(pm).items():
        if inspect.isclass(obj) and name not in _UNSUPPORTED and hasattr(obj, "rank"):
            try:
                sig = inspect.signature(obj.__init__)
            except (TypeError, ValueError):  # pragma: no cover - builtin init
                continue
            required = [
                p
                for p in list(sig.parameters.values())[1:]
                if p.default is inspect.Parameter.empty
                and p.kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
            ]
            if not required:
                names.add(name)
    return tuple(sorted(names))


def _higher_is_better(body: Any) -> bool:
    r = np.asarray(body.rank(np.array([0.0, 1.0])))
    return bool(r[1] < r[0])


def _finite(name: str, scores: Any, n: int) -> FloatArray:
    arr = np.asarray(scores, dtype=np.float64).reshape(-1)
    if arr.shape != (n,):  # pragma: no cover - pymcdm returns one value per alternative
        raise DegenerateError(f"pymcdm {name} returned {arr.shape} values for {n} alternatives")
    if not np.isfinite(arr).all():
        i = int(np.argmax(~np.isfinite(arr)))
        raise DegenerateError(
            f"pymcdm {name} returned {arr[i]} for alternative {i} (a division by zero inside pymcdm "
            "for this matrix); the method is undefined for these data"
        )
    return arr


def _copras(pm: Any, matrix: FloatArray, weights: FloatArray, types: IntArray) -> FloatArray:
    if not (types == -1).any():
        raise InputError(
            "pymcdm:COPRAS needs at least one cost criterion (types contains only benefit criteria)"
        )
    res = pm.COPRAS()(matrix, weights, types, validation=False, verbose=True)
    tables = {t.desc.label: np.asarray(t.data, dtype=np.float64) for t in res.results}
    s_plus, s_minus = tables["smax"], tables["smin"]
    if not (s_minus > 0).all():
        i = int(np.argmax(~(s_minus > 0)))
        raise DegenerateError(
            f"pymcdm:COPRAS: alternative {i} has S- = {s_minus[i]} (sum of its weighted cost values); "
            "COPRAS needs S- > 0 for every alternative"
        )
    low = s_minus.min()
    q: FloatArray = s_plus + low * s_minus.sum() / (s_minus * (low / s_minus).sum())
    out: FloatArray = q / q.max()
    return out


def _spotis(pm: Any, matrix: FloatArray, weights: FloatArray, types: IntArray, bounds: FloatArray | None) -> FloatArray:
    if bounds is None:
        b = np.stack([matrix.min(axis=0), matrix.max(axis=0)], axis=1)
    else:
        b = np.sort(bounds, axis=1)  # (worst, best) -> [min, max]
    keep = b[:, 1] > b[:, 0]
    if not keep.any():
        return np.zeros(matrix.shape[0])
    body = pm.SPOTIS(b[keep])
    return np.asarray(body(matrix[:, keep], weights[keep], types[keep], validation=False), dtype=np.float64)


def pymcdm_scores(
    name: str,
    matrix: FloatArray,
    weights: FloatArray,
    types: IntArray,
    bounds: FloatArray | None = None,
) -> tuple[FloatArray, bool]:
    """Scores of pymcdm method ``name`` and whether higher is better.

    Parameters
    ----------
    name : str
        A pymcdm method class name (``"COPRAS"``, ``"PROMETHEE_II"``,
        ``"SPOTIS"``, ``"TOPSIS"``, ``"VIKOR"``, ...); see
        :func:`pymcdm_method_names`.
    matrix : ndarray of shape (n, m)
        Validated decision matrix.
    weights : ndarray of shape (m,)
        Validated weights.
    types : ndarray of int, shape (m,)
        ``+1`` benefit, ``-1`` cost.
    bounds : ndarray of shape (m, 2) or None
        ``(worst, best)`` per criterion (used by SPOTIS).

    Returns
    -------
    scores : ndarray of shape (n,)
    higher_is_better : bool

    Raises
    ------
    InputError
        If ``name`` is not a supported pymcdm method, or the method's
        requirements are not met (COPRAS without a cost criterion).
    DegenerateError
        If pymcdm's result is not finite for these data.

    Examples
    --------
    >>> import numpy as np
    >>> from ppeval._pymcdm import pymcdm_scores
    >>> x = np.array([[10.5, -3.1, 1.7], [-4.7, 0.0, 3.4], [8.1, 0.3, 1.3], [3.2, 7.3, -5.3]])
    >>> b = np.array([[-5.0, 12.0], [10.0, -6.0], [-8.0, 5.0]])  # (worst, best) per criterion
    >>> s, higher_is_better = pymcdm_scores("SPOTIS", x, np.array([0.2, 0.3, 0.5]), np.array([1, -1, 1]), b)
    >>> s.round(4), higher_is_better  # the SPOTIS example of pymcdm's documentation
    (array([0.1989, 0.3705, 0.3063, 0.7491]), False)
    """
    import pymcdm.methods as pm

    n = matrix.shape[0]
    t = np.asarray(types, dtype=np.int64)
    if name not in pymcdm_method_names():
        raise InputError(
            f"pymcdm method {name!r} is not supported; valid names are {', '.join(pymcdm_method_names())}"
        )
    with np.errstate(all="ignore"):
        if name == "COPRAS":
            return _finite(name, _copras(pm, matrix, weights, t), n), True
        if name == "SPOTIS":
            return _finite(name, _spotis(pm, matrix, weights, t, bounds), n), False
        body = pm.PROMETHEE_II("usual") if name == "PROMETHEE_II" else getattr(pm, name)()
        scores = body(matrix, weights, t, validation=False)
    return _finite(name, scores, n), _higher_is_better(body)
