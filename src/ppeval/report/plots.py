"""Figures of the evaluation report, as SVG text (matplotlib, imported lazily).

Every function takes plain arrays and labels and returns a standalone SVG
document (``<svg ...>...</svg>``, no XML declaration, DOCTYPE or metadata) that
can be inlined in HTML or written to a file, or, with ``output="png"``, PNG bytes
at print resolution (:data:`PNG_DPI`) for the Word report. The figures are built on
:class:`matplotlib.figure.Figure` directly (no pyplot, no global backend
state), with:

* grey-scale-safe encodings: series differ by hatching, marker shape and line
  style as well as by shade; heatmaps use ``cividis`` (monotonic lightness) and
  print their values in the cells;
* text kept as SVG ``<text>`` (``svg.fonttype = "none"``: searchable, small);
* deterministic element ids (``svg.hashsalt`` set per figure from its name), so
  several figures in one HTML page never share an id and the same input gives
  byte-identical SVG.

Labels are names in the report's language, shortened to :data:`LABEL_WIDTH`
columns (a CJK character counts two) with an ellipsis. Chinese text is drawn
with the first installed font of :data:`ppeval.report.fonts.CJK_FONTS`; when
none is installed the per-glyph warnings are suppressed (the report shows one
diagnostic instead), and the browser renders SVG text with its own fonts.
Heatmaps with more than :data:`VECTOR_CELLS` cells are drawn as an embedded
raster image, so a large matrix does not become megabytes of SVG paths.
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from ppeval._typing import FloatArray
from ppeval.errors import InputError
from ppeval.report.fonts import font_families

__all__ = [
    "score_bars",
    "heatmap",
    "stacked_bars",
    "dumbbell",
    "tornado",
    "line_sweep",
    "slope_chart",
    "HATCHES",
    "MARKERS",
    "LINESTYLES",
    "PNG_DPI",
    "LABEL_WIDTH",
    "VECTOR_CELLS",
    "shorten",
    "Rendered",
]

#: Resolution of PNG figures (print quality).
PNG_DPI = 200
#: Width, in columns (a CJK character counts two), that figure labels are shortened to.
LABEL_WIDTH = 30
#: Heatmaps with more cells than this are drawn as a raster image inside the SVG.
VECTOR_CELLS = 2500
#: A rendered figure: SVG text or PNG bytes.
Rendered = str | bytes

#: Hatching patterns cycled over the series of bar charts (distinguishable without colour).
HATCHES = ("", "///", "...", "xxx", "\\\\\\", "ooo", "---", "+++", "|||", "***")
#: Marker shapes cycled over the series of line and dot charts.
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "<", ">", "h", "p")
#: Line styles cycled over the series of line charts.
LINESTYLES = ("-", "--", ":", "-.", (0, (5, 1, 1, 1)), (0, (1, 3)), (0, (8, 2)))

_RC: dict[str, Any] = {
    "svg.fonttype": "none",
    "font.size": 9.0,
    "axes.titlesize": 10.0,
    "axes.labelsize": 9.0,
    "axes.edgecolor": "#333333",
    "axes.linewidth": 0.8,
    "hatch.linewidth": 0.6,
    "hatch.color": "#222222",
    "legend.fontsize": 8.0,
    "legend.frameon": False,
}
_GREYS = ("#f0f0f0", "#bdbdbd", "#969696", "#737373", "#525252", "#d9d9d9", "#a0a0a0", "#636363")
_LINE_GREYS = ("#000000", "#4d4d4d", "#7a7a7a")
_SVG_START = re.compile(r"<svg\b")
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.S)
_ID = re.compile(r'\bid="([^"]+)"')
_ID_OR_REF = re.compile(r'(\bid="|\bhref="#|url\(#)([^")]+)')
_SAFE = re.compile(r"[^A-Za-z0-9_-]")


def _shade(k: int) -> str:
    return _GREYS[k % len(_GREYS)]


@contextmanager
def _figure(name: str, width: float, height: float) -> Iterator[Any]:
    """A new Figure under the report's rc settings and a per-figure id salt."""
    import matplotlib
    from matplotlib.figure import Figure

    rc: Any = {**_RC, "svg.hashsalt": f"ppeval-{name}", "font.family": font_families()}
    with matplotlib.rc_context(rc), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*[Gg]lyph .* missing from.*")
        fig = Figure(figsize=(width, height), layout="constrained")
        yield fig


