"""A ``missing=`` policy given to the loader is never silently replaced by the system's."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ppeval import io
from ppeval.errors import InputError
from ppeval.pipeline import evaluate

IND = Path(__file__).resolve().parents[1] / "indicators"


def _with_gap(tmp_path: Path) -> tuple[object, list[Path]]:
    """3e-equity (evaluation.missing = worst) with one value of the first project left empty."""
    for f in IND.glob("3e-equity.*"):
        shutil.copy(f, tmp_path / f.name)
    values = tmp_path / "3e-equity.values.csv"
    rows = [ln.split(",") for ln in values.read_text(encoding="utf-8").splitlines()]
    rows[1][1] = ""
    values.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    system = io.load_system(tmp_path / "3e-equity.yaml")
    return system, [tmp_path / "3e-equity.projects.csv", values, tmp_path / "3e-equity.ratings.csv"]


def test_loader_policy_other_than_the_systems_is_an_error(tmp_path: Path) -> None:
    system, paths = _with_gap(tmp_path)
    assert system.evaluation.missing == "worst"  # type: ignore[attr-defined]
    a = io.load_assessment(paths, system, missing="mean")  # type: ignore[arg-type]
    assert a.missing_policy == "mean"
    with pytest.raises(InputError, match=r"loaded with missing='mean'.*evaluation.missing = 'worst'"):
        evaluate(system, a)  # type: ignore[arg-type]


def test_same_or_default_policy_evaluates(tmp_path: Path) -> None:
    system, paths = _with_gap(tmp_path)
    default = evaluate(system, io.load_assessment(paths, system))  # type: ignore[arg-type]
    same = evaluate(system, io.load_assessment(paths, system, missing="worst"))  # type: ignore[arg-type]
    assert (default.scores == same.scores).all()
    assert any(d.code == "imputed" for d in default.diagnostics)
