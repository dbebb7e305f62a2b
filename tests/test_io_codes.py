"""The byte splitter's column codes on their special paths give what the general path gives.

Cells of at most two bytes are coded through a table over every 16-bit key (``_small_codes``), a
column of all-distinct cells skips the rank sum, and a text whose only bytes below 33 are line ends
skips the white-space scan: each must give the distinct cells, codes and ``clean`` flag of the general
``_bytes_codes`` (and the column back).
"""

from __future__ import annotations

import numpy as np
import pytest

from ppeval.io import _assessment


def _layout(cells: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The cells written one per line (as a column of a CSV file): bytes, start and length of each."""
    text = "".join(f"{c}\n" for c in cells).encode()
    lengths = np.array([len(c) for c in cells], dtype=np.int64)
    starts = np.concatenate(([0], np.cumsum(lengths + 1)[:-1])).astype(np.int64)
    return np.frombuffer(text, dtype=np.uint8), starts, lengths


def _general(body: np.ndarray, start: np.ndarray, length: np.ndarray) -> _assessment._Coded:
    width = int(length.max())
    return _assessment._bytes_codes(_assessment._cell_words(body, start, length, width), length, width)


@pytest.mark.parametrize("alphabet", ["12345", "ab -", "\t1 ", "xyz"])
def test_small_cells_by_table(alphabet: str) -> None:
    rng = np.random.default_rng(len(alphabet))
    for size in (1, 50, 3000):
        cells = ["".join(rng.choice(list(alphabet), size=int(rng.integers(0, 3)))) for _ in range(size)]
        body, start, length = _layout(cells)
        padded = np.concatenate([body, np.zeros(2, dtype=np.uint8)])
        small = _assessment._small_codes(padded, start, length, None)
        general = _general(body, start, length)
        assert small.uniq[small.codes].tolist() == cells
        assert small.uniq.tolist() == general.uniq.tolist() == sorted(set(cells))
        assert small.codes.tolist() == general.codes.tolist()
        assert small.clean == general.clean == all(c == c.strip() for c in cells)
        assert small.uniq.dtype == general.uniq.dtype or not any(cells)


def test_all_distinct_cells() -> None:
    cells = [f"r{i}" for i in np.random.default_rng(1).permutation(5000)]
    body, start, length = _layout(cells)
    coded = _general(body, start, length)
    assert coded.uniq.tolist() == sorted(cells)
    assert coded.uniq[coded.codes].tolist() == cells
    long = [f"rater-number-{c}" for c in cells]  # two words a cell
    body, start, length = _layout(long)
    coded = _general(body, start, length)
    assert coded.uniq.tolist() == sorted(long)
    assert coded.uniq[coded.codes].tolist() == long


@pytest.mark.parametrize("eol", ["\n", "\r\n"])
@pytest.mark.parametrize("pad", ["", " ", "\t", "\x1c", "\x0b", "\x01"])
def test_white_space_known_from_the_whole_text(eol: str, pad: str) -> None:
    """The byte splitter's columns (and ``clean``) with and without the white-space shortcut are alike."""
    rows = [f"p{i % 37:03d},r{i},{['resident', 'expert', 'service_user'][i % 3]},{1 + i % 5}" for i in range(3000)]
    rows[17] = rows[17].replace(",r17,", f",{pad}r17,").replace("expert", f"expert{pad}")
    text = ("project,rater,group,rating" + eol + eol.join(rows) + eol).encode()
    got = _assessment._split_bytes(text, ",", frozenset(), frozenset(["project", "rater", "group", "rating"]))
    assert got is not None
    header, cols, _ = got
    for name, col in zip(header, cols, strict=True):
        assert isinstance(col, _assessment._Coded)
        cells = col.uniq[col.codes].tolist()
        want = [r.split(",")[header.index(name)] for r in rows]
        assert cells == want
        assert col.clean == all(c == c.strip() for c in want), name


@pytest.mark.parametrize(("prefix", "digits", "n_distinct"), [
    ("p0", 4, 300), ("p", 5, 2000), ("", 3, 900), ("id-", 2, 60), (" x", 3, 500), ("\tq", 2, 99), ("abcdefg", 1, 10),
    ("", 8, 3000), ("r", 7, 5000),
])
def test_prefix_and_digits_counted(prefix: str, digits: int, n_distinct: int) -> None:
    """Fixed-width ids made of a common prefix and digits are counted, not sorted: the same codes, distinct
    cells (sorted) and ``clean`` flag as the general path; any other column is left to it."""
    rng = np.random.default_rng(digits)
    numbers = rng.choice(10**digits, size=min(n_distinct, 10**digits), replace=False)
    cells = [f"{prefix}{k:0{digits}d}" for k in numbers[rng.integers(0, numbers.shape[0], 4000)]]
    body, start, length = _layout(cells)
    width = int(length.max())
    words = _assessment._cell_words(body, start, length, width)
    counted = _assessment._digit_codes(words[:, 0], length, width, None)
    if 10 ** (width - len(prefix)) > 4 * len(cells) + 4096 or width > 8:
        assert counted is None
        return
    general = _general(body, start, length)
    assert counted is not None
    assert counted.uniq.tolist() == general.uniq.tolist() == sorted(set(cells))
    assert counted.uniq.dtype == general.uniq.dtype
    assert counted.codes.tolist() == general.codes.tolist()
    assert counted.clean == general.clean
    assert _assessment._bytes_codes(words, length, width).codes.tolist() == general.codes.tolist()


@pytest.mark.parametrize("odd", ["p0a12", "p0:12", "p0/12", "p0\x7f12", "p012", "p00123", "q0012", "p0 12"])
def test_not_digits_or_not_fixed_width_left_to_the_sort(odd: str) -> None:
    cells = [f"p0{k:03d}" for k in range(400)] * 3 + [odd]
    body, start, length = _layout(cells)
    width = int(length.max())
    words = _assessment._cell_words(body, start, length, width)
    counted = _assessment._digit_codes(words[:, 0], length, width, None)
    general = _general(body, start, length)
    assert general.uniq.tolist() == sorted(set(cells))
    assert general.uniq[general.codes].tolist() == cells
    if counted is not None:  # a digit in another place of a same-width id is still prefix + digits
        assert counted.uniq.tolist() == general.uniq.tolist()
        assert counted.codes.tolist() == general.codes.tolist()
    else:
        assert not odd[2:].isdigit() or len(odd) != 5 or odd[:2] != "p0"


def test_bounds_kept_or_computed_again_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    """A small table keeps its columns' bounds between the two passes, a large one computes them again:
    the same columns either way."""
    rows = [f"p{i % 53:03d},d{i % 7}_i{i % 3},r{i},{['resident', 'expert'][i % 2]},{1 + i % 5}" for i in range(2000)]
    text = ("project,indicator,rater,group,rating\r\n" + "\r\n".join(rows) + "\r\n").encode()
    coded = frozenset(["project", "indicator", "rater", "group", "rating"])
    kept = _assessment._split_bytes(text, ",", frozenset(), coded)
    monkeypatch.setattr(_assessment, "_KEEP_BOUNDS", 0)
    again = _assessment._split_bytes(text, ",", frozenset(), coded)
    assert kept is not None
    assert again is not None
    assert kept[0] == again[0]
    for a, b in zip(kept[1], again[1], strict=True):
        assert isinstance(a, _assessment._Coded)
        assert isinstance(b, _assessment._Coded)
        assert a.uniq.tolist() == b.uniq.tolist()
        assert a.codes.tolist() == b.codes.tolist()
        assert a.clean == b.clean
    assert kept[1][2].uniq[kept[1][2].codes].tolist() == [r.split(",")[2] for r in rows]


@pytest.mark.parametrize("gap", [0, 1, 3])
def test_words_of_short_cells_at_the_end(gap: int) -> None:
    """Cells of up to three words whose last rows are short (their later words start past the text, several
    rows of them): each word is the cell's bytes, NUL-padded, as a plain rendering gives (this crashed with
    an IndexError on a file whose last lines were shorter than 8 bytes)."""
    rng = np.random.default_rng(gap)
    cells = ["x" * int(rng.integers(0, 24)) for _ in range(300)] + list("abcdefghij") + ["", "k"]
    text = ("," * gap).join(cells).encode()
    lengths = np.array([len(c) for c in cells], dtype=np.int64)
    starts = np.concatenate(([0], np.cumsum(lengths + gap)[:-1])).astype(np.int64)
    body = np.frombuffer(text, dtype=np.uint8)
    width = int(lengths.max())
    words = _assessment._cell_words(body, starts, lengths, width)
    n_words = words.shape[1]
    for row, cell in enumerate(cells):
        padded = cell.encode().ljust(8 * n_words, b"\0")
        want = [int.from_bytes(padded[8 * i: 8 * i + 8], "big") for i in range(n_words)]
        assert words[row].tolist() == want, (row, cell)


def test_split_bytes_with_long_and_digit_cells_gives_the_csv_module_cells(monkeypatch: pytest.MonkeyPatch) -> None:
    """Random ASCII texts whose coded columns hold cells of 0 to 20 bytes (several words), fixed-width ids of a
    prefix and digits, cells of one or two bytes, with or without white space anywhere, CRLF or LF, lines of
    any length at the end: whenever the byte splitter reads one, its cells are the csv module's and a coded
    column's ``clean`` flag says whether no distinct cell has white space at an end."""
    import random

    rng = random.Random(11)
    taken = 0
    for _ in range(1500):
        k = rng.randint(2, 5)
        kinds = [rng.choice(["long", "digits", "small", "mixed"]) for _ in range(k)]
        spaces = rng.random() < 0.3
        chars = ["a", "b", "1", "-", "_", *([" ", "\t"] if spaces else [])]
        prefix = rng.choice(["p", "id-", "", "q0"])
        digits = rng.randint(1, 4)

        def cell(kind: str, chars: list[str] = chars, prefix: str = prefix, digits: int = digits) -> str:
            if kind == "digits":
                return f"{prefix}{rng.randrange(10**digits):0{digits}d}"
            if kind == "small":
                return "".join(rng.choice(chars) for _ in range(rng.randint(0, 2)))
            if kind == "long":
                return "".join(rng.choice(chars) for _ in range(rng.randint(0, 20)))
            return rng.choice(["", "x", "yy", "zzzzzzzzzz", "w" * 17])

        n = rng.randint(1, 40)
        lines = [",".join(f"c{j}" for j in range(k))]
        lines += [",".join(cell(kinds[j]) for j in range(k)) for _ in range(n)]
        lines += [",".join(rng.choice(["", "a", "b"]) for _ in range(k)) for _ in range(rng.randint(0, 6))]
        eol = rng.choice(["\n", "\r\n"])
        text = eol.join(lines) + rng.choice(["", eol])
        coded = frozenset(f"c{j}" for j in range(k))
        monkeypatch.setattr(_assessment, "_KEEP_BOUNDS", rng.choice([0, 1 << 21]))
        split = _assessment._split_bytes(text.encode(), ",", frozenset(), coded)
        if split is None:
            continue
        taken += 1
        header, cols, lines_ = _assessment._read_csv_module(text, "f", ",", "table", {})[:3]
        assert split[0] == header
        np.testing.assert_array_equal(split[2], lines_)
        for got, want in zip(split[1], cols, strict=True):
            assert isinstance(got, _assessment._Coded)
            assert got.materialize().tolist() == want.tolist()
            assert got.uniq.tolist() == sorted(set(got.uniq.tolist()))
            assert got.clean == all(c == c.strip() for c in got.uniq.tolist())
    assert taken > 1000