def _prefix_ids(svg: str, prefix: str) -> str:
    """Prefix every element id (and every reference to it) so several SVGs can share one page."""
    ids = set(_ID.findall(svg))

    def sub(m: re.Match[str]) -> str:
        head, name = m.group(1), m.group(2)
        return f"{head}{prefix}{name}" if name in ids else m.group(0)

    return _ID_OR_REF.sub(sub, svg)


def _width(text: str) -> int:
    return sum(2 if ord(ch) >= 0x1100 else 1 for ch in text)


def shorten(label: str, width: int = LABEL_WIDTH) -> str:
    """``label`` cut to ``width`` display columns (CJK characters count two), with an ellipsis.

    Examples
    --------
    >>> shorten("Resident satisfaction with the service", 20)
    'Resident satisfacti…'
    >>> shorten("居民对服务的满意度评价结果", 12)
    '居民对服务…'
    """
    if _width(label) <= width:
        return label
    out, used = [], 1
    for ch in label:
        used += 2 if ord(ch) >= 0x1100 else 1
        if used > width:
            break
        out.append(ch)
    return "".join(out).rstrip() + "\u2026"


def _out(fig: Any, name: str, output: str) -> Rendered:
    if output == "png":
        data = io.BytesIO()
        fig.savefig(data, format="png", dpi=PNG_DPI, metadata={"Software": None})
        return data.getvalue()
    if output != "svg":
        raise InputError(f"output is {output!r}; expected 'svg' or 'png'")
    return _svg(fig, name)


def _svg(fig: Any, name: str) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    text = buf.getvalue()
    match = _SVG_START.search(text)
    if match is None:  # pragma: no cover - matplotlib always writes an <svg> element
        raise InputError("matplotlib produced no <svg> element")
    svg = _METADATA.sub("", text[match.start():]).strip() + "\n"
    return _prefix_ids(svg, f"{_SAFE.sub('-', name)}-")


def _check_labels(labels: Sequence[str], n: int, name: str) -> list[str]:
    out = [shorten(str(x)) for x in labels]
    if len(out) != n:
        raise InputError(f"{name} has {len(out)} entries; expected {n}")
    return out


def _as_2d(values: Any, name: str) -> FloatArray:
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 2 or arr.size == 0:
        raise InputError(f"{name} must be a non-empty 2-D array; got shape {arr.shape}")
    if not np.isfinite(arr).all():
        raise InputError(f"{name} has non-finite entries")
    return arr


def _as_1d(values: Any, n: int, name: str) -> FloatArray:
    arr = np.asarray(values, dtype=np.float64)
    if arr.shape != (n,):
        raise InputError(f"{name} must have shape ({n},); got {arr.shape}")
    if not np.isfinite(arr).all():
        raise InputError(f"{name} has non-finite entries")
    return arr


def _height(rows: int, per_row: float = 0.32, extra: float = 1.1) -> float:
    return max(2.0, min(14.0, extra + per_row * rows))


