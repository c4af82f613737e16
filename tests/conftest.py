"""Shared fixtures: the bundled packs, the samples, the corpus beside the checkout."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.engine import Engine, process_engine
from auditor.packs import Pack, load_pack
from auditor.resources import default_pack_dirs

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
CORPUS = ROOT.parent / "shared" / "corpus" / "reports"


@pytest.fixture(scope="session")
def packs() -> list[Pack]:
    return [load_pack(d) for d in default_pack_dirs()]


@pytest.fixture(scope="session")
def standard(packs: list[Pack]) -> Pack:
    return next(p for p in packs if p.id == "standard")


@pytest.fixture(scope="session")
def engine() -> Engine:
    return process_engine()
