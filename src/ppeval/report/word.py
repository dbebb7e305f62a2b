"""Word (``.docx``) rendering of a report document (python-docx, imported when used).

What an evaluator hands in:

* real headings (Word's built-in ``Heading 1`` / ``Heading 2`` styles), so
  the navigation pane lists the chapters, and a table-of-contents field that
  Word fills in when the document is opened (``w:updateFields``);
* native Word tables that take the width of the page (``w:tblW`` 100 %), with
  a repeated header row, numbers right-aligned and smaller type in wide tables;
* figures as PNG at print resolution (:data:`ppeval.report.plots.PNG_DPI`);
* the East-Asian font set on every style (``w:eastAsia``) and the East-Asian
  language, so Chinese text uses a Chinese font in Word and LibreOffice;
* page numbers in the footer (a ``PAGE`` field).

Large tables are written as XML rows directly (python-docx's cell API is
quadratic in the number of rows).
"""

from __future__ import annotations

import io
import re
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from ppeval import __version__
from ppeval.report._blocks import (
    BlockRenderer,
    Code,
    Document,
    Figure,
    KeyValues,
    Paragraph,
    Section,
    Subsection,
    Table,
)

__all__ = ["render_document", "LATIN_FONT", "EAST_ASIAN_FONT", "MONO_FONT"]

#: Font for Latin text.
LATIN_FONT = "Calibri"
#: Font for Chinese text (w:eastAsia); Word and LibreOffice substitute an installed CJK font if it is missing.
EAST_ASIAN_FONT = "Microsoft YaHei"
#: Font of commands and hashes.
MONO_FONT = "Consolas"
_LANG = {"zh": "zh-CN", "en": "en-US"}
#: Usable width of an A4 page with 2 cm margins, in twentieths of a point (dxa).
_PAGE_DXA = int((21.0 - 4.0) / 2.54 * 1440)


def _set_fonts(rpr_parent: Any, latin: str, east_asian: str, lang: str | None = None) -> None:
    """Set the Latin and East-Asian fonts (and language) on a style's or run's run properties."""
    from docx.oxml.ns import qn

    rpr = rpr_parent.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for key in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(key), latin)
    fonts.set(qn("w:eastAsia"), east_asian)
    if lang is not None:
        el = rpr.find(qn("w:lang"))
        if el is None:
            el = rpr.makeelement(qn("w:lang"), {})
            rpr.append(el)
        el.set(qn("w:val"), "en-US")
        el.set(qn("w:eastAsia"), lang)


def _field(paragraph: Any, instruction: str, placeholder: tuple[str, ...] = ("1",)) -> None:
    """Append a Word field (``PAGE``, ``TOC ...``) to a paragraph.

    ``placeholder`` is the field's result until Word updates it, one line each
    (a table of contents shows the chapter titles even where fields are not updated).
    """
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def fld(kind: str) -> Any:
        run = OxmlElement("w:r")
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        if kind == "begin":
            el.set(qn("w:dirty"), "true")
        run.append(el)
        return run

    p = paragraph._p
    p.append(fld("begin"))
    run = OxmlElement("w:r")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run.append(instr)
    p.append(run)
    p.append(fld("separate"))
    run = OxmlElement("w:r")
    for k, line in enumerate(placeholder):
        if k:
            run.append(OxmlElement("w:br"))
        text = OxmlElement("w:t")
        text.set(qn("xml:space"), "preserve")
        text.text = line
        run.append(text)
    p.append(run)
    p.append(fld("end"))


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _cell_xml(text: str, width: int, *, right: bool, bold: bool, size: int, indent: int = 0,
              shade: str | None = None) -> str:
    """One table cell as WordprocessingML text (rows are parsed in one go: fast for 10,000 rows)."""
    props = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if shade:
        props += f'<w:shd w:val="clear" w:color="auto" w:fill="{shade}"/>'
    ppr = '<w:spacing w:before="0" w:after="0"/>'
    if indent:
        ppr += f'<w:ind w:left="{200 * indent}"/>'
    if right:
        ppr += '<w:jc w:val="right"/>'
    rpr = ("<w:b/>" if bold else "") + f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>'
    body = xml_escape(_INVALID_XML.sub("", text))
    return (f"<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:pPr>{ppr}</w:pPr><w:r><w:rPr>{rpr}</w:rPr>"
            f'<w:t xml:space="preserve">{body}</w:t></w:r></w:p></w:tc>')