def score_bars(
    labels: Sequence[str],
    scores: Any,
    bands: Sequence[tuple[str, float]] = (),
    *,
    name: str = "scores",
    xlabel: str = "score (0-100)",
    output: str = "svg",
) -> Rendered:
    """Horizontal bars of the 0-100 scores, best at the top, with the grade thresholds.

    Parameters
    ----------
    labels : sequence of str
        Bar labels, in the order of ``scores`` (drawn in the given order, top down).
    scores : array_like of shape (n,)
        Scores on 0-100.
    bands : sequence of (label, min)
        Grade bands, best first (``min`` decreasing); every other band is
        shaded, a dashed line marks every ``min > 0`` and the label sits
        above the band.
    name : str
        Figure name (element id salt).
    xlabel : str
        Axis label.

    output : {"svg", "png"}
        Output format.

    Returns
    -------
    str or bytes
        SVG text, or PNG bytes with ``output="png"``.

    Examples
    --------
    >>> svg = score_bars(["p1", "p2"], [85.0, 55.0], [("good", 80.0), ("fair", 60.0), ("poor", 0.0)])
    >>> svg.startswith("<svg") and "good" in svg
    True
    """
    n = len(labels)
    labs = _check_labels(labels, n, "labels")
    s = _as_1d(scores, n, "scores")
    with _figure(name, 7.0, _height(n)) as fig:
        ax = fig.add_subplot()
        y = np.arange(n)
        ax.barh(y, s, color="#bdbdbd", edgecolor="#222222", linewidth=0.7, hatch="///", height=0.65, zorder=2)
        for yi, si in zip(y, s, strict=True):
            ax.text(si + 1.0, yi, f"{si:.1f}", va="center", ha="left", fontsize=8)
        uppers = [100.0, *[low for _, low in bands]][: len(bands)]
        for k, ((label, low), high) in enumerate(zip(bands, uppers, strict=True)):
            if k % 2 == 0:
                ax.axvspan(low, high, color="#f2f2f2", zorder=0, linewidth=0)
            if low > 0:
                ax.axvline(low, color="#000000", linestyle="--", linewidth=0.8, zorder=1)
            ax.text((low + high) / 2, -0.8, label, fontsize=7, va="center", ha="center", color="#000000")
        ax.set_yticks(y, labs)
        ax.invert_yaxis()
        ax.set_xlim(0, 108)
        ax.set_ylim(n - 0.5, -1.3)
        ax.set_xlabel(xlabel)
        ax.spines[["top", "right"]].set_visible(False)
        return _out(fig, name, output)


def heatmap(
    row_labels: Sequence[str],
    col_labels: Sequence[str],
    values: Any,
    *,
    name: str = "heatmap",
    vmin: float = 0.0,
    vmax: float = 100.0,
    fmt: str = "{:.0f}",
    xlabel: str = "",
    colorbar_label: str = "",
    hide_below: float | None = None,
    cmap: str = "cividis",
    output: str = "svg",
) -> Rendered:
    """A heatmap with the value printed in every cell (``cividis`` or ``Greys``: readable in grey).

    Parameters
    ----------
    row_labels, col_labels : sequence of str
        Labels of the rows (y, top down) and columns (x).
    values : array_like of shape (rows, cols)
        Finite values.
    name : str
        Figure name (element id salt).
    vmin, vmax : float
        Colour scale limits.
    fmt : str
        Format of the printed values.
    xlabel, colorbar_label : str
        Axis and colour bar labels.
    hide_below : float, optional
        Cells below this value are left unlabelled (e.g. 0 % acceptability).
    cmap : {"cividis", "Greys"}
        Colour map; both have monotonic lightness, so they print in grey.

    output : {"svg", "png"}
        Output format.

    Returns
    -------
    str or bytes
        SVG text, or PNG bytes with ``output="png"``.

    Examples
    --------
    >>> svg = heatmap(["p1", "p2"], ["rank 1", "rank 2"], [[90.0, 10.0], [10.0, 90.0]], cmap="Greys")
    >>> svg.count(">90<"), svg.count('id="heatmap-')  > 0
    (2, True)
    """
    v = _as_2d(values, "values")
    rows = _check_labels(row_labels, v.shape[0], "row_labels")
    cols = _check_labels(col_labels, v.shape[1], "col_labels")
    width = max(4.5, min(10.0, 2.2 + 0.62 * len(cols)))
    with _figure(name, width, _height(len(rows), 0.36, 1.6)) as fig:
        ax = fig.add_subplot()
        if cmap not in ("cividis", "Greys"):
            raise InputError(f"cmap is {cmap!r}; expected 'cividis' or 'Greys'")
        # vector cells (no embedded raster image): crisp in print, nothing but SVG paths
        big = v.size > VECTOR_CELLS
        im = ax.pcolormesh(v, cmap=cmap, vmin=vmin, vmax=vmax, edgecolors="face" if big else "#ffffff",
                           linewidth=0.0 if big else 0.5, rasterized=big)
        ax.set_xlim(0, v.shape[1])
        ax.set_ylim(v.shape[0], 0)
        span = vmax - vmin if vmax > vmin else 1.0
        for (i, j), x in np.ndenumerate(v if not big else np.empty((0, 0))):
            if hide_below is not None and x < hide_below:
                continue
            light = bool((x - vmin) / span > 0.55)
            if cmap == "Greys":
                light = not light
            ax.text(j + 0.5, i + 0.5, fmt.format(x), ha="center", va="center", fontsize=7.5,
                    color="#000000" if light else "#ffffff")
        ax.set_xticks(np.arange(len(cols)) + 0.5, cols, rotation=35 if max(map(len, cols)) > 4 else 0,
                      ha="right" if max(map(len, cols)) > 4 else "center")
        ax.set_yticks(np.arange(len(rows)) + 0.5, rows)
        ax.tick_params(length=0)
        if xlabel:
            ax.set_xlabel(xlabel)
        bar = fig.colorbar(im, ax=ax, shrink=0.8)
        if bar.solids is not None:
            bar.solids.set_rasterized(False)  # keep the gradient as vector paths, no embedded image
            bar.solids.set_edgecolor("face")
        if colorbar_label:
            bar.set_label(colorbar_label)
        return _out(fig, name, output)


