"""Reports in Chinese and English: catalogs, full translation, names not ids, narrative, one-project reports."""

from __future__ import annotations

import datetime as dt
import gettext
import html
import re
import string
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ppeval.errors import DataError, InputError, SchemaError
from ppeval.io import bundled, load_narrative
from ppeval.pipeline import EvaluationResult
from ppeval.report import (
    SECTIONS,
    SensitivityAnalysis,
    available_languages,
    fonts,
    project_names_in,
    render_html,
    report_document,
    write_report,
)
from ppeval.report.i18n import Language, locale_dir
from ppeval.report.sections import section_titles
from ppeval.schema import IndicatorSystem
from ppeval.schema.narrative import Narrative

REPO = Path(__file__).resolve().parents[2]
POT = REPO / "src" / "ppeval" / "locale" / "ppeval.pot"
ZH_PO = REPO / "src" / "ppeval" / "locale" / "zh" / "LC_MESSAGES" / "ppeval.po"

NARRATIVE = {
    "evaluation": {
        "overview": "本次评价对象为八个社区购买服务项目。\n\n资金来源为街道办事处公共服务预算。",
        "organisation": "评价工作组于2024年3月进场，完成问卷调查和现场核查。",
        "problems": "部分项目居民参与不足。",
        "recommendations": "建议加强需求调研。",
    },
    "projects": {"c03": {"problems": "东风社区青少年服务的服务对象成效偏低。"}},
}


def _msgids(catalog: Any) -> set[str]:
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}


def _visible_text(page: str) -> str:
    """The text a reader sees, without the SVG figures, code and the provenance block."""
    body = re.sub(r"<svg\b.*?</svg>", " ", page, flags=re.S)
    body = re.sub(r'<section id="provenance">.*?</section>', " ", body, flags=re.S)
    body = re.sub(r"<(code|pre|style|title)\b.*?</\1>", " ", body, flags=re.S)
    body = re.sub(r"<[^>]+>", " ", body)
    return html.unescape(body)


@pytest.fixture(scope="module")
def narrative() -> Narrative:
    return Narrative.model_validate(NARRATIVE)


@pytest.fixture(scope="module")
def zh_lang() -> Language:
    return Language("zh")


@pytest.fixture(scope="module")
def zh_page(result: EvaluationResult, system: IndicatorSystem, sensitivity: SensitivityAnalysis,
            narrative: Narrative, zh_lang: Language) -> str:
    from ppeval.report.html import render_document

    names = project_names_in(bundled.load_sample("community-4stage")[1], "zh")
    doc = report_document(result, system=system, sensitivity=sensitivity, lang=zh_lang, narrative=narrative,
                          project_names=names, date=dt.date(2026, 12, 5))
    return render_document(doc)


# --------------------------------------------------------------------------- catalogs


def test_template_lists_every_message_of_the_code() -> None:
    """ppeval.pot is what Babel extracts from the code now (regenerate with the command in babel.cfg)."""
    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po

    extracted = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(
            str(REPO / "src" / "ppeval"), method_map=[("**.py", "python")],
            keywords={"_": None, "N_": None, "n_": (1, 2)}):
        extracted.add(message if isinstance(message, str) else message[0])
    with POT.open("rb") as fh:
        template = _msgids(read_po(fh))
    assert extracted - template == set(), "messages missing from ppeval.pot"
    assert template - extracted == set(), "obsolete messages in ppeval.pot"


def test_every_message_translated_to_chinese() -> None:
    """Every message of the template has a Chinese translation, not fuzzy, with the same {fields}."""
    from babel.messages.pofile import read_po

    with POT.open("rb") as fh:
        template = _msgids(read_po(fh))
    with ZH_PO.open("rb") as fh:
        zh = read_po(fh)
    translated = {}
    for m in zh:
        if not m.id:
            continue
        key = m.id if isinstance(m.id, str) else m.id[0]
        text = m.string if isinstance(m.string, str) else m.string[0]
        assert not m.fuzzy, key
        translated[key] = text
        assert _fields(text) == _fields(key), f"{key!r}: the translation changes the placeholders"
    missing = sorted(k for k in template if not translated.get(k))
    assert missing == []
    assert set(translated) == template


