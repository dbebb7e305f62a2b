"""The loader's private marks only save work: hash and fingerprints equal those of an unmarked copy.

``ppeval.io`` marks what it knows about the assessment it built (ratings in the canonical order without
duplicates, projects given by their ids alone); the provenance then skips the order check and reading
every project's metadata. A copy built with ``dataclasses.replace`` carries no mark and takes the
general path: every digest must be byte for byte the same, including when the marked ratings are reused
in an assessment whose projects are no longer in the canonical order.
"""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from ppeval import io
from ppeval.io import bundled
from ppeval.pipeline import evaluate
from ppeval.pipeline import provenance as prov
from ppeval.schema import Assessment
from ppeval.schema.assessment import Ratings


def _unmarked(a: Assessment) -> Assessment:
    """The same content without any private mark (new Assessment and Ratings objects)."""
    r = a.ratings
    ratings = Ratings(r.project, r.indicator, np.array(r.rater), np.array(r.group), r.value, r.line, r.file)
    return dataclasses.replace(a, ratings=ratings)


def _digests(a: Assessment) -> list[object]:
    out: list[object] = []
    for fmt in reversed(prov.HASH_FORMATS):  # format 3 first: it reads loaded rater ids as codes
        h, p, i, f = prov.provenance_digests(a, hash_format=fmt)
        out += [h, p.tolist(), i.tolist(), f]
    out.append(prov.assessment_hash(a))
    return out


def _samples() -> list[tuple[object, Assessment]]:
    found = []
    for name in bundled.list_systems():
        try:
            found.append(bundled.load_sample(name))
        except Exception:  # noqa: BLE001, S112 - a system without a sample
            continue
    assert found
    return found


def test_marks_are_set_by_the_loader_only() -> None:
    system, a = _samples()[0]
    assert getattr(a.ratings, "_canonical", False) or len(a.ratings) == 0
    b = _unmarked(a)
    assert not getattr(b.ratings, "_canonical", False)
    assert not getattr(b, "_ids_only", False)


def test_marked_and_unmarked_digests_are_equal() -> None:
    """Every bundled sample (with and without a projects table), marked and unmarked; the format-3 digests
    of loaded ratings do not build their rater and group strings."""
    for _system, a in _samples():
        prov.provenance_digests(a)
        assert "rater" not in a.ratings.__dict__
        assert "group" not in a.ratings.__dict__
        assert _digests(a) == _digests(_unmarked(a))


def test_ids_only_mark() -> None:
    """Every sample loaded without its projects table: the mark is set and the digests equal the unmarked
    copy's; loaded with it (names, organisations, contract values), no mark."""
    for name in bundled.list_systems():
        system, full = bundled.load_sample(name)
        assert not getattr(full, "_ids_only", False)
        paths = [p for p in bundled.sample_assessment_paths(name) if not p.name.endswith(".projects.csv")]
        a = io.load_assessment(paths, system)
        assert getattr(a, "_ids_only", False)
        assert all(p.name is None and p.contract_value is None for p in a.projects)
        assert _digests(a) == _digests(_unmarked(a))
        assert _digests(a)[0] != _digests(full)[0]


def test_marked_ratings_reused_with_projects_reordered() -> None:
    """The canonical mark holds for the loader's project order only: ratings reused (the same object) in an
    assessment whose projects are reversed are checked and sorted as any others."""
    for _system, a in _samples():
        n = len(a.project_ids)
        if n < 2 or not len(a.ratings):
            continue
        perm = np.arange(n)[::-1]
        inv = np.empty(n, dtype=np.int64)
        inv[perm] = np.arange(n)
        r = a.ratings
        reused = Ratings(inv[r.project], r.indicator, r.rater, r.group, r.value, r.line, r.file)
        object.__setattr__(reused, "_canonical", True)  # as if the loader had marked these ratings
        b = dataclasses.replace(
            a, project_ids=tuple(a.project_ids[i] for i in perm), projects=tuple(a.projects[i] for i in perm),
            values=a.values[perm], missing=a.missing[perm], ratings=reused,
            cell_source=None if a.cell_source is None else a.cell_source[perm],
        )
        plain = dataclasses.replace(b, ratings=_unmarked(b).ratings)
        assert _digests(b) == _digests(plain)
        assert prov.assessment_hash(b) == prov.assessment_hash(a)  # the row order is not data


