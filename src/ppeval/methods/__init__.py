"""Aggregation methods: decision matrix and weights to scores.

Every method takes ``(matrix, weights, types, ...)`` with ``weights`` either one
vector ``(m,)`` or a batch ``(k, m)`` and returns one result per weight vector
(``(n,)`` or ``(k, n)``). See :mod:`ppeval.methods._batch` for the shared
batching and blocking, and each module for the formula and its sources.

- :func:`topsis` -- closeness to the ideal solution (Hwang & Yoon 1981), relative
  or absolute mode; higher is better.
- :func:`wsm` -- simple additive weighting; higher is better.
- :func:`vikor` -- group utility S, regret R, compromise index Q (Opricovic &
  Tzeng 2004); lower is better. :func:`vikor_compromise` gives the compromise
  solution.
- :func:`gra` -- grey relational grade to the ideal (Deng 1982); higher is
  better. :func:`grey_coefficients` gives the coefficient matrix and
  :func:`relational_degrees` the relational degrees of factors to an outcome.
- :func:`rsr` -- rank-sum ratio with probit grading (Tian Fengdiao 1988).
- :func:`obstacle_degree` -- each indicator's share of the points a project
  lost (the obstacle degree model).
- :func:`fce` -- fuzzy comprehensive evaluation (membership matrix, weights and
  grade values instead of a decision matrix; see :mod:`ppeval.methods.fce`).
"""

from __future__ import annotations

from ppeval.methods.fce import FCEResult, fce
from ppeval.methods.gra import RelationalDegrees, gra, grey_coefficients, relational_degrees
from ppeval.methods.obstacle import obstacle_degree
from ppeval.methods.rsr import RSRResult, rsr
from ppeval.methods.topsis import topsis
from ppeval.methods.vikor import VikorCompromise, VikorResult, vikor, vikor_compromise
from ppeval.methods.wsm import wsm

__all__ = [
    "fce",
    "FCEResult",
    "topsis",
    "gra",
    "grey_coefficients",
    "relational_degrees",
    "RelationalDegrees",
    "rsr",
    "RSRResult",
    "obstacle_degree",
    "wsm",
    "vikor",
    "VikorResult",
    "vikor_compromise",
    "VikorCompromise",
]
