"""The Word report read back (python-docx), converted to PDF by LibreOffice, and the printed HTML report.

LibreOffice (Debian ``libreoffice-writer-nogui``), a CJK font (``fonts-noto-cjk``)
and Chromium (``chromium``) are installed by ``.ci/run``; the tests that need
LibreOffice or a CJK font skip, saying what to install, where they are missing.
PDF pages are rendered to images with pypdfium2 (a test dependency).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from ppeval.io import bundled
from ppeval.pipeline import EvaluationResult
from ppeval.report import (
    SensitivityAnalysis,
    fonts,
    plots,
    project_names_in,
    render_docx,
    render_html,
)
from ppeval.report.i18n import Language
from ppeval.report.sections import section_titles
from ppeval.schema import IndicatorSystem

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
#: Usable width of the A4 page with 2 cm margins, in twentieths of a point.
PAGE_DXA = int((21.0 - 4.0) / 2.54 * 1440)
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync")


def _soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        pytest.skip("LibreOffice is not installed (Debian: apt-get install libreoffice-writer-nogui); "
                    "CI installs it")
    return exe


def _need_cjk_font() -> None:
    if fonts.cjk_font() is None:
        pytest.skip("no CJK font installed (Debian: apt-get install fonts-noto-cjk); CI installs it")


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        exe = shutil.which(name)
        if exe:
            return exe
    raise AssertionError("Chromium is not installed (Debian: apt-get install -y chromium); CI installs it")


@pytest.fixture(scope="module")
def zh_docx(result: EvaluationResult, system: IndicatorSystem, sensitivity: SensitivityAnalysis) -> bytes:
    names = project_names_in(bundled.load_sample("community-4stage")[1], "zh")
    return render_docx(result, system=system, sensitivity=sensitivity, lang="zh", project_names=names,
                       date=dt.date(2026, 12, 5))


@pytest.fixture(scope="module")
def zh_html(result: EvaluationResult, system: IndicatorSystem, sensitivity: SensitivityAnalysis) -> str:
    names = project_names_in(bundled.load_sample("community-4stage")[1], "zh")
    return render_html(result, system=system, sensitivity=sensitivity, lang="zh", project_names=names)


@pytest.fixture(scope="module")
def docx_pdf(zh_docx: bytes, tmp_path_factory: pytest.TempPathFactory) -> Path:
    exe = _soffice()
    folder = tmp_path_factory.mktemp("docx")
    src = folder / "report.docx"
    src.write_bytes(zh_docx)
    proc = subprocess.run([exe, "--headless", f"-env:UserInstallation={(folder / 'lo').resolve().as_uri()}",
                           "--convert-to", "pdf", "--outdir", str(folder), str(src)],
                          capture_output=True, text=True, timeout=300, check=False)
    pdf = folder / "report.pdf"
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert pdf.is_file(), proc.stdout[-2000:]
    return pdf


def _pdf_pages(pdf: Path) -> list[tuple[np.ndarray, str]]:
    """(grey image in [0, 1], text inside the page box) of every page."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    out = []
    for page in doc:
        img = np.asarray(page.render(scale=1.0).to_pil().convert("L"), dtype=np.float64) / 255.0
        width, height = page.get_size()
        text = page.get_textpage().get_text_bounded(left=0, bottom=0, right=width, top=height)
        out.append((img, text))
    doc.close()
    return out


# --------------------------------------------------------------------------- the document read back


def test_docx_headings_toc_and_page_numbers(zh_docx: bytes) -> None:
    import docx

    doc = docx.Document(io.BytesIO(zh_docx))
    h1 = [p.text for p in doc.paragraphs if p.style is not None and p.style.name == "Heading 1"]
    assert h1 == section_titles(Language("zh"))
    h2 = [p.text for p in doc.paragraphs if p.style is not None and p.style.name == "Heading 2"]
    assert {"敏感性与稳健性分析", "诊断信息与警告", "数据来源与结果复现"} <= set(h2)
    body = doc.element.body
    instr = " ".join(x.text or "" for x in body.iter(f"{W}instrText"))
    assert 'TOC \\o "1-2"' in instr
    footer = doc.sections[0].footer._element
    assert "PAGE" in " ".join(x.text or "" for x in footer.iter(f"{W}instrText"))
    update = doc.settings.element.find(f"{W}updateFields")
    assert update is not None
    assert update.get(f"{W}val") == "true"
    assert doc.core_properties.language == "zh-CN"
    assert doc.core_properties.title == "绩效评价报告"


def test_docx_chinese_fonts(zh_docx: bytes) -> None:
    import docx

    doc = docx.Document(io.BytesIO(zh_docx))
    for name in ("Normal", "Heading 1", "Heading 2", "Caption", "Title"):
        rpr = doc.styles[name].element.rPr
        assert rpr is not None, name
        fonts_el = rpr.find(f"{W}rFonts")
        assert fonts_el is not None, name
        assert fonts_el.get(f"{W}eastAsia"), name
        lang = rpr.find(f"{W}lang")
        assert lang is not None
        assert lang.get(f"{W}eastAsia") == "zh-CN"


