"""``ppeval ahp`` with several experts' matrices (AIJ, as the library) and ``--strict``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ppeval import ahp
from ppeval.cli import EXIT_INPUT, EXIT_OK, main

CONSISTENT = ",a,b,c\na,1,2,4\nb,1/2,1,2\nc,1/4,1/2,1\n"
OTHER = ",c,a,b\nc,1,1/3,1/3\na,3,1,1\nb,3,1,1\n"  # another expert, rows in another order
INCONSISTENT = ",a,b,c,d\na,1,2,4,1/2\nb,1/2,1,2,4\nc,1/4,1/2,1,2\nd,2,1/4,1/2,1\n"


def _write(folder: Path, name: str, text: str) -> Path:
    p = folder / name
    p.write_text(text, encoding="utf-8")
    return p


def _priorities(out: str, labels: list[str]) -> dict[str, float]:
    found = {}
    for line in out.splitlines():
        cells = [c.strip() for c in line.strip("│").split("│")]
        if len(cells) == 3 and cells[1] in labels and cells[0].isdigit():
            found[cells[1]] = float(cells[2])
    return found


def test_several_experts_are_aggregated_like_the_library(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """AIJ (Aczel & Saaty 1983): the group priorities equal ahp.priorities(ahp.aggregate(...))."""
    e1 = _write(tmp_path, "e1.csv", CONSISTENT)
    e2 = _write(tmp_path, "e2.csv", OTHER)
    assert main(["ahp", str(e1), str(e2), "--expert-weights", "3,1"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "Experts (2)" in out
    assert "Group priorities (AIJ)" in out
    m1 = np.array([[1, 2, 4], [1 / 2, 1, 2], [1 / 4, 1 / 2, 1]])
    m2 = np.array([[1, 1, 3], [1, 1, 3], [1 / 3, 1 / 3, 1]])  # e2 in the order a, b, c
    want = ahp.priorities(ahp.aggregate(np.stack([m1, m2]), weights=[0.75, 0.25])).weights
    got = _priorities(out, ["a", "b", "c"])
    np.testing.assert_allclose([got["a"], got["b"], got["c"]], want, atol=5e-5)


def test_strict_fails_on_an_inconsistent_expert(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = _write(tmp_path, "bad.csv", INCONSISTENT)
    assert main(["ahp", str(bad)]) == EXIT_OK  # without --strict: reported, exit 0
    capsys.readouterr()
    assert main(["ahp", str(bad), "--strict"]) == EXIT_INPUT
    err = capsys.readouterr().err
    assert "--strict: CR above the threshold for" in err
    assert "bad.csv" in err
    good = _write(tmp_path, "good.csv", CONSISTENT)
    assert main(["ahp", str(good), "--strict"]) == EXIT_OK


def test_strict_names_the_inconsistent_expert_among_several(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    a = _write(tmp_path, "a.csv", ",a,b,c,d\na,1,2,4,8\nb,1/2,1,2,4\nc,1/4,1/2,1,2\nd,1/8,1/4,1/2,1\n")
    b = _write(tmp_path, "b.csv", INCONSISTENT)
    assert main(["ahp", str(a), str(b), "--strict"]) == EXIT_INPUT
    captured = capsys.readouterr()
    assert "b.csv (CR = " in captured.err
    assert "a.csv (CR" not in captured.err
    assert "NOT consistent" in captured.out


def test_experts_must_compare_the_same_elements(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = _write(tmp_path, "a.csv", CONSISTENT)
    b = _write(tmp_path, "b.csv", INCONSISTENT)
    assert main(["ahp", str(a), str(b)]) == EXIT_INPUT
    assert "must compare the same elements" in capsys.readouterr().err
    assert main(["ahp", str(a), str(a), "--expert-weights", "1"]) == EXIT_INPUT
    assert "1 weights for 2 matrices" in capsys.readouterr().err


def test_output_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--lang zh: headings, verdicts and advice in Chinese; the numbers as in English."""
    e1 = _write(tmp_path, "e1.csv", INCONSISTENT)
    e2 = _write(tmp_path, "e2.csv", INCONSISTENT)
    assert main(["ahp", str(e1), str(e2), "--lang", "zh"]) == EXIT_OK
    zh = capsys.readouterr().out
    assert main(["ahp", str(e1), str(e2)]) == EXIT_OK
    en = capsys.readouterr().out
    for word in ("Experts", "Group priorities", "consistent", "Judgments to revise", "Revise one judgment"):
        assert word in en
        assert word not in zh
    assert "群组权重" in zh
    assert "未通过一致性检验" in zh
    assert _priorities(zh, ["a", "b", "c", "d"]) == _priorities(en, ["a", "b", "c", "d"])
