"""Zip packages (.docx) inflated under bounds before any library reads them: a zip bomb costs only itself.

python-docx reads every part through `zipfile.ZipFile.read`, which inflates a member in one call of up to 2 GiB and
only then cuts it to the size the header declares, so neither the declared sizes nor zipfile's CRC check bound
memory (a forged header can declare 1 KiB over 1 GiB of inflated data). Here each member is inflated in chunks of
`_CHUNK` bytes, counted as it comes (never the header's word for it), CRC-checked by zipfile at its end, and written to
a new package stored without compression: the bytes python-docx is then given inflate to exactly what was counted.

Bounds (auditor.limits): MAX_PACKAGE_MEMBERS members, MAX_MEMBER_BYTES per member and MAX_PACKAGE_BYTES for all of
them, inflated. The declared sizes are checked first (a cheap early refusal of an honest bomb); the counted ones decide.
Only stored and deflated members are read: Open Packaging Conventions (ECMA-376 Part 2, §8.4) allow no other method,
and zipfile cannot bound the output of bzip2 or LZMA per read.
"""

from __future__ import annotations

import io
import zipfile
import zlib

from auditor import limits
from auditor.ingest.errors import IngestError

_CHUNK = 1 << 20  # bytes inflated per read: zipfile bounds one deflate call by the size asked for
_ALLOWED_METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the repacked members' timestamp: the original may be out of zip's range
# What zipfile raises on a damaged archive or member: a bad directory (BadZipFile), a damaged deflate stream
# (zlib.error), data cut short (EOFError), a bad CRC (BadZipFile), a member beyond the end (OSError, ValueError).
_DAMAGE = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError)


def bounded_package(data: bytes, fmt: str) -> bytes:
    """The zip archive `data` repacked with every member stored (uncompressed), after checking it against the limits.

    Raises IngestError: `limit_exceeded` for too many members or a member or package that inflates beyond its limit,
    `corrupt_file` (format `fmt`) for bytes that are not a zip archive, a damaged or truncated member, a CRC mismatch,
    an encrypted member or a compression method the package format does not allow."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except _DAMAGE as exc:
        raise _corrupt(fmt, "not a zip archive" if isinstance(exc, zipfile.BadZipFile) else _damage(exc)) from None
    with archive:
        members = _members(archive, fmt)
        out = io.BytesIO()
        total = 0
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as repacked:
            for info in members:
                content = _inflate(archive, info, fmt, limits.MAX_PACKAGE_BYTES - total)
                total += len(content)
                repacked.writestr(zipfile.ZipInfo(info.filename, _FIXED_TIME), content)
    return out.getvalue()


def _members(archive: zipfile.ZipFile, fmt: str) -> list[zipfile.ZipInfo]:
    """The members a reader can open by name (the last of two with one name, as zipfile.getinfo gives it), checked
    for count, method, encryption and declared size."""
    infos = archive.infolist()
    if len(infos) > limits.MAX_PACKAGE_MEMBERS:
        raise IngestError("limit_exceeded", **limits.exceeded(
            "压缩包成员数", "the number of package members", str(limits.MAX_PACKAGE_MEMBERS)))
    by_name = {info.filename: info for info in infos}
    declared = 0
    for info in by_name.values():
        if info.compress_type not in _ALLOWED_METHODS:
            raise _corrupt(fmt, f"compression method {info.compress_type} is not allowed in the package format")
        if info.flag_bits & 0x1:
            raise _corrupt(fmt, f"member {_shown(info.filename)} is encrypted")
        _check_member(info.filename, info.file_size)
        declared += info.file_size
        _check_package(declared)
    return list(by_name.values())


def _inflate(archive: zipfile.ZipFile, info: zipfile.ZipInfo, fmt: str, room: int) -> bytes:
    """One member's bytes, read `_CHUNK` at a time and refused as soon as it passes its limit or the `room` left in
    the package's."""
    content = bytearray()
    try:
        with archive.open(info) as member:
            while chunk := member.read(_CHUNK):
                content += chunk
                _check_member(info.filename, len(content))
                if len(content) > room:
                    _check_package(limits.MAX_PACKAGE_BYTES + 1)
    except _DAMAGE as exc:
        raise _corrupt(fmt, f"damaged member {_shown(info.filename)} ({_damage(exc)})") from None
    return bytes(content)


def _check_member(name: str, size: int) -> None:
    if size > limits.MAX_MEMBER_BYTES:
        raise IngestError("limit_exceeded", **limits.exceeded(
            f"成员 {_shown(name)} 解压后大小", f"the inflated size of member {_shown(name)}",
            limits.size_text(limits.MAX_MEMBER_BYTES)))


def _check_package(size: int) -> None:
    if size > limits.MAX_PACKAGE_BYTES:
        raise IngestError("limit_exceeded", **limits.exceeded(
            "压缩包解压后总大小", "the inflated size of the package", limits.size_text(limits.MAX_PACKAGE_BYTES)))


def _shown(name: str) -> str:
    """A member name as a problem quotes it: the archive chose it, so it is cut short."""
    return name if len(name) <= 80 else name[:80] + "…"


def _damage(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _corrupt(fmt: str, reason: str) -> IngestError:
    return IngestError("corrupt_file", format=fmt, reason=reason)