def test_docx_native_tables_fit_the_page(zh_docx: bytes, result: EvaluationResult) -> None:
    import docx

    doc = docx.Document(io.BytesIO(zh_docx))
    assert len(doc.tables) >= 15
    for table in doc.tables:
        tblw = table._tbl.tblPr.find(f"{W}tblW")
        assert tblw is not None
        assert (tblw.get(f"{W}type"), tblw.get(f"{W}w")) == ("pct", "5000")
        grid = [int(c.get(f"{W}w")) for c in table._tbl.tblGrid.findall(f"{W}gridCol")]
        assert sum(grid) == PAGE_DXA
        assert min(grid) >= 240
    ranking = next(t for t in doc.tables if t.rows[0].cells[0].text == "名次")
    assert len(ranking.rows) == len(result.project_ids) + 1
    assert ranking.rows[0]._tr.find(f"{W}trPr/{W}tblHeader") is not None  # header repeats on every page
    first = [c.text for c in ranking.rows[1].cells]
    lead = int(np.argmin(result.ranks))
    assert first[:4] == ["1", result.project_ids[lead], "清水社区家庭服务中心", f"{result.score_100[lead]:.2f}"]


def test_docx_figures_at_print_resolution(zh_docx: bytes) -> None:
    import docx
    from PIL import Image

    doc = docx.Document(io.BytesIO(zh_docx))
    assert len(doc.inline_shapes) == 8
    for shape in doc.inline_shapes:
        blip = shape._inline.graphic.graphicData.pic.blipFill.blip
        part = doc.part.related_parts[blip.embed]
        img = Image.open(io.BytesIO(part.blob))
        assert img.format == "PNG"
        width_inches = shape.width.inches
        assert img.size[0] / width_inches >= 180, "at least ~200 dpi at the printed size"
    captions = [p.text for p in doc.paragraphs if p.style is not None and p.style.name == "Caption"]
    assert sum(c.startswith("图 ") for c in captions) == 8
    assert sum(c.startswith("表 ") for c in captions) >= 15


def test_png_figures_draw_chinese_glyphs() -> None:
    """With a CJK font the Chinese labels are drawn (ink), not left empty or as boxes of one width."""
    _need_cjk_font()
    from PIL import Image

    def ink(label: str) -> float:
        png = plots.score_bars([label], [0.5], output="png")
        assert isinstance(png, bytes)
        img = np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=np.float64) / 255.0
        return float((img[:, : img.shape[1] // 4] < 0.5).mean())  # the label column

    dense, sparse = ink("鑫鑫鑫鑫鑫"), ink("一一一一一")
    assert dense > sparse * 1.5, "different characters give different ink: real glyphs, not tofu boxes"


# --------------------------------------------------------------------------- LibreOffice


def test_docx_converts_to_pdf_with_chinese_text(docx_pdf: Path) -> None:
    _need_cjk_font()
    pages = _pdf_pages(docx_pdf)
    assert len(pages) >= 8
    text = "".join(t for _, t in pages)
    for title in section_titles(Language("zh")):
        assert title in text
    data = docx_pdf.read_bytes()
    fonts_used = {f.decode() for f in re.findall(rb"/BaseFont\s*/([A-Za-z0-9+_-]+)", data)}
    assert any(re.search(r"CJK|Han|YaHei|Hei|WenQuanYi|PingFang", f) for f in fonts_used), fonts_used
    for img, _ in pages[:4]:  # screenshots of the first pages: not blank, text and tables drawn
        assert img.std() > 0.05
        assert 0.005 < (img < 0.5).mean() < 0.5


def test_docx_pdf_tables_inside_the_page(docx_pdf: Path, sensitivity: SensitivityAnalysis) -> None:
    """Every method is printed twice: in the agreement table and as a column of the rank-by-method table."""
    text = "".join(t for _, t in _pdf_pages(docx_pdf))
    text = re.sub(r"[\u200b\r\n\ufffe-]", "", text)
    agreement = sensitivity.agreement
    assert agreement is not None
    for method in agreement.methods:
        assert text.count(method) >= 2, method


# --------------------------------------------------------------------------- Chromium: the Chinese HTML


def _browse(page: Path, profile: Path, *action: str) -> None:
    cmd = [_chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *action, page.resolve().as_uri()]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=180, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]


def test_chinese_html_in_chromium(zh_html: str, tmp_path: Path) -> None:
    """Screenshot of the Chinese report: not blank; printed, it embeds a CJK font (the glyphs were drawn)."""
    _need_cjk_font()
    page = tmp_path / "report-zh.html"
    page.write_text(zh_html, encoding="utf-8")
    shot = tmp_path / "shot.png"
    _browse(page, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1280,3000")
    from matplotlib.image import imread

    grey = np.asarray(imread(shot))[..., :3].mean(axis=2)
    assert grey.std() > 0.05
    assert 0.02 < (grey < 0.95).mean() < 0.6
    assert (grey[:300] < 0.3).mean() > 0.002  # the Chinese title and contents
    pdf = tmp_path / "report-zh.pdf"
    _browse(page, tmp_path / "profile", "--no-pdf-header-footer", f"--print-to-pdf={pdf}")
    pages = _pdf_pages(pdf)
    text = "".join(t for _, t in pages)
    assert "一、基本概况" in text
    assert "清水社区家庭服务中心" in text


def test_printed_html_keeps_the_last_column(page_file: Path, sensitivity: SensitivityAnalysis,
                                            tmp_path: Path) -> None:
    """The rank-by-method table (the widest) fits the printed page: its last column is on the page.

    Every method is named twice on the printed pages: in the agreement table and as a column of the
    rank-by-method table (before the print styles, the last columns ran off the page edge).
    """
    pdf = tmp_path / "report.pdf"
    _browse(page_file, tmp_path / "profile", "--no-pdf-header-footer", f"--print-to-pdf={pdf}")
    text = "".join(t for _, t in _pdf_pages(pdf)).replace("\n", "").replace("\r", "").replace("-", "")
    agreement = sensitivity.agreement
    assert agreement is not None
    for method in agreement.methods:
        assert text.count(method) >= 2, method
