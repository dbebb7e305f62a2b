"""The scoring sheet (评分表) in the report: full in a one-project report, compact or a note otherwise."""

from __future__ import annotations

import dataclasses

import pytest

from ppeval.io import bundled
from ppeval.pipeline import EvaluationResult, evaluate
from ppeval.report import project_names_in, render_html, report_document
from ppeval.report._blocks import Document, Paragraph, Subsection, Table
from ppeval.report.i18n import Language

SYSTEM, DATA = bundled.load_sample("community-4stage")


@pytest.fixture(scope="module")
def result() -> EvaluationResult:
    return evaluate(SYSTEM, DATA)


def _sheet(doc: Document) -> Subsection:
    results = next(s for s in doc.sections if s.id == "results")
    return next(b for b in results.blocks if isinstance(b, Subsection) and b.id == "scoring-sheet")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_one_project_report_has_its_full_scoring_sheet(result: EvaluationResult, lang: str) -> None:
    """Every indicator by name with its points; the points earned add up to the sheet's total."""
    t = Language(lang)
    pid = result.project_ids[1]
    doc = report_document(result, system=SYSTEM, lang=t, project=pid, project_names=project_names_in(DATA, lang))
    sub = _sheet(doc)
    assert sub.title == ("Scoring sheet" if lang == "en" else "评分表")
    table = next(b for b in sub.blocks if isinstance(b, Table))
    sheet = result.scoring_sheet(SYSTEM, pid)
    leaf_names = {leaf.id: (leaf.names or {}).get(lang, leaf.name) if lang != "en" else leaf.name
                  for leaf in SYSTEM.leaves()}
    shown = [row[0] for row, level in zip(table.rows, table.indent, strict=True) if level == 1]
    assert shown == [leaf_names[r.indicator] for r in sheet.rows]
    assert table.rows[-1][-1] == t.num(sheet.earned, 2)
    earned = sum(float(row[-1].replace(",", "")) for row, level in zip(table.rows, table.indent, strict=True)
                 if level == 1)
    assert earned == pytest.approx(sheet.earned, abs=0.01 * len(sheet.rows))
    if lang == "zh":
        assert "分值" in table.header
        assert any(r.rule_zh == row[2] for r in sheet.rows for row in table.rows)
    assert t.missing == set()


def test_all_project_report_has_points_per_dimension(result: EvaluationResult) -> None:
    doc = report_document(result, system=SYSTEM, lang="zh")
    table = next(b for b in _sheet(doc).blocks if isinstance(b, Table))
    assert len(table.rows) == len(result.project_ids)
    sheets = {s.project: s for s in (result.scoring_sheet(SYSTEM, p) for p in result.project_ids)}
    top = result.project_ids[int(result.ranks.argmin())]
    assert table.rows[0][-1] == Language("zh").num(sheets[top].earned, 2)
    assert table.header[-1].startswith("合计")


def test_many_projects_get_a_note_not_a_table(result: EvaluationResult, monkeypatch: pytest.MonkeyPatch) -> None:
    """Beyond SHEETS_IN_REPORT projects the report points to the workbook, so it stays small."""
    from ppeval.report.sections import results as mod

    monkeypatch.setattr(mod, "SHEETS_IN_REPORT", 3)
    sub = _sheet(report_document(result, system=SYSTEM))
    assert [type(b) for b in sub.blocks] == [Paragraph]
    assert "workbook" in sub.blocks[0].text  # type: ignore[union-attr]


def test_no_scoring_sheet_without_the_system(result: EvaluationResult) -> None:
    page = render_html(result)
    assert 'id="scoring-sheet"' not in page
    assert "Scoring sheet" in render_html(result, system=SYSTEM)


def test_renamed_project_shown_by_its_new_name(result: EvaluationResult) -> None:
    renamed = dataclasses.replace(result, project_names=tuple(f"P-{n}" for n in result.project_names))
    sub = _sheet(report_document(renamed, system=SYSTEM, project=result.project_ids[0]))
    assert isinstance(sub.blocks[0], Table)
    assert sub.blocks[0].caption is not None
    assert "P-" in sub.blocks[0].caption


