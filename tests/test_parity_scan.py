"""Scan parity (issue 13 part 4): each sample's parity PDF scanned (tests/scan_writer.py: 150 dpi, turned about a
degree, grain and dust), as an image-only PDF or a multi-page TIFF, then read through OCR. Every table cell the scan
gives a reading of must be the text's reading of it; cells OCR was unsure of are unreadable and only counted. The
share read has a floor just below what was measured (README, formats), so a worse reading fails.

OCR costs seconds a page, so each scan is read once a session (scan_facts) and every test here uses that reading.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from auditor.audit import read_facts
from auditor.facts.model import ReportFacts
from auditor.packs import Pack
from tests.scan_writer import scanned_pdf, scanned_tiff
from tests.test_cli import audit_json
from tests.test_parity import PARITY, ROOT, STEMS


def _engine_or_skip() -> None:
    """Skip without the OCR extra; under CI (.ci/run installs it and the libraries OpenCV loads) fail instead."""
    try:
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError as exc:
        why = f"the OCR engine cannot be loaded ({exc}); pip install .[ocr] (.ci/run installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(why)
        pytest.skip(why)


# How each sample is scanned: its container and the angle it was fed at (degrees, counter-clockwise).
SCANS = {STEMS[0]: ("pdf", 1.0), STEMS[1]: ("tif", -0.8), STEMS[2]: ("pdf", 1.2), STEMS[3]: ("tif", -1.1),
         STEMS[4]: ("pdf", 0.9)}
# Cells read with confidence, of the 200 each sample's text gives, as measured (README): the floor is a few below.
MEASURED = {STEMS[0]: 165, STEMS[1]: 174, STEMS[2]: 181, STEMS[3]: 181, STEMS[4]: 175}
Readings = dict[str, tuple[ReportFacts, Pack | None]]
_MARGIN = 3  # cells: a different CPU's floating point may tip a digit's confidence across the threshold


@pytest.fixture(scope="session")
def scans(tmp_path_factory: pytest.TempPathFactory) -> Path:
    _engine_or_skip()
    folder = tmp_path_factory.mktemp("scans")
    for seed, (stem, (container, angle)) in enumerate(SCANS.items()):
        source = (PARITY / f"{stem}.pdf").read_bytes()
        write = scanned_pdf if container == "pdf" else scanned_tiff
        (folder / f"{stem}.{container}").write_bytes(write(source, angle, seed))
    return folder


@pytest.fixture(scope="session")
def scan_facts(scans: Path, packs: list[Pack]) -> Readings:
    return {stem: read_facts(scans / f"{stem}.{container}", packs) for stem, (container, _) in SCANS.items()}


def _compare(truth: ReportFacts, scan: ReportFacts) -> tuple[int, list[str]]:
    """(cells read, cells read wrong): a cell is read when the scan gives it a status other than unreadable; read, it
    must be the text's cell exactly (a number its value, a blank a blank)."""
    read, wrong = 0, []
    for key, cell in truth.cells.items():
        found = scan.cells.get(key)
        if found is None or found.status == "unreadable":
            continue
        read += 1
        if (found.status, found.value) != (cell.status, cell.value):
            wrong.append(f"{key}: {cell.raw!r} read as {found.raw!r}")
    return read, wrong


@pytest.mark.parametrize("stem", STEMS)
def test_every_cell_read_from_a_scan_is_the_true_value(stem: str, scan_facts: Readings, packs: list[Pack]) -> None:
    truth, _ = read_facts(ROOT / "samples" / f"{stem}.txt", packs)
    scan, pack = scan_facts[stem]
    assert len(truth.cells) == 200
    assert set(scan.cells) <= set(truth.cells)  # no cell of a table the text does not have
    read, wrong = _compare(truth, scan)
    assert wrong == []
    assert read >= MEASURED[stem] - _MARGIN, f"{read} of 200 cells read"
    # The narrative: every claim read from the scan is one the text makes, with its value.
    assert {(c.key, c.value) for c in scan.claims} <= {(c.key, c.value) for c in truth.claims}
    assert pack is not None and pack.id == "standard"


def test_the_share_read_overall(scan_facts: Readings, packs: list[Pack]) -> None:
    read = sum(_compare(read_facts(ROOT / "samples" / f"{stem}.txt", packs)[0], scan_facts[stem][0])[0]
               for stem in STEMS)
    assert read >= sum(MEASURED.values()) - _MARGIN * 2, f"{read} of 1000 cells read"


@pytest.mark.parametrize("stem", STEMS)
def test_a_scan_says_it_was_read_through_ocr(stem: str, scan_facts: Readings) -> None:
    scan, _ = scan_facts[stem]
    assert scan.format == ("pdf" if SCANS[stem][0] == "pdf" else "image")
    notice = next(i for i in scan.issues if i.slug == "ocr")
    read, unsure = int(notice.values["read"]), int(notice.values["unsure"])
    assert read > 0 and unsure > 0 and int(notice.values["total"]) == read + unsure
    assert notice.values["pages"] in {"5", "6"} and notice.values["share"].endswith("%")


def test_a_slow_scan_ends_as_file_timeout_in_the_batch(scans: Path, tmp_path: Path) -> None:
    """A scan OCR cannot finish in the file's time is stopped by the batch's supervision, never left running: its
    worker is ended and the file is its file_timeout problem, the other files audited. Its pages earn it no more
    time here (--ocr-page-seconds 0); by default each earns 20 s (auditor.budget), as test_every_format shows."""
    (tmp_path / "scan.pdf").write_bytes((scans / f"{STEMS[0]}.pdf").read_bytes())
    (tmp_path / "report.txt").write_bytes((ROOT / "samples" / f"{STEMS[1]}.txt").read_bytes())
    code, data = audit_json(str(tmp_path), "--timeout", "3", "--ocr-page-seconds", "0")
    assert code == 2
    by_name = {Path(d["path"]).name: d for d in data["documents"]}
    assert [p["slug"] for p in by_name["scan.pdf"]["problems"]] == ["file_timeout"]
    assert "--timeout" in by_name["scan.pdf"]["problems"][0]["message"]
    assert by_name["report.txt"]["verdict"] != "failed"
