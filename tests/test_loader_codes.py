"""Ratings loaded by ``ppeval.io`` carry the loader's group and rater codes (issue 16: evaluate at scale).

The loader already holds every rating's rater group and rater as integer codes into the sorted distinct
names; it attaches them to the ``Ratings`` it returns (a private cache), so ``evaluate`` neither factorizes
the group names again nor hashes the rater ids for the reliability statistics. Ratings built in code or
changed (``dataclasses.replace``) have no cache and are coded as before. Checked: the codes describe the
columns exactly, and ``evaluate`` gives the same result, field for field and bit for bit (its JSON), with
and without them on every bundled sample, and on a sample whose raters are all distinct or all repeated.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from ppeval.io import bundled
from ppeval.pipeline import evaluate
from ppeval.pipeline._assemble import loader_codes
from ppeval.schema.assessment import Ratings


def _samples() -> list[str]:
    out = []
    for name in bundled.list_systems():
        try:
            bundled.load_sample(name)
        except Exception:  # noqa: BLE001 - systems without a bundled sample
            continue
        out.append(name)
    return out


def _uncached(data: object) -> object:
    r = data.ratings  # type: ignore[attr-defined]
    plain = Ratings(r.project, r.indicator, r.rater, r.group, r.value, r.line, r.file)
    assert loader_codes(plain) is None
    return dataclasses.replace(data, ratings=plain)  # type: ignore[type-var]


def _json(result: object) -> str:
    return result.to_json()  # type: ignore[attr-defined,no-any-return]


@pytest.mark.parametrize("name", _samples())
def test_codes_describe_the_columns(name: str) -> None:
    _, data = bundled.load_sample(name)
    r = data.ratings
    codes = loader_codes(r)
    assert codes is not None
    groups, gcode, n_raters, rcode = codes
    assert np.array_equal(groups[gcode], r.group)
    assert list(groups) == sorted(set(r.group.tolist()))
    raters, inverse = np.unique(r.rater, return_inverse=True)
    assert n_raters == raters.size
    assert np.array_equal(rcode, inverse.reshape(-1))


@pytest.mark.parametrize("name", _samples())
def test_evaluate_same_with_and_without_the_codes(name: str) -> None:
    system, data = bundled.load_sample(name)
    assert _json(evaluate(system, data, seed=1)) == _json(evaluate(system, _uncached(data), seed=1))


def test_replace_drops_the_codes() -> None:
    _, data = bundled.load_sample("community-4stage")
    r = data.ratings
    assert loader_codes(r) is not None
    changed = dataclasses.replace(r, value=np.where(np.isnan(r.value), r.value, 1.0))
    assert loader_codes(changed) is None


@pytest.mark.parametrize("raters", ["distinct", "one"])
def test_distinct_or_repeated_raters(raters: str) -> None:
    """Every rating from its own rater (the count-only path) or one rater per group (panels) via files."""
    import tempfile
    from pathlib import Path

    from ppeval import io

    system, data = bundled.load_sample("community-4stage")
    r = data.ratings
    rater = [f"x{i}" for i in range(len(r))] if raters == "distinct" else [f"g-{g}" for g in r.group.tolist()]
    # one rater per group rates a (project, indicator) at most once only if the cells are distinct per group
    key = {(int(p), int(i), g) for p, i, g in zip(r.project, r.indicator, r.group.tolist(), strict=True)}
    if raters == "one" and len(key) != len(r):
        seen: dict[tuple[int, int, str], int] = {}
        rater = []
        for p, i, g in zip(r.project.tolist(), r.indicator.tolist(), r.group.tolist(), strict=True):
            k = seen.get((p, i, g), 0)
            seen[(p, i, g)] = k + 1
            rater.append(f"g-{g}-{k}")
    with tempfile.TemporaryDirectory() as tmp:
        paths = [p for p in bundled.sample_assessment_paths("community-4stage") if "ratings" not in p.name]
        lines = ["project,indicator,rater,group,rating"]
        for p, i, who, g, v in zip(r.project.tolist(), r.indicator.tolist(), rater, r.group.tolist(),
                                   r.value.tolist(), strict=True):
            lines.append(f"{data.project_ids[p]},{data.indicator_ids[i]},{who},{g},{'' if v != v else f'{v:g}'}")
        rp = Path(tmp) / "ratings.csv"
        rp.write_text("\n".join(lines) + "\n", encoding="utf-8")
        loaded = io.load_assessment([*paths, rp], system)
    codes = loader_codes(loaded.ratings)
    assert codes is not None
    assert (codes[2] == len(r)) == (raters == "distinct")
    assert _json(evaluate(system, loaded, seed=1)) == _json(evaluate(system, _uncached(loaded), seed=1))