def stacked_bars(
    labels: Sequence[str],
    parts: Any,
    part_labels: Sequence[str],
    *,
    name: str = "stacked",
    xlabel: str = "points of the 0-100 score",
    output: str = "svg",
) -> Rendered:
    """Horizontal stacked bars: each bar split into parts (shade and hatching per part).

    Parameters
    ----------
    labels : sequence of str
        Bar labels (top down).
    parts : array_like of shape (n, k)
        Non-negative part sizes; row ``i`` is bar ``i``.
    part_labels : sequence of str
        Legend label of each part.
    name, xlabel : str
        Figure name and axis label.

    output : {"svg", "png"}
        Output format.

    Returns
    -------
    str or bytes
        SVG text, or PNG bytes with ``output="png"``.

    Examples
    --------
    >>> svg = stacked_bars(["p1"], [[20.0, 30.0]], ["stage a", "stage b"])
    >>> "stage b" in svg and "<pattern" in svg
    True
    """
    p = _as_2d(parts, "parts")
    labs = _check_labels(labels, p.shape[0], "labels")
    plabs = _check_labels(part_labels, p.shape[1], "part_labels")
    with _figure(name, 7.0, _height(len(labs), 0.34, 1.7)) as fig:
        ax = fig.add_subplot()
        y = np.arange(len(labs))
        left = np.zeros(len(labs))
        for k, lab in enumerate(plabs):
            ax.barh(y, p[:, k], left=left, height=0.65, color=_shade(k), edgecolor="#222222",
                    linewidth=0.6, hatch=HATCHES[k % len(HATCHES)], label=lab)
            left = left + p[:, k]
        for yi, total in zip(y, left, strict=True):
            ax.text(total + 0.8, yi, f"{total:.1f}", va="center", fontsize=8)
        ax.set_yticks(y, labs)
        ax.invert_yaxis()
        ax.set_xlim(0, max(100.0, float(left.max()) * 1.08))
        ax.set_xlabel(xlabel)
        ax.spines[["top", "right"]].set_visible(False)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12 - 0.5 / max(len(labs), 1)),
                  ncol=min(4, len(plabs)))
        return _out(fig, name, output)


def dumbbell(
    labels: Sequence[str],
    first: Any,
    second: Any,
    first_label: str,
    second_label: str,
    *,
    name: str = "dumbbell",
    xlabel: str = "score (0-100)",
    output: str = "svg",
) -> Rendered:
    """Two values per row joined by a line (filled circle vs open square).

    Parameters
    ----------
    labels : sequence of str
        Row labels (top down).
    first, second : array_like of shape (n,)
        The two values of every row.
    first_label, second_label : str
        Legend labels.
    name, xlabel : str
        Figure name and axis label.

    output : {"svg", "png"}
        Output format.

    Returns
    -------
    str or bytes
        SVG text, or PNG bytes with ``output="png"``.

    Examples
    --------
    >>> "residents" in dumbbell(["p1"], [70.0], [64.0], "all raters", "residents")
    True
    """
    n = len(labels)
    labs = _check_labels(labels, n, "labels")
    a = _as_1d(first, n, "first")
    b = _as_1d(second, n, "second")
    with _figure(name, 7.0, _height(n, 0.32, 1.5)) as fig:
        ax = fig.add_subplot()
        y = np.arange(n)
        ax.hlines(y, np.minimum(a, b), np.maximum(a, b), color="#777777", linewidth=1.2)
        ax.plot(a, y, linestyle="none", marker="o", markersize=6, color="#000000", label=first_label)
        ax.plot(b, y, linestyle="none", marker="s", markersize=6, markerfacecolor="#ffffff",
                markeredgecolor="#000000", label=second_label)
        ax.set_yticks(y, labs)
        ax.invert_yaxis()
        lo = float(min(a.min(), b.min()))
        hi = float(max(a.max(), b.max()))
        pad = max(2.0, 0.05 * (hi - lo))
        ax.set_xlim(max(0.0, lo - pad), min(100.0, hi + pad) if hi <= 100 else hi + pad)
        ax.set_xlabel(xlabel)
        ax.grid(axis="x", color="#dddddd", linewidth=0.6)
        ax.spines[["top", "right"]].set_visible(False)
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2)
        return _out(fig, name, output)


