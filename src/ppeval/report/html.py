"""Self-contained HTML rendering of a report document.

One file, no external resources: CSS inline in ``<style>``, figures as inline
SVG, a Content-Security-Policy that forbids every fetch (so opening the file
never touches the network), print styles (``@media print``) for a paper copy.
Every piece of text is escaped with :func:`html.escape`.
"""

from __future__ import annotations

import html
import re

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

__all__ = ["render_document", "CSS", "CSP"]

#: Content-Security-Policy of the report: nothing may be fetched; inline styles only.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

#: The report's style sheet (screen and print).
CSS = """
:root { --fg: #111; --muted: #555; --line: #c8c8c8; --alt: #f3f3f3; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans CJK SC",
       "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "WenQuanYi Zen Hei", "Helvetica Neue", Arial,
       sans-serif; color: var(--fg); background: #fff; margin: 0 auto;
       max-width: 1120px; padding: 1.5rem 1.5rem 3rem; }
header h1 { font-size: 1.7rem; margin: 0 0 .2rem; }
header p.subtitle { color: var(--muted); margin: 0 0 1rem; }
nav { border: 1px solid var(--line); background: var(--alt); padding: .6rem 1rem; margin: 1rem 0 1.5rem; }
nav h2 { font-size: 1rem; margin: 0 0 .3rem; border: none; }
nav ol { margin: 0; padding-left: 1.4rem; columns: 2; list-style: none; }
h2 { font-size: 1.35rem; margin: 2.4rem 0 .6rem; padding-bottom: .2rem; border-bottom: 2px solid #222; }
h3 { font-size: 1.1rem; margin: 1.6rem 0 .4rem; }
p { margin: .5rem 0; max-width: 60rem; }
p.note, p.warning { border-left: 4px solid #777; background: var(--alt); padding: .45rem .8rem; }
p.warning { border-left: 6px double #000; }
.table-wrap { overflow-x: auto; margin: .4rem 0 1.1rem; }
table { border-collapse: collapse; font-size: .86rem; }
caption { caption-side: top; text-align: left; font-weight: 600; padding: .2rem 0 .35rem; }
th, td { border-bottom: 1px solid var(--line); padding: .22rem .55rem; text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid #333; background: var(--alt); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.emph td { font-weight: 600; background: #fbf3dc; }
tr.emph td:first-child::before { content: "\\25B2\\00A0"; font-size: .7em; vertical-align: .15em; }
figure { margin: 1rem 0 1.4rem; }
figure .svg svg { display: block; max-width: 100%; height: auto; }
figcaption { font-size: .86rem; color: var(--muted); margin-top: .3rem; }
dl.kv { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: .6rem 0; }
dl.kv dt { font-weight: 600; }
dl.kv dd { margin: 0; overflow-wrap: anywhere; }
dl.kv.mono dd, code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono",
                           monospace; font-size: .85rem; }
pre.command { background: var(--alt); border: 1px solid var(--line); padding: .6rem .8rem;
              white-space: pre-wrap; overflow-wrap: anywhere; }
footer { margin-top: 3rem; color: var(--muted); font-size: .8rem; border-top: 1px solid var(--line);
         padding-top: .5rem; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  nav { display: none; }
  h2 { break-after: avoid; page-break-after: avoid; }
  h3 { break-after: avoid; page-break-after: avoid; }
  figure, tr, dl.kv, pre { break-inside: avoid; page-break-inside: avoid; }
  /* a printed page cannot scroll: tables take the page width and wrap their cells instead of
     running off the right edge (the last column of a wide table was cut off) */
  .table-wrap { overflow: visible; }
  table { width: 100%; table-layout: auto; font-size: 8pt; }
  .table-wrap.wide table { font-size: 7pt; }
  th, td { padding: .12rem .3rem; }
  th, td:not(.num) { overflow-wrap: anywhere; }
  th.num { white-space: normal; }
  figure .svg svg { max-height: 24cm; }
  tr.emph td { background: none; }
  a { color: inherit; text-decoration: none; }
  @page { margin: 14mm 12mm; }
}
"""

_SVG_OPEN = re.compile(r"<svg\b")
#: BCP 47 tag of the page per report language (fonts and line breaking follow it).
_HTML_LANG = {"zh": "zh-CN", "en": "en"}


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _inline(text: str) -> str:
    """Escape ``text``; spans between backticks become ``<code>``."""
    parts = text.split("`")
    if len(parts) % 2 == 0:  # unbalanced backticks: plain text
        return _esc(text)
    return "".join(f"<code>{_esc(p)}</code>" if k % 2 else _esc(p) for k, p in enumerate(parts))


