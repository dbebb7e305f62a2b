"""Efficiency analysis: data envelopment analysis (DEA).

:func:`dea` computes the CCR (constant returns to scale) and BCC (variable
returns to scale) models, input or output oriented, with second-stage slacks,
lambdas and reference sets; :func:`scale_efficiency` runs both and returns
the scale efficiency. The LPs are solved by HiGHS (``highspy``).
"""

from __future__ import annotations

from ppeval.efficiency.dea import (
    RTS,
    DEAResult,
    Orientation,
    ScaleEfficiencyResult,
    dea,
    scale_efficiency,
)

__all__ = ["RTS", "Orientation", "DEAResult", "ScaleEfficiencyResult", "dea", "scale_efficiency"]
