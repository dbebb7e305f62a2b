"""The report as data: sections of blocks, rendered to HTML or Markdown.

The content of a report (which tables, which numbers, which figures) is
decided once, in :mod:`ppeval.report.sections`; :mod:`ppeval.report.html` and
:mod:`ppeval.report.markdown` only render these blocks. All text is plain
text: the renderers escape it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from ppeval.errors import InputError

__all__ = [
    "BlockRenderer",
    "Paragraph",
    "Table",
    "Figure",
    "KeyValues",
    "Code",
    "Subsection",
    "Block",
    "Section",
    "Document",
]


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of plain text; ``kind`` ``note`` or ``warning`` renders as a call-out."""

    text: str
    kind: Literal["text", "note", "warning"] = "text"


@dataclass(frozen=True)
class Table:
    """A table of plain-text cells.

    Attributes
    ----------
    header : tuple of str
    rows : tuple of tuple of str
        Every row has ``len(header)`` cells.
    caption : str or None
    numeric : tuple of bool
        Right-align column ``j`` (numbers); default none.
    indent : tuple of int
        Indentation level of the first cell of every row (a tree); default none.
    emphasis : tuple of bool
        Rows to emphasise (e.g. a warning); default none.
    """

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str | None = None
    numeric: tuple[bool, ...] = ()
    indent: tuple[int, ...] = ()
    emphasis: tuple[bool, ...] = ()

    def __post_init__(self) -> None:
        k = len(self.header)
        for r, row in enumerate(self.rows):
            if len(row) != k:
                raise InputError(f"table row {r} has {len(row)} cells; the header has {k}")


@dataclass(frozen=True)
class Figure:
    """A figure with a caption, drawn on demand as SVG (HTML, Markdown) or PNG (Word).

    ``draw(output=...)`` makes the figure in ``"svg"`` (text) or ``"png"`` (bytes);
    each format is drawn at most once. ``name`` becomes its file name in a
    Markdown report.
    """

    name: str
    draw: Callable[..., str | bytes]
    caption: str
    alt: str

    @cached_property
    def svg(self) -> str:
        """The figure as SVG text."""
        out = self.draw(output="svg")
        if not isinstance(out, str):  # pragma: no cover - the plot functions return text for svg
            raise InputError(f"figure {self.name!r} did not render as SVG text")
        return out

    @cached_property
    def png(self) -> bytes:
        """The figure as PNG bytes at print resolution."""
        out = self.draw(output="png")
        if not isinstance(out, bytes):  # pragma: no cover - the plot functions return bytes for png
            raise InputError(f"figure {self.name!r} did not render as PNG bytes")
        return out


@dataclass(frozen=True)
class KeyValues:
    """A definition list of (key, value) pairs; ``mono`` values render in a fixed-width font."""

    items: tuple[tuple[str, str], ...]
    mono: bool = False


@dataclass(frozen=True)
class Code:
    """A block of literal text (a command)."""

    text: str


@dataclass(frozen=True)
class Subsection:
    """A titled group of blocks inside a section."""

    id: str
    title: str
    blocks: tuple[Paragraph | Table | Figure | KeyValues | Code, ...]


Block = Paragraph | Table | Figure | KeyValues | Code | Subsection


@dataclass(frozen=True)
class Section:
    """A top-level section of the report (``id`` is its HTML anchor)."""

    id: str
    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Document:
    """The whole report.

    ``lang`` is its language code, ``labels`` the renderer's own words in
    that language (``contents``, ``table``, ``figure``, ``note``, ``warning``,
    ``footer``, ``page``), ``date`` the report date as text.
    """

    title: str
    subtitle: str
    sections: tuple[Section, ...]
    meta: dict[str, str] = field(default_factory=dict)
    lang: str = "en"
    labels: dict[str, str] = field(default_factory=dict)
    date: str = ""

    def label(self, key: str) -> str:
        """A renderer word in the document's language (English default)."""
        return self.labels.get(key, _LABELS[key])


_LABELS = {
    "contents": "Contents",
    "table": "Table {n}.",
    "figure": "Figure {n}.",
    "note": "Note:",
    "warning": "Warning:",
    "footer": "Made by ppeval {version}. This file is self-contained: it loads nothing from the network "
              "and prints as shown.",
    "page": "Page",
    "toc_hint": "Right-click and choose Update Field to fill in the table of contents.",
}


class BlockRenderer:
    """Dispatch of report blocks to a renderer's methods (one per block type).

    The HTML and Markdown renderers subclass it and implement ``paragraph``,
    ``table``, ``figure``, ``keyvalues``, ``code`` and ``subsection``.
    """

    def paragraph(self, p: Paragraph) -> str:
        raise NotImplementedError

    def table(self, t: Table) -> str:
        raise NotImplementedError

    def figure(self, f: Figure) -> str:
        raise NotImplementedError

    def keyvalues(self, kv: KeyValues) -> str:
        raise NotImplementedError

    def code(self, c: Code) -> str:
        raise NotImplementedError

    def subsection(self, s: Subsection) -> str:
        raise NotImplementedError

    def block(self, b: object) -> str:
        """Render one block by its type."""
        if isinstance(b, Paragraph):
            return self.paragraph(b)
        if isinstance(b, Table):
            return self.table(b)
        if isinstance(b, Figure):
            return self.figure(b)
        if isinstance(b, KeyValues):
            return self.keyvalues(b)
        if isinstance(b, Code):
            return self.code(b)
        if isinstance(b, Subsection):
            return self.subsection(b)
        raise InputError(f"unknown report block {type(b).__name__}")  # pragma: no cover

