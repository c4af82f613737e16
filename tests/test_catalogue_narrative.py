"""The narrative phrasing catalogue (tests/corpus/catalogue/narrative.yaml): every real sentence is read by the
standard pack's extractors into exactly the claims it lists, and each sentence quoted from the corpus is there."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from auditor.facts.claims import extract_claims
from auditor.facts.model import ParagraphFact
from auditor.facts.unchecked import unchecked_numbers
from auditor.packs import Pack

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "reports"
CATALOGUE: list[dict[str, Any]] = yaml.safe_load(
    (ROOT / "tests" / "corpus" / "catalogue" / "narrative.yaml").read_text(encoding="utf-8"))
# Claims about the text's form, not its numbers: they are not what the catalogue is about.
FORM = {"claim.aspect_proactive", "claim.aspect_request", "claim.aspect_management", "claim.aspect_platform",
        "claim.aspect_oversight", "claim.statistics_year", "claim.problems_named", "claim.improvements_named",
        "claim.previous_rectification", "claim.valid_count_adjusted", "claim.agency_mention"}


@pytest.mark.parametrize("entry", CATALOGUE, ids=[e["phrasing"] for e in CATALOGUE])
def test_phrasing_is_read(entry: dict[str, Any], standard: Pack) -> None:
    paragraph = ParagraphFact(line=1, section=1, text=entry["text"])
    claims = extract_claims((paragraph,), standard.extractors)
    read = {c.key.removeprefix("claim."): c.value for c in claims if c.key not in FORM}
    assert read == entry["claims"], [(c.key, c.value, c.text) for c in claims]


@pytest.mark.parametrize("entry", [e for e in CATALOGUE if not str(e["source"]).startswith(("http", "the "))],
                         ids=lambda e: e["phrasing"])
def test_corpus_quotes_are_in_their_source(entry: dict[str, Any]) -> None:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not beside this checkout")
    from auditor.audit import read_facts
    from auditor.packs import load_pack
    from auditor.resources import default_pack_dirs

    facts, _ = read_facts(CORPUS / entry["source"], [load_pack(d) for d in default_pack_dirs()])
    assert any(entry["text"] in p.text for p in facts.paragraphs), entry["text"]


def test_unchecked_lists_counts_no_claim_covers(standard: Pack) -> None:
    """「全年新增公开市政府规章1件、市政府及市政府办政策性文件11件」(淮安市 2024): no extractor reads these, so both are
    unchecked; the counts a claim covers in the same paragraph are not."""
    text = "全年新增公开市政府规章1件、市政府及市政府办政策性文件11件。全市共受理政府信息公开申请3119件。"
    paragraphs = (ParagraphFact(line=6, section=1, text=text),)
    claims = extract_claims(paragraphs, standard.extractors)
    found = unchecked_numbers(paragraphs, claims)
    assert [(u.line, u.text, u.value) for u in found] == [(6, "1件", 1), (6, "11件", 11)]
    assert found[0].clause == "全年新增公开市政府规章1件、市政府及市政府办政策性文件11件"
    assert text[found[1].start_column - 1:found[1].end_column] == "11件"
    assert unchecked_numbers(paragraphs, ()) [-1].value == 3119  # without the claim it is unchecked too


def test_unchecked_ignores_counts_of_other_things(standard: Pack) -> None:
    paragraphs = (ParagraphFact(line=1, section=1, text="组织开展19期活动，收到群众诉求348件。"),)
    assert unchecked_numbers(paragraphs, ()) == ()