def test_compiled_catalog_matches_the_po_file() -> None:
    """The shipped .mo is compiled from the current .po (recompile with Babel after editing the .po)."""
    from babel.messages.pofile import read_po

    with ZH_PO.open("rb") as fh:
        po = {m.id: m.string for m in read_po(fh) if m.id}
    with (ZH_PO.with_suffix(".mo")).open("rb") as fh:
        mo = gettext.GNUTranslations(fh)
    for key, text in po.items():
        if isinstance(key, tuple):
            assert mo.ngettext(key[0], key[1], 1) == text[0]
        else:
            assert mo.gettext(key) == text, key


def test_languages_found_from_the_catalogs() -> None:
    assert available_languages() == ("en", "zh")
    assert (locale_dir() / "zh" / "LC_MESSAGES" / "ppeval.mo").is_file()
    with pytest.raises(InputError, match="lang is 'fr'; expected one of 'en', 'zh'"):
        Language("fr")


def test_numbers_percentages_dates_per_language() -> None:
    zh, en = Language("zh"), Language("en")
    day = dt.date(2026, 12, 5)
    assert zh.date(day) == "2026年12月5日"
    assert en.date(day) == "December 5, 2026"
    assert en.num(12345.678, 2) == "12,345.68"
    assert zh.num(12345.678, 1) == "12,345.7"
    assert en.pct(0.1234) == "12.3%"
    assert zh.pct(0.5, 0) == "50%"
    assert zh.join(["a", "b"]) == "a\u3001b"
    assert en.join(["a", "b"]) == "a, b"
    assert zh.n_("{n} project evaluated against {what}", "{n} projects evaluated against {what}", 3) \
        == "依据{what}评价了 {n} 个项目"


# --------------------------------------------------------------------------- the Chinese report


def test_chinese_report_is_fully_translated(zh_page: str, zh_lang: Language) -> None:
    """No text of the report was looked up without a translation, and no English sentence is left."""
    assert zh_lang.missing == set()
    from babel.messages.pofile import read_po

    with POT.open("rb") as fh:
        english = [m for m in _msgids(read_po(fh)) if len(m.split()) >= 4]
    text = _visible_text(zh_page)
    for msg in english:
        head = msg.split("{")[0].strip()
        if len(head.split()) >= 4:
            assert head not in text, f"untranslated: {head!r}"
    assert zh_page.startswith('<!DOCTYPE html>\n<html lang="zh-CN">')
    assert "2026年12月5日" in zh_page


def test_chinese_report_follows_the_outline(zh_page: str) -> None:
    """The chapters of the Ministry of Finance's outline (财预〔2020〕10号, 绩效评价报告参考提纲)."""
    titles = section_titles(Language("zh"))
    assert titles == ["一、基本概况", "二、组织实施情况", "三、指标体系、评价标准和评价方法", "四、绩效目标的实现程度",
                      "五、存在问题及原因分析", "六、评价结论及建议", "七、其他需要说明的问题"]
    headings = re.findall(r"<h2>(.*?)</h2>", zh_page)
    assert headings == ["目录", *titles]
    assert [sid for sid, _ in SECTIONS] == ["overview", "organisation", "method", "results", "problems",
                                          "conclusions", "other"]


def test_chinese_names_grades_and_projects(zh_page: str, system: IndicatorSystem) -> None:
    text = _visible_text(zh_page)
    for leaf in system.leaves():
        assert leaf.names is not None
        assert leaf.names["zh"] in text
    for label in ("优", "良", "中", "差"):
        assert label in text
    assert "清水社区家庭服务中心" in text  # name_zh of the projects file
    assert "Qingshui Community Family Service Centre" not in text


def test_names_not_ids(zh_page: str, page: str, result: EvaluationResult) -> None:
    """Figures show names only; tables show an indicator id only in brackets after its name."""
    for doc in (zh_page, page):
        figure_text = " ".join(re.findall(r"<text\b[^>]*>(.*?)</text>", doc, flags=re.S))
        assert figure_text.strip()
        for ind in result.indicator_ids:
            assert ind not in figure_text, f"indicator id {ind!r} in a figure"
        for pid in result.project_ids:
            assert not re.search(rf"\b{pid}\b", figure_text), f"project id {pid!r} in a figure"
        text = _visible_text(doc)
        for ind in result.indicator_ids:
            for m in re.finditer(rf"(?<![\w\[]){re.escape(ind)}(?!\w)", text):
                pytest.fail(f"indicator id {ind!r} shown without its name: ...{text[m.start() - 40:m.end() + 5]}")


