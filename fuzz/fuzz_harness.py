"""Audit inputs in a child process, as the CLI audits one file, and say how each ended.

The child (`python fuzz_harness.py --child JOB.json`) caps its own address space and core dumps, loads the bundled
packs as `auditor audit` does, then for each input prints a `start` line, runs `audit_guarded` and both the text and
JSON formatters over the result, and prints a `done` line with the outcome class. The parent (run_chunk) reads
those lines with a deadline per input: a child killed by a signal is a `crash` of the input it had started, one that
overruns the deadline is killed (its process group: only what it started) and the input is a `hang`; either way a
fresh child takes the rest of the chunk.
"""

from __future__ import annotations

import contextlib
import faulthandler
import json
import os
import re
import resource
import selectors
import signal
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Outcome classes, from worst to best: an input gets the first that applies.
# `setup_error` is no input's fault: the child could not load the tool itself (e.g. a pack or import broken in the
# working tree), so every input of its chunk is unexamined.
FAILURES = ("crash", "hang", "memory", "traceback", "internal_error", "worker_died", "engine_error",
            "engine_disagreement", "setup_error")
OK = "ok"
_PROBLEM_CLASSES = ("internal_error", "worker_died", "engine_error", "engine_disagreement")
STARTUP_SECONDS = 120.0  # importing and loading the packs on a loaded machine, or between inputs: not an input's time
_MEMORY_WORDS = ("MemoryError", "bad_alloc", "Cannot allocate memory", "out of memory")


@dataclass(frozen=True)
class Outcome:
    """How one input ended: its class, what was said (exception, problem message or signal), seconds taken, and
    the child's peak resident memory so far in MiB (an upper bound for this input; 0 when the child died)."""

    cls: str
    detail: str
    seconds: float
    peak_mib: int = 0


# --- the child -------------------------------------------------------------------------------------------------------


def _limit(memory_bytes: int) -> None:
    """The memory cap (address space: a blow-up fails an allocation instead of swapping the machine) and no core
    files (a segfaulting engine would otherwise drop one per crash)."""
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _classify(result: Any) -> tuple[str, str]:
    """The worst problem class on a DocumentResult, or ok (findings, input problems and clean results alike)."""
    slugs = {p.slug: p for p in result.problems}
    for cls in _PROBLEM_CLASSES:
        if cls in slugs:
            message = str(slugs[cls].message)
            if cls == "internal_error" and "MemoryError" in message:
                return "memory", message
            return cls, message
    return OK, ",".join(sorted(slugs)) or f"{len(result.findings)} finding(s)"


def audit_one(path: Path, packs: list[Any]) -> tuple[str, str]:
    """One file through the library as `auditor audit FILE` takes it (audit_guarded, then the formatters)."""
    from auditor.audit import audit_guarded
    from auditor.formatters import FORMATTERS
    from auditor.model import RunStream

    try:
        result = audit_guarded(path, packs, "zh")
        for fmt in ("text", "json"):
            for _ in FORMATTERS[fmt](RunStream((d for d in [result]), (), "zh"), False):
                pass
    except MemoryError:
        return "memory", "MemoryError escaped audit_guarded"
    except BaseException as exc:  # noqa: BLE001 - anything escaping the guard is the finding
        lines = traceback.format_exception(exc)
        return "traceback", f"{type(exc).__name__}: {exc}"[:300] + " | " + "".join(lines[-3:])[-600:]
    return _classify(result)


