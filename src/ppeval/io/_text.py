"""Text files in the encodings and dialects spreadsheet programs write: detection and decoding.

Chinese evaluators receive CSV files saved by Excel on Chinese Windows (GBK /
GB18030, no byte-order mark), by Excel's "CSV UTF-8" (UTF-8 with a BOM), by
"Unicode text" (UTF-16 with a BOM, tab-separated) and by other tools (UTF-8
without a BOM; comma, semicolon or tab separated). :func:`decode` finds the
encoding and :func:`sniff_delimiter` the separator; both can be given
explicitly instead. The decoded text, not the bytes, is what is parsed (and
hashed), so the same table in another encoding or dialect gives the same
assessment.

Detection rule (:func:`detect_encoding`)
----------------------------------------
1. A byte-order mark decides: UTF-8 (``utf-8-sig``), UTF-16 LE/BE, UTF-32 LE/BE.
2. Without a BOM, NUL bytes mean UTF-16/32 without a BOM: accepted only when
   exactly one of UTF-16 LE/BE decodes to text without control characters.
3. Otherwise the candidates are strict UTF-8 and GB18030 (a superset of GBK and
   GB2312). Each decoding is judged *plausible* when every non-ASCII character
   belongs to the common scripts of such files (CJK ideographs and punctuation
   of GB2312, full-width forms, Latin-1 letters and general punctuation):
   mojibake of one encoding read as the other produces rare ideographs, kana,
   box-drawing or Cyrillic characters, or U+FFFD.

   A decoding is plausible when at least 90 % of its distinct non-ASCII
   characters are (so a GBK file with a few rare characters in names still
   reads); for the UTF-8 reading, traditional characters (Big5's) count too.

   * only UTF-8 decodes, or both decode to the same text (pure ASCII): UTF-8;
   * only GB18030 decodes: GB18030 if plausible;
   * both decode to different text (many UTF-8 Chinese texts are also valid
     GB18030 byte sequences): UTF-8 if plausible, else GB18030 if plausible;
   * otherwise the file is **ambiguous** (for example Big5 or Shift-JIS, or
     text in neither encoding).

   An ambiguous file raises :class:`~ppeval.errors.DataError` that shows the
   first differing line under each candidate and says to give ``encoding=``
   (``--encoding`` on the command line). Nothing is ever decoded with
   replacement characters.
"""

from __future__ import annotations

import codecs
import csv
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from ppeval.errors import DataError, InputError

__all__ = ["Decoded", "decode", "detect_encoding", "normalise_encoding", "sniff_delimiter", "read_bytes"]

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32"),
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
)
#: Spellings accepted for ``encoding=`` and the canonical name recorded.
_ALIASES = {
    "utf8": "utf-8", "utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "utf8-sig": "utf-8-sig", "utf_8_sig": "utf-8-sig",
    "gbk": "gbk", "cp936": "gbk", "gb2312": "gb2312", "gb18030": "gb18030", "gb-18030": "gb18030",
    "utf-16": "utf-16", "utf16": "utf-16", "utf-16le": "utf-16-le", "utf-16-le": "utf-16-le",
    "utf-16be": "utf-16-be", "utf-16-be": "utf-16-be", "big5": "big5", "shift_jis": "shift_jis",
    "latin-1": "latin-1", "latin1": "latin-1", "iso-8859-1": "latin-1", "cp1252": "cp1252",
}
#: Characters unlikely in any sensible file: C0 controls other than tab, CR, LF; U+FFFD; private use.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd\ue000-\uf8ff]")
_ASCII_RUNS = re.compile("[\x00-\x7f]+")
#: Share of distinct non-ASCII characters that must be plausible for a decoding to be accepted.
PLAUSIBLE = 0.9
#: Separators considered by :func:`sniff_delimiter`.
DELIMITERS = (",", ";", "\t")


@dataclass(frozen=True)
class Decoded:
    """A decoded text file: the text and how it was decoded."""

    text: str
    encoding: str  #: canonical codec name, e.g. ``utf-8``, ``utf-8-sig``, ``gb18030``, ``utf-16``
    bom: bool
    detected: bool  #: ``False`` when the caller named the encoding


