"""Survey groups whose raters are all distinct take a count-only path (issue 16: evaluate at scale).

``reliability_statistics`` hashes the rater ids of all ratings once; a group whose keys are all
different has distinct raters, so each respondent answered one item and alpha is undefined: the same
``info`` diagnostic ``_survey_alpha`` gives, from counts alone. Checked against the coded path (the
hash disabled) on bundled samples with one group made of one-answer respondents, with missing answers.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from ppeval.io import bundled
from ppeval.pipeline import _reliability as rel
from ppeval.schema.assessment import Ratings


def _one_answer(name: str, group: str, missing: float) -> tuple[object, object]:
    system, data = bundled.load_sample(name)
    r = data.ratings
    rater = np.asarray(r.rater).astype(object)
    sel = np.asarray(r.group) == group
    rater[sel] = [f"one-{i}" for i in range(int(sel.sum()))]
    value = np.array(r.value, dtype=np.float64)
    rng = np.random.default_rng(3)
    value[sel & (rng.random(value.size) < missing)] = np.nan
    ratings = Ratings(r.project, r.indicator, rater.astype(str), r.group, value)
    return system, dataclasses.replace(data, ratings=ratings)


@pytest.mark.parametrize(("name", "group"), [("elderly-care", "service_user"), ("community-4stage", "resident")])
@pytest.mark.parametrize("missing", [0.0, 0.3, 0.99])
def test_one_answer_survey_equals_the_coded_path(
    name: str, group: str, missing: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    system, data = _one_answer(name, group, missing)
    ids = tuple(data.indicator_ids)
    cols = np.array([j for j, leaf in enumerate(system.leaves()) if leaf.kind == "qualitative"])
    calls: list[int] = []
    real = rel._one_answer_survey

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(rel, "_one_answer_survey", spy)
    fast = rel.reliability_statistics(data, cols, ids)
    assert calls  # the count-only path was taken for the one-answer group
    monkeypatch.setattr(rel, "hash_keys", lambda cell, rater: None)  # no keys: every group coded
    slow = rel.reliability_statistics(data, cols, ids)
    assert fast[0] == slow[0]
    assert [(d.code, d.message) for d in fast[1]] == [(d.code, d.message) for d in slow[1]]
    if missing < 0.9:
        assert any(f"{group!r} survey" in d.message and "one item only" in d.message for d in fast[1])


def test_all_distinct() -> None:
    assert rel._all_distinct(np.array([3, 1, 2], dtype=np.uint64))
    assert not rel._all_distinct(np.array([3, 1, 3], dtype=np.uint64))
    assert rel._all_distinct(np.zeros(0, dtype=np.uint64))
