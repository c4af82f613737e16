"""Issue 13's "done when": one folder holding the samples in every format a report arrives in (text, Markdown, HTML,
DOCX, DOC, WPS, OFD, PDF, a scanned PDF, a PNG photo of a page), a spreadsheet and a hidden file, audited as an
office audits a folder: `audit --db`, supervised workers, the run's default time limit (a scan earns its OCR time
per page, auditor.budget). Every file is audited or named as skipped; the clean formats give the text's facts; the
scans give only cells read right, the rest unreadable, never a guessed number.

The facts compared are those the run itself recorded in the store, so the OCR is done once, by the run.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from auditor.audit import read_facts
from auditor.facts.model import from_json
from auditor.packs import Pack
from auditor.run import audit_paths
from auditor.store import Store, file_hash
from tests.conftest import SAMPLES
from tests.ofd_writer import ofd_from_pdf
from tests.test_ingest_office import word97  # noqa: F401  (the samples as .doc and .wps, made by LibreOffice)
from tests.test_parity import PARITY, STEMS, _view

pytest.importorskip("rapidocr_onnxruntime", reason="the OCR extra (pip install '.[ocr]')")
from tests.scan_writer import scanned_pages, scanned_pdf  # noqa: E402

SCANNED = "003_1299ff54e50d8c9c"  # one sample scanned (test_parity_scan scans every one, with the share read)
CLEAN = ("txt", "md", "html", "docx", "doc", "wps", "ofd", "pdf")
EXACT = {"txt", "md", "html", "docx"}  # a PDF's text (and what is made from it) is compared without white space


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory, word97: Path) -> Path:  # noqa: F811
    root = tmp_path_factory.mktemp("every") / "reports"
    root.mkdir()
    for stem in STEMS:
        shutil.copy(SAMPLES / f"{stem}.txt", root / f"{stem}.txt")
        (root / f"{stem}.md").write_text(_markdown((SAMPLES / f"{stem}.txt").read_text(encoding="utf-8")),
                                         encoding="utf-8")
        for fmt in ("html", "docx", "pdf"):
            shutil.copy(PARITY / f"{stem}.{fmt}", root / f"{stem}.{fmt}")
        for fmt in ("doc", "wps"):
            shutil.copy(word97 / f"{stem}.{fmt}", root / f"{stem}.{fmt}")
        (root / f"{stem}.ofd").write_bytes(ofd_from_pdf((PARITY / f"{stem}.pdf").read_bytes(), stem))
    pdf = (PARITY / f"{SCANNED}.pdf").read_bytes()
    (root / f"{SCANNED}.scan.pdf").write_bytes(scanned_pdf(pdf, -1.1, 3))
    next(scanned_pages(pdf, 0.9, 5)).save(root / f"{SCANNED}.page1.png")
    (root / "roster.xlsx").write_bytes(b"PK\x03\x04")
    (root / ".notes.txt").write_text("x", encoding="utf-8")
    return root


def _markdown(text: str) -> str:
    """The text as an agency's Markdown export has it: the title a level-1 heading, each part a level-2 one."""
    lines = text.splitlines()
    first = next(i for i, line in enumerate(lines) if line.strip())
    lines[first] = "# " + lines[first].strip()
    return "\n".join("## " + line if re.match(r"^[一二三四五六七]、", line) else line for line in lines) + "\n"


@pytest.fixture(scope="module")
def audited(folder: Path, packs: list[Pack], tmp_path_factory: pytest.TempPathFactory) -> tuple[object, dict]:
    db = tmp_path_factory.mktemp("every-db") / "audits.db"
    with Store(db) as store:
        run = audit_paths([folder], packs, jobs=2, store=store)  # the run's default supervision and time limit
        rows = dict(store._connection.execute("SELECT sha256, facts FROM documents").fetchall())
    # By content: files of the same bytes (a .wps saved in Word 97's format, as the .doc) are one stored document.
    return run, {p.name: from_json(json.loads(rows[file_hash(p)])) for p in folder.iterdir() if file_hash(p) in rows}


def test_every_file_is_audited_or_named_as_skipped(folder: Path, audited: tuple) -> None:
    run, _ = audited
    names = {Path(d.path).name: d for d in run.documents}
    assert len(names) == 5 * len(CLEAN) + 2
    assert not [n for n, d in names.items() if d.problems and d.problems[0].slug in ("file_timeout", "worker_died")]
    skipped = {Path(p.path or "").name for p in run.problems if p.slug == "file_skipped"}
    assert skipped == {"roster.xlsx", ".notes.txt"}
    for scan in (f"{SCANNED}.scan.pdf", f"{SCANNED}.page1.png"):  # each result says it came from OCR
        assert "ocr" in [p.slug for p in names[scan].problems], (scan, names[scan].problems)


@pytest.mark.parametrize("fmt", CLEAN)
def test_a_clean_source_gives_the_texts_facts(fmt: str, audited: tuple, packs: list[Pack]) -> None:
    _, facts = audited
    exact = fmt in EXACT
    for stem in STEMS:
        text_facts, pack = read_facts(SAMPLES / f"{stem}.txt", packs)
        expected, found = _view(text_facts, pack, exact), _view(facts[f"{stem}.{fmt}"], pack, exact)
        for part in expected:
            assert found[part] == expected[part], (stem, part)


@pytest.mark.parametrize("name", [f"{SCANNED}.scan.pdf", f"{SCANNED}.page1.png"])
def test_a_scan_reads_only_right_cells_and_leaves_the_rest_unreadable(name: str, audited: tuple,
                                                                       packs: list[Pack]) -> None:
    _, facts = audited
    truth, _ = read_facts(SAMPLES / f"{SCANNED}.txt", packs)
    scan = facts[name]
    read = {k: c for k, c in scan.cells.items() if c.status != "unreadable"}
    wrong = {k: (truth.cells[k].raw, c.raw) for k, c in read.items()
             if k not in truth.cells or (c.status, c.value) != (truth.cells[k].status, truth.cells[k].value)}
    assert read and not wrong, wrong
    if name.endswith(".pdf"):  # the whole report: most of its cells read (the README's share is measured elsewhere)
        assert len(read) >= 0.6 * len(truth.cells), len(read)
