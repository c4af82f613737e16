"""Every output byte for byte as the code gave it before a speed change (issue 14): audits the samples, the corpus,
tests/corpus/found and generated reports through the CLI, in several formats (JSON, text with everything shown,
SARIF, English, the HTML pages, and the rows a `--db` run records), and compares each output's SHA-256 with the
ones recorded in benchmarks/identical.json.

    python benchmarks/identical.py              # compare; exit 1 naming every output that differs
    python benchmarks/identical.py --record     # write benchmarks/identical.json from this code
    python benchmarks/identical.py --keep DIR   # also keep the outputs in DIR (to diff two versions)

The digests are recorded from main (its commit is in the file): run `--record` in a worktree of main with this file
and bench_audit.py copied in. A change that means to alter an output (a new message, a new field) records them
again, and says so in its commit.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIGESTS = ROOT / "benchmarks" / "identical.json"
CORPUS = ROOT.parent / "shared" / "corpus" / "reports"
GENERATED = {"text": 120, "html": 30}  # generated as bench_audit.py generates them (an injected defect every 7th)
# (name, arguments): every formatter the speed work feeds, with everything the text output can show.
VARIANTS = [
    ("json", ["--format", "json"]),
    ("text", ["--format", "text", "--show", "not-assessable", "--show", "unchecked", "--show", "fingerprints"]),
    ("sarif", ["--format", "sarif"]),
    ("text-en", ["--format", "text", "--lang", "en", "--show", "not-assessable"]),
    ("html", ["--format", "html"]),  # -o names a folder: a page per report and the index
    ("db", ["--format", "json"]),  # with --db: the output, then every row the store recorded
]
# Columns that say when, not what: the only part of a store's rows that differs between two runs of the same code.
CLOCK_COLUMNS = ("audited_at", "decided_at", "recorded_at", "created_at", "received_at")


def store_rows(path: Path) -> bytes:
    """Every row of every table of a store, in rowid order, as text (blobs in hex), without its clock columns."""
    lines: list[str] = []
    with contextlib.closing(sqlite3.connect(path)) as db:
        lines.append(f"user_version: {db.execute('PRAGMA user_version').fetchone()[0]}")
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        for table in tables:
            cursor = db.execute(f'SELECT * FROM "{table}" ORDER BY rowid')  # noqa: S608 - names from the store
            names = [d[0] for d in cursor.description]
            lines.append(f"{table}: {names}")
            for row in cursor:
                lines.append(repr([v.hex() if isinstance(v, bytes) else v
                                   for n, v in zip(names, row, strict=True) if n not in CLOCK_COLUMNS]))
    return "\n".join(lines).encode()


def _read_output(out: Path) -> bytes:
    """An output file, or a folder's files (name and bytes of each, in order of name)."""
    if not out.is_dir():
        return out.read_bytes()
    return b"".join(b"\x00" + str(f.relative_to(out)).encode() + b"\x00" + f.read_bytes()
                    for f in sorted(out.rglob("*")) if f.is_file())


def _inputs(tmp: Path) -> list[tuple[str, Path, str]]:
    """(name, working folder, path as given) of each input set; paths are relative, so outputs do not name tmp."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_audit import generate  # the benchmark's own generator: the reports it measures are checked here

    from auditor.packs import load_pack
    from auditor.resources import default_pack_dirs

    packs = [load_pack(d) for d in default_pack_dirs()]
    folder = tmp / "generated"
    folder.mkdir()
    for kind, n in GENERATED.items():
        if kind == "html" and not CORPUS.is_dir():
            continue
        sub = folder / kind
        sub.mkdir()
        list(generate(kind, n, sub, packs))
    sets = [("samples", ROOT, "samples"), ("found", ROOT, "tests/corpus/found"), ("generated", tmp, "generated")]
    if CORPUS.is_dir():
        sets.append(("corpus", ROOT.parent, "shared/corpus/reports"))
    return sets


def outputs(keep: Path | None = None) -> dict[str, str]:
    """SHA-256 of every output, keyed `input set/variant`."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    digests: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        for set_name, cwd, path in _inputs(tmp):
            for variant, args in VARIANTS:
                out = tmp / f"{set_name}.{variant}.out"
                store = tmp / f"{set_name}.db"
                extra = ["--db", str(store)] if variant == "db" else []
                done = subprocess.run([sys.executable, "-c", "from auditor.cli import main; main()", "audit", path,
                                       "-j", "2", "--fail-on", "none", "-o", str(out), *args, *extra],
                                      cwd=cwd, env=env, capture_output=True, timeout=900)
                if done.returncode not in (0, 2):
                    raise SystemExit(f"{set_name}/{variant}: exit {done.returncode}\n{done.stderr.decode()}")
                data = _read_output(out)
                if variant == "db":
                    data += b"\x00store\x00" + store_rows(store)
                # SARIF names the working folder (originalUriBaseIds): the generated set's is a new one each time,
                # and the others' is the checkout's (a worktree of main when the digests were recorded)
                data = data.replace(tmp.as_uri().encode(), b"file:///TMP").replace(str(tmp).encode(), b"/TMP")
                data = data.replace(cwd.resolve().as_uri().encode(), b"file:///CWD")
                data += b"\x00exit %d" % done.returncode
                digests[f"{set_name}/{variant}"] = hashlib.sha256(data).hexdigest()
                if keep is not None:
                    keep.mkdir(parents=True, exist_ok=True)
                    (keep / out.name).write_bytes(data)
    return digests


def main() -> None:
    args = sys.argv[1:]
    keep = Path(args[args.index("--keep") + 1]) if "--keep" in args else None
    found = outputs(keep)
    if "--record" in args:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
        DIGESTS.write_text(json.dumps({"commit": commit, "outputs": found}, indent=2) + "\n", encoding="utf-8")
        print(f"recorded {len(found)} outputs")
        return
    expected = json.loads(DIGESTS.read_text(encoding="utf-8"))["outputs"]
    differ = sorted(k for k in expected.keys() | found.keys() if expected.get(k) != found.get(k))
    for key in differ:
        print(f"differs: {key}")
    print(f"{len(found) - len(differ)} of {len(expected)} outputs identical")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
