"""Word 97 (.doc) and Kingsoft WPS (.wps) reports: converted to DOCX by LibreOffice headless, then read by docx.py.

Both are OLE2 compound files (the magic D0CF11E0A1B11AE1, recognised by content in ingest/__init__.py). No kept
Python library reads their text and tables with merged cells; LibreOffice's import filters do (Kingsoft's .wps and
Microsoft Works' .wps alike), and the DOCX it writes keeps the merges as gridSpan/vMerge, so the DOCX reader's grid
rules apply unchanged (tests/test_parity.py holds the converted files to the DOCX's facts).

How soffice is run, and why:

* **A private user profile per conversion** (`-env:UserInstallation`), in a temporary folder removed afterwards: two
  soffice processes sharing a profile hand the second conversion to the first one's instance or fail on its lock, so
  parallel workers (`-j`) would collide.
* **A time limit** (limits.CONVERT_SECONDS) with the whole process group killed: `soffice` is a launcher that starts
  `soffice.bin`; killing the launcher alone leaves the converter running.
* **The output checked**: soffice exits 0 when it could not load the file (it prints `Error: source file could not
  be loaded`), so the converted file must exist, be no larger than limits.MAX_INPUT_BYTES, and be a zip; the DOCX
  reader then bounds its inflation as for any DOCX (package.py).
* **No soffice on PATH** is the problem `converter_missing`, naming the package to install, never a crash.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from auditor import limits
from auditor.ingest.document import Document
from auditor.ingest.errors import IngestError

PACKAGE = "libreoffice-writer"  # the Debian/Ubuntu package that provides soffice with Writer's import filters
_PROGRAMS = ("soffice", "libreoffice")  # Debian installs both names; some distributions only the second
_SUFFIXES = {".doc", ".wps"}  # kept on the copy soffice reads: its type detection uses the name as a hint


def read_office(data: bytes, path: str, fmt: str) -> Document:
    """Read an OLE2 word-processing file (`fmt` "doc" or "wps", as the Document's format) through LibreOffice.

    Raises IngestError: `converter_missing` when soffice is not installed, `conversion_failed` when it ran over its
    time or wrote nothing usable, `corrupt_file` (format DOC/WPS) when it could not load the file, and whatever the
    DOCX reader raises for the converted file."""
    from auditor.ingest.docx import read_docx  # python-docx is loaded only when a Word file arrives

    converted = convert_to_docx(data, Path(path).suffix.lower(), fmt)
    return dataclasses.replace(read_docx(converted, path), format=fmt, encoding="libreoffice")


def convert_to_docx(data: bytes, suffix: str, fmt: str) -> bytes:
    """The DOCX LibreOffice makes of `data` (the bytes of a file named with `suffix`)."""
    program = next((found for name in _PROGRAMS if (found := shutil.which(name))), None)
    if program is None:
        raise IngestError("converter_missing", format=fmt.upper(), package=PACKAGE)
    with tempfile.TemporaryDirectory(prefix="auditor-soffice-") as work:
        folder = Path(work)
        source = folder / f"report{suffix if suffix in _SUFFIXES else '.doc'}"
        source.write_bytes(data)
        out = folder / "out"
        command = [program, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless", "--norestore",
                   "--nologo", "--nodefault", "--nolockcheck", "--convert-to", "docx", "--outdir", str(out),
                   str(source)]
        stderr = _run(command, folder, fmt)
        return _converted(out / "report.docx", stderr, fmt)


def _run(command: list[str], home: Path, fmt: str) -> str:
    """Run soffice in a session of its own (so its children can be killed with it); its standard error."""
    # HOME in the temporary folder too: soffice writes caches beside the profile, and the user's may be read-only.
    env = {**os.environ, "HOME": str(home)}
    with subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          env=env, cwd=home, start_new_session=True) as process:
        try:
            _, err = process.communicate(timeout=limits.CONVERT_SECONDS)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            raise IngestError("conversion_failed", format=fmt.upper(),
                              reason=f"LibreOffice ran over {limits.CONVERT_SECONDS:g} s and was stopped") from None
        finally:
            _kill_group(process)  # a soffice.bin left behind by a launcher that exited
    return err.decode("utf-8", "replace")


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):  # the group is gone already
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _converted(target: Path, stderr: str, fmt: str) -> bytes:
    if not target.is_file():
        # soffice's own words when it has them: "Error: source file could not be loaded" is a file it cannot read.
        said = next((line.strip() for line in stderr.splitlines() if line.strip().startswith("Error")), "")
        if "could not be loaded" in said:
            raise IngestError("corrupt_file", format=fmt.upper(), reason="LibreOffice could not load it")
        raise IngestError("conversion_failed", format=fmt.upper(),
                          reason=_shown(said) or "LibreOffice wrote no DOCX")
    size = target.stat().st_size
    if size > limits.MAX_INPUT_BYTES:
        raise IngestError("conversion_failed", format=fmt.upper(),
                          reason=f"the DOCX written is {limits.size_text(size)}, over "
                                 f"{limits.size_text(limits.MAX_INPUT_BYTES)}")
    with target.open("rb") as stream:
        converted = stream.read(limits.MAX_INPUT_BYTES + 1)
    if not converted.startswith(b"PK\x03\x04"):
        raise IngestError("conversion_failed", format=fmt.upper(), reason="LibreOffice wrote no DOCX")
    return converted


def _shown(text: str) -> str:
    return text if len(text) <= 200 else text[:200] + "…"
