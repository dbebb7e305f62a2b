"""The browser tests skip without Chromium (a fresh machine), and fail instead when CI requires them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _run_without_browser(tmp_path: Path, require: bool) -> subprocess.CompletedProcess[str]:
    # a PATH holding only the Python that runs the tests: no chromium, chromium-browser or google-chrome
    bindir = tmp_path / "bin"
    bindir.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PPEVAL_REQUIRE_BROWSER"}
    env["PATH"] = str(bindir)
    if require:
        env["PPEVAL_REQUIRE_BROWSER"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rsf", "-p", "no:cacheprovider",
         str(HERE / "test_report_browser.py"), "-k", "renders_in_chromium"],
        capture_output=True, text=True, env=env, cwd=HERE.parent.parent, check=False, timeout=600,
    )


def test_missing_browser_is_a_skip_with_the_reason(tmp_path: Path) -> None:
    proc = _run_without_browser(tmp_path, require=False)
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert "SKIPPED [1]" in proc.stdout
    assert "Chromium not found on PATH" in proc.stdout
    assert "apt-get install -y chromium" in proc.stdout


def test_missing_browser_fails_when_required(tmp_path: Path) -> None:
    proc = _run_without_browser(tmp_path, require=True)
    assert proc.returncode == 1, proc.stdout[-2000:]
    assert "FAILED" in proc.stdout
    assert "PPEVAL_REQUIRE_BROWSER=1 but Chromium not found" in proc.stdout


def test_ci_requires_the_browser() -> None:
    ci = (HERE.parent.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "export PPEVAL_REQUIRE_BROWSER=1" in ci
    assert ci.index("export PPEVAL_REQUIRE_BROWSER=1") < ci.index('bash -euo pipefail -c "$test_cmd"')
