"""Structure of the HTML and Markdown reports: sections, projects, escaping, no external URLs, valid markup."""

from __future__ import annotations

import dataclasses
import html
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from ppeval.errors import InputError
from ppeval.io import bundled
from ppeval.pipeline import EvaluationResult
from ppeval.report import (
    SECTIONS,
    MarkdownReport,
    SensitivityAnalysis,
    plots,
    render_html,
    render_markdown,
    write_report,
)
from ppeval.report._blocks import Code, Document, Figure, KeyValues, Paragraph, Section, Subsection, Table
from ppeval.report.html import CSP
from ppeval.report.html import render_document as html_document
from ppeval.report.i18n import Language
from ppeval.report.markdown import escape as md_escape
from ppeval.report.markdown import render_document as md_document
from ppeval.report.sections import section_titles
from ppeval.schema import IndicatorSystem

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
SUBSECTIONS = ("breakdown", "contributions", "diagnostics", "sensitivity", "rank-acceptability", "one-at-a-time",
               "critical-weights", "method-agreement", "qualitative-share", "residents", "provenance")
#: The chapter headings of an English report ("1. Overview", ...).
TITLES = section_titles(Language("en"))


class _Checker(HTMLParser):
    """Tag balance, unique ids, every attribute that points somewhere."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.ids: list[str] = []
        self.links: list[str] = []
        self.tags: list[str] = []
        self.text: list[str] = []

    def _attrs(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name == "id" and value is not None:
                self.ids.append(value)
            if name in ("href", "src", "xlink:href", "action", "srcset", "poster", "data") and value is not None:
                self.links.append(value)
            if value is not None and "url(" in value:
                self.links += re.findall(r"url\(([^)]*)\)", value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._attrs(tag, attrs)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._attrs(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else 'nothing'}>")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(text: str) -> _Checker:
    checker = _Checker()
    checker.feed(text)
    checker.close()
    return checker


def _section(page: str, section_id: str) -> str:
    start = page.index(f'<section id="{section_id}">')
    return page[start:page.index("</section>\n", start)]


# --------------------------------------------------------------------------- the full page


def test_every_section_and_subsection_present(page: str) -> None:
    for (sid, _), title in zip(SECTIONS, TITLES, strict=True):
        assert f'<section id="{sid}">\n<h2>{html.escape(title)}</h2>' in page
        assert f'<a href="#{sid}">{html.escape(title)}</a>' in page
    for sid in SUBSECTIONS:
        assert f'<section id="{sid}">' in page
    headings = re.findall(r"<h2>(.*?)</h2>", page)
    assert headings == ["Contents", *[html.escape(t) for t in TITLES]]
    assert TITLES[0] == "1. Overview"
    assert TITLES[-1].startswith("7. Other matters")


def test_every_project_in_ranking_and_sensitivity(page: str, result: EvaluationResult) -> None:
    """The scoring sheet has ids and names; elsewhere projects are shown by name."""
    summary = _section(page, "results")
    acceptability = _section(page, "rank-acceptability")
    breakdown = _section(page, "breakdown")
    for pid, name in zip(result.project_ids, result.project_names, strict=True):
        assert f"<td>{pid}</td>" in summary
        assert f"<td>{html.escape(name)}</td>" in summary
        assert f"<td>{html.escape(name)}</td>" in acceptability
        assert f"<th scope=\"col\" class=\"num\">{html.escape(name)}</th>" in breakdown
        assert f"<td>{pid}</td>" not in acceptability


def test_ranking_table_in_rank_order(page: str, result: EvaluationResult) -> None:
    summary = _section(page, "results")
    body = summary[summary.index("<tbody>"):summary.index("</tbody>")]
    rows = re.findall(r"<tr>(.*?)</tr>", body)
    assert len(rows) == len(result.project_ids)
    ranks = [int(re.findall(r"<td[^>]*>(.*?)</td>", row)[0]) for row in rows]
    assert ranks == sorted(int(r) for r in result.ranks)
    first = re.findall(r"<td[^>]*>(.*?)</td>", rows[0])
    lead = int(np.argmin(result.ranks))
    assert first[1] == result.project_ids[lead]
    assert first[3] == f"{result.score_100[lead]:.2f}"
    assert first[4] == result.grades[lead]


def test_indicators_and_weights_shown(page: str, result: EvaluationResult, system: IndicatorSystem) -> None:
    weights = _section(page, "method")
    contributions = _section(page, "contributions")
    for j, ind in enumerate(result.indicator_ids):
        assert f"[{ind}]" in weights
        assert f"{result.weights[j]:.4f}" in weights
        assert f"[{ind}]" in contributions
    for nw in result.node_weights:
        if nw.cr is not None:
            assert f"{nw.cr:.3f}" in weights


def test_provenance_block(page: str, result: EvaluationResult, sensitivity: SensitivityAnalysis,
                          command: str) -> None:
    prov = _section(page, "provenance")
    p = result.provenance
    for value in (p.system_hash, p.assessment_hash, p.config_hash, p.ppeval_version, str(p.seed)):
        assert value in prov
    assert f'<pre class="command"><code>{html.escape(command)}</code></pre>' in prov
    assert f"{sensitivity.samples} samples, seed {sensitivity.seed}" in prov


def test_text_is_escaped(page: str, hostile_name: str) -> None:
    assert "<script" not in page.lower()
    assert "<b>bold</b>" not in page
    assert html.escape(hostile_name) in page


def test_no_external_urls(page: str) -> None:
    checker = _parse(page)
    assert checker.links, "the page links its own sections and SVG definitions"
    for link in checker.links:
        target = link.strip().strip("'\"")
        assert target.startswith("#"), f"non-local reference {link!r}"
    # the only http(s) strings are XML namespace names, never fetched (and the escaped hostile name)
    for m in re.finditer(r"https?://", page):
        before = page[max(0, m.start() - 20):m.start()]
        assert re.search(r'xmlns(:\w+)?="$', before) or "evil.example" in page[m.start():m.start() + 30], before
    for tag in ("script", "link", "img", "iframe", "object", "embed", "base"):
        assert tag not in checker.tags
    assert "@import" not in page
    assert f'<meta http-equiv="Content-Security-Policy" content="{html.escape(CSP)}">' in page
    assert "default-src 'none'" in CSP
    assert "connect-src" not in CSP


def test_valid_markup(page: str) -> None:
    checker = _parse(page)
    assert checker.errors == []
    assert checker.stack == []
    assert page.startswith("<!DOCTYPE html>\n<html lang=\"en\">")
    assert '<meta charset="utf-8">' in page
    duplicates = sorted({i for i in checker.ids if checker.ids.count(i) > 1})
    assert duplicates == [], "ids must be unique across all inline SVGs"
    ids = set(checker.ids)
    missing = sorted({link[1:] for link in checker.links if link.startswith("#") and link[1:] not in ids})
    assert missing == []


def test_figures_inline_svg_and_printable(page: str) -> None:
    figures = re.findall(r'<figure id="figure-([\w-]+)"><div class="svg"><svg role="img" aria-label="', page)
    assert set(figures) == {"scores", "breakdown", "contributions", "residents", "acceptability", "tornado",
                            "weight-sweep", "qualitative-share"}
    assert "<?xml" not in page
    assert "<!DOCTYPE svg" not in page
    assert "<metadata>" not in page
    assert "@media print" in page
    assert page.count("<figcaption>Figure ") == len(figures)


def test_sensitivity_numbers_match_the_analysis(page: str, result: EvaluationResult,
                                                sensitivity: SensitivityAnalysis) -> None:
    mc = sensitivity.monte_carlo
    assert mc is not None
    section = _section(page, "rank-acceptability")
    lead = int(np.argmin(result.ranks))
    assert f"{100 * mc.rank_acceptability[lead, 0]:.1f}%" in section
    assert f"{mc.samples} weight vectors drawn" in section
    crit = _section(page, "critical-weights")
    c = sensitivity.critical
    assert c is not None
    feasible = np.flatnonzero(c.top.feasible[:, 0])
    if feasible.size:
        k = int(feasible[0])
        assert f"\u2192 {c.top.new_weight[k, 0]:.4f}" in crit


def test_write_html_without_sensitivity_or_system(tmp_path: Path, result: EvaluationResult) -> None:
    """A result with no qualitative summary and no system: every section still renders, as a file."""
    bare = dataclasses.replace(result, qualitative=None, diagnostics=())
    (path,) = write_report(tmp_path / "a" / "r.html", bare)
    assert path == tmp_path / "a" / "r.html"
    page = path.read_text(encoding="utf-8")
    for sid, _ in SECTIONS:
        assert f'<section id="{sid}">' in page
    assert "No sensitivity analysis was run" in _section(page, "sensitivity")
    assert "no qualitative (rated) indicators" in _section(page, "organisation")
    assert "No diagnostics" in _section(page, "diagnostics")
    assert "ppeval reproduce result.json SYSTEM DATA" in _section(page, "provenance")
    checker = _parse(page)
    assert checker.errors == []
    assert checker.stack == []


def test_markdown_report_with_figure_files(tmp_path: Path, result: EvaluationResult, system: IndicatorSystem,
                                           hostile_name: str) -> None:
    written = write_report(tmp_path / "b" / "r.md", result, system=system)
    assert written[0] == tmp_path / "b" / "r.md"
    text = written[0].read_text(encoding="utf-8")
    for title in TITLES:
        assert f"\n## {md_escape(title)}\n" in text
    for pid in result.project_ids:
        assert f"| {md_escape(pid)} |" in text
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert sorted(links) == sorted(f"r_figures/{p.name}" for p in written[1:])
    for fig in written[1:]:
        assert fig.parent == tmp_path / "b" / "r_figures"
        svg = fig.read_text(encoding="utf-8")
        assert svg.startswith("<svg")
        assert svg.rstrip().endswith("</svg>")
    assert not re.search(r"(?<!\\)<script", text)
    assert md_escape(hostile_name) in text
    assert "No sensitivity analysis was run" in text


def test_render_markdown_returns_text_and_figures(result: EvaluationResult) -> None:
    slim = dataclasses.replace(result, qualitative=None, node_ids=(), node_scores=np.zeros((8, 0)))
    md = render_markdown(slim, figure_dir="fig")
    assert isinstance(md, MarkdownReport)
    assert sorted(md.figures) == ["fig/contributions.svg", "fig/scores.svg"]
    for path in md.figures:
        assert f"]({path})" in md.text
    assert "no inner nodes below the root" in md.text


def _bad_calls() -> list[tuple[Any, type[Exception], str]]:
    return [
        (lambda r, s: render_html("result"), InputError, "result must be an EvaluationResult"),
        (lambda r, s: render_html(r, system="s"), InputError, "system must be an IndicatorSystem"),
        (lambda r, s: render_html(r, sensitivity={}), InputError, "sensitivity must be a SensitivityAnalysis"),
        (lambda r, s: render_html(r, command=3), InputError, "command must be a string"),
        (lambda r, s: render_html(r, system=bundled.load_bundled("elderly-care")), InputError,
         "does not match the result"),
        (lambda r, s: render_markdown(r, figure_dir="/abs"), InputError, "figure_dir is '/abs'"),
        (lambda r, s: render_markdown(r, figure_dir="../up"), InputError, "figure_dir"),
        (lambda r, s: write_report(s / "r.pdf", r), InputError, "unknown report type '.pdf'"),
    ]


@pytest.mark.parametrize(("call", "error", "fragment"), _bad_calls())
def test_bad_input(call: Any, error: type[Exception], fragment: str, result: EvaluationResult,
                   tmp_path: Path) -> None:
    with pytest.raises(error, match=re.escape(fragment)):
        call(result, tmp_path)
    assert not (tmp_path / "r.pdf").exists()


# --------------------------------------------------------------------------- renderers on hand-made documents


def _doc(text: str) -> Document:
    svg = plots.score_bars(["a", "b"], [80.0, 40.0], [("good", 60.0), ("poor", 0.0)], name="t")
    return Document(title=text, subtitle=text, sections=(
        Section("s1", text, (
            Paragraph(text), Paragraph(text, "warning"),
            Table(("h", text), ((text, "1.0"),), caption=text, numeric=(False, True), indent=(2,),
                  emphasis=(True,)),
            Figure("f1", lambda output="svg": svg, text, text), KeyValues(((text, text),), mono=True), Code(text),
            Subsection("s2", text, (Paragraph(text, "note"),)),
        )),
    ))


def test_html_renderer_escapes_every_block() -> None:
    text = '<i>x</i> & "q" \'a\''
    out = html_document(_doc(text))
    assert "<i>x</i>" not in out
    assert out.count(html.escape(text)) >= 10
    assert 'style="padding-left:2.95em"' in out
    assert '<tr class="emph">' in out
    checker = _parse(out)
    assert checker.errors == []
    assert checker.stack == []


def test_markdown_renderer_escapes_every_block() -> None:
    text = "a|b *c* _d_ [e](f) <g> `h` #i"
    out, figures = md_document(_doc(text), "figs")
    assert list(figures) == ["figs/f1.svg"]
    assert "a\\|b \\*c\\* \\_d\\_ \\[e\\](f) \\<g\\>" in out
    assert "| &nbsp;&nbsp;&nbsp;&nbsp;**" in out  # indented, emphasised first cell
    assert "```bash\n" + text + "\n```" in out


def test_inline_code_spans() -> None:
    doc = Document("t", "s", (Section("x", "X", (Paragraph("run `ppeval demo <x>` now"),)),))
    assert "<code>ppeval demo &lt;x&gt;</code>" in html_document(doc)
    assert "run `ppeval demo <x>` now" in md_document(doc)[0]


def test_table_rows_must_match_header() -> None:
    with pytest.raises(InputError, match="table row 0 has 1 cells; the header has 2"):
        Table(("a", "b"), (("x",),))


# --------------------------------------------------------------------------- plots


def _all_plots() -> dict[str, str]:
    x = np.linspace(0, 1, 5)
    return {
        "bars": plots.score_bars(["a", "b", "c"], [90.0, 70.0, 30.0], [("good", 80.0), ("fair", 60.0),
                                                                     ("poor", 0.0)], name="bars"),
        "heat": plots.heatmap(["a", "b"], ["x", "y", "z"], [[1, 50, 100], [0, 20, 80]], name="heat"),
        "stack": plots.stacked_bars(["a", "b"], [[10, 20, 30], [5, 5, 5]], ["p", "q", "r"], name="stack"),
        "dumbbell": plots.dumbbell(["a", "b"], [60, 70], [65, 50], "all", "residents", name="dumbbell"),
        "tornado": plots.tornado(["w1", "w2"], [70, 74], [80, 76], 75.0, name="tornado"),
        "sweep": plots.line_sweep(x, np.column_stack([x, 1 - x, x**2]), ["a", "b", "c"], base_x=0.5,
                                  name="sweep"),
    }


@pytest.fixture(scope="module")
def plot_svgs() -> dict[str, str]:
    return _all_plots()


def test_plots_are_clean_deterministic_svg(plot_svgs: dict[str, str]) -> None:
    again = plots.score_bars(["a", "b", "c"], [90.0, 70.0, 30.0], [("good", 80.0), ("fair", 60.0),
                                                                   ("poor", 0.0)], name="bars")
    assert again == plot_svgs["bars"], "same input, same bytes"
    ids: list[str] = []
    for name, svg in plot_svgs.items():
        assert svg.startswith("<svg"), name
        assert svg.rstrip().endswith("</svg>"), name
        assert "<?xml" not in svg
        assert "<metadata>" not in svg
        assert "<dc:date>" not in svg
        for m in re.finditer(r"https?://", svg):
            assert re.search(r'xmlns(:\w+)?="$', svg[max(0, m.start() - 20):m.start()]), name
        ids += re.findall(r'\bid="([^"]+)"', svg)
    assert len(ids) == len(set(ids)), "figures never share an element id"


def test_plots_readable_without_colour(plot_svgs: dict[str, str]) -> None:
    """Series differ by hatching and marker shape, not by colour alone."""
    assert plot_svgs["stack"].count("<pattern") >= 2  # hatches of the parts
    assert plot_svgs["bars"].count("<pattern") >= 1
    # three series with three marker shapes: three distinct marker definitions
    assert len(set(re.findall(r'<path id="sweep-(m[0-9a-f]+)"', plot_svgs["sweep"]))) >= 3
    assert len({plots.MARKERS[k % len(plots.MARKERS)] for k in range(8)}) == 8
    assert len(set(plots.HATCHES)) == len(plots.HATCHES)


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda: plots.score_bars(["a"], [1.0, 2.0]), "scores must have shape (1,)"),
        (lambda: plots.score_bars(["a", "b"], [1.0, np.nan]), "scores has non-finite entries"),
        (lambda: plots.heatmap(["a"], ["x"], [1.0]), "values must be a non-empty 2-D array"),
        (lambda: plots.heatmap(["a", "b"], ["x"], [[1.0]]), "row_labels has 2 entries; expected 1"),
        (lambda: plots.heatmap(["a"], ["x"], [[1.0]], cmap="jet"), "cmap is 'jet'"),
        (lambda: plots.stacked_bars(["a"], [[1.0, 2.0]], ["p"]), "part_labels has 1 entries; expected 2"),
        (lambda: plots.dumbbell(["a"], [1.0], [np.inf], "x", "y"), "second has non-finite entries"),
        (lambda: plots.tornado(["a"], [1.0, 2.0], [3.0], 2.0), "low_side must have shape (1,)"),
        (lambda: plots.line_sweep([0.0, 1.0], [[1.0], [2.0]], ["a", "b"]), "labels has 2 entries; expected 1"),
    ],
)
def test_plot_bad_input(call: Any, fragment: str) -> None:
    with pytest.raises(InputError, match=re.escape(fragment)):
        call()


def test_report_package_does_not_load_matplotlib_until_used() -> None:
    import subprocess
    import sys

    code = "import sys, ppeval.report; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.strip() == "False"