@pytest.mark.parametrize("n", [0, 1, 3])
def test_info_json_of_empty_metadata(n: int) -> None:
    """The metadata JSON written directly for id-only projects is the bytes of ``json.dumps``."""
    info = {k: [None] * n for k in ("name", "organisation", "contract_value", "period")}
    want = json.dumps(info, sort_keys=True, ensure_ascii=False, allow_nan=False).encode("utf-8")
    assert prov._info_json(info) == want
    info["name"] = ["项目", *[None] * (n - 1)] if n else []
    want = json.dumps(info, sort_keys=True, ensure_ascii=False, allow_nan=False).encode("utf-8")
    assert prov._info_json(info) == want


def test_evaluate_records_the_unmarked_digests() -> None:
    """``evaluate`` of a loaded sample records the hash and fingerprints of its unmarked copy."""
    system, a = _samples()[0]
    got = evaluate(system, a).provenance  # type: ignore[arg-type]
    want = evaluate(system, _unmarked(a)).provenance  # type: ignore[arg-type]
    assert got.assessment_hash == want.assessment_hash
    assert got.project_fingerprints == want.project_fingerprints
    assert got.indicator_fingerprints == want.indicator_fingerprints
    assert got.file_fingerprints == want.file_fingerprints


def test_coded_rater_bytes_equal_the_string_column() -> None:
    """Format 3's rater column from distinct ids + codes is the bytes of the strings' own column, for ids
    of 1-, 2- and 4-byte code points, empty ids and repeated ids."""
    import hashlib

    rng = np.random.default_rng(3)
    for names in (["a", "bb", "r0001"], ["", "é", "中文"], ["x", "\U0001F600y"], [""]):
        arr = np.array(sorted(names), dtype=np.str_)
        codes = rng.integers(0, arr.shape[0], 50)
        codes[: arr.shape[0]] = np.arange(arr.shape[0])  # every name used
        want, got = hashlib.sha256(), hashlib.sha256()
        prov._update_text(want, *prov._str_units(arr[codes]))
        units, lens = prov._str_units(arr)
        prov._update_text_coded(got, units, lens, codes)
        assert got.digest() == want.digest()


def test_system_hash_equals_the_serialiser_path() -> None:
    """``system_hash`` (one walk of the dumped tree, then ``json.dumps``) gives the bytes of the general path
    (``sha256_hex`` of the tree without unset later fields) for every bundled and test system; a tree the
    walk does not take (a non-finite number) goes the general way and raises its message."""
    from pathlib import Path

    from ppeval._serialize import sha256_hex
    from ppeval.errors import InputError

    systems = [bundled.load_bundled(name) for name in bundled.list_systems()]
    for path in sorted((Path(__file__).parent / "data" / "systems").glob("*.yaml")):
        try:
            systems.append(io.load_system(path))
        except Exception:  # noqa: BLE001, S112 - files of invalid systems (tested elsewhere)
            continue
    assert len(systems) > 4
    for s in systems:
        want = sha256_hex(prov._without_unset_later(s.model_dump(mode="json")))
        assert prov.system_hash(s) == want
    tree = {"a": [1, 2.5, -0.0, None, True, "x"], "uncertainty": None, "b": {"decisions": None, "c": 0}}
    assert prov._plain_tree(tree) == {"a": [1, 2.5, 0.0, None, True, "x"], "b": {"c": 0}}
    with pytest.raises(prov._NotPlain):
        prov._plain_tree({"x": float("inf")})
    with pytest.raises(InputError, match="only finite numbers"):
        sha256_hex(prov._without_unset_later({"x": float("nan")}))
