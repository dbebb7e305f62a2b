"""``validate``: every check ``evaluate`` runs, by running ``evaluate`` itself.

There is one code path for data checks: the loaders check files (ids,
numbers, scales, duplicates, missing values under ``reject``) and
:func:`ppeval.pipeline.evaluate` checks what only an evaluation can
(ratings behind every rated cell, bounds for absolute mode, AHP judgments
under a ``reject`` policy, weights that can be computed, the qualitative
floor under ``strict``). ``validate`` runs exactly those, so it passes
exactly when ``evaluate`` with the same options succeeds.
"""

from __future__ import annotations

from collections.abc import Sequence
from os import PathLike
from typing import Any

from ppeval.pipeline._evaluate import Method, Mode, evaluate
from ppeval.pipeline.result import Diagnostic
from ppeval.schema import Assessment, IndicatorSystem

__all__ = ["validate"]


def validate(
    system: IndicatorSystem | str | PathLike[str],
    assessment: Assessment | str | PathLike[str] | Sequence[str | PathLike[str]],
    *,
    method: Method = "topsis",
    mode: Mode = "absolute",
    **options: Any,
) -> tuple[Diagnostic, ...]:
    """Check a system and an assessment with every check of :func:`ppeval.pipeline.evaluate`.

    Parameters
    ----------
    system, assessment
        As for :func:`~ppeval.pipeline.evaluate` (objects or paths).
    method, mode, **options
        The evaluation options to check against (as for ``evaluate``);
        absolute mode, for example, needs bounds on every indicator.

    Returns
    -------
    tuple of Diagnostic
        The findings the evaluation would record (warnings and notes); the
        data are valid for this evaluation.

    Raises
    ------
    SchemaError, DataError, InputError, ConsistencyError
        Exactly what ``evaluate`` raises for these inputs and options, with
        the file, row and indicator at fault.

    Examples
    --------
    >>> from ppeval.io import bundled
    >>> name = "community-4stage"
    >>> found = validate(bundled.system_path(name), bundled.sample_assessment_paths(name))
    >>> all(d.severity in ("info", "warning") for d in found)
    True
    """
    return evaluate(system, assessment, method=method, mode=mode, **options).diagnostics
