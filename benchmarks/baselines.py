"""Baselines the ppeval benchmarks compare against: plain numpy references and pymcdm adapters.

- :func:`numpy_topsis` is TOPSIS as most people write it with numpy: whole-array operations,
  no validation, vector normalisation with the cost reversal ``1 - x/||x||`` (pymcdm's
  convention, equivalent for TOPSIS to Hwang & Yoon's "min is ideal for cost").
- :func:`pymcdm_topsis` calls ``pymcdm.methods.TOPSIS(vector_normalization)``. pymcdm 1.4
  exposes validation as the ``validation`` keyword of ``MCDA_method.__call__`` (default
  ``True``: it checks the weights and types and searches for dominant/dominated alternatives
  with Python loops over the rows). Its dominance check also emits ``UserWarning``s, which the
  adapter silences so they do not distort the timing.

pymcdm is imported inside the functions (it imports matplotlib).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["numpy_topsis", "pymcdm_topsis", "pymcdm_topsis_factory"]


def numpy_topsis(matrix: np.ndarray, weights: np.ndarray, types: np.ndarray) -> np.ndarray:
    """Plain numpy TOPSIS (vector normalisation), no input checks."""
    r = matrix / np.sqrt((matrix**2).sum(axis=0))
    r = np.where(types > 0, r, 1.0 - r)
    v = r * weights
    ideal = v.max(axis=0)
    anti = v.min(axis=0)
    dp = np.sqrt(((v - ideal) ** 2).sum(axis=1))
    dm = np.sqrt(((v - anti) ** 2).sum(axis=1))
    return dm / (dp + dm)


def pymcdm_topsis_factory(validation: bool) -> Callable[[np.ndarray, np.ndarray, np.ndarray], Any]:
    """A callable ``(matrix, weights, types) -> closeness`` running pymcdm's TOPSIS (vector normalisation)."""
    from pymcdm import normalizations
    from pymcdm.methods import TOPSIS

    method = TOPSIS(normalizations.vector_normalization)

    def call(matrix: np.ndarray, weights: np.ndarray, types: np.ndarray) -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return method(matrix, weights, types, validation=validation)

    return call


def pymcdm_topsis(
    matrix: np.ndarray, weights: np.ndarray, types: np.ndarray, *, validation: bool = True
) -> Any:
    """pymcdm's TOPSIS with vector normalisation; ``validation`` as in pymcdm (default on)."""
    return pymcdm_topsis_factory(validation)(matrix, weights, types)
