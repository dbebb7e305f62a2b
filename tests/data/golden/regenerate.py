"""Regenerate the golden result files of tests/test_cli.py.

Runs ``ppeval evaluate`` (the installed command's code, in this process) on
every case of ``cases.json`` and writes ``<name>.json`` next to this script.
Review the diff before committing: a golden file changes only when the
numbers are meant to change.

Usage::

    .venv/bin/python tests/data/golden/regenerate.py [NAME ...]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ppeval.cli import main
from ppeval.io import bundled

HERE = Path(__file__).resolve().parent


def cases() -> list[dict[str, object]]:
    """The golden cases: name, bundled system id, extra ``ppeval evaluate`` arguments."""
    data = json.loads((HERE / "cases.json").read_text(encoding="utf-8"))
    return list(data["cases"])


def argv(case: dict[str, object], out: Path) -> list[str]:
    """The ``ppeval evaluate`` arguments of a case writing its result to ``out``."""
    system = str(case["system"])
    paths = [str(bundled.system_path(system)), *(str(p) for p in bundled.sample_assessment_paths(system))]
    args = case["args"]
    assert isinstance(args, list)
    extra = [str(a) for a in args]
    return ["evaluate", *paths, *extra, "--json", str(out), "--force"]


def regenerate(names: list[str]) -> int:
    chosen = [c for c in cases() if not names or c["name"] in names]
    if names and len(chosen) != len(names):
        known = ", ".join(str(c["name"]) for c in cases())
        print(f"unknown case name(s); known: {known}", file=sys.stderr)
        return 2
    for case in chosen:
        out = HERE / f"{case['name']}.json"
        status = main(argv(case, out))
        if status != 0:
            print(f"{case['name']}: ppeval evaluate failed with exit status {status}", file=sys.stderr)
            return status
        print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(regenerate(sys.argv[1:]))
