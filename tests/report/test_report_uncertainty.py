"""Report sections of the evidence uncertainty (purchaser's page) and of two rounds compared."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from ppeval.errors import InputError
from ppeval.io import bundled
from ppeval.pipeline import analyse_uncertainty, compare, evaluate
from ppeval.report import project_names_in
from ppeval.report._blocks import Figure, Paragraph, Subsection, Table
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
    sec = rounds_section(c, SYSTEM, result=result, earlier_label="mid-term", later_label="final")
    figs = [b for b in sec.blocks if isinstance(b, Figure)]
    assert len(figs) == 1
    assert "mid-term" in figs[0].svg
    table = [b for b in sec.blocks if isinstance(b, Table)][0]
    assert len(table.rows) == len(result.project_ids)
    assert np.all([row[3] == "+0.0" for row in table.rows])


# --------------------------------------------------------------------------- wired into the report


def _conclusions(doc: Any) -> Any:
    return next(s for s in doc.sections if s.id == "conclusions")


@pytest.mark.parametrize(("lang", "title", "at_risk"), [("en", "How sure is each grade?", "At risk"),
                                                         ("zh", "评价等级的确定性", "风险金额")])
def test_report_opens_the_conclusions_with_the_certainty(lang: str, title: str, at_risk: str) -> None:
    """Chapter 6 starts with grade certainty, decisions and money at risk, every text translated."""
    from ppeval.report import render_docx, render_html, render_markdown, report_document
    from ppeval.report.i18n import Language

    system = _with_decisions()
    result = evaluate(system, DATA)
    u = analyse_uncertainty(result, system, DATA, samples=200, seed=3)
    t = Language(lang)
    names = project_names_in(DATA, lang)
    doc = report_document(result, system=system, lang=t, uncertainty=u, project_names=names)
    first = _conclusions(doc).blocks[0]
    assert isinstance(first, Subsection)
    assert first.id == "certainty"
    assert first.title == title
    table = next(b for b in first.blocks if isinstance(b, Table))
    assert at_risk in table.header
    # names in the report's language, never ids
    assert {row[0] for row in table.rows} == {names[p] for p in result.project_ids}
    assert not {row[0] for row in table.rows} & set(result.project_ids)
    assert t.missing == set()
    if lang == "zh":
        assert "付款" in "".join(table.header) + first.blocks[0].text  # type: ignore[union-attr]
        leaf_names = {leaf.names["zh"] for leaf in system.leaves() if leaf.names}
        boundary = [b for b in first.blocks if isinstance(b, Table)][1]
        assert all(row[2] in leaf_names or row[2] == "单项指标无法改变等级" for row in boundary.rows)
        notes = [b.text for b in first.blocks if isinstance(b, Paragraph) and b.kind == "note"]
        assert "没有指标声明测量不确定性：测量值保持不变" in notes  # the analysis' fixed notes are translated
    page = render_html(result, system=system, lang=lang, uncertainty=u)
    assert title in page
    assert page.index(title) > page.index('id="conclusions"')
    assert title in render_markdown(result, system=system, lang=lang, uncertainty=u).text
    docx = render_docx(result, system=system, lang=lang, uncertainty=u)
    assert docx[:2] == b"PK"


def test_one_project_report_shows_its_own_certainty() -> None:
    from ppeval.report import report_document

    system = _with_decisions()
    result = evaluate(system, DATA)
    u = analyse_uncertainty(result, system, DATA, samples=100, seed=3, boundary=False)
    pid = result.project_ids[2]
    doc = report_document(result, system=system, uncertainty=u, project=pid)
    sub = _conclusions(doc).blocks[0]
    table = next(b for b in sub.blocks if isinstance(b, Table))
    assert [row[0] for row in table.rows] == [result.project_names[2]]
    assert u.payments is not None
    lead = sub.blocks[0].text
    assert f"{float(u.payments.money_at_risk[2]):,.0f}" in lead


def test_many_projects_are_cut_with_a_note(monkeypatch: pytest.MonkeyPatch) -> None:
    """Beyond MAX_ROWS only the least sure grades are listed, with a pointer to the workbook."""
    import ppeval.report._uncertainty as mod
    from ppeval.report import report_document

    monkeypatch.setattr(mod, "MAX_ROWS", 3)
    system = _with_decisions()
    result = evaluate(system, DATA)
    u = analyse_uncertainty(result, system, DATA, samples=100, seed=3, boundary=False)
    sub = _conclusions(report_document(result, system=system, uncertainty=u)).blocks[0]
    table = next(b for b in sub.blocks if isinstance(b, Table))
    assert len(table.rows) == 3
    assert any("workbook" in b.text for b in sub.blocks if isinstance(b, Paragraph))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_report_with_two_rounds_compared(lang: str) -> None:
    from ppeval.report import render_html, report_document
    from ppeval.report.i18n import Language

    result = evaluate(SYSTEM, DATA)
    c = compare(result, result)
    t = Language(lang)
    doc = report_document(result, system=SYSTEM, lang=t, comparison=c, round_labels=("2024", "2025"))
    sub = _conclusions(doc).blocks[0]
    assert isinstance(sub, Subsection)
    assert sub.id == "rounds"
    assert sub.title == ("Rounds compared" if lang == "en" else "两轮评价对比")
    assert any(isinstance(b, Figure) for b in sub.blocks)
    assert t.missing == set()
    page = render_html(result, system=SYSTEM, lang=lang, comparison=c)
    assert "<svg" in page[page.index('id="conclusions"'):]


def test_report_rejects_a_wrong_uncertainty() -> None:
    from ppeval.report import report_document

    result = evaluate(SYSTEM, DATA)
    with pytest.raises(InputError, match="uncertainty must be an UncertaintyAnalysis"):
        report_document(result, system=SYSTEM, uncertainty=result)  # type: ignore[arg-type]
    u = analyse_uncertainty(result, SYSTEM, DATA, samples=50, seed=1, boundary=False)
    with pytest.raises(InputError, match="needs system="):
        report_document(result, uncertainty=u)
    with pytest.raises(InputError, match="comparison must be a RoundComparison"):
        report_document(result, system=SYSTEM, comparison=u)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="round_labels"):
        report_document(result, system=SYSTEM, comparison=compare(result, result), round_labels=("a", ""))
