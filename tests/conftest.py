"""Shared fixtures: the bundled packs, the samples, the corpus beside the checkout."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from auditor.engine import Engine, process_engine
from auditor.packs import Pack, load_pack
from auditor.resources import default_pack_dirs
from tests.browser import chromium  # noqa: F401  (Debian's Chromium, for the tests that look at pages)
from tests.pgserver import pg_url, postgres_server, store_at  # noqa: F401  (the PostgreSQL server's fixtures)

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
CORPUS = ROOT.parent / "shared" / "corpus" / "reports"


def pytest_report_header() -> str:
    """Say at the top of every run whether the real reports are there: without ../shared the corpus tests skip."""
    if CORPUS.is_dir():
        return f"corpus: {CORPUS}"
    return (f"corpus: NOT FOUND at {CORPUS}: the tests on real reports are skipped (put the shared folder beside "
            "this checkout; under CI=true its absence fails the run)")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not CORPUS.is_dir():  # at the end too: -q hides the header
        terminalreporter.write_line(pytest_report_header(), yellow=True, bold=True)


def pytest_configure(config: pytest.Config) -> None:
    """Compiled packs are cached in a folder of this session's (packs/cache.py), not the user's ~/.cache: every run
    of the suite starts with none, and the CLI subprocesses the tests start share it."""
    folder = Path(tempfile.mkdtemp(prefix="auditor-test-cache-"))
    folder.chmod(0o700)
    os.environ["AUDITOR_CACHE_DIR"] = str(folder)
    config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))


def pytest_sessionstart(session: pytest.Session) -> None:
    if os.environ.get("CI") == "true" and not CORPUS.is_dir():
        raise pytest.UsageError(f"CI=true and the corpus is missing at {CORPUS}: the run would skip the tests on "
                                "real reports")


def edited_copy(source: Path, directory: Path, edit: Callable[[str], str], name: str | None = None) -> Path:
    """A copy of a report with its text changed by `edit`, written under `directory`."""
    path = directory / (name or source.name)
    path.write_text(edit(source.read_text(encoding="utf-8")), encoding="utf-8")
    return path


def without_lines(containing: str) -> Callable[[str], str]:
    return lambda text: "\n".join(line for line in text.splitlines() if containing not in line)


@pytest.fixture(scope="session")
def packs() -> list[Pack]:
    return [load_pack(d) for d in default_pack_dirs()]


@pytest.fixture(scope="session")
def standard(packs: list[Pack]) -> Pack:
    return next(p for p in packs if p.id == "standard")


@pytest.fixture(scope="session")
def engine() -> Engine:
    return process_engine()


@pytest.fixture
def pack_copy(tmp_path: Path) -> Path:
    """A copy of the bundled standard pack to edit."""
    target = tmp_path / "standard"
    shutil.copytree(Path(__file__).resolve().parent.parent / "rules" / "standard", target)
    return target


def edit_file(path: Path, old: str, new: str, count: int = -1) -> None:
    """Replace `old` (which must be there) by `new` in a text file: every occurrence, or the first `count`."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")
