"""``reproduce``: recompute a stored result from its inputs and prove nothing changed.

This module (``reproduction``, so that the name ``reproduce`` stays the
function) sits above :mod:`ppeval.pipeline._evaluate` and
:mod:`ppeval.pipeline.provenance` (neither imports it).

The check, in order:

1. the options and the seed recorded in the result still match its
   ``config_hash`` (an edited seed or option is caught before it is used);
2. the indicator system and the assessment hash as recorded; when the
   assessment differs, the recorded fingerprints say which file, which
   projects and which indicators changed;
3. the result recomputed from the inputs with the recorded options equals the
   given one: by default its canonical JSON byte for byte; with ``atol`` every
   number within ``atol`` and everything else equal. A failure lists the
   first differing JSON paths in words (project, indicator, field, recorded ->
   recomputed).
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Sequence
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np

from ppeval._serialize import loads_fast
from ppeval.errors import InputError, ReproducibilityError
from ppeval.pipeline._evaluate import _evaluate, _load
from ppeval.pipeline.provenance import (
    HASH_FORMAT_2,
    assessment_fingerprints,
    assessment_hash,
    config_hash,
    system_hash,
)
from ppeval.pipeline.result import EvaluationResult, replace_fields
from ppeval.schema import Assessment, IndicatorSystem

__all__ = ["reproduce", "result_differences"]

#: Differences named in a failure message (then a count).
MAX_DIFFERENCES = 8
#: Fields compared byte for byte only: the versions of the software that wrote the result.
VERSION_FIELDS = ("ppeval_version", "numpy_version", "scipy_version")

_PROJECT, _INDICATOR, _NODE, _GRADE, _QIND, _GROUP = "project", "indicator", "node", "grade", "qind", "group"
_AXES: dict[str, tuple[str | None, ...]] = {
    "scores": (_PROJECT,),
    "score_100": (_PROJECT,),
    "grades": (_PROJECT,),
    "ranks": (_PROJECT,),
    "project_ids": (_PROJECT,),
    "project_names": (_PROJECT,),
    "weakest": (_PROJECT, None),
    "node_scores": (_PROJECT, _NODE),
    "matrix": (_PROJECT, _INDICATOR),
    "normalized": (_PROJECT, _INDICATOR),
    "contributions": (_PROJECT, _INDICATOR),
    "shortfall": (_PROJECT, _INDICATOR),
    "imputed": (_PROJECT, _INDICATOR),
    "fce_membership": (_PROJECT, _GRADE),
    "weights": (_INDICATOR,),
    "types": (_INDICATOR,),
    "bounds": (_INDICATOR, None),
    "indicator_ids": (_INDICATOR,),
    "indicator_kinds": (_INDICATOR,),
    "node_ids": (_NODE,),
    "grade_labels": (_GRADE,),
}
_QUAL_AXES: dict[str, tuple[str | None, ...]] = {
    "indicator_ids": (_QIND,),
    "n_raters": (_PROJECT, _QIND),
    "n_missing": (_PROJECT, _QIND),
    "group_values": (_GROUP, _PROJECT, _QIND),
    "group_counts": (_GROUP, _PROJECT, _QIND),
    "agreement": (_QIND,),
    "agreement_defined": (_QIND,),
    "resident_scores": (_PROJECT,),
    "resident_ranks": (_PROJECT,),
    "groups": (_GROUP,),
}
_AXIS_WORDS = {
    _PROJECT: "project",
    _INDICATOR: "indicator",
    _NODE: "node",
    _GRADE: "grade",
    _QIND: "indicator",
    _GROUP: "rater group",
}

Path_ = tuple[str | int, ...]


# ----------------------------------------------------------------------------------------- JSON diff
def _is_number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def _numeric_array(x: list[Any]) -> np.ndarray | None:
    """A list of numbers (any nesting, rectangular) as a float64 array, else None."""
    try:
        arr = np.asarray(x)
    except ValueError:
        return None
    if arr.dtype.kind not in "if" or arr.size == 0:
        return None
    return arr.astype(np.float64)


def _diff(a: Any, b: Any, atol: float | None, path: Path_, out: list[tuple[Path_, Any, Any]], cap: int) -> None:
    """Append ``(path, a, b)`` for the differing leaves of two JSON values (up to ``cap``, then count)."""
    if len(out) >= cap:
        out.append((path, a, b))  # only counted
        return
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            if atol is not None and key in VERSION_FIELDS and path == ("provenance",):
                continue
            if key not in b:
                out.append(((*path, key), a[key], "(absent)"))
            elif key not in a:
                out.append(((*path, key), "(absent)", b[key]))
            else:
                _diff(a[key], b[key], atol, (*path, key), out, cap)
        return
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append((path, f"{len(a)} entries", f"{len(b)} entries"))
            return
        fa, fb = _numeric_array(a), _numeric_array(b)
        if fa is not None and fb is not None and fa.shape == fb.shape and (
            atol is not None or np.asarray(a).dtype.kind == np.asarray(b).dtype.kind
        ):
            close = fa == fb if atol is None else np.abs(fa - fb) <= atol
            for flat in np.flatnonzero(~close.ravel()).tolist():
                idx = tuple(int(i) for i in np.unravel_index(flat, fa.shape))
                x, y = a, b
                for i in idx:
                    x, y = x[i], y[i]
                out.append(((*path, *idx), x, y) if len(out) < cap else (path, None, None))
            return
        for k, (x, y) in enumerate(zip(a, b, strict=True)):
            _diff(x, y, atol, (*path, k), out, cap)
        return
    if _is_number(a) and _is_number(b):
        if atol is None:
            same = a == b and type(a) is type(b)
        else:
            same = math.isfinite(a) and math.isfinite(b) and abs(a - b) <= atol
        if not same:
            out.append((path, a, b))
        return
    if a != b or type(a) is not type(b):
        out.append((path, a, b))


def _label(data: dict[str, Any], axis: str | None, i: int) -> str | None:
    ids: Any = None
    if axis == _PROJECT:
        ids = data.get("project_ids")
    elif axis == _INDICATOR:
        ids = data.get("indicator_ids")
    elif axis == _NODE:
        ids = data.get("node_ids")
    elif axis == _GRADE:
        ids = data.get("grade_labels")
    elif axis in (_QIND, _GROUP):
        q = data.get("qualitative")
        if isinstance(q, dict):
            ids = q.get("indicator_ids" if axis == _QIND else "groups")
    if isinstance(ids, list) and 0 <= i < len(ids):
        return f"{_AXIS_WORDS[str(axis)]} {ids[i]!r}"
    return None


def _describe_path(data: dict[str, Any], path: Path_) -> str:
    """``contributions[2][5] (project 'c03', indicator 'staff')``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    words: list[str] = []
    if path:
        head = path[0]
        axes: tuple[str | None, ...] = ()
        rest = path[1:]
        if head == "qualitative" and len(path) > 1 and isinstance(path[1], str):
            axes = _QUAL_AXES.get(path[1], ())
            rest = path[2:]
        elif isinstance(head, str):
            axes = _AXES.get(head, ())
        if head == "node_weights" and len(path) > 1 and isinstance(path[1], int):
            nw = data.get("node_weights")
            if isinstance(nw, list) and path[1] < len(nw) and isinstance(nw[path[1]], dict):
                node = nw[path[1]].get("node")
                words.append(f"node {node!r}")
                if len(path) > 3 and path[2] == "weights" and isinstance(path[3], int):
                    children = nw[path[1]].get("children")
                    if isinstance(children, list) and path[3] < len(children):
                        words.append(f"child {children[path[3]]!r}")
        if head == "diagnostics" and len(path) > 1 and isinstance(path[1], int):
            diags = data.get("diagnostics")
            if isinstance(diags, list) and path[1] < len(diags) and isinstance(diags[path[1]], dict):
                words.append(f"diagnostic {diags[path[1]].get('code')!r}")
        for axis, part in zip(axes, rest, strict=False):
            if isinstance(part, int):
                w = _label(data, axis, part)
                if w:
                    words.append(w)
    return text + (f" ({', '.join(words)})" if words else "")


