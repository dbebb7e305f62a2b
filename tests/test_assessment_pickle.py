"""An assessment pickles (process pools, Dask) with its notes read-only again, and its notes are checked in
time linear in their number (issue 16: `key[0] in project_ids` was a scan of the tuple per note)."""

from __future__ import annotations

import pickle
import time

import numpy as np
import pytest

from ppeval.errors import PPEvalError
from ppeval.io import bundled
from ppeval.pipeline.provenance import assessment_hash
from ppeval.schema import Assessment, ProjectInfo
from ppeval.schema.assessment import Ratings


def test_round_trip_keeps_content_hash_and_read_only_notes() -> None:
    _, data = bundled.load_sample("community-4stage")
    pid = data.project_ids[0]
    a = Assessment(data.system_id, data.project_ids, data.projects, data.indicator_ids, data.values,
                   data.missing, data.ratings, notes={(pid, ""): "偏差原因: 人手不足"})
    b = pickle.loads(pickle.dumps(a))
    assert assessment_hash(b) == assessment_hash(a)
    assert dict(b.notes) == {(pid, ""): "偏差原因: 人手不足"}
    with pytest.raises(TypeError):
        b.notes[(pid, "")] = "edited"  # type: ignore[index]
    np.testing.assert_array_equal(b.values, a.values)
    assert not b.values.flags.writeable


def _assessment(n: int, notes: dict[tuple[str, str], str]) -> Assessment:
    ids = tuple(f"p{i}" for i in range(n))
    empty = Ratings(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, "U1"), np.zeros(0, "U1"),
                    np.zeros(0))
    return Assessment("s", ids, tuple(ProjectInfo(id=p) for p in ids), ("x",), np.ones((n, 1)),
                      np.zeros((n, 1), bool), empty, notes=notes)


def test_notes_on_every_project_of_a_large_assessment_are_checked_fast() -> None:
    n = 50_000
    t = time.process_time()
    a = _assessment(n, {(f"p{i}", "x"): "note" for i in range(n)})
    assert len(a.notes) == n
    assert time.process_time() - t < 5.0  # was ~n^2/2 tuple comparisons: minutes


def test_a_note_on_an_unknown_project_is_still_refused() -> None:
    with pytest.raises(PPEvalError, match="notes"):
        _assessment(3, {("p9", ""): "note"})


def test_ratings_arrays_stay_read_only_after_pickling() -> None:
    _, data = bundled.load_sample("community-4stage")
    b = pickle.loads(pickle.dumps(data))
    for name in ("project", "indicator", "rater", "group", "value", "line", "file"):
        assert not getattr(b.ratings, name).flags.writeable, name
    assert not b.missing.flags.writeable
