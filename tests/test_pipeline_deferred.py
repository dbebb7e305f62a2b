"""Result fields computed on first access (issue 16): the same values, JSON and provenance as computed eagerly.

``evaluate`` leaves ``contributions`` (all methods but FCE), ``shortfall``, ``obstacle`` and the
fingerprint maps of the provenance deferred; these tests pin that reading them gives the published
formulas bit for bit, that ``to_json`` writes them without keeping them, and that the JSON round trip,
pickling and ``dataclasses.replace`` see the same values. The provenance helpers that became
vectorised (string fingerprints, hex digits, segment sums, the sortedness check) are checked against
straightforward per-item implementations.
"""

from __future__ import annotations

import dataclasses
import hashlib
import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ppeval import evaluate, methods, normalize
from ppeval.io import bundled
from ppeval.pipeline import EvaluationResult
from ppeval.pipeline import _evaluate as ev
from ppeval.pipeline import provenance as prov
from ppeval.pipeline.result import DEFERRABLE, is_deferred

CASES = [
    ("community-4stage", "topsis", "absolute"),
    ("community-4stage", "wsm", "relative"),
    ("community-4stage", "vikor", "absolute"),
    ("community-4stage", "fce", "absolute"),
    ("elderly-care", "topsis", "relative"),
    ("3e-equity", "gra", "absolute"),
]


def _eager_contributions(r: EvaluationResult) -> np.ndarray:
    """The per-indicator contributions by their formulas (see ``_contributions``), from the result's fields."""
    w, x = r.weights, r.normalized
    if r.method == "wsm":
        return 100.0 * w * x
    if r.method == "gra":
        rho = float(r.provenance.config.get("rho", 0.5))
        return 100.0 * w * methods.grey_coefficients(r.matrix, r.types, rho=rho, bounds=r.bounds)
    if r.method == "topsis":
        if r.mode == "absolute":
            part = (x * w) ** 2
        else:
            rn = normalize.vector(r.matrix, r.types) if r.normalization == "vector" else x
            part = ((rn - rn.min(axis=0)) * w) ** 2
    else:
        part = x * w
    tot = part.sum(axis=1, keepdims=True)
    out = np.divide(part, tot, out=np.zeros_like(part), where=tot > 0)
    return out * r.score_100[:, None]


@pytest.mark.parametrize(("name", "method", "mode"), CASES)
def test_deferred_fields_equal_the_formulas(name: str, method: str, mode: str) -> None:
    system, data = bundled.load_sample(name)
    r = evaluate(system, data, method=method, mode=mode)  # type: ignore[arg-type]
    deferred = {f for f in DEFERRABLE if is_deferred(r, f)}
    assert {"normalized", "shortfall", "obstacle", "weakest"} <= deferred
    assert ("contributions" in deferred) == (method != "fce")  # FCE's need the memberships
    assert is_deferred(r.provenance, "project_fingerprints")
    assert is_deferred(r, "normalized")
    w, x = r.weights, r.normalized
    np.testing.assert_array_equal(x, normalize.minmax(r.matrix, r.types, bounds=r.bounds))
    np.testing.assert_array_equal(r.shortfall, 100.0 * w * (1.0 - x))
    assert r.obstacle is not None
    np.testing.assert_array_equal(r.obstacle, methods.obstacle_degree(np.clip(x, 0.0, 1.0), w))
    if method != "fce":  # FCE's come from the grade memberships (kept eager, not derivable from the result)
        np.testing.assert_allclose(r.contributions, _eager_contributions(r), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(r.contributions.sum(axis=1), r.score_100, rtol=1e-9, atol=1e-9)
    top = r.provenance.config["top_weakest"]
    ob = r.obstacle
    for i in range(len(r.project_ids)):  # the largest obstacle degrees, none for a project that lost nothing
        want = [r.indicator_ids[j] for j in np.argsort(-ob[i], kind="stable")[:top] if ob[i, j] > 1e-12]
        assert list(r.weakest[i]) == (want if r.shortfall[i].sum() >= 1e-12 else [])
    for f in DEFERRABLE:
        assert not is_deferred(r, f)
        arr = getattr(r, f)
        assert arr is getattr(r, f)  # computed once, then kept
        assert f == "weakest" or not arr.flags.writeable
    q = r.qualitative
    if q is not None:
        assert is_deferred(q, "group_values")
        assert (q.group_values[q.group_counts == 0] == 0).all()
        assert not np.isnan(q.group_values).any()
        assert q.group_values is q.group_values
    fp = prov.assessment_fingerprints(data)
    assert r.provenance.project_fingerprints == fp.projects
    assert r.provenance.indicator_fingerprints == fp.indicators
    assert r.provenance.file_fingerprints == fp.files


@pytest.mark.parametrize(("name", "method", "mode"), CASES)
def test_json_round_trip_and_to_json_keeps_fields_deferred(name: str, method: str, mode: str) -> None:
    system, data = bundled.load_sample(name)
    r = evaluate(system, data, method=method, mode=mode)  # type: ignore[arg-type]
    text = r.to_json()
    assert is_deferred(r, "shortfall")
    assert is_deferred(r, "obstacle")
    assert is_deferred(r.provenance, "project_fingerprints")
    back = EvaluationResult.from_json(text)
    assert back.to_json() == text
    for f in DEFERRABLE:  # reading every field changes nothing in the text
        getattr(r, f)
    assert r.to_json() == text
    for f in ("contributions", "shortfall", "obstacle", "normalized", "matrix"):
        np.testing.assert_array_equal(getattr(back, f), getattr(r, f))
    assert back.provenance == r.provenance
    assert r.to_json(indent=1) == back.to_json(indent=1)


def test_pickle_and_replace_see_the_same_values() -> None:
    system, data = bundled.load_sample("community-4stage")
    r = evaluate(system, data)
    text = r.to_json()
    again = pickle.loads(pickle.dumps(r))
    assert is_deferred(again, "shortfall")
    assert again.to_json() == text
    renamed = dataclasses.replace(r, project_names=tuple(f"n{i}" for i in range(len(r.project_ids))))
    np.testing.assert_array_equal(renamed.obstacle, r.obstacle)  # type: ignore[arg-type]
    np.testing.assert_array_equal(renamed.shortfall, r.shortfall)
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.shortfall = r.shortfall  # type: ignore[misc]


def test_result_written_before_obstacles_still_reads_none() -> None:
    """A result JSON without ``obstacle`` (written before obstacle degrees) reads as None, not as computed."""
    import json

    system, data = bundled.load_sample("community-4stage")
    d = json.loads(evaluate(system, data).to_json())
    del d["obstacle"], d["node_obstacle"]
    r = EvaluationResult.from_dict(d)
    assert r.obstacle is None
    assert r.node_obstacle is None


def test_obstacles_in_row_blocks_equal_the_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    """The obstacle pass in blocks of rows gives the same weakest indicators and node totals."""
    system, data = bundled.load_sample("elderly-care")
    whole = evaluate(system, data, mode="relative", top_weakest=4)
    monkeypatch.setattr(ev, "_OBSTACLE_BLOCK", 3)
    blocked = evaluate(system, data, mode="relative", top_weakest=4)
    assert blocked.weakest == whole.weakest
    assert blocked.node_obstacle is not None
    assert whole.node_obstacle is not None
    np.testing.assert_allclose(blocked.node_obstacle, whole.node_obstacle, rtol=1e-14, atol=1e-16)
    np.testing.assert_array_equal(blocked.obstacle, whole.obstacle)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------ vectorised provenance helpers
_M = (1 << 64) - 1


def _mix_int(z: int) -> int:
    z = (z + 0x9E3779B97F4A7C15) & _M
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _M
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _M
    return z ^ (z >> 31)


def _fingerprint_int(s: str, width: int) -> int:
    """The documented string fingerprint, one string at a time in Python integers."""
    odd = [int(x) for x in prov._ODD.tolist()]
    acc = (len(s) * odd[0]) & _M
    for k in range(width):
        u = ord(s[k]) if k < len(s) else 0
        acc = (acc + u * odd[1 + k % 255]) & _M
        if k % 255 == 254:
            acc = _mix_int(acc)
    return _mix_int(acc)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(st.characters(exclude_characters="\x00"), max_size=12), min_size=0, max_size=80), st.booleans())
