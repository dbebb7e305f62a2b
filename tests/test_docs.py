"""Every Python code block of README.md and docs/ runs (docs cannot drift from code)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FILES = [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]
BLOCK = re.compile(r"```python\n(.*?)```", re.S)


def _blocks() -> list[tuple[str, str]]:
    out = []
    for f in FILES:
        text = f.read_text(encoding="utf-8")
        if "<!-- skip-doctest -->" in text:
            continue
        for i, code in enumerate(BLOCK.findall(text)):
            out.append((f"{f.relative_to(REPO)}#{i}", code))
    return out


@pytest.mark.parametrize(("where", "code"), _blocks(), ids=[w for w, _ in _blocks()])
def test_code_block_runs(where: str, code: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = Path.cwd()
    os.chdir(tmp_path)
    try:
        exec(compile(code, where, "exec"), {"__name__": "__docs__"})  # noqa: S102
    finally:
        os.chdir(old)
