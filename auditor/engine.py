"""The durable-rules adapter: the only module that imports durable-rules (engine-notes.md §1.12).

Guards, each with a test in tests/test_engine_hazards.py:
- one Host per process, used only from the thread that built it; the stock Host's dispatcher threads are disabled;
- facts carry real JSON numbers (a string meeting a number compares as a string in the C engine), as floats (`$div`
  of two integers truncates);
- rules are single-fact (alpha-only) tests on check facts: joins with arithmetic crash the engine (packs/limits.py);
- one sid per document, content facts in one batch, the document-complete fact last, and `delete_state`
  afterwards (state otherwise leaks ~0.6 MB per document);
- actions never raise; an exception the engine swallowed into state is read back and reported;
- a completion rule must fire for every document, or the evaluation is reported as failed;
- rulesets are shards planned within the measured fan-out limits (auditor/packs/limits.py).
"""

from __future__ import annotations

import contextlib
import copy
import ctypes
import itertools
import json
import math
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from durable import engine as durable_engine

from auditor.packs.compile import DOCUMENT_KEY, Shard


class EngineError(RuntimeError):
    """The engine could not evaluate a document; the message says why."""


@dataclass(frozen=True)
class EngineFact:
    """What the engine sees of one check instance: a unique id, the check's key, its operand values by field."""

    id: int
    key: str
    values: tuple[tuple[str, int | float], ...]


@dataclass(frozen=True)
class Firing:
    """A check fact whose violation test matched."""

    check_index: int
    fact_id: int


class _QuietHost(durable_engine.Host):  # type: ignore[misc]
    """A Host without the two background dispatcher threads; actions are looked up by rule name."""

    def __init__(self, action_for: Callable[[str], Callable[[Any], None]]) -> None:
        self._action_for = action_for
        super().__init__()

    def _run(self) -> None:  # the stock Host starts timer threads here; we use no timers
        pass

    def get_action(self, action_name: str) -> Callable[[Any], None]:
        return self._action_for(action_name)


# glibc's mallopt parameter: how much free memory to keep at the top of the heap instead of returning it.
_M_TOP_PAD = -2
_TOP_PAD_BYTES = 16 << 20


