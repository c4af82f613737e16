"""A 2021 report whose table 三 keeps the 2019 layout, （六）其他处理 one row (issue 10 part 5): a sum over the
result rows or over （六） reads that row, since （六） is its three 2021 sub-rows together (domain.md §2.6,
item 6); a check of one sub-row alone stays not assessable. The real reports: 淮安市洪泽区 2023 and 2024
(../shared/corpus/reports/, PDF), whose （六） row prints 0 in every column (2023: line 51; 2024: line 50)."""

from __future__ import annotations

import pytest

from auditor.audit import audit_file, read_facts
from auditor.engine import process_engine
from auditor.evaluate import evaluate
from auditor.model import Status
from auditor.packs import Pack
from tests.conftest import CORPUS

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not beside this checkout")

COLUMNS = ["natural_person", "commercial", "research", "social_org", "legal_service", "other_org", "total"]


@pytest.mark.parametrize(("name", "total"), [("huaian-hongze-gov-2023.pdf", 21), ("huaian-hongze-gov-2024.pdf", 95)])
def test_the_printed_six_row_stands_for_its_sub_rows_in_a_sum(name: str, total: int, packs: list[Pack]) -> None:
    facts, pack = read_facts(CORPUS / name, packs)
    assert pack is not None and pack.id == "standard" and "t3.other.other.total" not in facts.cells
    outcomes = {o.check.check_id: o for o in evaluate(pack, facts, process_engine()).outcomes}
    for column in COLUMNS:
        outcome = outcomes[f"T3-SUM[col={column}]"]
        assert outcome.status is Status.PASSED, column
        assert outcome.env[f"t3.other_processing.{column}"] == 0  # the （六） row was read, not skipped
    assert outcomes["T3-SUM[col=total]"].env["t3.total_processed.total"] == total
    # one sub-row alone has no counterpart in the 2019 layout
    assert outcomes["T3-NN[row=other.other]"].status is Status.NOT_ASSESSABLE
    assert outcomes["PLA-OTHER"].status is Status.NOT_ASSESSABLE
    result = audit_file(CORPUS / name, packs)
    assert "TPL-LAYOUT-T3" in {f.check_id for f in result.findings}  # the layout itself is still reported
    assert not [n for n in result.not_assessable if n.rule_id == "T3-SUM"]
