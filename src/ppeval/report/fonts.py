"""A font for Chinese (CJK) text in figures, found through a list of common fonts.

matplotlib's default font (DejaVu Sans) has no Chinese glyphs: without a CJK
font, Chinese labels in raster figures (the Word report's PNGs) come out as
empty boxes, and matplotlib warns once per missing glyph. :func:`cjk_font`
looks for the first installed font of :data:`CJK_FONTS` (in matplotlib's font
list, then among the system's font files, so a font installed after
matplotlib built its cache is found too) and :func:`font_families` puts it
behind the Latin font, so matplotlib falls back to it glyph by glyph. When none
is installed, :func:`missing_font_message` is the one diagnostic a report and
the CLI show; the per-glyph warnings are suppressed where figures are drawn.
SVG figures in HTML keep their text as text, which the browser draws with any
installed CJK font.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

__all__ = ["CJK_FONTS", "cjk_font", "font_families", "missing_font_message", "has_cjk"]

#: CJK fonts tried in order (Linux, Adobe/Google, Windows, macOS, older Linux).
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "WenQuanYi Zen Hei",
    "Noto Sans SC",
    "Source Han Sans CN",
)
_LATIN = "DejaVu Sans"
#: File name fragments of the fonts in CJK_FONTS (to find fonts matplotlib has not indexed yet).
_FILES = ("notosanscjk", "sourcehansans", "msyh", "simhei", "pingfang", "wqy-zenhei", "notosanssc")


def has_cjk(text: str) -> bool:
    """Whether ``text`` has a CJK character (ideographs, kana, Hangul, CJK punctuation, full-width forms)."""
    return any("\u2e80" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af" or "\uf900" <= ch <= "\uffef"
               for ch in text)


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The family name of the first installed font of :data:`CJK_FONTS`, or ``None``.

    Looked up once per process.
    """
    from matplotlib import font_manager

    known = {f.name for f in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in known:
            return name
    # fonts installed after matplotlib cached its font list: add the matching files
    try:
        files = font_manager.findSystemFonts()
    except (OSError, RuntimeError):  # pragma: no cover - fc-list failing
        files = []
    for path in files:
        stem = Path(path).name.lower().replace(" ", "").replace("_", "")
        if any(frag in stem for frag in _FILES):
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):  # pragma: no cover - unreadable font file
                continue
    known = {f.name for f in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in known:
            return name
    return None


def font_families() -> list[str]:
    """matplotlib ``font.family`` for report figures: the Latin font, then the CJK font if one is installed."""
    cjk = cjk_font()
    return [_LATIN, cjk] if cjk else [_LATIN]


def missing_font_message() -> str:
    """The one diagnostic shown when no CJK font is installed (English; reports translate it)."""
    return (
        "No Chinese (CJK) font was found for the figures (tried " + ", ".join(CJK_FONTS[:6]) + "). "
        "Chinese labels in raster figures show as empty boxes. Install one, e.g. on Debian or Ubuntu "
        "`apt-get install fonts-noto-cjk`; if one is installed, delete matplotlib's font cache "
        "(the fontlist-*.json file in matplotlib.get_cachedir())."
    )
