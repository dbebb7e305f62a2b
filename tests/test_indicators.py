"""The bundled indicator systems: load, validate, are consistent, cite sources, ship in the wheel."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from ppeval import io

REPO = Path(__file__).resolve().parents[1]
SYSTEMS = io.list_systems()


def test_bundled_systems_listed() -> None:
    assert set(SYSTEMS) >= {"community-4stage", "budget-performance", "3e-equity", "elderly-care"}


@pytest.mark.parametrize("name", SYSTEMS)
def test_system_is_complete_and_consistent(name: str) -> None:
    system, assessment = io.load_sample(name)
    kinds = {leaf.kind for leaf in system.leaves()}
    assert kinds == {"quantitative", "qualitative"}
    assert len(system.source) > 20  # a real citation, not a placeholder
    for rep in system.consistency():
        assert rep.consistent, rep.violations()
        assert all(e.cr <= 0.1 for e in rep.experts)
    for leaf in system.leaves():
        assert leaf.source is not None, leaf.id
    assert len(assessment.project_ids) >= 6
    # every qualitative indicator has ratings for every project
    r = assessment.ratings
    qcols = [j for j, leaf in enumerate(system.leaves()) if leaf.kind == "qualitative"]
    counts = np.zeros((len(assessment.project_ids), len(system.leaf_ids)), dtype=int)
    ok = ~np.isnan(r.value)
    np.add.at(counts, (r.project[ok], r.indicator[ok]), 1)
    assert (counts[:, qcols] >= 1).all()


@pytest.mark.parametrize("name", SYSTEMS)
def test_round_trip_through_every_format(name: str, tmp_path: Path) -> None:
    system = io.load_bundled(name)
    for ext in ("yaml", "json", "toml"):
        path = tmp_path / f"{name}.{ext}"
        io.dump_system(system, path)
        assert io.load_system(path) == system


def test_sample_files_are_up_to_date() -> None:
    """The samples are a pure function of the seeded generator."""
    res = subprocess.run(
        [sys.executable, str(REPO / "indicators" / "_tools" / "make_samples.py"), "--check"],
        capture_output=True, text=True, cwd=REPO,
    )
    assert res.returncode == 0, res.stdout + res.stderr


def test_wheel_ships_the_indicator_systems(tmp_path: Path) -> None:
    """`ppeval demo` works from an installed wheel: the YAML files are package data."""
    res = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path), str(REPO)],
        capture_output=True, text=True,
    )
    assert res.returncode == 0, res.stderr
    wheel = next(tmp_path.glob("ppeval-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in SYSTEMS:
        assert f"ppeval/_bundled/{name}.yaml" in names
        assert f"ppeval/_bundled/{name}.values.csv" in names
    assert "ppeval/py.typed" in names
    assert "ppeval/locale/zh/LC_MESSAGES/ppeval.mo" in names  # report languages are package data too