def normalise_encoding(encoding: str) -> str:
    """Canonical name of a codec given as ``encoding=`` (:class:`InputError` if Python has no such codec)."""
    if not isinstance(encoding, str) or not encoding.strip():
        raise InputError(f"encoding is {encoding!r}; give a codec name such as 'utf-8', 'gbk' or 'utf-16'")
    key = encoding.strip().lower().replace("_", "-")
    if key in _ALIASES:
        return _ALIASES[key]
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise InputError(
            f"encoding {encoding!r} is not known; common ones are utf-8, utf-8-sig, gbk, gb18030, utf-16"
        ) from None


def _plausible_char(ch: str, traditional: bool = False) -> bool:
    o = ord(ch)
    if o < 0x80:
        return True
    if 0xA0 <= o <= 0xFF or 0x2000 <= o <= 0x206F or 0x3000 <= o <= 0x303F or 0xFF00 <= o <= 0xFFEF:
        return True  # Latin-1 letters and signs, general punctuation, CJK punctuation, full-width forms
    if 0x4E00 <= o <= 0x9FFF:  # CJK ideographs: the common ones (GB2312's 6,763; with Big5's if traditional)
        for codec in ("gb2312", "big5") if traditional else ("gb2312",):
            try:
                ch.encode(codec)
                return True
            except UnicodeEncodeError:
                pass
    return False


def _plausibility(text: str, traditional: bool = False) -> float:
    """Share of the distinct non-ASCII characters of ``text`` that are plausible (1.0 for ASCII text).

    ``traditional``: traditional characters (Big5) count as plausible too; used for a
    UTF-8 reading, where mojibake of GBK bytes is rare, not for a GB18030 reading,
    where mojibake of UTF-8 bytes is mostly traditional-looking characters.
    """
    if len(text) >= _LARGE_TEXT:
        codes = _distinct_code_points(text)
        if _is_control(codes).any():
            return 0.0
        wide = codes[codes >= 0x80]
        if not wide.size:
            return 1.0
        return sum(_plausible_char(chr(c), traditional) for c in wide.tolist()) / wide.size
    if _CONTROL.search(text):
        return 0.0
    if text.isascii():
        return 1.0
    chars = set(_ASCII_RUNS.sub("", text))
    return sum(_plausible_char(c, traditional) for c in chars) / len(chars)


#: Texts at least this long are scanned for their distinct characters with numpy (a regex pass and a set
#: of a copy cost ~150 ms on 8 MiB of Chinese CSV; counting code points ~20 ms).
_LARGE_TEXT = 1 << 16
_CHUNK = 1 << 22


def _distinct_code_points(text: str) -> npt.NDArray[np.int64]:
    """The distinct code points of ``text``, ascending (counted chunk by chunk: memory stays ~17 MiB)."""
    seen = np.zeros(0x110000, dtype=bool)
    for start in range(0, len(text), _CHUNK):
        units = np.frombuffer(text[start:start + _CHUNK].encode("utf-32-le", "surrogatepass"), dtype="<u4")
        seen[units] = True
    return np.flatnonzero(seen)