def _short(x: Any) -> str:
    plain = isinstance(x, str) and (x == "(absent)" or x.endswith(" entries"))
    text = x if plain else repr(x)
    return text if len(text) <= 80 else text[:77] + "..."


def result_differences(
    recorded: dict[str, Any], recomputed: dict[str, Any], *, atol: float | None = None, most: int = MAX_DIFFERENCES
) -> tuple[list[str], int]:
    """The first differing paths of two result dicts, in words, and how many differ in all.

    Parameters
    ----------
    recorded, recomputed : dict
        Result dicts (``json.loads`` of :meth:`EvaluationResult.to_json`).
    atol : float, optional
        ``None``: numbers must be equal (and of the same JSON type); else
        numbers may differ by up to ``atol`` (version fields are then not compared).
    most : int
        How many differences to describe.

    Returns
    -------
    lines, count : list of str, int
        ``"score_100[2] (project 'c03'): recorded 71.2 -> recomputed 76.2"``
        per difference (at most ``most``), and the number of differences found
        (counted up to a cap of ``10 * most``).
    """
    found: list[tuple[Path_, Any, Any]] = []
    _diff(recorded, recomputed, atol, (), found, 10 * most)
    lines = [
        f"{_describe_path(recorded, p)}: recorded {_short(a)} -> recomputed {_short(b)}" for p, a, b in found[:most]
    ]
    return lines, len(found)


