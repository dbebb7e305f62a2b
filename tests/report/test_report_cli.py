"""The command line in Chinese: ``ppeval demo --lang zh --report r.docx`` / ``r.html`` and friends."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from ppeval.cli import main
from ppeval.io import bundled
from ppeval.report.i18n import Language
from ppeval.report.sections import section_titles

ZH_TITLES = section_titles(Language("zh"))


@pytest.mark.parametrize("name", ["r.docx", "r.html"])
def test_demo_in_chinese(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A complete Chinese report of the bundled community system, and Chinese output."""
    monkeypatch.chdir(tmp_path)
    assert main(["demo", "--lang", "zh", "--report", name, "--samples", "200"]) == 0
    out = capsys.readouterr().out
    assert "ppeval 演示：内置指标体系" in out
    assert "清水社区家庭服务中心" in out  # project names in Chinese (name_zh)
    assert f"报告已写入 {name}" in out
    assert "评价结果已写入" in out
    assert "名次" in out
    assert "Qingshui" not in out
    path = tmp_path / name
    if name.endswith(".html"):
        page = path.read_text(encoding="utf-8")
        for title in ZH_TITLES:
            assert f"<h2>{title}</h2>" in page
        assert "排名可接受度（蒙特卡洛模拟）" in page
    else:
        import docx

        doc = docx.Document(io.BytesIO(path.read_bytes()))
        h1 = [p.text for p in doc.paragraphs if p.style is not None and p.style.name == "Heading 1"]
        assert h1 == ZH_TITLES
        assert len(doc.inline_shapes) == 8


def test_evaluate_one_project_with_narrative(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    system = bundled.system_path("community-4stage")
    data = [str(p) for p in bundled.sample_assessment_paths("community-4stage")]
    narrative = tmp_path / "narrative.yaml"
    narrative.write_text("evaluation:\n  recommendations: 建议加强需求调研。\nprojects:\n  c03:\n"
                         "    problems: 服务对象成效偏低。\n", encoding="utf-8")
    report = tmp_path / "c03.html"
    code = main(["evaluate", str(system), *data, "--lang", "zh", "--narrative", str(narrative), "--project", "c03",
                 "--report", str(report), "--samples", "0"])
    assert code == 0, capsys.readouterr().err
    page = report.read_text(encoding="utf-8")
    assert "项目绩效评价报告" in page
    assert "服务对象成效偏低。" in page
    assert "建议加强需求调研。" in page
    assert "东风社区青少年服务" in page


def test_other_commands_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["systems", "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert "内置指标体系" in out
    assert "社区购买公共服务项目绩效评价" in out
    system = bundled.system_path("community-4stage")
    data = [str(p) for p in bundled.sample_assessment_paths("community-4stage")]
    result = tmp_path / "result.json"
    assert main(["evaluate", str(system), *data, "--json", str(result), "--seed", "1"]) == 0
    capsys.readouterr()
    assert main(["reproduce", str(result), str(system), *data, "--lang", "zh"]) == 0
    assert "核验通过" in capsys.readouterr().out


def test_validate_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    system = bundled.system_path("community-4stage")
    data = [str(p) for p in bundled.sample_assessment_paths("community-4stage")]
    assert main(["validate", str(system), *data, "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert "指标体系 'community-4stage' 有效（23 项指标" in out
    assert "评价数据有效（8 个项目" in out
    assert "读取方式" in out


def test_unknown_language_is_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--lang", "fr"]) == 2
    assert "invalid choice: 'fr'" in capsys.readouterr().err


def test_unknown_report_suffix(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["demo", "--report", "r.pdf", "--samples", "0"]) == 2
    assert "use a .docx, .html or .md file name" in capsys.readouterr().err
