"""Languages of reports and CLI output: gettext message catalogs and Babel number and date formats.

This module is light (gettext and pathlib; Babel is imported when a
:class:`Language` is made), so the command line can offer ``--lang`` without
loading numpy; :mod:`ppeval.report.i18n` re-exports it.

The texts of a report are written in English in the code and marked for
translation (``lang._("...")``); the translations live in GNU gettext
catalogs, ``ppeval/locale/<lang>/LC_MESSAGES/ppeval.po``, compiled with Babel
to ``ppeval.mo`` next to them. Adding a language means adding a catalog, not
changing Python: every folder under ``ppeval/locale`` with a compiled catalog
is a language :func:`available_languages` offers (English, the language of the
source texts, needs none).

Numbers, percentages and dates are formatted with the language's CLDR symbols
and patterns (Babel): ``12,345.6`` in English, ``12,345.6`` in Chinese,
``December 5, 2026`` vs ``2026年12月5日``.

Examples
--------
>>> zh = language("zh")
>>> zh._("Rank")
'名次'
>>> zh.pct(0.125), language("en").pct(0.125)
('12.5%', '12.5%')
>>> zh.date(__import__("datetime").date(2026, 12, 5))
'2026年12月5日'
"""

from __future__ import annotations

import datetime as _dt
import gettext
from importlib import resources
from pathlib import Path

from ppeval.errors import InputError

__all__ = ["Language", "language", "available_languages", "DOMAIN", "SOURCE_LANGUAGE", "locale_dir"]

#: gettext domain of ppeval's catalogs (``ppeval.po`` / ``ppeval.mo``).
DOMAIN = "ppeval"
#: The language the texts are written in (needs no catalog).
SOURCE_LANGUAGE = "en"
#: CLDR locale used for formatting each language code (a bare code otherwise).
_CLDR = {"zh": "zh_Hans_CN", "en": "en_US"}


def locale_dir() -> Path:
    """The folder holding the message catalogs (``<lang>/LC_MESSAGES/ppeval.mo``)."""
    return Path(str(resources.files("ppeval") / "locale"))


def available_languages() -> tuple[str, ...]:
    """Language codes a report can be written in: English and every language with a compiled catalog."""
    root = locale_dir()
    found = sorted(p.parent.parent.name for p in root.glob(f"*/LC_MESSAGES/{DOMAIN}.mo")) if root.is_dir() else []
    return (SOURCE_LANGUAGE, *[c for c in found if c != SOURCE_LANGUAGE])


class Language:
    """A report language: translations (gettext) and number, percentage and date formats (Babel).

    Parameters
    ----------
    code : str
        Language code, one of :func:`available_languages` (``"en"``, ``"zh"``).

    Attributes
    ----------
    code : str
        The language code.
    missing : set of str
        Texts looked up that the catalog does not translate (empty for the
        source language). Tests use it to prove a report is fully translated.
    decimal, group : str
        The decimal and grouping symbols of the language.
    """

    def __init__(self, code: str) -> None:
        from babel import Locale, numbers

        langs = available_languages()
        if not isinstance(code, str) or code not in langs:
            raise InputError(f"lang is {code!r}; expected one of {', '.join(map(repr, langs))}")
        self.code = code
        self.missing: set[str] = set()
        self._trans: gettext.NullTranslations
        self._catalog: dict[object, str] = {}
        if code == SOURCE_LANGUAGE:
            self._trans = gettext.NullTranslations()
        else:
            trans = gettext.translation(DOMAIN, localedir=str(locale_dir()), languages=[code])
            self._trans = trans
            self._catalog = dict(getattr(trans, "_catalog", {}))
        self.locale = Locale.parse(_CLDR.get(code, code))
        self.decimal = numbers.get_decimal_symbol(self.locale)
        self.group = numbers.get_group_symbol(self.locale)
        self.percent_sign = str(self.locale.number_symbols["latn"]["percentSign"])
        pattern = self.locale.percent_formats[None].pattern
        self._pct_before = pattern.strip().startswith("%")
        self._pct_space = " " in pattern.replace("\u00a0", " ")

    def __repr__(self) -> str:
        return f"Language({self.code!r})"

    @property
    def is_cjk(self) -> bool:
        """Whether the language is written in CJK characters (figures then need a CJK font)."""
        return self.code.split("_")[0] in ("zh", "ja", "ko")

    # ------------------------------------------------------------------ translation
    def _(self, text: str) -> str:
        """The translation of ``text`` (``text`` itself in English or when untranslated)."""
        if self.code == SOURCE_LANGUAGE:
            return text
        out = self._catalog.get(text)
        if not out:
            self.missing.add(text)
            return text
        return out

    def term(self, text: str) -> str:
        """A word from the data (a rater group, a grade): translated when the catalog has it, else as is."""
        if self.code == SOURCE_LANGUAGE:
            return text
        return self._catalog.get(text) or text

    def n_(self, singular: str, plural: str, n: int) -> str:
        """The singular or plural form of a text for the count ``n``."""
        if self.code == SOURCE_LANGUAGE:
            return singular if n == 1 else plural
        out = self._trans.ngettext(singular, plural, n)
        if (singular, 0) not in self._catalog:
            self.missing.add(singular)
        return out

    # ------------------------------------------------------------------ formats
    def num(self, x: float, digits: int = 1, *, grouping: bool = True) -> str:
        """``x`` with ``digits`` decimals, the language's symbols, thousands grouped."""
        text = f"{x:,.{digits}f}" if grouping else f"{x:.{digits}f}"
        if self.decimal == "." and self.group == ",":
            return text
        return text.replace(",", "\0").replace(".", self.decimal).replace("\0", self.group)

    def count(self, n: int) -> str:
        """An integer with thousands grouped."""
        return self.num(float(n), 0) if abs(n) < 2**53 else str(n)

    def pct(self, x: float, digits: int = 1) -> str:
        """``x`` (a share, 0.125) as a percentage (``12.5%``) in the language's pattern."""
        body = self.num(100.0 * x, digits)
        space = "\u00a0" if self._pct_space else ""
        return f"{self.percent_sign}{space}{body}" if self._pct_before else f"{body}{space}{self.percent_sign}"

    def date(self, day: _dt.date) -> str:
        """A date in the language's long format (``December 5, 2026``, ``2026年12月5日``)."""
        from babel.dates import format_date

        return str(format_date(day, format="long", locale=self.locale))

    def join(self, items: list[str] | tuple[str, ...]) -> str:
        """Items joined with the language's list separator (``a, b`` / ``a、b``)."""
        # Translators: the separator between the items of a list
        return self._(", ").join(items)


def language(lang: str | Language | None = None) -> Language:
    """A :class:`Language` for a code (``None`` is English); a :class:`Language` is returned as given.

    Raises
    ------
    InputError
        If the code has no catalog; the message lists the available languages.
    """
    if isinstance(lang, Language):
        return lang
    return Language(SOURCE_LANGUAGE if lang is None else lang)
