"""Type checkers see the real signatures of the lazy top-level names (``ppeval.evaluate`` ...)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import ppeval

SNIPPET = '''
import ppeval

r = ppeval.evaluate("system.yaml", "data.csv", method="not-a-method")
s = ppeval.load_system(42)
n: int = ppeval.reproduce(r, "system.yaml", "data.csv")
'''


def test_lazy_names_are_typed(tmp_path: Path) -> None:
    f = tmp_path / "snippet.py"
    f.write_text(SNIPPET, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental", "--follow-imports=silent", "--ignore-missing-imports",
         str(f)],
        capture_output=True, text=True, check=False, cwd=tmp_path,
    )
    out = proc.stdout
    assert proc.returncode == 1, out
    assert 'snippet.py:4: error: Argument "method" to "evaluate"' in out
    assert 'snippet.py:5: error: Argument 1 to "load_system"' in out
    assert "snippet.py:6: error: Incompatible types in assignment" in out


def test_lazy_names_still_load_lazily() -> None:
    code = "import sys, ppeval; assert 'ppeval.pipeline' not in sys.modules; ppeval.evaluate; " \
           "assert 'ppeval.pipeline' in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
    assert callable(ppeval.validate)
