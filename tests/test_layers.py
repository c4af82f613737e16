"""The folders show the pipeline; a lower layer never imports a higher one, and only engine.py imports durable."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "auditor"

# Layer order, low to high. A module may import its own layer and lower ones.
LAYERS = ["budget", "model", "problems", "resources", "ingest", "facts", "fetch", "packs", "config", "store", "engine",
          "evaluate", "describe", "fingerprint", "findings", "review", "batch", "audit", "run", "ruletests",
          "formatters", "summary", "web", "cli"]


def _layer(module: str) -> int:
    parts = module.split(".")
    name = parts[1] if len(parts) > 1 else "__init__"
    return LAYERS.index(name) if name in LAYERS else -1


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_lower_layers_never_import_higher_ones() -> None:
    wrong = []
    for path in PACKAGE.rglob("*.py"):
        module = "auditor." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts).removesuffix(".__init__")
        for imported in _imports(path):
            if imported.startswith("auditor.") and _layer(imported) > _layer(module) >= 0:
                wrong.append(f"{module} imports {imported}")
    assert not wrong, "\n".join(sorted(wrong))


def test_only_the_engine_adapter_imports_durable() -> None:
    users = sorted(str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")
                   if any(i == "durable" or i.startswith("durable.") for i in _imports(p)))
    assert users == ["engine.py"]
