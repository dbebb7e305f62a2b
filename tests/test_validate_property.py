"""``ppeval validate`` passes exactly when ``ppeval evaluate`` succeeds (hypothesis property).

Assessments are generated as the CSV files an evaluator hands in: values in
and out of bounds, missing cells, projects without ratings for a rated
indicator, labels off the scale, unknown projects and groups; with the
system's missing-value policy, the method and the mode varied.
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ppeval import io
from ppeval.cli import EXIT_OK, main
from ppeval.pipeline import evaluate, validate

SYSTEM = Path(__file__).resolve().parent / "data" / "systems" / "small-fixed.yaml"
QUANT = {"sessions": (0.0, 200.0), "cost_per_user": (200.0, 2000.0), "staff_ratio": (0.0, 0.3),
         "response_days": (0.0, 30.0)}
LABELS = {"satisfaction": ["very poor", "poor", "fair", "good", "very good", "5"],
          "quality": ["poor", "fair", "good", "50", "100"]}
OFF_SCALE = ["excellent", "great", "7"]
GROUPS = ["resident", "expert", "resident", "expert", "government"]


@st.composite
def assessments(draw: Any) -> dict[str, Any]:
    n = draw(st.integers(1, 4))
    projects = [f"p{i}" for i in range(n)]
    values = []
    for p in projects:
        row: dict[str, str] = {"project": p}
        for ind, (lo, hi) in QUANT.items():
            kind = draw(st.sampled_from(["in"] * 40 + ["missing", "out"]))
            if kind == "in":
                row[ind] = repr(round(draw(st.floats(lo, hi)), 3))
            elif kind == "out":
                row[ind] = repr(hi * 3 + 1)
            else:
                row[ind] = ""
        values.append(row)
    ratings = []
    for p in projects:
        for ind, labels in LABELS.items():
            for k in range(draw(st.sampled_from([0, *[3] * 12]))):
                ratings.append({
                    "project": p if draw(st.integers(0, 40)) else "unknown",
                    "indicator": ind,
                    "rater": f"{ind[:1]}{k}",
                    "group": GROUPS[k] if draw(st.integers(0, 40)) else "visitors",
                    "rating": draw(st.sampled_from([*labels * 12, "", *OFF_SCALE])),
                })
    return {
        "values": values,
        "ratings": ratings,
        "missing": draw(st.sampled_from(["reject", "worst", "mean"])),
        "method": draw(st.sampled_from(["topsis", "wsm", "vikor", "fce"])),
        "mode": draw(st.sampled_from(["absolute", "relative"])),
    }


def _write(folder: Path, case: dict[str, Any]) -> tuple[str, list[str]]:
    text = SYSTEM.read_text(encoding="utf-8")
    text = text.replace("missing: reject", f"missing: {case['missing']}")
    system = folder / "system.yaml"
    system.write_text(text, encoding="utf-8")
    vals = folder / "values.csv"
    with vals.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=["project", *QUANT])
        w.writeheader()
        w.writerows(case["values"])
    rat = folder / "ratings.csv"
    with rat.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=["project", "indicator", "rater", "group", "rating"])
        w.writeheader()
        w.writerows(case["ratings"])
    return str(system), [str(vals), str(rat)]


def test_the_generated_system_uses_the_policy() -> None:
    assert "missing: reject" in SYSTEM.read_text(encoding="utf-8")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=assessments())
def test_validate_passes_exactly_when_evaluate_succeeds(case: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        system, data = _write(Path(tmp), case)
        opts = ["--method", case["method"], "--mode", case["mode"]]
        checked = main(["validate", system, *data, *opts])
        evaluated = main(["evaluate", system, *data, *opts, "--samples", "0"])
        assert (checked == EXIT_OK) == (evaluated == EXIT_OK), (checked, evaluated)
        assert checked in (0, 2)
        assert evaluated in (0, 2)  # bad data is bad input (2), never an internal error (1)


def test_rated_indicator_without_ratings_fails_validate_naming_the_file(tmp_path: Path,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """The case of the issue: validate used to pass, evaluate then failed naming no file."""
    case = {
        "values": [{"project": p, "sessions": "10", "cost_per_user": "500", "staff_ratio": "0.1",
                    "response_days": "3"} for p in ("p0", "p1")],
        "ratings": [{"project": "p0", "indicator": ind, "rater": f"r{k}", "group": "resident", "rating": "good"
                     if ind == "quality" else "fair"} for ind in LABELS for k in range(3)],
        "missing": "reject",
    }
    system, data = _write(tmp_path, case)
    assert main(["validate", system, *data]) == 2
    out = capsys.readouterr().out
    assert "project 'p1', indicator 'satisfaction'" in out
    assert "ratings.csv" in out
    s = io.load_system(system)
    a = io.load_assessment(data, s)
    with pytest.raises(Exception, match="ratings.csv") as from_validate:
        validate(s, a)
    with pytest.raises(Exception, match="ratings.csv") as from_evaluate:
        evaluate(s, a)
    assert str(from_validate.value) == str(from_evaluate.value)


def test_icc_average_interval_undefined_is_degenerate_not_a_crash() -> None:
    """Found by the property above: ICC2k on [[2, 2], [1, 4]] divided by zero (internal error, exit 1)."""
    from ppeval.errors import DegenerateError
    from ppeval.qualitative.reliability import icc

    with pytest.raises(DegenerateError, match="step-up to 2 raters"):
        icc([[2.0, 2.0], [1.0, 4.0]], kind="ICC2k")