def tornado(
    labels: Sequence[str],
    low_side: Any,
    high_side: Any,
    base: float,
    *,
    name: str = "tornado",
    xlabel: str = "score (0-100)",
    low_label: str = "weight lowered",
    high_label: str = "weight raised",
    output: str = "svg",
) -> Rendered:
    """Tornado chart: per input, the output when it is lowered (dark) and raised (hatched).

    Parameters
    ----------
    labels : sequence of str
        Bar labels, already sorted (widest first).
    low_side, high_side : array_like of shape (k,)
        Output with the input at its low and at its high end.
    base : float
        Output at the base case (a vertical line); each bar runs from it.
    name, xlabel : str
        Figure name and axis label.
    low_label, high_label : str
        Legend labels of the two sides.

    output : {"svg", "png"}
        Output format.

    Returns
    -------
    str or bytes
        SVG text, or PNG bytes with ``output="png"``.

    Examples
    --------
    >>> "w1" in tornado(["w1", "w2"], [70.0, 74.0], [80.0, 76.0], 75.0)
    True
    """
    k = len(labels)
    labs = _check_labels(labels, k, "labels")
    lo = _as_1d(low_side, k, "low_side")
    hi = _as_1d(high_side, k, "high_side")
    with _figure(name, 7.0, _height(k, 0.3, 1.6)) as fig:
        ax = fig.add_subplot()
        y = np.arange(k)
        ax.barh(y, lo - base, left=base, height=0.6, color="#525252", edgecolor="#000000", linewidth=0.6,
                label=low_label)
        ax.barh(y, hi - base, left=base, height=0.6, color="#e0e0e0", edgecolor="#000000", linewidth=0.6,
                hatch="///", label=high_label)
        ax.axvline(base, color="#000000", linewidth=1.0)
        ax.set_yticks(y, labs)
        ax.invert_yaxis()
        ax.set_xlabel(xlabel)
        ax.spines[["top", "right"]].set_visible(False)
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2)
        return _out(fig, name, output)


