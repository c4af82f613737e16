"""Where the package's data lives: the JSON Schemas (top-level `schemas/`) and the bundled rule packs (`rules/`).

Both are mapped into the package by pyproject.toml (`auditor.schemas`, `auditor.rules`), so an installed auditor
finds them without the checkout.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any


@cache
def schema(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(files("auditor.schemas").joinpath(name).read_text(encoding="utf-8"))
    return data


def rules_root() -> Path:
    return Path(str(files("auditor.rules")))


def default_pack_dirs() -> list[Path]:
    root = rules_root()
    return sorted(p for p in root.iterdir() if (p / "pack.yaml").is_file())
