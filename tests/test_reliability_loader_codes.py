"""Reliability statistics of loaded ratings (the loader's rater codes) equal those of the same ratings
built by hand (rater ids hashed and coded from their strings): survey and panel groups."""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

import numpy as np

from ppeval.io import load_assessment, load_bundled
from ppeval.pipeline._reliability import reliability_statistics


def test_loader_codes_give_the_statistics_of_the_strings(tmp_path: Path) -> None:
    system = load_bundled("elderly-care")
    qual = [leaf for leaf in system.leaves() if leaf.kind == "qualitative"]
    rng = np.random.default_rng(11)
    groups = system.evaluation.rater_group_weights or {"resident": 1.0, "expert": 1.0}
    survey, panel = sorted(groups)[-1], sorted(groups)[0]
    ratings = tmp_path / "ratings.csv"  # the projects come from the ratings; the values are imputed
    with ratings.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["project", "indicator", "rater", "group", "rating"])
        for i in range(40):
            for leaf in qual:
                scale = leaf.scale.values
                for e in range(4):  # a panel: the same raters rate every project
                    w.writerow([f"p{i:03d}", leaf.id, f"E{e}", panel, scale[int(rng.integers(0, len(scale)))]])
                for k in range(5):  # a survey: each respondent answers for one project
                    w.writerow([f"p{i:03d}", leaf.id, f"p{i:03d}-{k}", survey, scale[int(rng.integers(0, len(scale)))]])
    a = load_assessment(ratings, system, missing="worst")
    cols = np.array([j for j, leaf in enumerate(system.leaves()) if leaf.kind == "qualitative"])
    plain = dataclasses.replace(a, ratings=dataclasses.replace(a.ratings))  # no loader codes
    assert getattr(plain.ratings, "_codes", None) is None
    got, got_d = reliability_statistics(a, cols, system.leaf_ids)
    want, want_d = reliability_statistics(plain, cols, system.leaf_ids)
    assert got == want
    assert [d.message for d in got_d] == [d.message for d in want_d]
    assert {s.statistic for s in got} >= {"cronbach_alpha", "icc"}  # a survey group and a panel group
