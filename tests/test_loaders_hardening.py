"""Loaders: nesting depth limit, booleans are not integers, one NaN rule, plain numbers in messages."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from ppeval import io, methods, weights
from ppeval.errors import DataError, InputError, PPEvalError, SchemaError
from ppeval.io._read import MAX_DEPTH

SYSTEMS = Path(__file__).resolve().parent / "data" / "systems"
FIXED = SYSTEMS / "small-fixed"


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 2_000, 100_000])
@pytest.mark.parametrize("fmt", ["json", "yaml", "toml"])
def test_deep_system_file_is_a_schema_error(tmp_path: Path, depth: int, fmt: str) -> None:
    if fmt == "json":
        text = '{"root": ' + "[" * depth + "]" * depth + "}"
    elif fmt == "yaml":
        text = "root: " + "[" * depth + "]" * depth + "\n"
    else:
        text = "root = " + "[" * depth + "]" * depth + "\n"
    f = tmp_path / f"deep.{fmt}"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(SchemaError, match=r"deep\.\w+: .*(nested more than 100 levels|nesting depth)"):
        io.load_system(f)


def test_deep_assessment_file_is_a_data_error(tmp_path: Path) -> None:
    system = io.load_system(FIXED.with_suffix(".yaml"))
    f = tmp_path / "deep.json"
    f.write_text('{"values": ' + "[" * 5000 + "]" * 5000 + "}", encoding="utf-8")
    with pytest.raises(DataError, match=f"nested more than {MAX_DEPTH} levels"):
        io.load_assessment(f, system)


def test_depth_limit_leaves_real_systems_alone() -> None:
    for name in io.list_systems():
        io.load_system(io.bundled.system_path(name))


def _with(data: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    out = copy.deepcopy(data)
    obj: Any = out
    for p in path[:-1]:
        obj = obj[p]
    obj[path[-1]] = value
    return out


def _first_likert(node: dict[str, Any]) -> tuple[Any, ...] | None:
    for k, child in enumerate(node.get("children") or []):
        if child.get("scale", {}).get("type") == "likert":
            return ("children", k, "scale", "points")
        sub = _first_likert(child)
        if sub is not None:
            return ("children", k, *sub)
    return None


@pytest.mark.parametrize("value", [True, False])
@pytest.mark.parametrize("field", ["schema_version", "min_raters", "points"])
def test_booleans_are_not_integers(field: str, value: bool) -> None:
    data = io.system_to_dict(io.bundled.load_bundled("community-4stage"))
    if field == "schema_version":
        path: tuple[Any, ...] = ("schema_version",)
    elif field == "min_raters":
        path = ("evaluation", "min_raters")
    else:
        found = _first_likert(data["root"])
        assert found is not None
        path = ("root", *found)
    with pytest.raises(SchemaError, match=f"got the boolean {value}"):
        io.system_from_dict(_with(data, path, value))


def test_nan_is_rejected_in_json_and_csv_alike(tmp_path: Path) -> None:
    """One rule for every format: NaN is not a missing value; an empty cell / null is."""
    system = io.load_system(FIXED.with_suffix(".yaml"))
    data = json.loads(FIXED.with_suffix(".assessment.json").read_text(encoding="utf-8"))
    data["values"]["p2"]["sessions"] = float("nan")
    jf = tmp_path / "a.json"
    jf.write_text(json.dumps(data), encoding="utf-8")  # writes the NaN literal
    assert "NaN" in jf.read_text(encoding="utf-8")
    with pytest.raises(DataError, match=r"'nan' is not a finite number; for a missing value .* null"):
        io.load_assessment(jf, system)
    csv_values = Path(f"{FIXED}.values.csv").read_text(encoding="utf-8").replace("p2,90,", "p2,nan,")
    cf = tmp_path / "values.csv"
    cf.write_text(csv_values, encoding="utf-8")
    paths = [Path(f"{FIXED}.projects.csv"), cf, Path(f"{FIXED}.ratings.csv")]
    with pytest.raises(DataError, match=r"'nan' is not a finite number; for a missing value leave the cell empty"):
        io.load_assessment(paths, system)
    yf = tmp_path / "a.yaml"
    yf.write_text(json.dumps(data).replace("NaN", ".nan"), encoding="utf-8")
    with pytest.raises(DataError, match="'nan' is not a finite number"):
        io.load_assessment(yf, system)
    # null / a missing key is the way to say "missing" (here imputed or rejected by the system's policy)
    data["values"]["p2"]["sessions"] = None
    jf.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(DataError, match="missing value for project 'p2'"):
        io.load_assessment(jf, system)
    assert io.load_assessment(jf, system, missing="worst").missing.sum() == 1


@pytest.mark.parametrize(
    "call",
    [
        lambda: methods.gra(np.ones((3, 2)) + np.eye(3, 2), [0.5, 0.5], [1, 1], rho=np.float64(2.0)),
        lambda: methods.vikor(np.ones((3, 2)) + np.eye(3, 2), [0.5, 0.5], [1, 1], v=np.float64(1.5)),
        lambda: weights.combine(np.array([[0.5, 0.5], [0.2, 0.8]]), method="linear", alpha=np.array([0.9, 0.9])),
        lambda: methods.topsis([[1.0, 2.0], [2.0, 1.0]], np.array([0.7, 0.7]), [1, 1]),
    ],
)
def test_messages_show_plain_numbers(call: Any) -> None:
    with pytest.raises(PPEvalError) as err:
        call()
    assert "np." not in str(err.value)


def test_numpy_scalar_reprs_are_written_plainly() -> None:
    err = InputError(f"x is {np.float64(2.0)!r}, k is {np.int64(3)!r}, flag {np.True_!r}, id {np.str_('a')!r}")
    assert str(err) == "x is 2.0, k is 3, flag True, id 'a'"
