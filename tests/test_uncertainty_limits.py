"""analyse_uncertainty and ``ppeval uncertainty`` above FULL_ACCEPTABILITY_LIMIT: rank bins, said in the notes.

The limit is lowered to 7 (the sample has 8 projects) so that the binned form runs as it does above
10,000 projects; the JSON, the workbook and the HTML report are written from it.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from ppeval.cli import EXIT_OK, main
from ppeval.io import bundled
from ppeval.pipeline import analyse_uncertainty, evaluate
from ppeval.pipeline import uncertainty as punc
from ppeval.sensitivity import evidence as evmod

INPUTS = [str(bundled.system_path("community-4stage")), *map(str, bundled.sample_assessment_paths("community-4stage"))]


@pytest.fixture
def low_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(evmod, "FULL_ACCEPTABILITY_LIMIT", 7)
    monkeypatch.setattr(evmod, "DEFAULT_RANK_BINS", 4)
    monkeypatch.setattr(punc, "FULL_ACCEPTABILITY_LIMIT", 7)


def test_binned_form_above_the_limit_with_a_note(low_limit: None) -> None:
    system, data = bundled.load_sample("community-4stage")
    result = evaluate(system, data, seed=1)
    u = analyse_uncertainty(result, system, data, samples=300, seed=2, boundary=False)
    ev = u.evidence
    assert ev is not None
    assert ev.engine == "evidence"  # ratings are resampled
    assert ev.acceptability_form == "binned"
    assert ev.rank_acceptability.shape == (8, 4)
    assert ev.rank_bin_edges.tolist() == [0, 2, 4, 6, 8]
    np.testing.assert_allclose(ev.rank_acceptability.sum(axis=1), 1.0, rtol=0, atol=1e-15)
    assert "rank acceptability kept over 4 rank-percentile bins" in " ".join(u.notes)
    # the same run with the full table: the bins are its columns summed, the exact rank statistics the same
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(evmod, "FULL_ACCEPTABILITY_LIMIT", 10_000)
        mp.setattr(punc, "FULL_ACCEPTABILITY_LIMIT", 10_000)
        full = analyse_uncertainty(result, system, data, samples=300, seed=2, boundary=False)
    assert full.evidence is not None
    assert full.evidence.acceptability_form == "full"
    assert not any("rank-percentile" in n for n in full.notes)
    np.testing.assert_allclose(ev.rank_acceptability, full.evidence.rank_acceptability.reshape(8, 4, 2).sum(axis=2),
                               rtol=0, atol=1e-15)
    for name in ("rank_mean", "rank_min", "rank_max", "top_k_probability", "first_count", "score_mean",
                 "grade_probability"):
        np.testing.assert_array_equal(getattr(ev, name), getattr(full.evidence, name), err_msg=name)


def test_cli_writes_json_workbook_and_report_in_the_binned_form(low_limit: None, tmp_path: Path) -> None:
    result = tmp_path / "result.json"
    assert main(["evaluate", *INPUTS, "--json", str(result), "--seed", "1"]) == EXIT_OK
    out, xlsx, html = tmp_path / "u.json", tmp_path / "u.xlsx", tmp_path / "u.html"
    assert main(["uncertainty", str(result), *INPUTS, "--samples", "200", "--seed", "3", "--json", str(out),
                 "--xlsx", str(xlsx), "--report", str(html)]) == EXIT_OK
    data = json.loads(out.read_text(encoding="utf-8"))
    ev = data["evidence"]
    assert ev["acceptability_form"] == "binned"
    assert np.asarray(ev["rank_acceptability"]).shape == (8, 4)
    assert ev["rank_bin_edges"] == [0, 2, 4, 6, 8]
    assert len(ev["top_k_probability"]) == 8
    assert any("rank-percentile bins" in n for n in data["notes"])
    assert xlsx.stat().st_size > 0
    assert "<html" in html.read_text(encoding="utf-8").lower()


def test_boundary_search_skipped_above_the_cell_limit_in_absolute_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    system, data = bundled.load_sample("community-4stage")
    result = evaluate(system, data, seed=1)
    assert result.mode == "absolute"
    m = len(result.indicator_ids)
    monkeypatch.setattr(punc, "BOUNDARY_MAX_CELLS", 8 * m)
    at = analyse_uncertainty(result, system, data, samples=50, seed=2)
    assert at.boundary is not None
    monkeypatch.setattr(punc, "BOUNDARY_MAX_CELLS", 8 * m - 1)
    above = analyse_uncertainty(result, system, data, samples=50, seed=2)
    assert above.boundary is None
    assert f"grade-boundary search skipped: {8 * m:,} cells (projects x indicators) in absolute mode" in " ".join(
        above.notes)
