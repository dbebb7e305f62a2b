"""Report languages: re-exports :mod:`ppeval.i18n` (message catalogs, number and date formats)."""

from __future__ import annotations

from ppeval.i18n import (
    DOMAIN,
    SOURCE_LANGUAGE,
    Language,
    available_languages,
    language,
    locale_dir,
)

__all__ = ["Language", "language", "available_languages", "DOMAIN", "SOURCE_LANGUAGE", "locale_dir"]