def keep_heap_top() -> bool:
    """Let the C engine reuse memory between documents. Each document's state is allocated afresh and freed by
    `delete_state`; with glibc's default 128 KB top pad the heap is trimmed after every document and grown again
    (zeroed pages) for the next. A 16 MB pad halved the engine's time per report (3.1 → 1.5 ms, benchmarks/) and
    costs at most that much resident memory. Returns whether the allocator took the setting (glibc only)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        return bool(ctypes.CDLL(None).mallopt(_M_TOP_PAD, _TOP_PAD_BYTES))
    except (OSError, AttributeError):  # not glibc (no mallopt): the default allocator, just slower
        return False


class Engine:
    """Evaluates compiled shards for one document at a time. Build one per process, in the thread that uses it."""

    def __init__(self) -> None:
        keep_heap_top()
        self._thread = threading.get_ident()
        self._host = _QuietHost(self._action)
        self._registered: set[str] = set()
        self._sids = itertools.count()
        self._firings: list[Firing] = []
        self._errors: list[str] = []
        self._done = 0
        self._route_cache: dict[tuple[str, ...], dict[str, str]] = {}
        self._rulesets: dict[str, Any] = {}
        self._names: dict[str, str] = {}

    def _action(self, name: str) -> Callable[[Any], None]:
        def run(c: Any) -> None:
            try:
                if name == "__done__":
                    self._done += 1
                elif name.startswith("c"):
                    self._firings.append(Firing(int(name[1:]), int(c.m["id"])))
            except Exception as exc:  # an action must never raise into the engine (it would be swallowed)
                self._errors.append(f"action {name}: {exc!r}")

        return run

    def register(self, shards: Iterable[Shard]) -> None:
        new = {s.name: copy.deepcopy(s.rules) for s in shards if s.name not in self._registered}
        if not new:
            return
        # set_rulesets deletes `run` from the dicts it gets, hence the deep copy; the name binds the action.
        for rules in new.values():
            for name, rule in rules.items():
                rule["run"] = name
        try:
            self._host.set_rulesets(new)
        except Exception as exc:
            raise EngineError(f"the engine refused the rule pack: {exc}") from exc
        self._registered.update(new)

    def evaluate(self, shards: Iterable[Shard], facts: list[EngineFact]) -> list[Firing]:
        if threading.get_ident() != self._thread:
            raise EngineError("the rule engine is not thread-safe: build one Engine per thread (one per process)")
        shards = list(shards)
        self.register(shards)
        self._firings, self._errors = [], []
        routes = self._routes(shards)
        batches: dict[str, list[str]] = {}
        for f in facts:
            home = routes.get(f.key)
            if home is None:  # no rule would ever see it: the check would read as passed without being tested
                raise EngineError(f"fact {f.key} belongs to no check of these rulesets")
            batches.setdefault(home, []).append(self._message(f))
        for shard in shards:
            batch = batches.get(shard.name)
            if not batch:
                continue  # nothing of this document for these checks (all settled before the engine)
            sid = f"doc-{next(self._sids)}"
            done_before = self._done
            try:
                # One JSON text per shard, built here: the wrapper's assert_facts would json.dumps a list of dicts
                # built for it. The document-complete fact goes last, alone: the completion rule proves everything
                # before it ran.
                tail = f',"sid":"{sid}"}}'
                self._assert(shard.name, "[" + ",".join([m + tail for m in batch]) + "]", many=True)
                state = self._assert(shard.name, f'{{"id":0,"sid":"{sid}","key":"{DOCUMENT_KEY}"}}', many=False)
                if state and state.get("exception"):
                    self._errors.append(str(state["exception"]).splitlines()[0])
            except Exception as exc:
                self._errors.append(f"{shard.name}: {exc}")
            finally:
                self._delete(shard.name, sid)
            if self._done != done_before + 1 and not self._errors:
                self._errors.append(f"{shard.name}: the document was not evaluated to the end")
        if self._errors:
            raise EngineError("; ".join(self._errors))
        return sorted(self._firings, key=lambda f: (f.check_index, f.fact_id))

    def _message(self, fact: EngineFact) -> str:
        """A check fact as the engine's JSON, without its closing `sid` and brace: real numbers, and always floats
        (`$div` of two integers truncates in the C engine, packs/limits.py), written as json writes them. The fact
        is marked by a property named after its check (`c12: 1`), which its rule tests (compile.py)."""
        parts = [f'{{"id":{int(fact.id)},{self._name(fact.key)}:1,"zero":0.0']
        for field, number in fact.values:
            if not isinstance(number, (int, float)) or isinstance(number, bool):
                raise EngineError(f"fact {fact.key}.{field} is not a number ({number!r}); it would compare as text")
            number = float(number)
            if not math.isfinite(number):  # json would write NaN or Infinity, which is no JSON the engine reads
                raise EngineError(f"fact {fact.key}.{field} is not a finite number ({number!r})")
            parts.append(f",{self._name(field)}:{number!r}")  # float repr is json's own (json.encoder.floatstr)
        return "".join(parts)

    def _name(self, name: str) -> str:
        found = self._names.get(name)
        if found is None:
            found = self._names[name] = json.dumps(name, ensure_ascii=False)
        return found

    def _assert(self, ruleset: str, text: str, many: bool) -> dict[str, Any] | None:
        """One call into the C engine with a JSON text, its actions run synchronously (as the wrapper's
        Host.assert_facts does, less its json.dumps), returning the document's state as the last action left it
        (None when no action ran). Raises for a message the engine refused (not handled, already observed)."""
        rules = self._rulesets.get(ruleset)
        if rules is None:
            rules = self._rulesets[ruleset] = self._host.get_ruleset(ruleset)
        core = durable_engine.durable_rules_engine  # the C extension, as the wrapper itself calls it
        call = core.assert_facts if many else core.assert_fact
        state_handle = rules._handle_result(call(rules._handle, text), text)
        outcome: list[Any] = [None, None]

        def complete(error: Any, state: Any) -> None:
            outcome[0], outcome[1] = error, state

        rules.do_actions(state_handle, complete)
        if outcome[0]:
            raise outcome[0] if isinstance(outcome[0], BaseException) else EngineError(str(outcome[0]))
        return outcome[1] if isinstance(outcome[1], dict) else None

    def _routes(self, shards: list[Shard]) -> dict[str, str]:
        """Check fact key → the shard that holds its rule (built once per pack: keys repeat across packs)."""
        names = tuple(s.name for s in shards)
        routes = self._route_cache.get(names)
        if routes is None:
            routes = self._route_cache[names] = {k: s.name for s in shards for k in s.keys if k != DOCUMENT_KEY}
        return routes

    def _delete(self, ruleset: str, sid: str) -> None:
        # error 309 when the sid never got a state: nothing to free
        with contextlib.suppress(Exception):
            self._host.delete_state(ruleset, sid)


_PROCESS_ENGINE: Engine | None = None


def process_engine() -> Engine:
    """The process's one Engine (created on first use). Worker processes each get their own."""
    global _PROCESS_ENGINE
    if _PROCESS_ENGINE is None:
        _PROCESS_ENGINE = Engine()
    return _PROCESS_ENGINE
