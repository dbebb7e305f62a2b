"""pandas and polars round trip: assessments from DataFrames, results to DataFrames."""

from __future__ import annotations

import numpy as np
import pytest

from ppeval.errors import DataError, InputError
from ppeval.io import assessment_from_frames, load_assessment, load_bundled, sample_assessment_paths
from ppeval.pipeline import evaluate
from ppeval.pipeline.provenance import assessment_hash

pl = pytest.importorskip("polars")
pd = pytest.importorskip("pandas")

SYSTEM = "elderly-care"


def _frames(module: str) -> dict[str, object]:
    paths = sample_assessment_paths(SYSTEM)
    if module == "polars":
        projects, values, ratings = (pl.read_csv(p, infer_schema_length=None) for p in paths)
    else:
        projects, values, ratings = (pd.read_csv(p) for p in paths)
    return {"projects": projects, "values": values, "ratings": ratings}


@pytest.mark.parametrize("module", ["pandas", "polars"])
def test_assessment_from_frames_equals_csv(module: str) -> None:
    system = load_bundled(SYSTEM)
    from_csv = load_assessment(sample_assessment_paths(SYSTEM), system)
    a = assessment_from_frames(system, **_frames(module))  # type: ignore[arg-type]
    assert a.project_ids == from_csv.project_ids
    assert a.projects == from_csv.projects
    np.testing.assert_array_equal(a.values, from_csv.values)
    np.testing.assert_array_equal(a.ratings.value, from_csv.ratings.value)
    np.testing.assert_array_equal(a.ratings.rater, from_csv.ratings.rater)
    assert assessment_hash(a) == assessment_hash(from_csv)
    assert {s.format for s in a.source_info} == {module}


def test_polars_round_trip_of_results() -> None:
    """polars frames in, polars frame out; the same numbers as pandas."""
    system = load_bundled(SYSTEM)
    result = evaluate(system, assessment_from_frames(system, **_frames("polars")))  # type: ignore[arg-type]
    out = result.to_frame("polars")
    ref = result.to_frame()
    assert isinstance(out, pl.DataFrame)
    assert out.columns == list(ref.columns)
    np.testing.assert_array_equal(out["score"].to_numpy(), ref["score"].to_numpy())
    np.testing.assert_array_equal(out["rank"].to_numpy(), ref["rank"].to_numpy())
    assert out["project"].to_list() == list(result.project_ids)
    # the result frame's values can seed a new assessment (e.g. scores as a next year's indicator)
    assert out.filter(pl.col("rank") == 1)["project"].to_list() == [result.project_ids[int(np.argmin(result.ranks))]]
    with pytest.raises(InputError, match="library is 'arrow'"):
        result.to_frame("arrow")


def test_polars_values_column_is_not_copied() -> None:
    """A float64 polars column without nulls reaches the builder as a view of polars' buffer."""
    from ppeval.io._assessment import _polars_table

    values = pl.DataFrame({"project": ["a", "b"], "x": [1.5, 2.5]})
    t = _polars_table(values, "values", "values DataFrame")
    assert not t.columns["x"].flags.owndata  # a view of polars' buffer
    assert np.shares_memory(t.columns["x"], values["x"].to_numpy())


def test_polars_errors_name_frame_row_and_column() -> None:
    system = load_bundled(SYSTEM)
    frames = _frames("polars")
    values = frames["values"]
    col = values.columns[2]
    bad = values.with_columns(pl.when(pl.int_range(pl.len()) == 3).then(-5.0).otherwise(pl.col(col)).alias(col))
    with pytest.raises(DataError, match=rf"values DataFrame row 3, column '{col}': -5 lies outside"):
        assessment_from_frames(system, values=bad, projects=frames["projects"], ratings=frames["ratings"])
    with pytest.raises(InputError, match="has no 'project' column"):
        assessment_from_frames(system, values=values.drop("project"))
    with pytest.raises(InputError, match="must be a pandas or polars DataFrame"):
        assessment_from_frames(system, values={"project": ["a"]})


@pytest.mark.parametrize("module", ["pandas", "polars"])
def test_integer_project_ids_stay_integers(module: str) -> None:
    """Numeric project ids (1, 2, ...) in a values frame were cast with the value columns to float64 and
    became '1.0', '2.0', unknown to the projects table's '1', '2'."""
    system = load_bundled(SYSTEM)
    fr = _frames(module)
    ids = {p: i + 1 for i, p in enumerate(fr["projects"]["project"])}  # type: ignore[index]
    if module == "polars":
        fr = {k: f.with_columns(pl.col("project").replace_strict(ids, return_dtype=pl.Int64))  # type: ignore[attr-defined]
              for k, f in fr.items()}
    else:
        fr = {k: f.assign(project=f["project"].map(ids).astype("int64")) for k, f in fr.items()}  # type: ignore[attr-defined]
    a = assessment_from_frames(system, **fr)  # type: ignore[arg-type]
    assert a.project_ids == tuple(str(i) for i in range(1, len(ids) + 1))
    np.testing.assert_array_equal(a.values, load_assessment(sample_assessment_paths(SYSTEM), system).values)


def test_pandas_object_column_with_none() -> None:
    """An object column holding None: to_numpy(dtype=object) could be a read-only view (copy-on-write),
    and marking its missing cells raised a raw ValueError; now a missing value named by row and column."""
    system = load_bundled(SYSTEM)
    fr = _frames("pandas")
    values = fr["values"].copy()  # type: ignore[attr-defined]
    col = values.columns[1]
    values[col] = values[col].astype(object)
    values.loc[1, col] = None
    a = assessment_from_frames(system, **{**fr, "values": values}, missing="worst")  # type: ignore[arg-type]
    assert a.missing[1].any()
