"""Empty data templates: headers, header notes, data validation that matches what the system accepts."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import openpyxl
import pytest

import ppeval
from ppeval import io
from ppeval.errors import InputError
from ppeval.io.template import TEMPLATE_ROWS, write_template
from ppeval.schema import Qualitative

SYSTEMS = io.list_systems()


def _validations(ws: openpyxl.worksheet.worksheet.Worksheet) -> dict[str, object]:
    out = {}
    for dv in ws.data_validations.dataValidation:
        for rng in str(dv.sqref).split():
            out[rng.split(":")[0].rstrip("0123456789")] = dv
    return out


@pytest.mark.parametrize("name", SYSTEMS)
def test_workbook_template_validations(tmp_path: Path, name: str) -> None:
    system = io.load_bundled(name)
    (out,) = write_template(system, tmp_path / "data.xlsx")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[1:] == ["projects", "values", "ratings", "lists"]
    assert wb["lists"].sheet_state == "hidden"
    values = wb["values"]
    header = [c.value for c in values[1]]
    quant = [i for i in system.quantitative_leaf_ids if i not in system.derived_leaf_ids]  # DEA: computed
    assert header[: 1 + len(quant)] == ["project", *quant]
    assert header[1 + len(quant):] == ["note", *(f"note:{i}" for i in system.leaf_ids)]
    dvs = _validations(values)
    for j, lid in enumerate(quant, start=2):
        leaf = system.leaf(lid)
        letter = openpyxl.utils.get_column_letter(j)
        dv = dvs[letter]
        assert str(dv.sqref) == f"{letter}2:{letter}{TEMPLATE_ROWS + 1}"
        assert dv.showErrorMessage
        comment = values.cell(1, j).comment.text
        assert (leaf.names or {}).get("zh", leaf.name) in comment  # the Chinese name where the system has one
        if leaf.span is None:
            assert (dv.type, dv.formula1) == ("custom", f"ISNUMBER({letter}2)")
        else:
            assert (dv.type, dv.operator) == ("decimal", "between")
            assert (float(dv.formula1), float(dv.formula2)) == leaf.span
    # ratings: indicator drop-down of the qualitative ids, rating drop-down of that indicator's scale
    ratings = wb["ratings"]
    assert [c.value for c in ratings[1]] == ["project", "indicator", "rater", "group", "rating"]
    rdv = _validations(ratings)
    qual = list(system.qualitative_leaf_ids)
    if qual:
        assert rdv["B"].type == "list"
        assert rdv["B"].formula1 == "=qualitative_indicators"
        assert rdv["E"].formula1 == '=INDIRECT("scale_"&MATCH($B2,qualitative_indicators,0))'
        names = wb.defined_names
        ids_ref = names["qualitative_indicators"].attr_text
        assert ids_ref == f"lists!$A$2:$A${len(qual) + 1}"
        lists = wb["lists"]
        assert [lists.cell(k + 2, 1).value for k in range(len(qual))] == qual
        for k, lid in enumerate(qual):
            leaf = system.leaf(lid)
            assert isinstance(leaf, Qualitative)
            sheet, cells = names[f"scale_{k + 1}"].attr_text.split("!")
            first, last = cells.replace("$", "").split(":")
            col = first.rstrip("0123456789")
            entries = [lists[f"{col}{r}"].value for r in range(int(first[len(col):]), int(last[len(col):]) + 1)]
            want = list(leaf.scale.term_labels or [int(v) for v in leaf.scale.values])
            assert entries == want


@pytest.mark.parametrize("name", SYSTEMS)
def test_what_the_validations_allow_the_system_accepts(tmp_path: Path, name: str) -> None:
    """Every value at the edges of a decimal validation and every drop-down entry is accepted by the reader."""
    system = io.load_bundled(name)
    (out,) = write_template(system, tmp_path / "data.xlsx")
    wb = openpyxl.load_workbook(out)
    quant = [i for i in system.quantitative_leaf_ids if i not in system.derived_leaf_ids]
    dvs = _validations(wb["values"])
    rows = []
    for edge in ("formula1", "formula2"):
        row = [f"p_{edge}"]
        for j in range(2, 2 + len(quant)):
            dv = dvs[openpyxl.utils.get_column_letter(j)]
            row.append(getattr(dv, edge) if dv.type == "decimal" else "1.5")
        rows.append(row)
    with (tmp_path / "values.csv").open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([["project", *quant], *rows])
    lists = wb["lists"]
    groups = system.evaluation.rater_group_weights
    group = sorted(groups)[0] if groups else "expert"  # the group drop-down offers the weighted groups
    rating_rows = []
    for k, lid in enumerate(system.qualitative_leaf_ids):
        for r in range(2, lists.max_row + 1):
            answer = lists.cell(r, k + 2).value
            if answer is not None:
                for pid in ("p_formula1", "p_formula2"):
                    rating_rows.append([pid, lid, f"r{r}", group, answer])
    with (tmp_path / "ratings.csv").open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([["project", "indicator", "rater", "group", "rating"], *rating_rows])
    paths = [tmp_path / "values.csv"] + ([tmp_path / "ratings.csv"] if rating_rows else [])
    assessment = io.load_assessment(paths, system)
    assert assessment.n_projects == 2


def test_group_drop_down(tmp_path: Path) -> None:
    system = next(io.load_bundled(n) for n in SYSTEMS if io.load_bundled(n).evaluation.rater_group_weights)
    (out,) = write_template(system, tmp_path / "data.xlsx")
    dv = _validations(openpyxl.load_workbook(out)["ratings"])["D"]
    assert dv.formula1 == '"' + ",".join(sorted(system.evaluation.rater_group_weights or {})) + '"'


def test_guide_sheet_lists_points_and_rules(tmp_path: Path) -> None:
    system = io.load_bundled("budget-performance")
    (out,) = write_template(system, tmp_path / "data.xlsx", language="en")
    guide = openpyxl.load_workbook(out)["Guide"]
    rows = {r[0]: r for r in guide.iter_rows(min_row=2, values_only=True)}
    assert rows["completion_rate"][6] == 9
    assert rows["completion_rate"][7] == "full marks (9) at or above 100%; 1 off per 3% below, down to 0"
    assert rows["user_satisfaction"][3] == "ratings"


def test_csv_template(tmp_path: Path) -> None:
    system = io.load_bundled("budget-performance")
    written = write_template(system, tmp_path / "data.csv", notes=False)
    assert [p.name for p in written] == ["data.projects.csv", "data.values.csv", "data.ratings.csv"]
    assert (tmp_path / "data.values.csv").read_text(encoding="utf-8").strip() == ",".join(
        ["project", *system.quantitative_leaf_ids])
    # filled in, the values template loads
    with (tmp_path / "data.values.csv").open("a", encoding="utf-8") as f:
        f.write("x1," + ",".join("5" for _ in system.quantitative_leaf_ids) + "\n")
    a = io.load_assessment(tmp_path / "data.values.csv", system, missing="worst")
    assert a.project_ids == ("x1",)


def test_template_bad_input(tmp_path: Path) -> None:
    system = io.load_bundled("budget-performance")
    write_template(system, tmp_path / "d.xlsx")
    with pytest.raises(InputError, match="exists"):
        write_template(system, tmp_path / "d.xlsx")
    write_template(system, tmp_path / "d.xlsx", overwrite=True)
    with pytest.raises(InputError, match="unknown template type"):
        write_template(system, tmp_path / "d.ods")
    with pytest.raises(InputError, match="IndicatorSystem"):
        write_template("budget-performance", tmp_path / "e.xlsx")  # type: ignore[arg-type]
    (tmp_path / "f.values.csv").write_text("keep", encoding="utf-8")
    with pytest.raises(InputError, match="f.values.csv exists"):
        write_template(system, tmp_path / "f.csv")
    assert not (tmp_path / "f.projects.csv").exists()
    assert ppeval.io.write_template is write_template


def test_filled_template_workbook_evaluates_like_the_csv_files(tmp_path: Path) -> None:
    """Template -> workbook filled with the sample data -> the same assessment as the CSV files."""
    system, csv_assessment = io.load_sample("budget-performance")
    (out,) = write_template(system, tmp_path / "data.xlsx")
    wb = openpyxl.load_workbook(out)
    for path in io.sample_assessment_paths("budget-performance"):
        sheet = wb[path.name.split(".")[-2]]
        header = [c.value for c in sheet[1]]
        with path.open(encoding="utf-8", newline="") as f:
            for rec in csv.DictReader(f):
                row = []
                for h in header:
                    v = rec.get(h)
                    try:
                        row.append(float(v) if v not in (None, "") and h not in ("project", "period") else v)
                    except ValueError:
                        row.append(v)
                sheet.append(row)
    values = wb["values"]
    col = [c.value for c in values[1]].index("note:completion_rate") + 1
    values.cell(2, col, "两次活动因汛期顺延")
    wb.save(out)
    a = io.load_assessment(out, system)
    assert a.project_ids == csv_assessment.project_ids
    np.testing.assert_array_equal(a.values, csv_assessment.values)
    assert dict(a.notes) == {("b01", "completion_rate"): "两次活动因汛期顺延"}
    r = ppeval.evaluate(system, a, method="wsm")
    r_csv = ppeval.evaluate(system, csv_assessment, method="wsm")
    np.testing.assert_array_equal(r.score_100, r_csv.score_100)
    assert r.provenance.assessment_hash == r_csv.provenance.assessment_hash
    assert {row.indicator: row.note for row in r.scoring_sheet(system, "b01").rows}["completion_rate"] == \
        "两次活动因汛期顺延"
