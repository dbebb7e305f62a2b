"""Report sections of the evidence uncertainty (purchaser's page) and of two rounds compared."""

from __future__ import annotations

import numpy as np

from ppeval.io import bundled
from ppeval.pipeline import analyse_uncertainty, compare, evaluate
from ppeval.report._blocks import Figure, Paragraph, Table
from ppeval.report._uncertainty import rounds_section, uncertainty_section
from ppeval.schema import IndicatorSystem

SYSTEM, DATA = bundled.load_sample("community-4stage")


def _with_decisions() -> IndicatorSystem:
    data = SYSTEM.model_dump(exclude_none=True)
    data["evaluation"]["decisions"] = [
        {"name": "full payment", "min": 80, "release": 1.0, "action": "renew"},
        {"name": "80 % and a warning", "min": 60, "release": 0.8, "action": "warning"},
        {"name": "no final payment", "min": 0, "release": 0.0, "action": "exclude"},
    ]
    return IndicatorSystem.model_validate(data)


def test_purchaser_section_lists_every_project_by_name_with_payments() -> None:
    system = _with_decisions()
    result = evaluate(system, DATA)
    u = analyse_uncertainty(result, system, DATA, samples=300, seed=2)
    sec = uncertainty_section(result, u, system)
    assert sec.id == "certainty"
    tables = [b for b in sec.blocks if isinstance(b, Table)]
    main = tables[0]
    assert "At risk" in main.header
    assert "Decision" in main.header
    assert {row[0] for row in main.rows} == set(result.project_names)
    lead = [b for b in sec.blocks if isinstance(b, Paragraph)][0].text
    assert u.payments is not None
    assert f"{u.payments.total_money_at_risk:,.0f}" in lead
    # the boundary table names indicators, not ids
    names = {leaf.name for leaf in system.leaves()}
    assert all(row[2] in names or row[2] == "no single value" for row in tables[1].rows)


def test_rounds_section_has_the_slope_chart_and_every_project() -> None:
    result = evaluate(SYSTEM, DATA)
    c = compare(result, result)
    sec = rounds_section(c, SYSTEM, earlier_label="mid-term", later_label="final")
    figs = [b for b in sec.blocks if isinstance(b, Figure)]
    assert len(figs) == 1
    assert "mid-term" in figs[0].svg
    table = [b for b in sec.blocks if isinstance(b, Table)][0]
    assert len(table.rows) == len(result.project_ids)
    assert np.all([row[3] == "+0.0" for row in table.rows])
