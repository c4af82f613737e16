"""Compiled packs kept on disk between runs, keyed by everything that makes them (issue 14 part 5).

Loading the bundled packs (reading and validating 170 YAML files, compiling their expressions, regexes and shards)
costs about 0.28 s of every run, a quarter of a one-file audit; unpickling the result costs 0.03 s. The key is a hash
of what a pack is compiled from: the YAML files of its directory and of the pack it extends, the parameters it was
given, and the code and schemas that compile it (every file of the installed package, so an upgrade or an edited
checkout never reads a pack compiled by other code). A pack that fails to load is never stored: its PackError comes
from a load, every time.

The cache is only a cache: a folder that cannot be made or written, a file that cannot be read or unpickled, or one
written by another user is passed over and the pack is loaded from its files. Pickle runs code, so a file is read only
from a folder the current user owns and no one else may write (made 0700 here), and only under the name its content
key gives. `AUDITOR_CACHE_DIR` names the folder (default: `$XDG_CACHE_HOME/auditor`, else `~/.cache/auditor`); set
empty, nothing is cached.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import stat
import sys
import tempfile
from collections.abc import Callable
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any, TypeVar

from auditor import __version__
from auditor.packs.model import Pack
from auditor.resources import InvalidFile, read_bounded

ENV = "AUDITOR_CACHE_DIR"
_FORMAT = b"auditor-pack-cache 1"
T = TypeVar("T")
_PACKAGE = Path(__file__).resolve().parent.parent  # auditor/


def cache_dir() -> Path | None:
    """Where compiled packs are kept, or None when caching is off (AUDITOR_CACHE_DIR set empty)."""
    named = os.environ.get(ENV)
    if named is not None:
        return Path(named) if named else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "auditor"


@cache
def _code_digest() -> bytes:
    """The package's code and its JSON Schemas (beside it in a checkout, inside it when installed), read once per
    process: what compiles a pack. About 1 MB, hashed in a few milliseconds."""
    digest = hashlib.sha256(_FORMAT + __version__.encode() + sys.version.encode())
    schemas = Path(str(files("auditor.schemas")))
    for root, pattern in ((_PACKAGE, "*.py"), (schemas, "*.json")):
        for path in sorted(root.rglob(pattern)):
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.digest()


def _key(directory: Path, manifest: dict[str, Any], parameters: dict[str, float] | None) -> str:
    """A hash of what load_pack reads for this directory (its YAML files and, when it extends a pack, that pack's)
    and of the code that compiles them."""
    digest = hashlib.sha256(_code_digest())
    folders = [directory]
    extends = manifest.get("extends")
    if isinstance(extends, dict) and isinstance(extends.get("pack"), str):
        folders.append(directory.parent / extends["pack"])
    for folder in folders:
        digest.update(b"\1" + str(folder).encode() + b"\0" + str(folder.resolve()).encode())  # as named: Pack.path
        for path in sorted(folder.glob("*.yaml")):
            digest.update(path.name.encode() + b"\0" + read_bounded(path) + b"\0")
    digest.update(repr(sorted((parameters or {}).items())).encode())
    return digest.hexdigest()


def _private(folder: Path) -> bool:
    """Whether the folder is the current user's and no one else may write in it."""
    try:
        info = folder.stat()
    except OSError:
        return False
    mine = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    return stat.S_ISDIR(info.st_mode) and mine and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def cached_pack(directory: Path, manifest: dict[str, Any], parameters: dict[str, float] | None,
                load: Callable[[], Pack]) -> Pack:
    """The pack compiled from `directory`: from the cache when its key is there, else `load()`, stored for next
    time. Any trouble with the cache is passed over (see the module's docstring)."""
    return _cached("pack", lambda: _key(directory, manifest, parameters), load, Pack)


def cached_manifest(path: Path, load: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """A pack.yaml as read and validated by `load()` (packs/loader.manifest_of), kept under the hash of its bytes:
    a run reads every pack's manifest before it loads any pack, and validating one costs the JSON Schema library's
    import."""
    def key() -> str:
        return hashlib.sha256(_code_digest() + b"\2" + read_bounded(path)).hexdigest()

    return _cached("manifest", key, load, dict)


def _cached(kind: str, key: Callable[[], str], load: Callable[[], T], expected: type[T]) -> T:
    folder = cache_dir()
    if folder is None:
        return load()
    try:
        name = key()
    except (OSError, InvalidFile):  # a file vanished, cannot be read, or is too big: the load says so (PackError)
        return load()
    path = folder / f"{kind}-{name}.pickle"
    if _private(folder):
        with contextlib.suppress(Exception):  # unreadable, truncated, or from a class since changed: load again
            found = pickle.loads(path.read_bytes())
            if isinstance(found, expected):
                return found
    value = load()
    with contextlib.suppress(OSError, InvalidFile):
        if key() == name:  # not if a file changed while it was loaded: the value might be the new file's
            _store(folder, path, value)
    return value


def _store(folder: Path, path: Path, value: object) -> None:
    """Written to a temporary file and renamed over the name, so a reader never sees half a file."""
    with contextlib.suppress(OSError, pickle.PicklingError):
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(folder):
            return
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".partial-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(temporary, path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