def test_narrative_inserted_in_its_chapters(zh_page: str) -> None:
    def section(sid: str) -> str:
        start = zh_page.index(f'<section id="{sid}">')
        return zh_page[start:zh_page.index("</section>\n", start)]

    overview = section("overview")
    assert "<p>本次评价对象为八个社区购买服务项目。</p>\n<p>资金来源为街道办事处公共服务预算。</p>" in overview
    assert "评价工作组于2024年3月进场" in section("organisation")
    assert "部分项目居民参与不足。" in section("problems")
    assert "建议加强需求调研。" in section("conclusions")
    assert "由评价人员撰写" not in section("overview")
    assert "东风社区青少年服务的服务对象成效偏低" not in zh_page  # a project's text only in its own report


def test_narrative_file(tmp_path: Path) -> None:
    import yaml

    path = tmp_path / "narrative.yaml"
    path.write_text(yaml.safe_dump(NARRATIVE, allow_unicode=True), encoding="utf-8")
    n = load_narrative(path)
    assert n.part("problems", "c03") == "东风社区青少年服务的服务对象成效偏低。"
    assert n.part("recommendations", "c03") is None
    path.write_text("evaluation:\n  overveiw: x\n", encoding="utf-8")
    with pytest.raises(SchemaError, match=r"(?s)narrative.yaml: invalid narrative.*evaluation\.overveiw: unknown key"):
        load_narrative(path)


def test_placeholders_without_narrative(page: str) -> None:
    assert "Written by the evaluator: add <code>overview</code> to the narrative file." in page


def test_one_project_report(result: EvaluationResult, system: IndicatorSystem, sensitivity: SensitivityAnalysis,
                            narrative: Narrative) -> None:
    lang = Language("zh")
    page = render_html(result, system=system, sensitivity=sensitivity, lang=lang, narrative=narrative,
                       project="c03")
    assert lang.missing == set()
    i = result.project_ids.index("c03")
    assert "项目绩效评价报告" in page
    assert "东风社区青少年服务的服务对象成效偏低" in page  # the project's own narrative
    assert "建议加强需求调研。" in page  # falls back to the evaluation's text
    assert f"在 {len(result.project_ids)} 个项目中排名第 {int(result.ranks[i])}" in page
    # its sub-scores against the median of all projects
    assert "全部项目中位数" in page
    for k in range(len(result.node_ids)):
        assert f"<td class=\"num\">{result.node_scores[i, k]:.1f}</td>" in page
    en = render_html(result, system=system, project="c03")
    assert "Performance evaluation report of one project" in en
    with pytest.raises(InputError, match="project 'nope' is not in the result"):
        render_html(result, system=system, project="nope")
    with pytest.raises(InputError, match="narrative must be a Narrative"):
        render_html(result, system=system, narrative={"evaluation": {}})  # type: ignore[arg-type]


def test_english_report_unchanged_in_substance(page: str, result: EvaluationResult) -> None:
    """The English report shows the indicators' names, the English grade labels and the numbers."""
    text = _visible_text(page)
    assert "Residents' participation in choosing the project [resident_participation]" in text
    lead = int(np.argmin(result.ranks))
    assert f"{result.score_100[lead]:.2f}" in text


# --------------------------------------------------------------------------- fonts


