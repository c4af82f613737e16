""".doc and .wps reports through LibreOffice (auditor/ingest/office.py, issue 13 part 2): recognised by content, the
same facts as the DOCX they were saved from, and every way the conversion can fail a problem of its own.

The fixtures are made here, once a session: the samples' parity DOCX saved as Word 97 by LibreOffice (one soffice
run for all five). A .wps fixture is the same bytes named .wps: WPS Office writes its .wps in the Word 97 binary
format inside an OLE2 container, and LibreOffice, which cannot write .wps, reads both with the same filter.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import threading
import time
from pathlib import Path

import pytest

from auditor import limits
from auditor.audit import read_facts
from auditor.ingest import OLE2_MAGIC, IngestError, read_document, sniff_format
from auditor.ingest.office import PACKAGE
from auditor.packs import Pack
from auditor.problems import problem
from tests.test_cli import audit_json
from tests.test_parity import PARITY, STEMS, _view

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")


@pytest.fixture(scope="session")
def word97(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of the five samples as .doc and .wps, converted from the parity DOCX by LibreOffice."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    folder = tmp_path_factory.mktemp("word97")
    profile = (folder / "profile").as_uri()
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "doc",
                    "--outdir", str(folder), *(str(PARITY / f"{stem}.docx") for stem in STEMS)],
                   check=True, capture_output=True, timeout=300)
    shutil.rmtree(folder / "profile")
    for stem in STEMS:
        shutil.copy(folder / f"{stem}.doc", folder / f"{stem}.wps")
    return folder


@needs_soffice
@pytest.mark.parametrize("suffix", [".doc", ".wps"])
@pytest.mark.parametrize("stem", STEMS)
def test_word97_gives_the_docx_facts(stem: str, suffix: str, word97: Path, packs: list[Pack]) -> None:
    source = word97 / f"{stem}{suffix}"
    assert source.read_bytes().startswith(OLE2_MAGIC)
    docx_facts, docx_pack = read_facts(PARITY / f"{stem}.docx", packs)
    facts, pack = read_facts(source, packs)
    assert facts.format == suffix[1:]
    expected, found = _view(docx_facts, docx_pack, True), _view(facts, pack, True)
    for part in expected:
        assert found[part] == expected[part], part
    assert len(facts.cells) == 200 and facts.claims


def test_format_is_decided_by_content_not_by_name(tmp_path: Path) -> None:
    assert sniff_format(OLE2_MAGIC + bytes(504), tmp_path / "report.txt") == "doc"
    assert sniff_format(OLE2_MAGIC + bytes(504), tmp_path / "report.WPS") == "wps"  # the name only labels it
    assert sniff_format(b"plain text\n", tmp_path / "report.doc") == "text"


@needs_soffice
def test_a_word97_file_under_any_name_is_converted(word97: Path, tmp_path: Path) -> None:
    renamed = tmp_path / "report.bin"
    shutil.copy(word97 / f"{STEMS[0]}.doc", renamed)
    document = read_document(renamed)
    assert document.format == "doc" and len(document.tables) == 3


@needs_soffice
def test_a_damaged_ole2_file_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "old.doc"
    path.write_bytes(OLE2_MAGIC + bytes(504))
    with pytest.raises(IngestError) as error:
        read_document(path)
    assert error.value.slug == "corrupt_file" and error.value.values["format"] == "DOC"


def test_without_soffice_the_problem_names_the_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "kingsoft.wps"
    path.write_bytes(OLE2_MAGIC + bytes(504))
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(IngestError) as error:
        read_document(path)
    assert error.value.slug == "converter_missing"
    shown = problem("converter_missing", "zh", str(path), **error.value.values)
    assert f"apt-get install {PACKAGE}" in shown.message and "WPS" in shown.message and shown.blocking
    english = problem("converter_missing", "en", str(path), **error.value.values)
    assert "LibreOffice" in english.message and "libreoffice-writer" in english.message


def test_without_soffice_the_run_says_so_and_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "old.doc").write_bytes(OLE2_MAGIC + bytes(504))
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # the worker process inherits it
    code, data = audit_json(str(folder))
    assert code == 2
    [document] = data["documents"]
    assert document["verdict"] == "failed" and document["problems"][0]["slug"] == "converter_missing"


def _fake_soffice(folder: Path, script: str) -> None:
    """A program named soffice on PATH that runs `script` (bash) instead of LibreOffice; $out is its --outdir."""
    folder.mkdir(exist_ok=True)
    program = folder / "soffice"
    find_out = 'while [ $# -gt 0 ]; do [ "$1" = --outdir ] && out="$2"; shift; done'
    program.write_text(f"#!/bin/bash\n{find_out}\n{script}\n", encoding="utf-8")
    program.chmod(program.stat().st_mode | stat.S_IXUSR)


def test_a_hung_conversion_is_stopped_with_its_children(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pids = tmp_path / "pids"
    # A launcher that starts a converter and waits for it, as soffice starts soffice.bin.
    _fake_soffice(tmp_path / "bin", f"sleep 60 & echo $! > {pids}; wait")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:{os.environ['PATH']}")
    monkeypatch.setattr(limits, "CONVERT_SECONDS", 1.0)
    path = tmp_path / "old.doc"
    path.write_bytes(OLE2_MAGIC + bytes(504))
    started = time.monotonic()
    with pytest.raises(IngestError) as error:
        read_document(path)
    assert time.monotonic() - started < 10
    assert error.value.slug == "conversion_failed" and "1 s" in error.value.values["reason"]
    child = int(pids.read_text())
    assert _stopped(child)  # the converter the launcher started is killed too


def _stopped(pid: int, within: float = 5.0) -> bool:
    """Whether the process is gone or dead: SIGKILL is delivered asynchronously, and an orphan killed with its group
    stays a zombie until its new parent (init, or a container's first process) reaps it."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError, IndexError):
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize(("script", "reason"), [
    ("exit 0", "LibreOffice wrote no DOCX"),  # soffice exits 0 whatever happened
    ('echo "Error: no export filter" >&2', "Error: no export filter"),
    ('mkdir -p "$out"; echo "not a zip" > "$out/report.docx"', "LibreOffice wrote no DOCX"),
])
def test_a_conversion_that_writes_nothing_usable_is_a_problem(script: str, reason: str, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_soffice(tmp_path / "bin", script)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:{os.environ['PATH']}")
    path = tmp_path / "old.doc"
    path.write_bytes(OLE2_MAGIC + bytes(504))
    with pytest.raises(IngestError) as error:
        read_document(path)
    assert error.value.slug == "conversion_failed" and error.value.values["reason"] == reason


def test_an_oversized_conversion_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_soffice(tmp_path / "bin", 'mkdir -p "$out"; head -c 2048 /dev/zero > "$out/report.docx"')
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:{os.environ['PATH']}")
    monkeypatch.setattr(limits, "MAX_INPUT_BYTES", 1024)
    path = tmp_path / "old.doc"
    path.write_bytes(OLE2_MAGIC + bytes(504))
    with pytest.raises(IngestError) as error:
        read_document(path)
    assert error.value.slug == "conversion_failed" and "over 1 KiB" in error.value.values["reason"]


@needs_soffice
def test_two_conversions_at_once_do_not_collide(word97: Path) -> None:
    """Each conversion has a profile of its own: with a shared one the second soffice hands its file to the first
    instance, or fails on the profile's lock."""
    results: dict[str, int] = {}

    def convert(stem: str) -> None:
        results[stem] = len(read_document(word97 / f"{stem}.doc").tables)

    threads = [threading.Thread(target=convert, args=(stem,)) for stem in STEMS[:2]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {STEMS[0]: 3, STEMS[1]: 3}
