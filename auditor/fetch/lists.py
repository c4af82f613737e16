"""The list files a run is given, one entry a line: `auditor fetch --list` (URLs) and `audit --published` (paths
and dates). Apart from save.py so that an audit reads its list without importing the HTTP client."""

from __future__ import annotations

from pathlib import Path

from auditor.ingest.decode import DecodeError, decode, looks_binary
from auditor.resources import InvalidFile, read_bounded

MAX_LIST_BYTES = 16 * 1024 * 1024  # a URL list; a province's reports are a few thousand lines


class ListError(Exception):
    """A list file that cannot be read (missing, binary, undecodable, too large)."""


def read_url_list(path: Path) -> list[tuple[str, str | None]]:
    """The URLs of a list file, one a line: `URL` or `URL<TAB>agency name`; blank lines and lines starting with #
    are skipped. UTF-8, GBK or GB18030, detected as reports are. ListError when it cannot be read."""
    entries: list[tuple[str, str | None]] = []
    for _, line in list_lines(path, "a list of URLs"):
        url, _, agency = line.partition("\t")
        entries.append((url.strip(), agency.strip() or None))
    return entries


def list_lines(path: Path, what: str) -> list[tuple[int, str]]:
    """(line number, line) of a list file (`what` it should be, for the message), blank lines and lines starting
    with # left out. UTF-8, GBK or GB18030, detected as reports are. ListError when it cannot be read, is over
    MAX_LIST_BYTES, or is binary."""
    try:
        data = read_bounded(path, MAX_LIST_BYTES)  # a named pipe without a writer reads as empty, never hangs
    except InvalidFile as exc:
        raise ListError(f"{path}: {exc.reason}") from None
    except OSError as exc:
        raise ListError(f"{path}: {exc.strerror or exc}") from None
    if looks_binary(data):
        raise ListError(f"{path}: binary data, not {what}")
    try:
        text, _ = decode(data)
    except DecodeError:
        raise ListError(f"{path}: not text in a known encoding") from None
    return [(number, line) for number, line in enumerate(text.splitlines(), start=1)
            if line.strip() and not line.lstrip().startswith("#")]