class _Renderer(BlockRenderer):
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.figures = 0
        self.tables = 0

    def paragraph(self, p: Paragraph) -> str:
        if p.kind == "text":
            return f"<p>{_inline(p.text)}</p>"
        label = self.doc.label("note" if p.kind == "note" else "warning")
        return f'<p class="{p.kind}"><strong>{_esc(label)}</strong> {_inline(p.text)}</p>'

    def table(self, t: Table) -> str:
        self.tables += 1
        numeric = t.numeric or (False,) * len(t.header)
        wide = " wide" if len(t.header) > 7 else ""
        out = [f'<div class="table-wrap{wide}"><table>']
        if t.caption:
            label = _esc(self.doc.label("table").format(n=self.tables))
            out.append(f"<caption>{label} {_esc(t.caption)}</caption>")
        num = ' class="num"'
        head = "".join(
            f'<th scope="col"{num if numeric[j] else ""}>{_esc(h)}</th>' for j, h in enumerate(t.header)
        )
        out.append(f"<thead><tr>{head}</tr></thead><tbody>")
        for r, row in enumerate(t.rows):
            emph = bool(t.emphasis) and t.emphasis[r]
            cells = []
            for j, cell in enumerate(row):
                attrs = ' class="num"' if numeric[j] else ""
                if j == 0 and t.indent and t.indent[r]:
                    attrs += f' style="padding-left:{0.55 + 1.2 * t.indent[r]:.2f}em"'
                cells.append(f"<td{attrs}>{_esc(cell)}</td>")
            tr = '<tr class="emph">' if emph else "<tr>"
            out.append(f'{tr}{"".join(cells)}</tr>')
        out.append("</tbody></table></div>")
        return "\n".join(out)

    def figure(self, f: Figure) -> str:
        self.figures += 1
        svg = _SVG_OPEN.sub(f'<svg role="img" aria-label="{_esc(f.alt)}"', f.svg, count=1)
        return (
            f'<figure id="figure-{_esc(f.name)}"><div class="svg">{svg}</div>'
            f"<figcaption>{_esc(self.doc.label('figure').format(n=self.figures))} {_esc(f.caption)}</figcaption>"
            "</figure>"
        )

    def keyvalues(self, kv: KeyValues) -> str:
        items = "".join(f"<dt>{_esc(k)}</dt><dd>{_esc(v)}</dd>" for k, v in kv.items)
        return f'<dl class="kv{" mono" if kv.mono else ""}">{items}</dl>'

    def code(self, c: Code) -> str:
        return f'<pre class="command"><code>{_esc(c.text)}</code></pre>'

    def subsection(self, b: Subsection) -> str:
        inner = "\n".join(self.block(x) for x in b.blocks)
        return f'<section id="{_esc(b.id)}">\n<h3>{_esc(b.title)}</h3>\n{inner}\n</section>'

    def section(self, s: Section) -> str:
        inner = "\n".join(self.block(b) for b in s.blocks)
        return f'<section id="{_esc(s.id)}">\n<h2>{_esc(s.title)}</h2>\n{inner}\n</section>'


def render_document(doc: Document) -> str:
    """The HTML text of ``doc`` (UTF-8, one self-contained file)."""
    r = _Renderer(doc)
    toc = "".join(f'<li><a href="#{_esc(s.id)}">{_esc(s.title)}</a></li>' for s in doc.sections)
    body = "\n".join(r.section(s) for s in doc.sections)
    date = f'<p class="subtitle">{_esc(doc.date)}</p>\n' if doc.date else ""
    meta = "".join(f'<meta name="ppeval:{_esc(k)}" content="{_esc(v)}">\n' for k, v in doc.meta.items())
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{_esc(_HTML_LANG.get(doc.lang, doc.lang))}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_esc(CSP)}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="ppeval {_esc(__version__)}">\n'
        f"{meta}"
        f"<title>{_esc(doc.title)} \u2013 {_esc(doc.subtitle)}</title>\n"
        f"<style>{CSS}</style>\n</head>\n<body>\n"
        f'<header>\n<h1>{_esc(doc.title)}</h1>\n<p class="subtitle">{_esc(doc.subtitle)}</p>\n'
        f'{date}</header>\n'
        f'<nav aria-label="{_esc(doc.label("contents"))}">\n<h2>{_esc(doc.label("contents"))}</h2>\n'
        f'<ol>{toc}</ol>\n</nav>\n'
        f"<main>\n{body}\n</main>\n"
        f"<footer>{_esc(doc.label('footer').format(version=__version__))}</footer>\n"
        "</body>\n</html>\n"
    )
