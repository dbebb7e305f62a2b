"""The slope chart of two rounds' scores (ppeval.report.plots.slope_chart)."""

from __future__ import annotations

import re

import pytest

from ppeval.errors import InputError
from ppeval.report.plots import slope_chart


def test_one_line_per_project_with_names_and_rounds() -> None:
    svg = slope_chart(["Qingshui", "Jinxiu", "Dongfeng"], [85.1, 44.3, 40.2], [88.0, 44.0, 44.1],
                      highlight=[True, False, True], before_label="mid-term", after_label="final")
    assert svg.startswith("<svg")
    for text in ("Qingshui", "Jinxiu", "Dongfeng", "mid-term", "final"):
        assert text in svg
    assert len(re.findall(r"stroke-dasharray", svg)) >= 1  # the unhighlighted project is dashed


@pytest.mark.parametrize(("kwargs", "fragment"), [
    ({"after": [1.0]}, "after"),
    ({"highlight": [True]}, "highlight"),
    ({"before": [float("nan"), 1.0]}, "before"),
])
def test_bad_input(kwargs: dict, fragment: str) -> None:
    args = {"labels": ["a", "b"], "before": [1.0, 2.0], "after": [2.0, 3.0], **kwargs}
    with pytest.raises(InputError, match=fragment):
        slope_chart(args.pop("labels"), args.pop("before"), args.pop("after"), **args)
