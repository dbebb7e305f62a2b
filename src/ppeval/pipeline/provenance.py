"""Provenance: canonical hashes of the inputs, and ``reproduce``.

* ``system_hash``: SHA-256 of the canonical JSON of the validated indicator
  system (``model_dump(mode="json")``, sorted keys, exact floats), so the hash
  does not depend on key order or on whether the file was YAML, JSON or TOML.
* ``assessment_hash``: SHA-256 over the project ids and metadata, the values
  matrix (little-endian float64, one nan pattern) and the ratings sorted by
  (project id, indicator id, rater id, group, value), so the order of rows in
  the files does not matter.
* ``config_hash``: SHA-256 of the canonical JSON of the evaluation options.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

import numpy as np

from ppeval._serialize import array_digest, dumps, sha256_hex
from ppeval.errors import InputError, ReproducibilityError
from ppeval.schema import Assessment, IndicatorSystem

if TYPE_CHECKING:
    from ppeval.pipeline.result import EvaluationResult

__all__ = ["system_hash", "assessment_hash", "config_hash", "reproduce"]


#: Optional fields added to the schema after results were first hashed: left out of the hash while unset,
#: so a system without them keeps its hash and results written before them still reproduce.
_LATER_OPTIONAL = frozenset({"uncertainty", "decisions"})


def _without_unset_later(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _without_unset_later(v) for k, v in obj.items() if not (k in _LATER_OPTIONAL and v is None)}
    if isinstance(obj, list):
        return [_without_unset_later(v) for v in obj]
    return obj


def system_hash(system: IndicatorSystem) -> str:
    """SHA-256 (hex) of the canonical JSON of an indicator system (optional fields added later and unset left out)."""
    return sha256_hex(_without_unset_later(system.model_dump(mode="json")))


def assessment_hash(assessment: Assessment) -> str:
    """SHA-256 (hex) of an assessment's content, independent of file format and row order."""
    h = hashlib.sha256()
    meta = {
        "system_id": assessment.system_id,
        "project_ids": list(assessment.project_ids),
        "projects": [p.model_dump(mode="json") for p in assessment.projects],
        "indicator_ids": list(assessment.indicator_ids),
    }
    h.update(dumps(meta).encode("utf-8"))
    h.update(array_digest(assessment.values).encode())
    r = assessment.ratings
    if len(r):
        pid = np.asarray(assessment.project_ids, dtype=np.str_)[r.project]
        iid = np.asarray(assessment.indicator_ids, dtype=np.str_)[r.indicator]
        val = np.where(np.isnan(r.value), -np.inf, r.value)
        order = np.lexsort((val, r.group, r.rater, iid, pid))
        digest = array_digest(pid[order], iid[order], r.rater[order], r.group[order], r.value[order])
        h.update(digest.encode())
    return h.hexdigest()


def config_hash(config: dict[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of the evaluation configuration."""
    return sha256_hex(config)


def reproduce(
    result_json: str | bytes | EvaluationResult,
    system: Any,
    assessment: Any,
    *,
    atol: float = 1e-9,
) -> EvaluationResult:
    """Recompute a stored result from its inputs and check that nothing changed.

    Parameters
    ----------
    result_json : str, bytes or EvaluationResult
        A result written by :meth:`EvaluationResult.to_json` (or the object).
    system, assessment
        The indicator system and assessment (objects or paths) it claims to come from.
    atol : float
        Tolerance on the 0-100 scores and on the weights (default ``1e-9``:
        far below any difference that matters, but above the last-bit
        differences a different BLAS or CPU may produce). With ``atol=0`` the
        recomputed JSON must be byte-identical to the stored one.

    Returns
    -------
    EvaluationResult
        The verified (recomputed) result.

    Raises
    ------
    ReproducibilityError
        If an input hash differs (naming which: system, assessment or
        configuration) or a project's score or a weight differs by more than
        ``atol`` (naming the project or indicator and by how much).
    InputError
        ``atol`` negative or not a number; ``result_json`` not a ppeval result.
    """
    from ppeval.pipeline._evaluate import _evaluate, _load
    from ppeval.pipeline.result import EvaluationResult

    if isinstance(atol, bool) or not isinstance(atol, int | float) or not atol >= 0:
        raise InputError(f"atol is {atol!r}; expected a number >= 0")
    if isinstance(result_json, EvaluationResult):
        stored = result_json
    else:
        stored = EvaluationResult.from_json(result_json)
    system, assessment = _load(system, assessment)
    p = stored.provenance
    problems = []
    if system_hash(system) != p.system_hash:
        problems.append(
            f"the indicator system differs (system_hash {system_hash(system)[:12]}... != stored "
            f"{p.system_hash[:12]}...)"
        )
    if assessment_hash(assessment) != p.assessment_hash:
        problems.append(
            f"the assessment differs (assessment_hash {assessment_hash(assessment)[:12]}... != stored "
            f"{p.assessment_hash[:12]}...)"
        )
    if config_hash(p.config) != p.config_hash:
        problems.append("the stored configuration does not match its config_hash (the result file was edited)")
    if problems:
        raise ReproducibilityError("cannot reproduce: " + "; ".join(problems))
    fresh = _evaluate(system, assessment, json.loads(dumps(p.config)), p.seed)
    if fresh.project_ids != stored.project_ids or fresh.indicator_ids != stored.indicator_ids:
        raise ReproducibilityError("cannot reproduce: the projects or indicators differ")
    diff = np.abs(fresh.score_100 - stored.score_100)
    if (diff > atol).any():
        i = int(np.argmax(diff))
        raise ReproducibilityError(
            f"cannot reproduce: project {stored.project_ids[i]!r} scores {float(fresh.score_100[i])!r} now but "
            f"{float(stored.score_100[i])!r} in the stored result (difference {float(diff[i]):.3g}); "
            f"{int((diff > atol).sum())} project(s) differ"
        )
    wdiff = np.abs(fresh.weights - stored.weights)
    if (wdiff > atol).any():
        j = int(np.argmax(wdiff))
        raise ReproducibilityError(
            f"cannot reproduce: the weight of indicator {stored.indicator_ids[j]!r} is "
            f"{float(fresh.weights[j])!r} now but {float(stored.weights[j])!r} in the stored result"
        )
    if fresh.ranks.tolist() != stored.ranks.tolist() or fresh.grades != stored.grades:
        raise ReproducibilityError("cannot reproduce: the scores agree but the ranks or grades differ")
    if atol == 0.0 and fresh.to_json() != stored.to_json():
        raise ReproducibilityError(
            "cannot reproduce: the scores agree but other parts of the result differ "
            "(contributions or diagnostics); compare the two JSON files"
        )
    return fresh