def _is_control(codes: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
    """Which code points are in :data:`_CONTROL` (C0 controls but tab, LF, CR; DEL; U+FFFD; private use)."""
    c0 = (codes < 0x20) & (codes != 0x09) & (codes != 0x0A) & (codes != 0x0D)
    out: npt.NDArray[np.bool_] = c0 | (codes == 0x7F) | (codes == 0xFFFD) | ((codes >= 0xE000) & (codes <= 0xF8FF))
    return out


def _try(raw: bytes, codec: str) -> str | None:
    try:
        return raw.decode(codec)
    except UnicodeDecodeError:
        return None


def _first_difference(a: str, b: str) -> tuple[int, str, str]:
    """1-based line of the first difference of two texts and that line in each."""
    la, lb = a.splitlines(), b.splitlines()
    for i, (x, y) in enumerate(zip(la, lb, strict=False)):
        if x != y:
            return i + 1, x, y
    i = min(len(la), len(lb))
    return i + 1, (la[i] if i < len(la) else ""), (lb[i] if i < len(lb) else "")


def _clip(s: str, n: int = 60) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


def detect_encoding(raw: bytes, source: str) -> tuple[str, str, bool]:
    """Detect the encoding of ``raw`` (see the module docstring).

    Returns
    -------
    (text, encoding, bom)

    Raises
    ------
    DataError
        If the encoding is ambiguous or none of the candidates decodes the bytes;
        the message says which ``encoding=`` to give.
    """
    for bom, codec, name in _BOMS:
        if raw.startswith(bom):
            text = _try(raw[len(bom):], codec)
            if text is None:
                raise DataError(
                    f"{source}: the file starts with a {name.upper()} byte-order mark but is not valid {name}; "
                    "save it again, or give encoding= (--encoding) if the mark is wrong"
                )
            return text, name, True
    if b"\x00" in raw:
        # UTF-16 without a BOM: the NUL halves of ASCII characters sit at odd (LE) or even (BE) offsets
        nul_even = raw[0::2].count(0)
        nul_odd = raw[1::2].count(0)
        guess = "utf-16-le" if nul_odd > 4 * nul_even else "utf-16-be" if nul_even > 4 * nul_odd else None
        found = _try(raw, guess) if guess else None
        # plausible text, not just decodable: a UTF-8 file with one stray NUL decodes as UTF-16 into
        # rare ideographs (byte pairs of ASCII letters), which would then be "a file with no header"
        if guess and found is not None and _plausibility(found, traditional=True) >= PLAUSIBLE:
            return found, guess, False
        at = raw.index(b"\x00")
        before = raw[:at]
        line_no, col = before.count(b"\n") + 1, at - (before.rfind(b"\n") + 1) + 1
        where = f"line {line_no}, byte {col}"
        raise DataError(
            f"{source}: the file holds NUL bytes (the first at {where}) but is not UTF-16 text with or without "
            "a byte-order mark; is it a binary file (an .xlsx saved with a .csv name)? "
            "Otherwise give encoding= (--encoding)"
        )
    u8 = _try(raw, "utf-8")
    if u8 is not None and (u8.isascii() or _plausibility(u8, traditional=True) >= PLAUSIBLE):
        return u8, "utf-8", False
    gb = _try(raw, "gb18030")
    if u8 is not None and gb is None:
        return u8, "utf-8", False
    hint = "give encoding= (--encoding on the command line) or save the file as UTF-8"
    if gb is None:
        damaged = _gb_damage(raw)
        if damaged:
            raise DataError(f"{source}: {damaged}; correct that byte (re-export the file) or {hint}")
        raise DataError(
            f"{source}: {_utf8_error(raw)}, and the file is not GB18030/GBK either: the encoding could not be "
            f"detected (perhaps Big5, Shift-JIS or a single-byte code page); {hint}"
        )
    if _plausibility(gb) >= PLAUSIBLE:
        return gb, "gb18030", False
    if u8 is None:
        line, shown = _first_implausible(gb)
        raise DataError(
            f"{source}: the encoding is ambiguous: the file is not UTF-8, and read as GB18030/GBK line {line} "
            f"gives {_clip(shown)!r}, with unusual characters (perhaps Big5 or Shift-JIS); {hint}"
        )
    line, t8, tg = _first_difference(u8, gb)
    raise DataError(
        f"{source}: the encoding is ambiguous: line {line} reads {_clip(t8)!r} as UTF-8 and "
        f"{_clip(tg)!r} as GB18030/GBK; give encoding='utf-8' or encoding='gbk' (--encoding)"
    )


def _gb_damage(raw: bytes) -> str | None:
    """For a GB18030/GBK file with a damaged byte: where GB18030 decoding fails, else ``None``.

    Applies when the text before the first byte that is invalid in GB18030 holds non-UTF-8 Chinese
    (the UTF-8 error comes earlier) that reads plausibly as GB18030: then the file is GBK with one bad
    byte, and naming the first non-UTF-8 byte (a good GBK character) would point at the wrong cell.
    """
    try:
        raw.decode("gb18030")
    except UnicodeDecodeError as exc:
        start = exc.start
    else:
        return None
    try:
        raw[:start].decode("utf-8")
    except UnicodeDecodeError as u8:
        if u8.start >= start:
            return None
    else:
        return None
    prefix = raw[:start].decode("gb18030")
    if _plausibility(prefix) < PLAUSIBLE:
        return None
    line = prefix.count("\n") + 1
    col = len(prefix) - (prefix.rfind("\n") + 1) + 1
    return (
        f"line {line}, character {col}: byte 0x{raw[start]:02x} is not valid GB18030/GBK, although the text "
        "before it is GB18030/GBK (a damaged byte or a mixed-encoding file)"
    )


def _utf8_error(raw: bytes) -> str:
    """Where a byte sequence stops being UTF-8: ``line L, column C: byte 0x.. is not valid UTF-8``."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        return f"line {line}, column {col}: byte 0x{raw[exc.start]:02x} is not valid UTF-8"
    return "the file is UTF-8"


def _first_implausible(text: str) -> tuple[int, str]:
    for i, line in enumerate(text.splitlines()):
        if _plausibility(line) < 1.0:
            return i + 1, line
    return 1, text.splitlines()[0] if text else ""


def read_bytes(path: str | Path, *, limit: int) -> bytes:
    """Read a file of at most ``limit`` bytes (:class:`InputError` if missing, unreadable or too large)."""
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise InputError(f"cannot read {p}: {exc.strerror or exc}") from None
    if not p.is_file():
        raise InputError(f"{p} is not a file")
    if size > limit:
        raise InputError(f"{p} is {size:,} bytes; files over {limit:,} bytes are not read")
    try:
        return p.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {p}: {exc.strerror or exc}") from None


def decode(raw: bytes, source: str, encoding: str | None = None) -> Decoded:
    """Decode a file's bytes, detecting the encoding unless ``encoding`` is given.

    With an explicit ``encoding`` a leading byte-order mark of that encoding is
    dropped, and bytes that do not decode raise :class:`DataError` naming the
    line and column.
    """
    if encoding is None:
        text, name, bom = detect_encoding(raw, source)
        return Decoded(text, name, bom, True)
    name = normalise_encoding(encoding)
    codec = {"utf-8": "utf-8-sig"}.get(name, name)
    bom = any(raw.startswith(b) for b, _c, _n in _BOMS)
    try:
        text = raw.decode(codec)
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        raise DataError(
            f"{source}: line {line}, column {col}: byte 0x{raw[exc.start]:02x} is not valid {name} "
            f"(encoding={encoding!r} was given); leave encoding= out to detect it"
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return Decoded(text, name, bom, False)


def _head(text: str, n: int) -> str:
    """``text`` up to and including its ``n``-th ``\\n`` (all of it if it has fewer).

    ``_head(text, n).splitlines()[:n]`` equals ``text.splitlines()[:n]``: the cut falls just after a
    ``\\n`` (never inside ``\\r\\n``), and the prefix already holds ``n`` lines, so the other line
    breaks ``splitlines`` knows can only add lines before the cut.
    """
    end = 0
    for _ in range(n):
        k = text.find("\n", end)
        if k < 0:
            return text
        end = k + 1
    return text[:end]


def sniff_delimiter(text: str, source: str, delimiter: str | None = None) -> str:
    """The field separator of a CSV text: ``delimiter`` if given, else found from the header line.

    The header line (outside quotes) is split on each of ``,``, ``;`` and tab;
    the separator that gives the most fields wins. A header with one field
    (no separator) is read as comma-separated. On a tie, the separator that
    splits the next 20 lines into as many fields as the header wins; if that
    does not decide, an error asks for ``delimiter=``.
    """
    if delimiter is not None:
        if delimiter in ("\\t", "tab", "TAB"):
            delimiter = "\t"
        if not isinstance(delimiter, str) or len(delimiter) != 1 or delimiter in '"\r\n':
            raise InputError(f"delimiter is {delimiter!r}; give one character such as ',', ';' or '\\t'")
        return delimiter
    first = text[: text.find("\n")] if "\n" in text else text
    counts = {}
    for d in DELIMITERS:
        try:
            fields = next(csv.reader([first], delimiter=d))
        except (csv.Error, StopIteration):
            fields = []
        counts[d] = len(fields)
    best = max(counts.values())
    if best <= 1:
        return ","
    winners = [d for d, c in counts.items() if c == best]
    if len(winners) > 1:  # a tie on the header: keep the separators that split the next lines alike
        lines = _head(text, 22).splitlines()[1:21]  # (not the whole text: it may be a 700 MB file)
        steady = []
        for d in winners:
            try:
                widths = {len(r) for r in csv.reader(lines, delimiter=d) if r}
            except csv.Error:
                continue
            if widths <= {best}:
                steady.append(d)
        if len(steady) == 1 and lines:
            return steady[0]
    if len(winners) > 1:
        shown = " and ".join(repr(d) for d in winners)
        raise DataError(
            f"{source}, line 1: the separator is ambiguous: the header splits into {best} fields on {shown}; "
            "give delimiter= (--delimiter)"
        )
    return winners[0]
