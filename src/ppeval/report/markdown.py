"""Markdown rendering of a report document (GitHub-flavoured: pipe tables).

Figures are not embedded: each becomes an SVG file in a folder next to the
Markdown file, linked by a relative path. Text is escaped so that names
containing Markdown or HTML syntax are shown literally.
"""

from __future__ import annotations

import re

from ppeval.errors import InputError
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

__all__ = ["render_document", "escape", "slug"]

_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")
_BREAKS = re.compile(r"[ \t]*[\r\n]+[ \t]*")


def escape(text: str) -> str:
    """``text`` with Markdown and HTML syntax escaped and line breaks as spaces."""
    text = _BREAKS.sub(" ", text)
    return _SPECIAL.sub(r"\\\1", text.replace("&", "&amp;"))


def _inline(text: str) -> str:
    parts = text.split("`")
    if len(parts) % 2 == 0:
        return escape(text)
    return "".join(f"`{p}`" if k % 2 else escape(p) for k, p in enumerate(parts))


def slug(title: str) -> str:
    """The anchor GitHub gives a heading (lower case, punctuation dropped, spaces to hyphens)."""
    s = re.sub(r"[^\w\- ]", "", title.lower(), flags=re.UNICODE)
    return s.replace(" ", "-")


class _Renderer(BlockRenderer):
    def __init__(self, figure_dir: str, doc: Document) -> None:
        self.doc = doc
        self.figure_dir = figure_dir.rstrip("/")
        self.figures: dict[str, str] = {}
        self.n_fig = 0
        self.n_tab = 0

    def paragraph(self, p: Paragraph) -> str:
        if p.kind == "text":
            return _inline(p.text)
        label = self.doc.label("note" if p.kind == "note" else "warning")
        return f"> **{escape(label)}** {_inline(p.text)}"

    def table(self, t: Table) -> str:
        self.n_tab += 1
        numeric = t.numeric or (False,) * len(t.header)
        out = []
        if t.caption:
            out.append(f"**{escape(self.doc.label('table').format(n=self.n_tab))}** {escape(t.caption)}\n")
        out.append("| " + " | ".join(escape(h) for h in t.header) + " |")
        out.append("|" + "|".join("---:" if numeric[j] else "---" for j in range(len(t.header))) + "|")
        for r, row in enumerate(t.rows):
            cells = [escape(c) if c else " " for c in row]
            if t.emphasis and t.emphasis[r]:
                cells[0] = f"**{cells[0]}**"
            if t.indent and t.indent[r]:
                cells[0] = "&nbsp;&nbsp;" * t.indent[r] + cells[0]
            out.append("| " + " | ".join(cells) + " |")
        return "\n".join(out)

    def figure(self, f: Figure) -> str:
        self.n_fig += 1
        path = f"{self.figure_dir}/{f.name}.svg"
        if path in self.figures:
            raise InputError(f"two figures are named {f.name!r}")
        self.figures[path] = f.svg
        label = escape(self.doc.label("figure").format(n=self.n_fig))
        return f"![{escape(f.alt)}]({path})\n\n*{label} {escape(f.caption)}*"

    def keyvalues(self, kv: KeyValues) -> str:
        rows = ["| | |", "|---|---|"]
        for k, v in kv.items:
            value = f"`{v}`" if kv.mono and "`" not in v else escape(v)
            rows.append(f"| {escape(k)} | {value} |")
        return "\n".join(rows)

    def code(self, c: Code) -> str:
        fence = "```" if "```" not in c.text else "~~~~"
        return f"{fence}bash\n{c.text}\n{fence}"

    def subsection(self, b: Subsection) -> str:
        return "\n\n".join([f"### {escape(b.title)}", *(self.block(x) for x in b.blocks)])

    def section(self, s: Section) -> str:
        return "\n\n".join([f"## {escape(s.title)}", *(self.block(b) for b in s.blocks)])


def render_document(doc: Document, figure_dir: str = "figures") -> tuple[str, dict[str, str]]:
    """The Markdown text of ``doc`` and its figures as ``{relative path: SVG text}``.

    Parameters
    ----------
    doc : Document
        The report content.
    figure_dir : str
        Folder (relative to the Markdown file) the figure links point into.

    Returns
    -------
    text : str
    figures : dict of str to str
    """
    r = _Renderer(figure_dir, doc)
    toc = "\n".join(f"- [{escape(s.title)}](#{slug(s.title)})" for s in doc.sections)
    body = "\n\n".join(r.section(s) for s in doc.sections)
    date = f" \u00b7 {escape(doc.date)}" if doc.date else ""
    text = (f"# {escape(doc.title)}\n\n*{escape(doc.subtitle)}{date}*\n\n**{escape(doc.label('contents'))}**\n\n"
            f"{toc}\n\n{body}\n")
    return text, dict(r.figures)
