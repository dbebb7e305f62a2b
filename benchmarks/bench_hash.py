"""Provenance hashing of a large assessment: 10,000 projects x 50 indicators, 200,000 ratings.

Times, interleaved in one run:

* ``assessment_hash`` (SHA-256 over canonical array bytes, vectorised sort), in format 3 (what
  ``evaluate`` records) and format 2 (results written before it; about three times the bytes);
* ``provenance_digests`` with the rating aggregation's group codes (hash and fingerprints together,
  as ``evaluate`` computes them);
* ``assessment_fingerprints`` (per project / indicator / file, vectorised bit mixing);
* the hash ppeval used before (``_old_hash`` below, copied from
  ``pipeline/provenance.py`` as of commit 59b5a03: the same content hashed
  through a string ``lexsort`` and a Python ``"\\0".join`` over every rating cell);
* a bare ``hashlib.sha256`` over the raw bytes of the values matrix and the
  ratings arrays (the floor: no canonical order, no checks).

Run: ``python benchmarks/bench_hash.py`` (``--quick``: 1,000 projects, 20,000 ratings).
"""

from __future__ import annotations

import hashlib
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import arg_parser, fmt_seconds, interleave, machine_line, markdown_table  # noqa: E402
from bench_evaluate import make_system, write_assessment  # noqa: E402
from ppeval import io  # noqa: E402
from ppeval._serialize import dumps  # noqa: E402
from ppeval.pipeline.provenance import (  # noqa: E402
    HASH_FORMAT_2,
    assessment_fingerprints,
    assessment_hash,
    provenance_digests,
)
from ppeval.qualitative._common import factorize  # noqa: E402
from ppeval.schema import Assessment  # noqa: E402


def _old_array_digest(*arrays: np.ndarray) -> str:
    h = hashlib.sha256()
    for arr in arrays:
        a = np.asarray(arr)
        h.update(f"{a.dtype.kind}{a.shape}".encode())
        if a.dtype.kind in "fiub":
            f = a.astype("<f8") + 0.0
            f[np.isnan(f)] = np.nan
            h.update(np.ascontiguousarray(f).tobytes())
        else:
            h.update("\0".join(str(x) for x in a.ravel()).encode("utf-8"))
    return h.hexdigest()


def _old_hash(assessment: Assessment) -> str:
    """The assessment hash before this change (commit 59b5a03)."""
    h = hashlib.sha256()
    meta = {
        "system_id": assessment.system_id,
        "project_ids": list(assessment.project_ids),
        "projects": [p.model_dump(mode="json") for p in assessment.projects],
        "indicator_ids": list(assessment.indicator_ids),
    }
    h.update(dumps(meta).encode("utf-8"))
    h.update(_old_array_digest(assessment.values).encode())
    r = assessment.ratings
    if len(r):
        pid = np.asarray(assessment.project_ids, dtype=np.str_)[r.project]
        iid = np.asarray(assessment.indicator_ids, dtype=np.str_)[r.indicator]
        val = np.where(np.isnan(r.value), -np.inf, r.value)
        order = np.lexsort((val, r.group, r.rater, iid, pid))
        digest = _old_array_digest(pid[order], iid[order], r.rater[order], r.group[order], r.value[order])
        h.update(digest.encode())
    return h.hexdigest()


def _floor(assessment: Assessment) -> str:
    r = assessment.ratings
    h = hashlib.sha256()
    for arr in (assessment.values, r.project, r.indicator, r.value):
        h.update(np.ascontiguousarray(arr).tobytes())
    return h.hexdigest()


def main(argv: list[str] | None = None) -> None:
    args = arg_parser(__doc__ or "").parse_args(argv)
    n, n_ratings = (1000, 20_000) if args.quick else (10_000, 200_000)
    repeats = args.repeats or (3 if args.quick else 7)
    system = make_system()
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_assessment(system, n, n_ratings, Path(tmp))
        assessment = io.load_assessment(paths, system)
    names, codes = factorize(assessment.ratings.group)
    group_codes = (tuple(str(x) for x in names.tolist()), codes)
    timings, _ = interleave(
        {
            "assessment_hash (format 3)": lambda: assessment_hash(assessment),
            "assessment_hash (format 2)": lambda: assessment_hash(assessment, hash_format=HASH_FORMAT_2),
            "provenance_digests (format 3, group codes: as in evaluate)": lambda: provenance_digests(
                assessment, group_codes),
            "assessment_fingerprints (new)": lambda: assessment_fingerprints(assessment),
            "old hash (59b5a03)": lambda: _old_hash(assessment),
            "bare sha256 of the raw arrays": lambda: _floor(assessment),
        },
        repeats=repeats,
    )
    old = timings["old hash (59b5a03)"].median
    rows = [
        [name, fmt_seconds(t.median), f"{fmt_seconds(t.low)} - {fmt_seconds(max(t.samples))}", f"{t.median / old:.2f}"]
        for name, t in timings.items()
    ]
    print(f"\n{n} projects x {len(system.leaf_ids)} indicators, {n_ratings} ratings; {machine_line()}\n")
    print(markdown_table(["candidate", "median", "min - max", "x old hash"], rows))


if __name__ == "__main__":
    main()
