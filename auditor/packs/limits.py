"""Limits of the durable-rules 2.0.28 C engine, as measured on this project's machines (engine-notes.md §1.11 and
tests/test_engine_hazards.py). Breaking one hangs the process or fails at the first assert, so packs are checked
and sharded against them at load time, before anything reaches the engine.
"""

# A join of more than 16 patterns fails at the first assert with error 304 (16 ran, 17 failed). Not in the header
# notes (which say 32); measured here. Sums are therefore aggregated into one fact before matching.
MAX_PATTERNS_PER_CHECK = 16

# One fact may satisfy at most 64 alpha tests at once (error 303 at 65). Identical tests in different rules are NOT
# shared, so every pattern on the same key counts. Kept well below, per ruleset shard.
MAX_PATTERNS_PER_KEY = 48

# 512 or more sibling tests under one node loop forever (511 ran). Every pattern starts with a `key` test at the
# root, so the root's fan-out is the number of patterns (with `$or` branches counted separately).
MAX_ALPHA_TESTS = 256
