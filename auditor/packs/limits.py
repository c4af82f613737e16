"""Limits and hazards of the durable-rules 2.0.28 C engine, measured on this project's machines
(engine-notes.md §1.11 plus tests/test_engine_hazards.py). Packs are checked and sharded against them at load time,
before anything reaches the engine: breaking one hangs the process or fails at the first assert.

Why checks are single-fact (alpha-only) rules: joins were measured to be unsafe at pack scale. A join whose test
does arithmetic over aliased facts segfaults in reduceExpressionSequence (gdb backtrace; 12 of 12 hash seeds with
this project's 51-check pack), and joins fail beyond 16 patterns (error 304; MAX_MESSAGE_FRAMES is 16). Alpha tests
with `$m` arithmetic ran 16 seeds × 300 documents × ~140 facts with no crash and no wrong result.

Numbers reach the engine as floats: `$div` of two JSON integers is C integer division (100 × 15 / 56 gives 26, not
26.79), measured with this project's percentage rule (tests/fixtures/durable-integer-division.json). Doubles hold
integers exactly up to 2**53, so sums and equality are unaffected.
"""

# A check fact holds one property per operand, plus id, sid, key and zero; the engine refuses facts with more
# than 252 properties (error 302). Sums are aggregated into one operand, so real checks stay far below this.
MAX_OPERANDS_PER_CHECK = 240

# 512 or more sibling tests under one node loop forever (511 ran). Every check contributes its marker test (`c12: 1`)
# at the root (and `$or` branches count separately), so a ruleset shard holds at most this many.
MAX_ALPHA_TESTS = 256

# Far below that, a ruleset's size costs time. A document's state slows down sharply once it holds more than about
# 64 facts, and each shard adds a state to create, complete and delete. Measured on the 2021 pack (145 checks) with
# the five samples (110–120 check facts each), engine time per report by shard budget: one ruleset 2.4–2.5 ms,
# budget 20 (13 shards) 1.5 ms, 40 (7) 1.2 ms, 60 (5) 1.1 ms, 80 (4) 1.07 ms. 60 keeps a shard's facts well under 64.
FAST_ALPHA_TESTS = 60