def _rows_xml(rows: list[str]) -> list[Any]:
    """Parse ``<w:tr>`` strings into elements."""
    from docx.oxml import parse_xml

    tbl = parse_xml(f'<w:tbl xmlns:w="{_W}">{"".join(rows)}</w:tbl>')
    return list(tbl)


def _span(text: str) -> float:
    """Display width of ``text`` in Latin character units (a CJK character counts two)."""
    return sum(2.0 if ord(ch) >= 0x1100 else 1.0 for ch in text)


_BREAK_AFTER = str.maketrans({"_": "_\u200b", ":": ":\u200b", "/": "/\u200b"})


def _breakable(text: str) -> str:
    """``text`` with zero-width spaces after ``_``, ``:`` and ``/`` so long identifiers can wrap."""
    return text.translate(_BREAK_AFTER)


def _unbreakable(text: str) -> float:
    """Width of the longest piece of ``text`` a line cannot break (a word; one CJK character)."""
    longest = 0.0
    for word in _breakable(text).replace("\u200b", " ").split():
        cjk = any(ord(ch) >= 0x1100 for ch in word)
        longest = max(longest, 2.0 if cjk and all(ord(ch) >= 0x1100 for ch in word) else _span(word))
    return longest


def _widths(header: tuple[str, ...], rows: tuple[tuple[str, ...], ...], size: int) -> list[int]:
    """Column widths (dxa) filling the page width.

    Every column gets at least its longest unbreakable word (numbers never
    wrap), then the rest of the page is shared by how much text each column
    holds. ``size`` is the font size in half-points.
    """
    unit = size * 10 * 0.62  # dxa per Latin character (digits of a sans-serif font are about 0.56 em)
    pad = 240  # left and right cell margins (0.19 cm each) and borders
    page = (_PAGE_DXA - pad * len(header)) / unit  # characters per line
    sample = rows[:300]
    low, want = [], []
    for j, h in enumerate(header):
        cells = [row[j] for row in sample]
        cjk = any(_span(c) > len(c) for c in cells)
        lo = max([min(_unbreakable(h), 10.0), *(min(_unbreakable(c), 24.0) for c in cells), 8.0 if cjk else 2.0])
        hi = max([_span(h) / 2.0, *(_span(c) for c in cells), lo])
        low.append(lo)
        want.append(min(max(hi, lo), 60.0))
    if sum(low) >= page:
        units = low
    elif sum(want) <= page:
        units = [w * page / sum(want) for w in want]
    else:
        spare = page - sum(low)
        extra = [w - lo for w, lo in zip(want, low, strict=True)]
        units = [lo + e * spare / sum(extra) for lo, e in zip(low, extra, strict=True)]
    scale = min(1.0, page / sum(units))
    widths = [int(pad + u * unit * scale) for u in units]
    widths[-1] += _PAGE_DXA - sum(widths)
    return widths


