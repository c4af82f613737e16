"""Finding fingerprints (issue 11): the identity a person's decision on a finding is kept under.

A fingerprint must survive what does not change the finding, and change with what does. It is built from the rule,
the check instance (its id names the loop's bindings: 「T3-SUM[row=…]」), the body (its name as the store compares
names across years, auditor.store.agency.agency_stem), the report's year, and the meaning of the evidence: each
operand's key and value, and, for a rule that detects wording (a typo, another body's name), the words found. Never
line numbers, file names, formats, raw cell text, the pack's version or the run's language: a re-audit, an edited
copy whose finding is unchanged, a PDF of the same report, a pack upgrade and `--lang en` keep it; a changed number
makes a new one. Two findings that would share one (the same slip twice) are told apart by their order in the
report, as Semgrep's and GitHub's fingerprints count occurrences.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import unicodedata
from collections.abc import Iterable

from auditor.model import Finding, Operand
from auditor.store.agency import agency_stem

VERSION = "1"  # bump only when the basis changes; decisions recorded under another version are then re-matched
_SPACE = str.maketrans("", "", " \t\r\n\u3000\u00a0")


def words(text: str) -> str:
    """Text as its words: compatibility forms folded (full-width digits and letters), white space removed, so a line
    break a PDF puts inside a sentence or a non-breaking space is not a new finding."""
    return unicodedata.normalize("NFKC", text).translate(_SPACE)


def meaning(evidence: Iterable[Operand], wording: bool) -> tuple[tuple[str, str], ...]:
    """What the evidence says, without where: (key, value) per operand; for a detector (`wording`), the claim's
    words instead of its count (every typo counts 1)."""
    out: list[tuple[str, str]] = []
    for operand in evidence:
        if wording and operand.ref.startswith("claim."):
            out.append((operand.ref, words(operand.raw or "")))
        else:
            out.append((operand.ref, _value(operand) if operand.status == "number" else operand.status))
    return tuple(sorted(set(out)))


def _value(operand: Operand) -> str:
    """A number as the basis holds it: a whole number without a decimal point whichever type it came as (11 and
    11.0 are one value), any other number exactly (repr)."""
    value = operand.value
    if value is None:
        return ""
    if isinstance(value, float) and not value.is_integer():
        return repr(value)
    return str(int(value))


def fingerprint(rule_id: str, check_id: str, agency: str | None, year: int | None,
                evidence: tuple[tuple[str, str], ...]) -> str:
    basis = json.dumps([VERSION, rule_id, check_id, agency_stem(agency) if agency else "", year, evidence],
                       ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:32]


def distinguish(findings: Iterable[Finding]) -> list[Finding]:
    """The findings in the order given (the report's order), a fingerprint met again made the occurrence's own: the
    second finding on one basis hashes the first's fingerprint with 1, and so on."""
    seen: dict[str, int] = {}
    out = []
    for finding in findings:
        occurrence = seen.get(finding.fingerprint, 0)
        seen[finding.fingerprint] = occurrence + 1
        if occurrence:
            again = hashlib.sha256(f"{finding.fingerprint}:{occurrence}".encode()).hexdigest()[:32]
            finding = dataclasses.replace(finding, fingerprint=again)
        out.append(finding)
    return out
