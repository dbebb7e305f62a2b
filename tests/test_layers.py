"""Architecture: layers point down only (DESIGN.md, "Layers")."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "ppeval"

CORE = [
    "normalize", "_normcore", "_columns", "ahp", "weights", "methods", "efficiency", "qualitative", "sensitivity",
    "ranking", "_pymcdm",
]
BASE = ["errors", "_checks", "_typing"]
SCHEMA_IO = ["schema", "io"]
PIPELINE = ["pipeline"]

FORBIDDEN = {
    "core": {"pydantic", "ppeval.schema", "ppeval.io", "ppeval.pipeline", "ppeval.cli", "ppeval.report"},
    "base": {"numpy.random.bit_generator", "pydantic", "ppeval.normalize", "ppeval.ahp", "ppeval.weights",
             "ppeval.methods", "ppeval.qualitative", "ppeval.sensitivity", "ppeval.ranking", "ppeval.schema",
             "ppeval.efficiency", "ppeval.io", "ppeval.pipeline", "ppeval.cli", "ppeval.report"},
    "schema_io": {"ppeval.pipeline", "ppeval.cli", "ppeval.report", "ppeval.sensitivity"},
    "pipeline": {"ppeval.cli", "ppeval.report"},
}


def _files(names: list[str]) -> list[Path]:
    out: list[Path] = []
    for name in names:
        pkg = SRC / name
        if pkg.is_dir():
            out.extend(sorted(pkg.rglob("*.py")))
        elif (SRC / f"{name}.py").exists():
            out.append(SRC / f"{name}.py")
    return out


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    rel = path.relative_to(SRC.parent).with_suffix("")
    package = list(rel.parts[:-1]) if rel.name != "__init__" else list(rel.parts[:-1])
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            found.add(mod)
            found.update(f"{mod}.{alias.name}" for alias in node.names)
    return found


def _violations(layer: str, names: list[str]) -> list[str]:
    bad = []
    for path in _files(names):
        for mod in _imports(path):
            for forbidden in FORBIDDEN[layer]:
                if mod == forbidden or mod.startswith(forbidden + "."):
                    bad.append(f"{path.relative_to(SRC)} imports {mod}")
    return bad


@pytest.mark.parametrize(
    ("layer", "names"),
    [("core", CORE), ("base", BASE), ("schema_io", SCHEMA_IO), ("pipeline", PIPELINE)],
)
def test_layer_imports_point_down(layer: str, names: list[str]) -> None:
    assert _violations(layer, names) == []


def test_layer_check_detects_a_violation(tmp_path: Path) -> None:
    """The checker itself works: a core-style file importing pydantic or the pipeline is caught."""
    fake = SRC / "_layer_probe_tmp.py"
    fake.write_text("import pydantic\nfrom .pipeline import evaluate\nfrom . import schema\n", encoding="utf-8")
    try:
        found = _imports(fake)
        assert "pydantic" in found
        assert "ppeval.pipeline" in found
        assert "ppeval.schema" in found
        bad = [m for m in found if any(m == f or m.startswith(f + ".") for f in FORBIDDEN["core"])]
        assert len(bad) >= 3
    finally:
        fake.unlink()