class _Renderer(BlockRenderer):
    def __init__(self, doc: Document, word: Any) -> None:
        self.doc = doc
        self.word = word
        self.tables = 0
        self.figures = 0
        self.east_asian = doc.lang in ("zh", "ja", "ko")

    # the BlockRenderer methods return "" and write into the Word document
    def _caption(self, text: str) -> None:
        self.word.add_paragraph(text, style="Caption")

    def paragraph(self, p: Paragraph) -> str:
        para = self.word.add_paragraph()
        if p.kind != "text":
            label = para.add_run(self.doc.label("note" if p.kind == "note" else "warning") + " ")
            label.bold = True
        parts = p.text.split("`")
        for k, part in enumerate(parts if len(parts) % 2 else [p.text]):
            run = para.add_run(part)
            if k % 2:
                run.font.name = MONO_FONT
        return ""

    def table(self, t: Table) -> str:
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        self.tables += 1
        if t.caption:
            self._caption(f"{self.doc.label('table').format(n=self.tables)} {t.caption}")
        k = len(t.header)
        numeric = t.numeric or (False,) * k
        size = 14 if k > 7 else 16 if k > 4 else 18  # half-points: 7, 8, 9 pt
        widths = _widths(t.header, t.rows, size)
        table = self.word.add_table(rows=0, cols=k)
        table.style = "Table Grid"
        tbl = table._tbl
        tblpr = tbl.tblPr
        tblw = tblpr.find(qn("w:tblW"))
        if tblw is None:
            tblw = OxmlElement("w:tblW")
            tblpr.append(tblw)
        tblw.set(qn("w:w"), "5000")
        tblw.set(qn("w:type"), "pct")
        layout = OxmlElement("w:tblLayout")
        layout.set(qn("w:type"), "fixed")
        tblpr.append(layout)
        grid = tbl.tblGrid
        for col, w in zip(grid.findall(qn("w:gridCol")), widths, strict=True):
            col.set(qn("w:w"), str(w))
        rows = ["<w:tr><w:trPr><w:tblHeader/></w:trPr>" + "".join(
            _cell_xml(_breakable(h), widths[j], right=numeric[j], bold=True, size=size, shade="EDEDED")
            for j, h in enumerate(t.header)) + "</w:tr>"]
        for r, row in enumerate(t.rows):
            emph = bool(t.emphasis) and t.emphasis[r]
            rows.append("<w:tr>" + "".join(
                _cell_xml(cell, widths[j], right=numeric[j], bold=emph, size=size,
                          indent=t.indent[r] if j == 0 and t.indent else 0, shade="FBF3DC" if emph else None)
                for j, cell in enumerate(row)) + "</w:tr>")
        for tr in _rows_xml(rows):
            tbl.append(tr)
        self.word.add_paragraph()
        return ""

    def figure(self, f: Figure) -> str:
        from docx.shared import Cm, Inches

        from ppeval.report.plots import PNG_DPI

        self.figures += 1
        png = f.png
        pixels = int.from_bytes(png[16:20], "big")  # IHDR width
        # the figure's own size (PNG_DPI), at most the text width: never enlarged below print resolution
        width = min(Cm(17.0), Inches(pixels / PNG_DPI))
        self.word.add_picture(io.BytesIO(png), width=width)
        self._caption(f"{self.doc.label('figure').format(n=self.figures)} {f.caption}")
        return ""

    def keyvalues(self, kv: KeyValues) -> str:
        self.table(Table(("", ""), kv.items))
        self.tables -= 1  # not a numbered table
        return ""

    def code(self, c: Code) -> str:
        para = self.word.add_paragraph()
        run = para.add_run(c.text)
        run.font.name = MONO_FONT
        return ""

    def subsection(self, b: Subsection) -> str:
        self.word.add_heading(b.title, level=2)
        for x in b.blocks:
            self.block(x)
        return ""

    def section(self, s: Section) -> None:
        self.word.add_heading(s.title, level=1)
        for b in s.blocks:
            self.block(b)


def render_document(doc: Document) -> bytes:
    """The ``.docx`` bytes of ``doc``."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    word = docx.Document()
    lang = _LANG.get(doc.lang, doc.lang)
    for style in word.styles:
        if getattr(style, "element", None) is not None and style.type == 1:  # paragraph styles
            _set_fonts(style.element, LATIN_FONT, EAST_ASIAN_FONT, lang)
    word.styles["Normal"].font.size = Pt(10.5)
    for name in ("Title", "Heading 1", "Heading 2", "Caption"):
        style = word.styles[name]
        style.font.color.rgb = None
    word.styles["Caption"].font.size = Pt(9)
    section = word.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.0))
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(footer, "PAGE")
    # Word asks to update the fields (table of contents, page numbers) when the file is opened
    settings = word.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.append(update)
    props = word.core_properties
    props.title = doc.title
    props.subject = doc.subtitle
    props.language = lang
    props.author = f"ppeval {__version__}"
    word.add_heading(doc.title, level=0)
    word.add_paragraph(doc.subtitle)
    if doc.date:
        word.add_paragraph(doc.date)
    word.add_paragraph(doc.label("contents"), style="TOC Heading" if "TOC Heading" in
                       [s.name for s in word.styles] else "Normal").runs[0].bold = True
    toc = word.add_paragraph()
    _field(toc, 'TOC \\o "1-2" \\h \\z \\u', tuple(sec.title for sec in doc.sections))
    hint = word.add_paragraph(doc.label("toc_hint"))
    hint.runs[0].font.size = Pt(8)
    word.add_page_break()  # type: ignore[no-untyped-call]
    renderer = _Renderer(doc, word)
    for s in doc.sections:
        renderer.section(s)
    buf = io.BytesIO()
    word.save(buf)
    return buf.getvalue()