def _emit(event: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(event, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def child_main(job: Path) -> int:
    spec = json.loads(job.read_text(encoding="utf-8"))
    _limit(int(spec["memory_bytes"]))
    from auditor.config import load_config, load_configured_packs
    from auditor.resources import default_pack_dirs

    packs = load_configured_packs(list(default_pack_dirs()), load_config(None))  # what the CLI loads by default
    # Python's stack on stderr at a fatal signal, and just before the parent's deadline: where it crashed or hung.
    faulthandler.enable()
    stack_after = max(0.5, float(spec.get("timeout", 30.0)) - 2.0)
    _emit({"ready": True})
    for index, name in enumerate(spec["paths"]):
        _emit({"start": index})
        began = time.monotonic()
        faulthandler.dump_traceback_later(stack_after)
        cls, detail = audit_one(Path(name), packs)
        faulthandler.cancel_dump_traceback_later()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        _emit({"done": index, "cls": cls, "detail": detail, "seconds": time.monotonic() - began, "peak_mib": peak})
    return 0


# --- the parent ------------------------------------------------------------------------------------------------------


class _Events:
    """The child's JSON lines, each read with a deadline."""

    TIMEOUT: dict[str, Any] = {"timeout": True}
    EOF: dict[str, Any] = {"eof": True}

    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        assert proc.stdout is not None
        self._fd = proc.stdout.fileno()
        self._buffer = b""
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._fd, selectors.EVENT_READ)

    def next(self, deadline: float) -> dict[str, Any]:
        """The next event; TIMEOUT when `deadline` (monotonic) passes first; EOF when the child closed stdout."""
        while b"\n" not in self._buffer:
            if not self._selector.select(max(0.0, deadline - time.monotonic())):
                return self.TIMEOUT
            chunk = os.read(self._fd, 65536)
            if not chunk:
                return self.EOF
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        event: dict[str, Any] = json.loads(line)
        return event

    def close(self) -> None:
        self._selector.close()


def _kill(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):  # the child's own group (start_new_session): nothing else
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def _said(stderr: Path, since: int) -> str:
    with stderr.open("rb") as handle:
        handle.seek(since)
        return handle.read()[-20000:].decode("utf-8", "replace")


def _frames(said: str, count: int = 4) -> str:
    """The innermost Python frames of a faulthandler dump, shortened: 'auditor/engine.py:150 evaluate ← …'."""
    frames = re.findall(r'File "([^"]+)", line (\d+) in (\S+)', said)
    shown = [f"{re.sub(r'^.*?/(?=auditor/|site-packages/)', '', path)}:{line} {name}"
             for path, line, name in frames[:count]]
    return " ← ".join(shown)


def _death(proc: subprocess.Popen[bytes], stderr: Path, since: int, seconds: float) -> Outcome:
    code = proc.wait()
    said = _said(stderr, since)
    where = _frames(said)
    at = f" at {where}" if where else ""
    if any(word in said for word in _MEMORY_WORDS):
        return Outcome("memory", f"child died (exit {code}) out of memory{at}", seconds)
    if code < 0:
        return Outcome("crash", f"signal {signal.Signals(-code).name} (exit {128 - code}){at}", seconds)
    return Outcome("crash", f"child exited {code} mid-input{at}: {' '.join(said.split())[-200:]}", seconds)


def run_chunk(paths: list[Path], work: Path, timeout: float, memory_bytes: int) -> list[Outcome]:
    """The outcome of each of `paths`, in order. `timeout`: wall seconds per input; `memory_bytes`: the child's
    address-space cap. Children are started as needed (one per crash or hang) and always reaped."""
    outcomes: list[Outcome] = []
    attempts = 0
    while len(outcomes) < len(paths):
        rest = paths[len(outcomes):]
        job, stderr = work / f"job-{len(outcomes)}.json", work / f"stderr-{len(outcomes)}.txt"
        job.write_text(json.dumps({"paths": [str(p) for p in rest], "memory_bytes": memory_bytes, "timeout": timeout}),
                       encoding="utf-8")
        got = _run_child(job, stderr, len(rest), timeout)
        outcomes.extend(got)
        attempts = 0 if got else attempts + 1
        if attempts >= 2:  # the child cannot even start: say so for every input left, rather than loop
            said = " ".join(stderr.read_text(encoding="utf-8", errors="replace").split())[-400:]
            outcomes.extend(Outcome("setup_error", f"the tool did not start: {said}", 0.0) for _ in rest)
    return outcomes


def _run_child(job: Path, stderr: Path, count: int, timeout: float) -> list[Outcome]:
    """Outcomes of the inputs the child got through, ending with the one that killed or hung it (if any)."""
    with stderr.open("wb") as err:
        proc = subprocess.Popen([sys.executable, __file__, "--child", str(job)], stdout=subprocess.PIPE,
                                stderr=err, start_new_session=True)
    events = _Events(proc)
    outcomes: list[Outcome] = []
    in_input, began, since = False, time.monotonic(), 0
    try:
        while len(outcomes) < count:
            event = events.next(began + timeout if in_input else time.monotonic() + STARTUP_SECONDS)
            if event is _Events.EOF:
                if in_input:
                    outcomes.append(_death(proc, stderr, since, time.monotonic() - began))
                return outcomes
            if event is _Events.TIMEOUT:
                if in_input:
                    _kill(proc)
                    where = _frames(_said(stderr, since))
                    outcomes.append(Outcome("hang", f"no result within {timeout:g} s (killed)"
                                            + (f", busy in {where}" if where else ""), timeout))
                return outcomes
            if "start" in event:
                in_input, began, since = True, time.monotonic(), stderr.stat().st_size
            elif "done" in event:
                in_input = False
                outcomes.append(Outcome(event["cls"], event["detail"], event["seconds"], event["peak_mib"]))
        return outcomes
    finally:
        events.close()
        try:
            proc.wait(timeout=10)  # the child exits by itself after its last input
        except subprocess.TimeoutExpired:
            _kill(proc)
        if proc.poll() is None:
            _kill(proc)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        sys.exit(child_main(Path(sys.argv[2])))
    sys.exit("usage: fuzz_harness.py --child JOB.json (started by fuzz_audit.py)")