def test_cjk_font_is_found() -> None:
    """A Chinese font from the fallback list is installed (CI installs fonts-noto-cjk)."""
    if not any(Path(p).exists() for p in ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/wqy")) \
            and fonts.cjk_font() is None:
        pytest.skip("no CJK font installed (Debian: apt-get install fonts-noto-cjk); CI installs one")
    assert fonts.cjk_font() in fonts.CJK_FONTS
    assert fonts.font_families()[-1] == fonts.cjk_font()


def test_missing_font_is_one_diagnostic(monkeypatch: pytest.MonkeyPatch, result: EvaluationResult,
                                        system: IndicatorSystem) -> None:
    """Without a CJK font: one warning in the report, no per-glyph warning (pytest turns warnings into errors)."""
    from ppeval.report import plots

    monkeypatch.setattr(fonts, "cjk_font", lambda: None)
    page = render_html(result, system=system, lang="zh")
    assert page.count("未找到用于图表的中文（CJK）字体") == 1
    png = plots.score_bars(["清水社区家庭服务中心", "锦绣社区"], [80.0, 60.0], output="png")
    assert isinstance(png, bytes)
    assert png.startswith(b"\x89PNG")
    assert "apt-get install fonts-noto-cjk" in fonts.missing_font_message()


def test_figure_labels_shortened() -> None:
    from ppeval.report import plots

    long = "项目设计依据需求评估结果并经居民代表会议讨论通过后实施"
    svg = plots.score_bars([long], [50.0])
    assert isinstance(svg, str)
    assert long not in svg
    assert plots.shorten(long) in svg
    assert plots.shorten(long).endswith("\u2026")


# --------------------------------------------------------------------------- writing


def test_write_report_is_atomic_and_by_suffix(tmp_path: Path, result: EvaluationResult,
                                              system: IndicatorSystem) -> None:
    (docx,) = write_report(tmp_path / "r.docx", result, system=system, lang="zh")
    assert docx.read_bytes()[:2] == b"PK"
    (page,) = write_report(tmp_path / "r.html", result, system=system, lang="zh")
    assert "基本概况" in page.read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.docx", "r.html"]  # no temporary files left
    assert docx.stat().st_mode & 0o044  # readable like any other file, not private to the owner
    steps: list[str] = []
    write_report(tmp_path / "p.md", result, system=system, progress=steps.append)
    assert steps == [sid for sid, _ in SECTIONS]


def test_project_names_per_language_in_every_format(tmp_path: Path) -> None:
    """Projects tables give names per language: ``name_zh`` columns (CSV) or ``names:`` / ``name_zh`` (JSON, YAML)."""
    import json

    from ppeval.io import load_assessment

    system = bundled.load_bundled("community-4stage")
    csv_names = project_names_in(bundled.load_sample("community-4stage")[1], "zh")
    assert csv_names["c01"] == "清水社区家庭服务中心"
    projects = [{"id": "c01", "name": "Qingshui", "names": {"zh": "清水"}}, {"id": "c02", "name_zh": "锦绣"},
                *({"id": f"c0{k}"} for k in range(3, 9))]
    path = tmp_path / "projects.json"
    path.write_text(json.dumps({"projects": projects}, ensure_ascii=False), encoding="utf-8")
    data = [p for p in bundled.sample_assessment_paths("community-4stage") if "projects" not in p.name]
    a = load_assessment([path, *data], system)
    names = project_names_in(a, "zh")
    assert (names["c01"], names["c02"], names["c03"]) == ("清水", "锦绣", "c03")
    assert project_names_in(a, "en")["c01"] == "Qingshui"
    path.write_text(json.dumps({"projects": [{"id": "c01", "names": {"Chinese": "清水"}}]}), encoding="utf-8")
    with pytest.raises(DataError, match="unknown key 'name_Chinese'"):  # a language code, not a language name
        load_assessment([path, *data], system)


# --------------------------------------------------------------------------- properties


@given(st.text(alphabet=st.sampled_from("ab 居民满意度xyz-_"), max_size=60), st.integers(4, 40))
def test_shorten_fits_and_keeps_a_prefix(label: str, width: int) -> None:
    from ppeval.report import plots

    out = plots.shorten(label, width)
    cols = sum(2 if ord(ch) >= 0x1100 else 1 for ch in out)
    assert cols <= max(width, sum(2 if ord(ch) >= 0x1100 else 1 for ch in label))
    if out != label:
        assert out.endswith("\u2026")
        assert label.startswith(out[:-1].rstrip())


@given(st.floats(-1e12, 1e12, allow_nan=False), st.integers(0, 4), st.sampled_from(["en", "zh"]))
def test_number_format_reads_back(x: float, digits: int, code: str) -> None:
    t = Language(code)
    text = t.num(x, digits)
    back = float(text.replace(t.group, "").replace(t.decimal, "."))
    assert back == pytest.approx(round(x, digits), abs=10.0**-digits)
    assert t.pct(x / 1e12).endswith("%")
