"""A short seeded run of the fuzzer (fuzz/fuzz_audit.py, issue 9 part 6): 200 mutated reports of every format,
each audited in a capped child process as `auditor audit` audits one file. None may crash the process, hang past
30 s, exceed 1 GiB, raise past the guard or end in `internal_error`.

On failure the message lists each input with its seed file, mutation path and outcome; the inputs are saved under
the test's tmp folder, each replayable with `python fuzz/fuzz_audit.py --replay FILE`. The same run from the
command line: `python fuzz/fuzz_audit.py --seed 1 --count 200 -j 2`.
"""

from __future__ import annotations

import sys
from pathlib import Path

FUZZ = Path(__file__).resolve().parent.parent / "fuzz"
sys.path.insert(0, str(FUZZ))  # the fuzzer is a tool beside the package, not part of it

import fuzz_audit  # noqa: E402

SEED = 1
COUNT = 200
# engine_error and engine_disagreement are reported by the fuzzer but not failed here: they are the engine's own
# problems (issue 9 parts 1-2), whose findings the tool keeps and whose exit code is already 2.
FORBIDDEN = ("crash", "hang", "memory", "traceback", "internal_error", "worker_died", "setup_error")


def _described(records: list[fuzz_audit.Record], out: Path) -> str:
    lines = [f"{len(records)} of {COUNT} fuzzed inputs failed (saved under {out}; replay one with "
             f"`python fuzz/fuzz_audit.py --replay FILE`):"]
    for r in records:
        lines.append(f"- #{r.index} {r.outcome.cls} on {r.seed_file}: {' → '.join(r.mutations)}\n"
                     f"    {r.outcome.detail[:300]}\n    {r.saved}")
    return "\n".join(lines)


def test_a_seeded_fuzz_run_has_no_crash_hang_memory_blowup_traceback_or_internal_error(tmp_path: Path) -> None:
    options = fuzz_audit.Options(seed=SEED, count=COUNT, jobs=2, out=tmp_path, timeout=30.0, quiet=True)
    campaign = fuzz_audit.run_campaign(options)
    assert [r.index for r in campaign.records] == list(range(COUNT))  # every input has an outcome
    failed = campaign.failures(FORBIDDEN)
    assert not failed, _described(failed, tmp_path)


def test_inputs_are_a_function_of_seed_and_index() -> None:
    seeds = fuzz_audit.load_seeds()
    first = [fuzz_audit.generate(SEED, i, seeds) for i in range(40)]
    again = [fuzz_audit.generate(SEED, i, seeds) for i in reversed(range(40))][::-1]
    assert [(x.data, x.mutations) for x in first] == [(x.data, x.mutations) for x in again]
    assert len({x.seed.kind for x in first}) == 4  # text, html, docx and pdf are all reached
