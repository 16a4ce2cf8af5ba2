"""The floor plan holds: imports run wings -> core -> model, and speed/ can be removed.

Folders (docs/architecture.md): model/ at the foot; core/ the build's story; the wings
speed/, publish/, explainer/, tools/ beside each other above it; pipeline.py joins core
and the features; preview/ and cli.py sit on top and pick the runner.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "site_builder"
WINGS = {"speed", "publish", "explainer", "tools"}

# What each place may import from the package (besides itself).
ALLOWED = {
    "model": set(),
    "core": {"model"},
    **{wing: {"model", "core"} for wing in WINGS},
    "pipeline": {"model", "core", "publish", "explainer"},   # never speed: callers pick the runner
    "preview": {"model", "core", "speed", "publish", "explainer", "tools", "pipeline"},
    "cli": {"model", "core", "speed", "publish", "explainer", "tools", "pipeline", "preview"},
    "__init__": {"model", "pipeline"},
}


def place(module: str) -> str:
    """Return the folder of a module ('site_builder.core.links' -> 'core'), or its top-level name."""
    return module.split(".")[1] if module.count(".") >= 1 else "__init__"


def package_imports() -> list[tuple[str, str]]:
    """Return (importing module, imported module) for every import inside the package."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.with_suffix("").relative_to(PACKAGE.parent).parts
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        package = list(parts[:-1])
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = package[: len(package) - node.level + 1] if node.level else []
                target = ".".join(base + ([node.module] if node.module else []))
                names = [target] + [f"{target}.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            found += [(module, name) for name in names[:1] if name.startswith("site_builder")]
    return found


def test_the_import_graph_is_read_from_the_package():
    edges = package_imports()
    assert ("site_builder.core.views", "site_builder.core.runner") in edges
    assert ("site_builder.cli", "site_builder.pipeline") in edges
    assert place("site_builder.speed.cache") == "speed" and place("site_builder") == "__init__"


@pytest.mark.parametrize("edge", package_imports(), ids=lambda edge: f"{edge[0]}->{edge[1]}")
def test_imports_run_from_the_wings_to_the_core_to_the_model(edge):
    importer, imported = place(edge[0]), place(edge[1])
    if importer == imported:
        return
    assert imported in ALLOWED[importer], f"{edge[0]} imports {edge[1]}: {importer}/ may import only {ALLOWED[importer]}"


def test_every_folder_of_the_package_has_a_place_in_the_plan():
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert folders == {"model", "core", "preview"} | WINGS
    modules = {p.stem for p in PACKAGE.glob("*.py")}
    assert modules == {"__init__", "cli", "pipeline"}