def line_sweep(
    x: Any,
    ys: Any,
    labels: Sequence[str],
    *,
    base_x: float | None = None,
    name: str = "sweep",
    xlabel: str = "",
    ylabel: str = "",
    invert_y: bool = False,
    integer_y: bool = False,
    base_label: str = "as evaluated",
    output: str = "svg",
) -> Rendered:
    """One line per series over a common x grid (marker shape and line style per series).

    Parameters
    ----------
    x : array_like of shape (s,)
        The grid.
    ys : array_like of shape (s, k)
        Column ``j`` is series ``j``.
    labels : sequence of str
        Legend labels of the series.
    base_x : float, optional
        A vertical dotted line marking the base case.
    name, xlabel, ylabel : str
        Figure name and axis labels.
    invert_y : bool
        Put small values at the top (ranks).
    integer_y : bool
        Integer ticks on y (ranks).
    base_label : str
        Text beside the base-case line.

    output : {"svg", "png"}
        Output format.

    Returns
    -------
    str or bytes
        SVG text, or PNG bytes with ``output="png"``.

    Examples
    --------
    >>> svg = line_sweep([0.0, 0.5, 1.0], [[1, 2], [2, 1], [2, 1]], ["p1", "p2"], invert_y=True)
    >>> svg.startswith("<svg")
    True
    """
    y = _as_2d(ys, "ys")
    xs = _as_1d(x, y.shape[0], "x")
    labs = _check_labels(labels, y.shape[1], "labels")
    with _figure(name, 7.0, 3.6 + 0.12 * len(labs)) as fig:
        ax = fig.add_subplot()
        every = max(1, len(xs) // 10)
        for j, lab in enumerate(labs):
            ax.plot(xs, y[:, j], color=_LINE_GREYS[min(j // 4, len(_LINE_GREYS) - 1)],
                    linestyle=LINESTYLES[j % len(LINESTYLES)], marker=MARKERS[j % len(MARKERS)],
                    markevery=every, markersize=5, linewidth=1.1, markerfacecolor="#ffffff"
                    if j % 2 else None, label=lab)
        if base_x is not None:
            ax.axvline(base_x, color="#000000", linestyle=":", linewidth=1.0)
            ax.text(base_x, 1.0, " " + base_label, transform=ax.get_xaxis_transform(), fontsize=7,
                    va="bottom", ha="left")
        if invert_y:
            ax.invert_yaxis()
        if integer_y:
            from matplotlib.ticker import MaxNLocator

            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.grid(color="#e5e5e5", linewidth=0.6)
        ax.spines[["top", "right"]].set_visible(False)
        ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), ncol=1 if len(labs) <= 14 else 2)
        return _out(fig, name, output)


def slope_chart(
    labels: Sequence[str],
    before: Any,
    after: Any,
    *,
    highlight: Any = None,
    name: str = "slope",
    before_label: str = "earlier",
    after_label: str = "later",
    ylabel: str = "score (0-100)",
    output: str = "svg",
) -> Rendered:
    """Slope chart: one line per project from its earlier to its later score.

    Parameters
    ----------
    labels : sequence of str
        Project names (written at the later end of each line).
    before, after : array_like of shape (k,)
        Scores in the two rounds.
    highlight : array_like of bool, shape (k,), optional
        Lines drawn solid and dark (e.g. changes beyond the evidence
        uncertainty); the others dashed and grey.
    name, before_label, after_label, ylabel : str
        Figure name, the two rounds' names and the axis label.

    output : {"svg", "png"}
        Output format.

    Returns
    -------
    str or bytes
        SVG text, or PNG bytes with ``output="png"``.

    Examples
    --------
    >>> "P1" in slope_chart(["P1", "P2"], [70.0, 60.0], [75.0, 58.0], highlight=[True, False])
    True
    """
    k = len(labels)
    labs = _check_labels(labels, k, "labels")
    b = _as_1d(before, k, "before")
    a = _as_1d(after, k, "after")
    hl = np.ones(k, dtype=bool) if highlight is None else np.asarray(highlight, dtype=bool).reshape(-1)
    if hl.shape != (k,):
        raise InputError(f"highlight has {hl.size} entries; expected {k} (one per project)")
    with _figure(name, 6.5, max(3.5, 0.28 * k + 1.5)) as fig:
        ax = fig.add_subplot()
        # label positions: the later scores, pushed apart to at least `gap` (a loop over projects, k <= ~100)
        lo_y, hi_y = float(min(b.min(), a.min())), float(max(b.max(), a.max()))
        gap = max(hi_y - lo_y, 1.0) * 0.035
        order = np.argsort(a, kind="stable")
        ly = a.astype(np.float64).copy()
        for prev, cur in zip(order[:-1], order[1:], strict=True):
            ly[cur] = max(ly[cur], ly[prev] + gap)
        for i in range(k):
            style = {"color": "#000000", "linewidth": 1.6, "linestyle": "-"} if hl[i] else \
                {"color": "#8c8c8c", "linewidth": 1.0, "linestyle": "--"}
            ax.plot([0, 1], [b[i], a[i]], marker="o", markersize=3.5, **style)
            ax.annotate(labs[i], (1, a[i]), xytext=(1.04, ly[i]), textcoords="data", va="center", fontsize=7)
        ax.set_xticks([0, 1], [before_label, after_label])
        ax.set_xlim(-0.15, 1.9)
        ax.set_ylabel(ylabel)
        ax.spines[["top", "right"]].set_visible(False)
        return _out(fig, name, output)
