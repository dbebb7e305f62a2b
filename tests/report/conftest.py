"""Shared, session-scoped report fixtures: one evaluation, one sensitivity analysis, one HTML page."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from ppeval.io import bundled
from ppeval.pipeline import EvaluationResult, evaluate
from ppeval.report import SensitivityAnalysis, analyse_sensitivity, render_html
from ppeval.schema import IndicatorSystem

SYSTEM = "community-4stage"
#: A project name full of HTML and Markdown syntax: it must come out as text.
HOSTILE_NAME = '<script>alert("x")</script> & <b>bold</b> | *star* [link](http://evil.example)'
COMMAND = "ppeval reproduce result.json community-4stage.yaml values.csv ratings.csv"


@pytest.fixture(scope="session")
def hostile_name() -> str:
    return HOSTILE_NAME


@pytest.fixture(scope="session")
def command() -> str:
    return COMMAND


@pytest.fixture(scope="session")
def system() -> IndicatorSystem:
    return bundled.load_bundled(SYSTEM)


@pytest.fixture(scope="session")
def result(system: IndicatorSystem) -> EvaluationResult:
    """The bundled sample evaluation, with the first project renamed to a hostile name."""
    res = evaluate(system, bundled.sample_assessment_paths(SYSTEM), seed=11)
    names = (HOSTILE_NAME, *res.project_names[1:])
    return dataclasses.replace(res, project_names=names)


@pytest.fixture(scope="session")
def sensitivity(result: EvaluationResult, system: IndicatorSystem) -> SensitivityAnalysis:
    return analyse_sensitivity(result, system, samples=400, seed=5)


@pytest.fixture(scope="session")
def page(result: EvaluationResult, system: IndicatorSystem, sensitivity: SensitivityAnalysis) -> str:
    return render_html(result, system=system, sensitivity=sensitivity, command=COMMAND)


@pytest.fixture(scope="session")
def page_file(page: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(page, encoding="utf-8")
    return path