# ----------------------------------------------------------------------------------------- inputs
def _names(items: Sequence[str], most: int = 5) -> str:
    head = ", ".join(repr(x) for x in items[:most])
    return head + (f" and {len(items) - most} more" if len(items) > most else "")


def _compare_maps(kind: str, recorded: dict[str, str], now: dict[str, str]) -> list[str]:
    out = []
    changed = [k for k in now if k in recorded and recorded[k] != now[k]]
    added = [k for k in now if k not in recorded]
    removed = [k for k in recorded if k not in now]
    if changed:
        out.append(f"{kind}s changed: {_names(changed)}")
    if added:
        out.append(f"{kind}s not in the recorded data: {_names(added)}")
    if removed:
        out.append(f"{kind}s missing now: {_names(removed)}")
    return out


def _assessment_changes(stored: EvaluationResult, assessment: Assessment) -> list[str]:
    """What differs between the recorded assessment and this one, by file, project and indicator."""
    p = stored.provenance
    if not (p.project_fingerprints or p.indicator_fingerprints or p.file_fingerprints):
        return ["the result records no fingerprints to say where (written by an older ppeval)"]
    fp = assessment_fingerprints(assessment)
    out = []
    out += _compare_maps("file", p.file_fingerprints, fp.files) if p.file_fingerprints and fp.files else []
    out += _compare_maps("project", p.project_fingerprints, fp.projects)
    out += _compare_maps("indicator", p.indicator_fingerprints, fp.indicators)
    if not out:
        out.append("the projects' values and ratings are unchanged; the project list or metadata differ")
    return out


# ----------------------------------------------------------------------------------------- reproduce
def _read(result_json: Any) -> tuple[str, str]:
    """(text, what to call it in messages) of the given result."""
    if isinstance(result_json, EvaluationResult):
        return result_json.to_json(), "the result"
    if isinstance(result_json, PathLike):
        path = Path(os.fspath(result_json))
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise InputError(f"{path}: cannot read the result file: {exc.strerror or exc}") from None
        try:
            return raw.decode("utf-8"), str(path)
        except UnicodeDecodeError:
            raise InputError(f"{path}: not a ppeval result (not UTF-8 text)") from None
    if isinstance(result_json, bytes):
        try:
            return result_json.decode("utf-8"), "the result"
        except UnicodeDecodeError:
            raise InputError("result_json is not UTF-8 text") from None
    if isinstance(result_json, str):
        return result_json, "the result"
    raise InputError(
        f"result_json is a {type(result_json).__name__}; expected JSON text, bytes, a path or an EvaluationResult"
    )


