"""The assessment hash's format 3 (``ppeval.assessment-hash/3``) and results recorded with format 2.

Format 3 is checked byte for byte against a straightforward implementation of its documented bytes
(Python sorts and ``struct``), for row order independence and for catching a change in every column;
results written before it (format 2, no ``assessment_hash_format`` in the JSON; two golden results as
they were) still reproduce byte for byte, and a changed input still fails them.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import struct
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ppeval.errors import InputError, ReproducibilityError
from ppeval.io import bundled
from ppeval.pipeline import EvaluationResult, evaluate, reproduce
from ppeval.pipeline import provenance as prov
from ppeval.pipeline.result import replace_fields
from ppeval.schema import Assessment, ProjectInfo
from ppeval.schema.assessment import Ratings

HASH2 = Path(__file__).resolve().parent / "data" / "hash2"


def _text(strings: list[str]) -> bytes:
    """Format 3's string column: int32 lengths, the width byte, code points padded to the longest."""
    longest = max((len(s) for s in strings), default=0)
    top = max((ord(ch) for s in strings for ch in s), default=0)
    width = 1 if top < 256 else 2 if top < 65536 else 4
    out = b"".join(struct.pack("<i", len(s)) for s in strings) + bytes([width])
    fmt = {1: "<B", 2: "<H", 4: "<I"}[width]
    for s in strings:
        out += b"".join(struct.pack(fmt, ord(ch)) for ch in s) + b"\0" * (width * (longest - len(s)))
    return out


def _f8(x: float) -> bytes:
    return struct.pack("<d", math.nan if math.isnan(x) else x + 0.0)


def _codes(values: list[int], size: int) -> bytes:
    fmt = "<B" if size <= 256 else "<H" if size <= 65536 else "<I"
    return b"".join(struct.pack(fmt, v) for v in values)


