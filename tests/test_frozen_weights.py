"""Absolute mode with data-driven weights: a diagnostic, and frozen weights that make the promise hold."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from ppeval import io
from ppeval.errors import InputError
from ppeval.pipeline import data_driven_nodes, evaluate, freeze_weights, reproduce
from ppeval.schema import Assessment, IndicatorSystem

NAME = "community-4stage"


@pytest.fixture(scope="module")
def entropy_case() -> tuple[IndicatorSystem, Assessment]:
    """The bundled community system with entropy weights at the root and CRITIC at the first stage."""
    system = io.load_system(io.bundled.system_path(NAME))
    data = io.system_to_dict(system)
    data["root"]["weighting"] = {"method": "entropy"}
    data["root"]["children"][0]["weighting"] = {"method": "critic"}
    changed = io.system_from_dict(data)
    return changed, io.load_assessment(io.bundled.sample_assessment_paths(NAME), changed)


def _without(a: Assessment, drop: int) -> Assessment:
    keep = [i for i in range(a.n_projects) if i != drop]
    idx = np.array(keep)
    remap = np.full(a.n_projects, -1)
    remap[idx] = np.arange(idx.size)
    r = a.ratings
    k = remap[r.project] >= 0
    ratings = dataclasses.replace(
        r, project=remap[r.project[k]], indicator=r.indicator[k], rater=r.rater[k], group=r.group[k],
        value=r.value[k], line=r.line[k], file=r.file[k],
    )
    return dataclasses.replace(
        a, project_ids=tuple(a.project_ids[i] for i in keep), projects=tuple(a.projects[i] for i in keep),
        values=a.values[idx], missing=a.missing[idx], ratings=ratings,
    )


def test_data_driven_weights_get_a_diagnostic(entropy_case: tuple[IndicatorSystem, Assessment]) -> None:
    system, a = entropy_case
    assert set(data_driven_nodes(system)) == {system.root.id, system.root.child_ids[0]}
    r = evaluate(system, a, mode="absolute")
    (d,) = r.diagnostics_of("weights_depend_on_set")
    assert d.severity == "warning"
    assert "depends on which other projects were evaluated" in d.message
    assert "(entropy)" in d.message
    assert "(critic)" in d.message
    # and the dependence is real: dropping a project moves another one's score
    smaller = evaluate(system, _without(a, 0), mode="absolute")
    assert smaller.score_100[0] != r.score_100[1]
    # relative mode says so anyway; no diagnostic there
    assert not evaluate(system, a, mode="relative").diagnostics_of("weights_depend_on_set")


def test_frozen_weights_make_scores_independent_of_the_set(
    entropy_case: tuple[IndicatorSystem, Assessment],
) -> None:
    system, a = entropy_case
    reference = evaluate(system, a, mode="absolute")
    full = evaluate(system, a, mode="absolute", weights=reference)
    assert not full.diagnostics_of("weights_depend_on_set")
    np.testing.assert_array_equal(full.weights, reference.weights)
    for drop in range(a.n_projects):
        part = evaluate(system, _without(a, drop), mode="absolute", weights=reference)
        keep = [i for i in range(a.n_projects) if i != drop]
        assert part.score_100.tobytes() == full.score_100[keep].tobytes()
    frozen = {nw.node: nw for nw in full.node_weights if nw.method == "frozen"}
    assert set(frozen) == set(data_driven_nodes(system))
    assert frozen[system.root.id].detail["method"] == "entropy"
    assert frozen[system.root.id].detail["from"]["assessment_hash"] == reference.provenance.assessment_hash
    # recorded in the configuration (so covered by config_hash) and reproducible
    cfg = full.provenance.config
    assert cfg["frozen_from"]["nodes"] == sorted(data_driven_nodes(system))
    assert set(cfg["weights"]) == set(data_driven_nodes(system))
    assert reproduce(full.to_json(), system, a).to_json() == full.to_json()


def test_freeze_weights_writes_fixed_weights_into_the_system(
    entropy_case: tuple[IndicatorSystem, Assessment], tmp_path: object
) -> None:
    system, a = entropy_case
    reference = evaluate(system, a, mode="absolute")
    frozen_system = freeze_weights(system, reference)
    assert data_driven_nodes(frozen_system) == ()
    assert frozen_system.root.weighting.method == "fixed"
    r = evaluate(frozen_system, a, mode="absolute")
    assert not r.diagnostics_of("weights_depend_on_set")
    np.testing.assert_allclose(r.weights, reference.weights, rtol=1e-12)
    np.testing.assert_allclose(r.score_100, reference.score_100, rtol=1e-12)


def test_freezing_from_another_system_is_an_error(entropy_case: tuple[IndicatorSystem, Assessment]) -> None:
    system, _ = entropy_case
    other, b = io.load_sample("elderly-care")
    with pytest.raises(InputError, match="elderly-care"):
        freeze_weights(system, evaluate(other, b))


def test_report_says_scores_depend_on_the_set(entropy_case: tuple[IndicatorSystem, Assessment]) -> None:
    from ppeval.report import render_markdown

    system, a = entropy_case
    text = render_markdown(evaluate(system, a, mode="absolute"), system=system).text
    assert "does depend on which other projects were evaluated, through those weights" in text
    frozen = evaluate(system, a, mode="absolute", weights=evaluate(system, a))
    text = render_markdown(frozen, system=system).text
    assert "does not depend on which other projects were evaluated" in text


def test_report_explains_a_variance_share_above_100_percent(entropy_case: tuple[IndicatorSystem, Assessment]) -> None:
    from ppeval.report.i18n import Language
    from ppeval.report.sections._context import make_context
    from ppeval.report.sections.organisation import _share_note

    system, a = entropy_case
    ctx = make_context(evaluate(system, a), system, Language("en"))
    assert _share_note(ctx, 0.5) == ""
    assert "add up to 100%" in _share_note(ctx, 1.144)
    assert "negative" in _share_note(ctx, -0.2)
    zh = make_context(evaluate(system, a), system, Language("zh"))
    assert "占比之和为 100%" in _share_note(zh, 1.144)
