"""The sidecar of a fetched report: `<report file>.fetched.json` beside it (schemas/fetched.schema.json), saying
where and when it was fetched, what the server answered, its SHA-256 and the publication date the page states.
A folder walk does not audit sidecars, nor the page an attachment was found on (companions); the audit reads the
publication date from the sidecar (auditor.audit.read_facts)."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from auditor.facts.model import Publication
from auditor.facts.publication import NO_DATE
from auditor.resources import InvalidFile, check_schema, read_bounded

SIDECAR_SUFFIX = ".fetched.json"
MAX_SIDECAR_BYTES = 1024 * 1024  # a sidecar is a few hundred bytes; a larger one is not ours


class SidecarError(Exception):
    """A sidecar that cannot be used: unreadable, not JSON, or not of the schema. The message names why."""


@dataclass(frozen=True)
class Sidecar:
    """One fetched report, as schemas/fetched.schema.json describes it (`published` and `page` as plain dicts)."""

    tool: str
    url: str
    agency: str | None
    fetched_at: str
    file: str
    final_url: str
    status: int
    content_type: str | None
    sha256: str
    size: int
    published: dict[str, str] | None
    page: dict[str, Any] | None
    version: int = 1

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def sidecar_for(report: Path) -> Path:
    return report.with_name(report.name + SIDECAR_SUFFIX)


def write_sidecar(folder: Path, sidecar: Sidecar) -> Path:
    """Write the sidecar beside its report, whole or not at all (a temporary file renamed over it)."""
    target = sidecar_for(folder / sidecar.file)
    write_atomic(target, (json.dumps(sidecar.to_json(), ensure_ascii=False, indent=2) + "\n").encode())
    return target


def write_atomic(target: Path, data: bytes) -> None:
    """`data` as `target`, whole or not at all: a run stopped midway leaves the previous file or none."""
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".fetch-", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def read_sidecar(path: Path) -> Sidecar:
    """The sidecar at `path`. SidecarError when it cannot be read or is not of the schema."""
    try:
        data = read_bounded(path, MAX_SIDECAR_BYTES)
    except InvalidFile as exc:
        raise SidecarError(f"{path}: {exc.reason}") from None
    except OSError as exc:
        raise SidecarError(f"{path}: {exc.strerror or exc}") from None
    try:
        value = json.loads(data.decode("utf-8"))
        check_schema(value, "fetched.schema.json")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SidecarError(f"{path}: not JSON ({exc})") from None
    except InvalidFile as exc:
        raise SidecarError(f"{path}: {exc.pointer or '/'}: {exc.reason}") from None
    return Sidecar(**value)


def companions(files: list[Path]) -> tuple[set[Path], dict[Path, Path]]:
    """Of the files a folder walk found: the sidecars of reports among them (read with their report, not audited
    or listed), and each page an attachment was found on, with its report (kept as published; the walk lists it as
    not audited, naming the report). A sidecar that cannot be read names no page: its report is audited all the
    same, and the audit says the sidecar could not be used."""
    present = set(files)
    sidecars: set[Path] = set()
    pages: dict[Path, Path] = {}
    for path in files:
        if not path.name.endswith(SIDECAR_SUFFIX):
            continue
        report = path.with_name(path.name.removesuffix(SIDECAR_SUFFIX))
        if report not in present:
            continue  # a sidecar without its report is listed like any other file not audited
        sidecars.add(path)
        try:
            page = read_sidecar(path).page
        except SidecarError:
            continue
        if page is not None and (page_path := path.with_name(str(page["file"]))) in present:
            pages[page_path] = report
    return sidecars, pages


def fetched_publication(report: Path) -> Publication | None:
    """The publication date the sidecar beside `report` gives, as a fact (None: no sidecar). A sidecar that cannot
    be used gives a Publication without a date that says why, so the deadline check names the cause."""
    path = sidecar_for(report)
    if not path.is_file():
        return None
    try:
        sidecar = read_sidecar(path)
    except SidecarError as exc:
        return Publication("fetched", path.name, None, error=str(exc))
    if sidecar.file != report.name:  # a sidecar renamed with another report: not this file's
        return Publication("fetched", path.name, None, error=f"{path.name} describes {sidecar.file}, not {report.name}")
    stated = sidecar.published
    if stated is None:
        return Publication("fetched", path.name, None, url=sidecar.url, error=NO_DATE)
    return Publication("fetched", path.name, stated["date"], stated["text"], sidecar.url)