def reference_hash(a: Assessment) -> str:
    """Format 3 written out from its documentation, one value at a time."""
    n, m = len(a.project_ids), len(a.indicator_ids)
    perm = sorted(range(n), key=lambda i: a.project_ids[i])
    pos = {old: new for new, old in enumerate(perm)}
    r = a.ratings
    proj, ind = [pos[int(p)] for p in r.project], [int(i) for i in r.indicator]
    group, rater, value = [str(g) for g in r.group], [str(x) for x in r.rater], [float(v) for v in r.value]
    rows = sorted(range(len(r)), key=lambda k: (proj[k], ind[k], group[k], rater[k],
                                                 math.inf if math.isnan(value[k]) else value[k]))
    h = hashlib.sha256()
    header = {"format": "ppeval.assessment-hash/3", "system_id": a.system_id,
              "indicator_ids": list(a.indicator_ids), "n_projects": n, "n_ratings": len(r)}
    h.update(json.dumps(header, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    h.update(_text([a.project_ids[i] for i in perm]))
    infos = [a.projects[i] for i in perm]
    info = {"name": [p.name for p in infos], "organisation": [p.organisation for p in infos],
            "contract_value": [p.contract_value for p in infos], "period": [p.period for p in infos]}
    h.update(json.dumps(info, sort_keys=True, ensure_ascii=False, allow_nan=False).encode("utf-8"))
    h.update(b"".join(_f8(float(x)) for i in perm for x in a.values[i]))
    h.update(b"".join(struct.pack("<q", proj.count(p)) for p in range(n)))
    h.update(_codes([ind[k] for k in rows], m))
    names = sorted(set(group))
    h.update(_text(names))
    h.update(_codes([names.index(group[k]) for k in rows], len(names)))
    h.update(_text([rater[k] for k in rows]))
    h.update(b"".join(_f8(value[k]) for k in rows))
    return h.hexdigest()


_IDS = st.text(st.sampled_from(["a", "b", "z", "é", "中", "😀"]), min_size=1, max_size=4)


@st.composite
def assessments(draw: Any) -> Assessment:
    pids = draw(st.lists(_IDS, min_size=1, max_size=5, unique=True))
    n, m = len(pids), draw(st.integers(1, 3))
    inds = tuple(f"i{j}" for j in range(m))
    k = draw(st.integers(0, 12))
    proj = draw(st.lists(st.integers(0, n - 1), min_size=k, max_size=k))
    ind = draw(st.lists(st.integers(0, m - 1), min_size=k, max_size=k))
    rater = draw(st.lists(_IDS, min_size=k, max_size=k))
    group = draw(st.lists(st.sampled_from(["resident", "expert", "专家"]), min_size=k, max_size=k))
    value = draw(st.lists(st.sampled_from([1.0, 2.5, -0.0, math.nan]), min_size=k, max_size=k))
    values = np.array(draw(st.lists(st.sampled_from([0.0, -0.0, 1.5, math.nan]), min_size=n * m,
                                    max_size=n * m))).reshape(n, m)
    names = draw(st.lists(st.one_of(st.none(), _IDS), min_size=n, max_size=n))
    projects = tuple(ProjectInfo(id=p, name=x) for p, x in zip(pids, names, strict=True))
    ratings = Ratings(np.array(proj, dtype=np.int64), np.array(ind, dtype=np.int64),
                      np.array(rater, dtype=np.str_), np.array(group, dtype=np.str_), np.array(value))
    return Assessment("s", tuple(pids), projects, inds, values, np.zeros((n, m), dtype=bool), ratings)


@settings(max_examples=80, deadline=None)
@given(assessments())
def test_format_3_equals_its_documented_bytes(a: Assessment) -> None:
    assert prov.assessment_hash(a) == reference_hash(a)


def _shuffled(a: Assessment, seed: int) -> Assessment:
    rng = np.random.default_rng(seed)
    n = len(a.project_ids)
    perm = rng.permutation(n)
    inv = np.empty(n, dtype=np.int64)
    inv[perm] = np.arange(n)
    r = a.ratings
    o = rng.permutation(len(r))
    rr = Ratings(inv[r.project][o], r.indicator[o], r.rater[o], r.group[o], r.value[o], r.line[o], r.file[o])
    return Assessment(a.system_id, tuple(a.project_ids[i] for i in perm), tuple(a.projects[i] for i in perm),
                      a.indicator_ids, a.values[perm], a.missing[perm], rr, a.sources, None, a.info_source)


@pytest.mark.parametrize("name", ["community-4stage", "elderly-care", "3e-equity"])
def test_row_order_is_not_data_and_every_column_counts(name: str) -> None:
    _, a = bundled.load_sample(name)
    want = prov.assessment_hash(a)
    assert want == reference_hash(a)
    assert prov.assessment_hash(_shuffled(a, 1)) == want
    assert prov.assessment_hash(a, hash_format=prov.HASH_FORMAT_2) != want
    r = a.ratings
    k = len(r) // 2
    for column, change in (("rater", lambda x: x + "x"), ("group", lambda x: x + "x"),
                           ("value", lambda x: x + 1.0), ("project", lambda x: (x + 1) % len(a.project_ids))):
        arrays = {f: getattr(r, f).tolist() for f in ("project", "indicator", "rater", "group", "value")}
        arrays[column][k] = change(arrays[column][k])  # lists: a longer string is not cut to the dtype
        changed = Ratings(**{f: np.array(v) for f, v in arrays.items()})
        other = Assessment(a.system_id, a.project_ids, a.projects, a.indicator_ids, a.values, a.missing,
                           changed, a.sources, a.cell_source, a.info_source)
        assert prov.assessment_hash(other) != want, column


def _as_format_2(result: EvaluationResult, assessment: Assessment) -> str:
    """The result's JSON as ppeval wrote it before format 3: the format-2 hash, no format field."""
    p = dataclasses.replace(result.provenance, assessment_hash_format=None,
                            assessment_hash=prov.assessment_hash(assessment, hash_format=prov.HASH_FORMAT_2))
    return replace_fields(result, provenance=p).to_json()


def test_results_recorded_with_format_2_still_reproduce(tmp_path: Path) -> None:
    """Results written before format 3 (no ``assessment_hash_format``) are verified with format 2.

    Two golden results as they were committed before format 3 hold the hashes the format-2 code still
    gives; a result in that form reproduces byte for byte, and a changed rating still fails it.
    """
    for name, file in (("community-4stage", "community-4stage.topsis-absolute.json"),
                       ("elderly-care", "elderly-care.topsis-relative.json")):
        text = (HASH2 / file).read_text(encoding="utf-8")
        assert "assessment_hash_format" not in text
        stored = EvaluationResult.from_json(text)
        assert stored.provenance.assessment_hash_format is None
        _, assessment = bundled.load_sample(name)
        assert stored.provenance.assessment_hash == prov.assessment_hash(assessment, hash_format=prov.HASH_FORMAT_2)
        system_path, paths = bundled.system_path(name), bundled.sample_assessment_paths(name)
        old = _as_format_2(evaluate(system_path, paths, **stored.provenance.config), assessment)
        assert "assessment_hash_format" not in old
        assert stored.provenance.assessment_hash in old
        fresh = reproduce(old, system_path, paths)
        assert fresh.to_json() == old
        assert fresh.provenance.assessment_hash_format is None
    # a changed rating still fails a format-2 result, naming the change
    name = "community-4stage"
    ratings = Path(bundled.sample_assessment_paths(name)[2])
    lines = ratings.read_text(encoding="utf-8").splitlines()
    head = lines[0].split(",")
    col = head.index("value") if "value" in head else len(head) - 1
    row = lines[1].split(",")
    row[col] = "1" if row[col] != "1" else "2"
    edited = tmp_path / ratings.name
    edited.write_text("\n".join([lines[0], ",".join(row), *lines[2:]]) + "\n", encoding="utf-8")
    paths = [*bundled.sample_assessment_paths(name)[:2], edited]
    old = _as_format_2(evaluate(bundled.system_path(name), bundled.sample_assessment_paths(name)),
                       bundled.load_sample(name)[1])
    with pytest.raises(ReproducibilityError, match="assessment differs"):
        reproduce(old, bundled.system_path(name), paths)


def test_new_results_record_format_3_and_unknown_formats_are_refused() -> None:
    name = "community-4stage"
    paths = bundled.sample_assessment_paths(name)
    r = evaluate(bundled.system_path(name), paths)
    assert r.provenance.assessment_hash_format == prov.HASH_FORMAT
    assert r.provenance.assessment_hash == prov.assessment_hash(bundled.load_sample(name)[1])
    text = r.to_json()
    assert '"assessment_hash_format":"ppeval.assessment-hash/3"' in text
    assert reproduce(text, bundled.system_path(name), paths).to_json() == text
    data = json.loads(text)
    data["provenance"]["assessment_hash_format"] = "ppeval.assessment-hash/9"
    with pytest.raises(InputError, match="assessment-hash/9"):
        reproduce(json.dumps(data), bundled.system_path(name), paths)
    with pytest.raises(InputError, match="not known"):
        prov.assessment_hash(bundled.load_sample(name)[1], hash_format="md5")
