"""The office's review (issue 11): a person's decisions on findings, kept in the history store under the findings'
fingerprints, and a baseline file for a script that wants to fail only on new findings.

    ledger = Ledger(store.decisions())                        # or Ledger(read_decisions(Path("decisions.yaml")))
    known = read_baseline(Path("baseline.json"))              # optional
    result = reviewed(result, ledger, known)                  # findings marked; Finding.counts says what still counts
"""

from auditor.review.apply import reviewed
from auditor.review.baseline import BaselineError, read_baseline, write_baseline
from auditor.review.exchange import ExchangeError, read_decisions, write_decisions
from auditor.review.ledger import DecisionError, Ledger, Subject, decide

__all__ = ["BaselineError", "DecisionError", "ExchangeError", "Ledger", "Subject", "decide", "read_baseline",
           "read_decisions", "reviewed", "write_baseline", "write_decisions"]
