"""Criterion weights: objective (entropy, CRITIC, standard deviation, coefficient of variation),
expert (G1 order relation, best-worst method), equal, and combinations.

Every function returns a float64 vector of shape ``(n_criteria,)`` (:func:`bwm`
a :class:`BWMResult` holding one) that is non-negative and sums to 1. Inputs
are validated first and never written to.

Public functions
----------------
:func:`entropy`
    Shannon entropy weights of the raw (non-negative) decision matrix.
:func:`critic`
    CRITIC weights (Diakoulaki, Mavrotas & Papayannakis 1995).
:func:`std`
    Standard-deviation weights of the min-max normalised columns.
:func:`cv`
    Coefficient-of-variation weights ``sigma_j / mean_j``.
:func:`g1`
    G1 order-relation weights (Guo Yajun 2002) from a ranking and ``n - 1`` ratios.
:func:`bwm`
    Best-worst method (Rezaei 2015), linear model (Rezaei 2016), with its consistency.
:func:`equal`
    ``1 / n_criteria`` for every criterion.
:func:`combine`
    Combine several weight vectors (linear, multiplicative or game theory).

Fuzzy AHP (Buckley 1985) is :func:`ppeval.ahp.fuzzy_priorities`.
"""

from __future__ import annotations

from ppeval.weights._cv import cv
from ppeval.weights._expert import BWMResult, bwm, g1
from ppeval.weights._objective import CombineMethod, combine, critic, entropy, equal, std

__all__ = ["CombineMethod", "entropy", "critic", "std", "cv", "g1", "bwm", "BWMResult", "equal", "combine"]
