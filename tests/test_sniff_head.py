"""The separator sniffer reads the header and the next 20 lines, not the whole text (issue 16: on a tie it split
a whole 700 MB ratings text into lines). ``_head`` gives the same first lines as ``str.splitlines``."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ppeval.errors import PPEvalError
from ppeval.io._text import _head, sniff_delimiter

texts = st.text(alphabet=st.sampled_from(list("ab,;\t\n\r\x0b\x1c\u2028\u0085")), max_size=400)


@settings(max_examples=500, deadline=None)
@given(texts, st.integers(0, 30))
def test_head_keeps_the_first_lines(text: str, n: int) -> None:
    assert _head(text, n).splitlines()[:n] == text.splitlines()[:n]


@settings(max_examples=300, deadline=None)
@given(texts)
def test_sniffing_is_unchanged(text: str) -> None:
    def old(t: str) -> str | None:  # the rule with the whole text's lines
        import csv

        first = t[: t.find("\n")] if "\n" in t else t
        counts = {}
        for d in (",", ";", "\t"):
            try:
                counts[d] = len(next(csv.reader([first], delimiter=d)))
            except (csv.Error, StopIteration):
                counts[d] = 0
        best = max(counts.values())
        if best <= 1:
            return ","
        winners = [d for d, c in counts.items() if c == best]
        if len(winners) == 1:
            return winners[0]
        lines = t.splitlines()[1:21]
        steady = []
        for d in winners:
            try:
                widths = {len(r) for r in csv.reader(lines, delimiter=d) if r}
            except csv.Error:
                continue
            if widths <= {best}:
                steady.append(d)
        return steady[0] if len(steady) == 1 and lines else None

    want = old(text)
    if want is None:
        with pytest.raises(PPEvalError, match="ambiguous"):
            sniff_delimiter(text, "f.csv")
    else:
        assert sniff_delimiter(text, "f.csv") == want


def test_a_tie_decided_by_the_next_lines_of_a_long_text() -> None:
    body = "x;y\n" * 200_000
    assert sniff_delimiter("a,b;c\n1;2\n" + body, "f.csv") == ";"