def test_string_fingerprints_match_the_formula(strings: list[str], repeat: bool) -> None:
    items = strings * 30 if repeat else strings  # repeated names take the few-distinct path
    arr = np.array(items, dtype=np.str_) if items else np.zeros(0, dtype="<U1")
    width = max((len(s) for s in items), default=0)
    got = prov._str_fingerprints(arr)
    assert got.tolist() == [_fingerprint_int(s, width) for s in items]


def test_long_strings_and_blocks() -> None:
    items = ["a" * 300, "b", "中文" * 200, ""]
    arr = np.array(items)
    assert prov._str_fingerprints(arr).tolist() == [_fingerprint_int(s, 400) for s in items]
    h1, h2 = hashlib.sha256(), hashlib.sha256()
    wide = np.array(["ab", "c", "résumé"], dtype="<U20")  # dtype wider than the longest string
    prov._update_str(h1, wide)
    h2.update(prov._str_bytes(wide))
    assert h1.hexdigest() == h2.hexdigest()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=2**64 - 1), max_size=50))
def test_hex_and_segment_sums(values: list[int]) -> None:
    a = np.array(values, dtype=np.uint64)
    assert prov._hex(a) == [f"{v:016x}" for v in values]
    keys = np.arange(len(values), dtype=np.int64) % 3
    want = [sum(v for v, k in zip(values, keys.tolist(), strict=True) if k == j) % 2**64 for j in range(3)]
    assert prov._segment_sums(keys, a, 3).tolist() == want


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 2), st.sampled_from(["a", "b", "ab", ""])),
                max_size=30))
def test_nondecreasing_equals_a_sort_check(rows: list[tuple[int, int, str]]) -> None:
    keys = [np.array([r[0] for r in rows], dtype=np.int64), np.array([r[1] for r in rows], dtype=np.int64),
            np.array([r[2] for r in rows], dtype=np.str_)]
    assert prov._nondecreasing(keys) == (rows == sorted(rows))


def test_fingerprints_and_hash_in_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ratings fingerprinted and checked in blocks give the values of one pass."""
    system, data = bundled.load_sample("elderly-care")
    want, digest = prov.assessment_fingerprints(data), prov.assessment_hash(data)
    monkeypatch.setattr(prov, "_BLOCK", 7)
    got = prov.assessment_fingerprints(data)
    assert (got.projects, got.indicators, got.files) == (want.projects, want.indicators, want.files)
    assert prov.assessment_hash(data) == digest
    rows = [(0, 1, "b"), (0, 1, "c")] * 3
    keys = [np.array([r[0] for r in rows]), np.array([r[1] for r in rows]), np.array([r[2] for r in rows])]
    assert not prov._nondecreasing(keys)
    assert prov._nondecreasing([np.sort(k) for k in keys[:2]] + [np.array(sorted(r[2] for r in rows))])
