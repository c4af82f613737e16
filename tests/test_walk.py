"""A folder walk leaves nothing out in silence (issue 13 part 1): every file it did not audit is listed with why,
and counted in the run's last line and in JSON; a report that cannot be read is audited as a problem of its own,
never skipped."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import SAMPLES
from tests.test_cli import audit_json
from tests.test_coverage import run

OLE2 = bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 504  # the header of a Word 97 / WPS file


def folder(tmp_path: Path) -> Path:
    root = tmp_path / "reports"
    (root / "scans").mkdir(parents=True)
    (root / ".git").mkdir()
    shutil.copy(SAMPLES / "003_1299ff54e50d8c9c.txt", root)
    (root / "old.doc").write_bytes(OLE2)
    (root / "kingsoft.wps").write_bytes(OLE2)
    (root / "scans" / "page1.gif").write_bytes(b"\x89PNG\r\n\x1a\n")
    (root / ".git" / "config").write_text("[core]\n", encoding="utf-8")
    (root / "roster.xlsx").write_bytes(b"PK\x03\x04")
    return root


def test_every_file_left_out_is_listed_with_why(tmp_path: Path) -> None:
    root = folder(tmp_path)
    code, data = audit_json(str(root))
    audited = sorted(Path(d["path"]).name for d in data["documents"])
    assert audited == ["003_1299ff54e50d8c9c.txt", "kingsoft.wps", "old.doc"]
    # the .doc and .wps are read through LibreOffice; these two are a bare OLE2 header, so each is a problem of its
    # own (corrupt, or LibreOffice not installed), and the run cannot vouch for them
    assert code == 2
    for d in data["documents"]:
        if d["path"].endswith((".doc", ".wps")):
            assert d["verdict"] == "failed" and d["problems"][0]["slug"] in {"corrupt_file", "converter_missing"}
    skipped = {Path(p["path"]).name: p["message"] for p in data["problems"] if p["slug"] == "file_skipped"}
    assert set(skipped) == {"page1.gif", "config", "roster.xlsx"}
    assert "图片" in skipped["page1.gif"] and "隐藏" in skipped["config"] and "不是报告" in skipped["roster.xlsx"]
    assert data["summary"]["skipped"] == 3 and data["summary"]["problems"] == 2  # the .doc and .wps alone


def test_the_run_line_counts_them(tmp_path: Path) -> None:
    root = folder(tmp_path)
    (root / "old.doc").unlink()
    (root / "kingsoft.wps").unlink()
    result = run("audit", str(root))
    assert result.exit_code == 1  # the sample's error; a skipped image or spreadsheet is no input error
    assert result.output.rstrip().endswith("未核查的其他文件 3 个")
    assert "page1.gif：未核查（图片" in result.output
    assert "未核查的文件: [file_skipped]" in result.output and "工具问题: [file_skipped]" not in result.output
    english = run("audit", str(root), "--lang", "en")
    assert "3 other files not audited" in english.output


def test_a_folder_of_images_only_has_no_report(tmp_path: Path) -> None:
    root = tmp_path / "scans"
    root.mkdir()
    (root / "p1.webp").write_bytes(b"RIFF\x00\x00\x00\x00WEBP")
    code, data = audit_json(str(root))
    assert code == 2 and data["documents"] == []
    assert {p["slug"] for p in data["problems"]} == {"no_input_files", "file_skipped"}
