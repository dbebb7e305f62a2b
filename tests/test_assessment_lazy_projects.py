"""An assessment loaded without a projects table builds its ``ProjectInfo`` records when they are first read.

Every project is then its id alone; ``evaluate`` and the provenance do not read the records (10,000 of them
cost 7-10 ms at load), and what a reader sees is unchanged: the same records, the same object on each read,
pickle, ``dataclasses.replace`` and the hash as for the records given explicitly.
"""

from __future__ import annotations

import dataclasses
import pickle
from pathlib import Path

import pytest

from ppeval import evaluate
from ppeval.io import load_assessment, load_bundled, sample_assessment_paths
from ppeval.pipeline.provenance import assessment_hash
from ppeval.schema import Assessment, ProjectInfo


@pytest.fixture(scope="module")
def loaded() -> tuple[object, Assessment]:
    system = load_bundled("elderly-care")
    paths = [p for p in sample_assessment_paths("elderly-care") if not str(p).endswith(".projects.csv")]
    return system, load_assessment(paths, system)


def fresh(loaded: tuple[object, Assessment]) -> Assessment:
    """A copy whose records were not read yet (pickled before any read)."""
    return pickle.loads(pickle.dumps(loaded[1]))


def test_records_built_when_read_equal_validated_ones(loaded: tuple[object, Assessment]) -> None:
    a = fresh(loaded)
    assert "projects" not in a.__dict__
    first = a.projects
    assert first == tuple(ProjectInfo(id=p) for p in a.project_ids)
    assert a.projects is first  # kept: the same object on every read
    assert all(p.model_fields_set == {"id"} for p in first)


def test_evaluate_and_hash_do_not_build_them(loaded: tuple[object, Assessment]) -> None:
    system, _ = loaded
    a = fresh(loaded)
    result = evaluate(system, a)  # type: ignore[arg-type]
    assert "projects" not in a.__dict__
    assert result.project_names == a.project_ids
    explicit = dataclasses.replace(a, projects=tuple(ProjectInfo(id=p) for p in a.project_ids))
    assert not getattr(explicit, "_ids_only", False)
    assert assessment_hash(explicit) == result.provenance.assessment_hash
    assert evaluate(system, explicit).to_json() == result.to_json()  # type: ignore[arg-type]


def test_pickle_and_replace_after_a_read(loaded: tuple[object, Assessment]) -> None:
    a = fresh(loaded)
    records = a.projects
    b = pickle.loads(pickle.dumps(a))
    assert b.projects == records
    c = dataclasses.replace(fresh(loaded), notes={})
    assert c.projects == records


def test_a_projects_table_gives_the_records_at_once(loaded: tuple[object, Assessment], tmp_path: Path) -> None:
    system, _ = loaded
    a = load_assessment(sample_assessment_paths("elderly-care"), system)  # type: ignore[arg-type]
    assert "projects" in a.__dict__
    assert not getattr(a, "_ids_only", False)


def test_unknown_attributes_still_raise(loaded: tuple[object, Assessment]) -> None:
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        fresh(loaded).nope  # type: ignore[attr-defined]  # noqa: B018
