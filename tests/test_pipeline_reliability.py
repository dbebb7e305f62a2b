"""evaluate(): Cronbach's alpha per survey group and ICC per expert panel, with threshold flags."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ppeval import evaluate
from ppeval.io import bundled
from ppeval.pipeline import EvaluationResult
from ppeval.pipeline._reliability import _one_way_table
from ppeval.qualitative import cronbach_alpha, icc


def _long(name: str) -> tuple[object, object, pd.DataFrame]:
    system, data = bundled.load_sample(name)
    r = data.ratings
    df = pd.DataFrame(
        {"project": r.project, "indicator": r.indicator, "rater": r.rater, "group": r.group, "value": r.value}
    )
    return system, data, df


def test_alpha_of_each_survey_group_matches_a_pivot_table() -> None:
    system, data, df = _long("elderly-care")
    res = evaluate(system, data)
    assert res.qualitative is not None
    stats = [s for s in res.qualitative.reliability if s.statistic == "cronbach_alpha"]
    assert {s.group for s in stats} == {"service_user", "family"}
    ids = res.indicator_ids
    for s in stats:
        sub = df[df.group == s.group]
        table = sub.pivot_table(index=["project", "rater"], columns="indicator", values="value", dropna=False)
        table = table.dropna(how="all")
        assert tuple(ids[j] for j in table.columns) == s.indicator_ids
        want = cronbach_alpha(table.to_numpy(), missing="pairwise")
        assert s.value == pytest.approx(want.alpha, rel=1e-12)
        assert s.ci == pytest.approx(want.ci, rel=1e-12)
        assert s.n == want.n
        assert s.acceptable == (s.value >= 0.7)


def test_icc_of_a_crossed_panel_matches_icc2k() -> None:
    system, data, df = _long("elderly-care")
    res = evaluate(system, data)
    assert res.qualitative is not None
    gov = [s for s in res.qualitative.reliability if s.statistic == "icc" and s.group == "government"]
    assert gov
    for s in gov:
        j = res.indicator_ids.index(s.indicator_ids[0])
        sub = df[(df.group == "government") & (df.indicator == j)]
        table = sub.pivot_table(index="project", columns="rater", values="value").dropna()
        assert s.kind == "ICC2k"
        assert s.value == pytest.approx(icc(table.to_numpy(), kind="ICC2k").value, rel=1e-12)
        flagged = [d for d in res.diagnostics_of("low_reliability") if d.indicator == s.indicator_ids[0]
                   and "'government'" in d.message]
        assert bool(flagged) == (not s.acceptable)


def test_incomplete_panel_uses_one_way_icc() -> None:
    system, data = bundled.load_sample("budget-performance")
    res = evaluate(system, data)
    assert res.qualitative is not None
    experts = [s for s in res.qualitative.reliability if s.group == "expert"]
    assert experts
    assert all(s.kind == "ICC1k" for s in experts)
    back = EvaluationResult.from_json(res.to_json())
    assert back.qualitative is not None
    assert back.qualitative.reliability == res.qualitative.reliability


def test_one_way_table_keeps_first_k_ratings() -> None:
    t = np.array([[1.0, np.nan, 2.0, 3.0], [np.nan, 4.0, 5.0, np.nan], [6.0, np.nan, np.nan, np.nan]])
    out = _one_way_table(t)
    assert out is not None
    np.testing.assert_array_equal(out, [[1.0, 2.0], [4.0, 5.0]])
    assert _one_way_table(t[2:]) is None


def test_kmo_of_each_survey_group() -> None:
    """KMO and Bartlett's test of a survey's complete questionnaires, next to its alpha; not for 2 items."""
    from ppeval.qualitative import kmo_bartlett

    system, data, df = _long("elderly-care")
    res = evaluate(system, data)
    assert res.qualitative is not None
    kmo = [s for s in res.qualitative.reliability if s.statistic == "kmo_bartlett"]
    assert {s.group for s in kmo} == {"service_user", "family"}
    for s in kmo:
        sub = df[df.group == s.group]
        table = sub.pivot_table(index=["project", "rater"], columns="indicator", values="value", dropna=False)
        want = kmo_bartlett(table.dropna(how="all").to_numpy())
        assert s.value == pytest.approx(want.kmo, rel=1e-12)
        assert s.p_value == pytest.approx(want.p_value, rel=1e-9)
        assert s.ci is None
        assert s.acceptable == (want.kmo >= 0.6 and want.p_value < 0.05)
    two = evaluate(*bundled.load_sample("3e-equity"))
    assert two.qualitative is not None
    assert not [s for s in two.qualitative.reliability if s.statistic == "kmo_bartlett"]


def test_survey_of_one_answer_per_respondent_has_no_alpha_and_says_why() -> None:
    """Each respondent answering one item: alpha is undefined (no pair answered together), an info says so."""
    import dataclasses

    from ppeval.schema.assessment import Ratings

    system, data = bundled.load_sample("elderly-care")
    r = data.ratings
    rater = np.asarray(r.rater).astype(object)
    su = np.asarray(r.group) == "service_user"
    rater[su] = [f"one-{i}" for i in range(int(su.sum()))]
    ratings = Ratings(r.project, r.indicator, rater.astype(str), r.group, r.value)
    res = evaluate(system, dataclasses.replace(data, ratings=ratings))
    assert res.qualitative is not None
    groups = {s.group for s in res.qualitative.reliability if s.statistic == "cronbach_alpha"}
    assert groups == {"family"}
    msgs = [d.message for d in res.diagnostics_of("reliability_not_computed") if "'service_user' survey" in d.message]
    assert len(msgs) == 1
    assert "respondents answered one item only" in msgs[0]


def test_hash_codes_partition_like_unique() -> None:
    from ppeval.pipeline._reliability import _hash_codes

    rng = np.random.default_rng(3)
    a = np.array([f"r{i}" for i in rng.integers(0, 50, 400)] + ["", "r1 ", "R1"])
    names, code = _hash_codes(a)
    assert (names[code] == a).all()
    assert sorted(names.tolist()) == np.unique(a).tolist()
    obj = a.astype(object)  # not hashable from code units: falls back to np.unique
    names2, code2 = _hash_codes(obj)
    assert (names2[code2] == obj).all()