def reproduce(
    result_json: str | bytes | PathLike[str] | EvaluationResult,
    system: IndicatorSystem | str | PathLike[str],
    assessment: Assessment | str | PathLike[str] | Sequence[str | PathLike[str]],
    *,
    atol: float | None = None,
) -> EvaluationResult:
    """Recompute a stored result from its inputs and check that nothing changed.

    Parameters
    ----------
    result_json : str, bytes, path or EvaluationResult
        A result written by :meth:`EvaluationResult.to_json` (its text, a
        :class:`pathlib.Path` to the file, or the object).
    system, assessment
        The indicator system and assessment (objects or paths) it claims to come from.
    atol : float, optional
        ``None`` (the default): the recomputed result's canonical JSON must
        equal the given text byte for byte. A number >= 0: every numeric
        field (scores, weights, contributions, sub-scores, ranks, counts,
        diagnostics' values ...) may differ by up to ``atol`` and everything
        else must be equal, apart from the version strings of the software
        (use it across machines whose BLAS or CPU rounds the last bit differently).

    Returns
    -------
    EvaluationResult
        The verified (recomputed) result.

    Raises
    ------
    ReproducibilityError
        If the recorded options or seed do not match their hash (the result
        file was edited), the system or the assessment differ (naming which
        files, projects and indicators changed), or the recomputed result
        differs (naming the first differing fields: project, indicator,
        recorded -> recomputed).
    InputError
        ``atol`` negative or not a number; ``result_json`` not a ppeval result
        (naming the file).

    Examples
    --------
    >>> from ppeval.io import bundled
    >>> from ppeval.pipeline import evaluate
    >>> name = "community-4stage"
    >>> paths = bundled.sample_assessment_paths(name)
    >>> r = evaluate(bundled.system_path(name), paths, seed=1)
    >>> reproduce(r.to_json(), bundled.system_path(name), paths).score_100.tolist() == r.score_100.tolist()
    True
    """
    if atol is not None and (isinstance(atol, bool) or not isinstance(atol, int | float) or not atol >= 0):
        raise InputError(f"atol is {atol!r}; expected None (byte for byte) or a number >= 0")
    text, what = _read(result_json)
    try:
        data = loads_fast(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{what}: not a ppeval result (not valid JSON: {exc})") from None
    try:
        stored = EvaluationResult.from_dict(data)
    except InputError as exc:
        raise InputError(f"{what}: {exc}") from None
    del data  # tens of millions of Python objects at 100,000 projects: parsed again only if the result differs
    system, assessment = _load(system, assessment)
    p = stored.provenance
    if not isinstance(p.config, dict) or config_hash(p.config, p.seed) != p.config_hash:
        raise ReproducibilityError(
            f"cannot reproduce {what}: its recorded options or seed (provenance.config, provenance.seed = "
            f"{p.seed!r}) do not match provenance.config_hash; the result file was edited"
        )
    problems = []
    sh = system_hash(system)
    if sh != p.system_hash:
        problems.append(
            f"the indicator system differs from the one recorded (system_hash {sh[:12]}... now, "
            f"{p.system_hash[:12]}... recorded)"
        )
    # the hash in the form the result recorded (results written before the field: format 2)
    hash_format = p.assessment_hash_format or HASH_FORMAT_2
    try:
        ah = assessment_hash(assessment, hash_format=hash_format)
    except InputError as exc:
        raise InputError(f"{what}: {exc}") from None
    if ah != p.assessment_hash:
        problems.append(
            "the assessment differs from the one recorded: " + "; ".join(_assessment_changes(stored, assessment))
        )
    if problems:
        raise ReproducibilityError(f"cannot reproduce {what}: " + "; ".join(problems))
    # the hash just checked is the fresh result's (not computed twice)
    fresh = _evaluate(system, assessment, json.loads(json.dumps(p.config)), p.seed, p.assessment_hash_format, ah)
    # the data hash matched, so the data are the same; how they were split into files and what the files
    # are called is not data: keep the recorded per-file fingerprints (they only locate changes)
    # (replace_fields: the deferred fields stay deferred; to_json writes them without keeping them)
    fresh = replace_fields(
        fresh, provenance=replace_fields(fresh.provenance, file_fingerprints=dict(p.file_fingerprints))
    )
    fresh_text = fresh.to_json()
    if atol is None and fresh_text == text:
        return fresh
    lines, count = result_differences(loads_fast(text), loads_fast(fresh_text), atol=atol)
    if atol is not None and count == 0:
        return fresh
    if count == 0:
        raise ReproducibilityError(
            f"cannot reproduce {what} byte for byte: the content is the same but the text is not the canonical "
            "JSON ppeval writes (the file was reformatted); compare with atol=0 or write it again"
        )
    more = f" ({count} differences in all)" if count > len(lines) else ""
    how = "byte for byte" if atol is None else f"within atol={atol:g}"
    raise ReproducibilityError(
        f"cannot reproduce {what} {how}: the inputs hash as recorded but the recomputed result differs"
        f"{more}:\n" + "\n".join(f"  - {line}" for line in lines)
    )
