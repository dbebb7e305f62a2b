"""Projects defined by a values or ratings table (no projects table) are built without validating each record.

``ppeval.schema.assessment._id_projects`` (what ``Assessment.projects`` of a loaded assessment without a
projects table is built by, when first read) builds ``ProjectInfo(id=p)`` for ids that are stripped and
non-empty; each model must be the one pydantic's validation gives (fields, fields set, extra, private,
equality, hash, dump).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from ppeval.io._assessment import _strip
from ppeval.schema import ProjectInfo
from ppeval.schema.assessment import _id_projects

ADAPTER = TypeAdapter(list[ProjectInfo])


def check(ids: list[str]) -> None:
    built = _id_projects(tuple(ids))
    valid = ADAPTER.validate_python([{"id": p} for p in ids])
    assert list(built) == valid
    for b, v in zip(built, valid, strict=True):
        assert type(b) is ProjectInfo
        assert b.__dict__ == v.__dict__
        assert b.model_fields_set == v.model_fields_set == {"id"}
        assert b.__pydantic_extra__ == v.__pydantic_extra__
        assert b.__pydantic_private__ == v.__pydantic_private__
        assert hash(b) == hash(v)
        assert b.model_dump_json(exclude_unset=True) == v.model_dump_json(exclude_unset=True)
        assert repr(b) == repr(v)
        with pytest.raises(Exception, match="frozen"):
            b.id = "other"  # type: ignore[misc]
    if len(built) > 1:
        assert built[0].model_fields_set is not built[-1].model_fields_set


def test_plain_and_unusual_ids() -> None:
    check(["p00001", "项目 一", "a b", "x\u3000y", "\u180eid", "id\u200b", "0", "very-long-" * 30])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=12), max_size=20))
def test_stripped_ids_as_validation_builds_them(raw: list[str]) -> None:
    """The loader passes the distinct stripped non-empty cells of a project column."""
    stripped = _strip(np.array(raw, dtype=np.str_)).tolist() if raw else []
    ids = sorted({p for p in stripped if p})
    check(ids)


def test_ids_that_are_not_unicode_are_refused_as_before() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        ADAPTER.validate_python([{"id": "p1"}, {"id": "\ud800x"}])
    with pytest.raises(ValidationError):
        _id_projects(("p1", "\ud800x"))


def test_a_lone_surrogate_id_in_a_json_file_is_a_data_error(tmp_path: object) -> None:
    """A JSON ``\\ud800`` escape gives a str that is not Unicode text: a DataError naming it, not pydantic's own."""
    from pathlib import Path

    from ppeval.errors import DataError
    from ppeval.io import load_assessment, load_bundled

    system = load_bundled("elderly-care")
    leaf = next(leaf.id for leaf in system.leaves() if leaf.kind == "quantitative")
    path = Path(str(tmp_path)) / "a.json"
    # the JSON text holds the escape \ud800 (json.loads gives a str with a lone surrogate)
    path.write_text('{"values": {"p\\ud800": {"' + leaf + '": 1}, "p2": {"' + leaf + '": 2}}}', encoding="utf-8")
    with pytest.raises(DataError, match=r"a\.json\): project id 'p\\ud800' is not valid Unicode text"):
        load_assessment(path, system, missing="worst")
