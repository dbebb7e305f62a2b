"""Public API: __all__ names exist, `import ppeval` stays light."""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys

import pytest

import ppeval

PUBLIC = sorted(
    m.name
    for m in pkgutil.walk_packages(ppeval.__path__, "ppeval.")
    if not any(part.startswith("_") for part in m.name.split(".")[1:])
    and m.name not in {"ppeval.cli", "ppeval.__main__"}
    and not m.name.startswith("ppeval.report")
)


@pytest.mark.parametrize("name", PUBLIC)
def test_public_module_defines_all(name: str) -> None:
    mod = importlib.import_module(name)
    assert hasattr(mod, "__all__"), f"{name} has no __all__"
    missing = [n for n in mod.__all__ if not hasattr(mod, n)]
    assert missing == []


def test_top_level_names_resolve() -> None:
    for name in ppeval.__all__:
        assert getattr(ppeval, name) is not None


def test_import_is_light() -> None:
    code = (
        "import sys, json, ppeval, ppeval.methods, ppeval.ahp, ppeval.weights, ppeval.ranking;"
        "print(json.dumps(sorted(m for m in sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    mods = set(json.loads(out.stdout))
    heavy = {"matplotlib", "pandas", "dask", "pymcdm", "rich", "distributed"}
    assert heavy.isdisjoint(mods), sorted(heavy & mods)
