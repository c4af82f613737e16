"""The history store: migrations, idempotent and crash-safe recording, last year's lookup, and cross-year rules on
real report pairs."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import auditor.audit as audit_module
from auditor.audit import audit_file, read_facts
from auditor.batch import IN_PROCESS
from auditor.engine import process_engine
from auditor.evaluate import evaluate
from auditor.facts.model import History, ReportFacts, to_json
from auditor.model import DocumentResult, Status
from auditor.packs import load_pack
from auditor.packs.model import Pack
from auditor.resources import default_pack_dirs
from auditor.run import audit_paths
from auditor.store import (
    MIGRATIONS,
    STORE_MARK,
    Store,
    StoreError,
    last_year,
    prev_values,
    with_history,
)
from auditor.store import schema as store_schema
from auditor.store.agency import agency_stem, same_body
from auditor.summary import collect

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "reports"
PACKS: list[Pack] = [load_pack(d) for d in default_pack_dirs()]


def _audited(path: Path) -> tuple[ReportFacts, DocumentResult]:
    facts, _ = read_facts(path, PACKS)
    return facts, audit_file(path, PACKS)


@pytest.fixture(scope="module")
def sample_004() -> tuple[ReportFacts, DocumentResult]:
    return _audited(SAMPLES / "004_bdd5b039361f2e6c.txt")


def _tables(db: Path) -> set[str]:
    with sqlite3.connect(db) as connection:
        return {r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


# --- migrations ---------------------------------------------------------------------------------------------------


def test_a_new_database_is_created_at_the_latest_version(tmp_path: Path) -> None:
    with Store(tmp_path / "history.db") as store:
        assert store.version == len(MIGRATIONS)
    assert {"documents", "findings", "problems"} <= _tables(tmp_path / "history.db")


def test_reopening_keeps_the_version_and_the_records(tmp_path: Path,
                                                     sample_004: tuple[ReportFacts, DocumentResult],
        store_at: Path | str) -> None:
    with Store(store_at) as store:
        store.record(SAMPLES / "004_bdd5b039361f2e6c.txt", *sample_004)
    with Store(store_at) as store:
        assert store.version == len(MIGRATIONS)
        assert store.document_count() == 1


def test_an_empty_database_of_version_0_is_brought_up_to_date(tmp_path: Path) -> None:
    db = tmp_path / "history.db"
    sqlite3.connect(db).close()  # an existing SQLite file without our tables: user_version 0
    with Store(db) as store:
        assert store.version == len(MIGRATIONS)
    assert "documents" in _tables(db)


def test_an_older_database_gets_the_missing_migrations_and_keeps_its_data(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sample_004: tuple[ReportFacts, DocumentResult]) -> None:
    db = tmp_path / "history.db"
    with Store(db) as store:
        store.record(SAMPLES / "004_bdd5b039361f2e6c.txt", *sample_004)
    # A later auditor that knows one more migration opens the database this one wrote.
    newer = (*MIGRATIONS, "ALTER TABLE documents ADD COLUMN reviewer TEXT;\nCREATE TABLE notes (id INTEGER);")
    monkeypatch.setattr(store_schema, "MIGRATIONS", newer)
    with Store(db) as store:
        assert store.version == len(newer)
        assert store.document_count() == 1
    assert "notes" in _tables(db)
    with sqlite3.connect(db) as connection:
        assert "reviewer" in {r[1] for r in connection.execute("PRAGMA table_info(documents)")}


def test_a_version_1_database_gains_the_unreadable_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "history.db"
    monkeypatch.setattr(store_schema, "MIGRATIONS", MIGRATIONS[:1])
    Store(db).close()
    assert "unreadable" not in _tables(db)
    monkeypatch.undo()
    with Store(db) as store:
        assert store.version == len(MIGRATIONS) >= 2
    assert "unreadable" in _tables(db)


def test_a_failing_migration_is_rolled_back_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "history.db"
    Store(db).close()
    broken = (*MIGRATIONS, "CREATE TABLE half (id INTEGER);\nINSERT INTO no_such_table VALUES (1);")
    monkeypatch.setattr(store_schema, "MIGRATIONS", broken)
    with pytest.raises(StoreError, match=f"migration {len(MIGRATIONS) + 1} failed"):
        Store(db)
    assert "half" not in _tables(db)
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)


def test_a_newer_database_is_refused_untouched(tmp_path: Path) -> None:
    db = tmp_path / "history.db"
    Store(db).close()
    with sqlite3.connect(db) as connection:
        connection.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(StoreError, match="newer than this auditor knows"):
        Store(db)
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS) + 1


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "history.db"
    db.write_bytes(b"this is not an SQLite database, just some text long enough to have a header" * 20)
    with pytest.raises(StoreError):
        Store(db)


# --- recording ----------------------------------------------------------------------------------------------------


def test_recording_the_same_file_twice_keeps_one_document_and_replaces_its_findings(
        tmp_path: Path, sample_004: tuple[ReportFacts, DocumentResult], store_at: Path | str) -> None:
    facts, result = sample_004
    assert result.findings, "sample 004 has findings (README): the test needs some to replace"
    with Store(store_at) as store:
        first = store.record(SAMPLES / "004_bdd5b039361f2e6c.txt", facts, result)
        second = store.record(SAMPLES / "004_bdd5b039361f2e6c.txt", facts, result)
        assert first == second
        assert store.document_count() == 1
        stored = store.findings_of(first)
        assert [f["check_id"] for f in stored] == [f.check_id for f in result.findings]
        assert stored[0]["severity"] == result.findings[0].severity.label
        assert stored[0]["location"]["line"] == result.findings[0].location.line
        # Another pack version judges the same bytes differently: a second document, not a replacement.
        store.record(SAMPLES / "004_bdd5b039361f2e6c.txt", facts, dataclasses.replace(result, pack="standard@9.9.9"))
        assert store.document_count() == 2


def test_the_stored_facts_are_the_facts_json(tmp_path: Path, sample_004: tuple[ReportFacts, DocumentResult],
        store_at: Path | str) -> None:
    facts, result = sample_004
    with Store(store_at) as store:
        store.record(SAMPLES / "004_bdd5b039361f2e6c.txt", facts, result)
        assert facts.agency is not None and facts.year is not None
        stored = store.previous_year(facts.agency, facts.year + 1)
    assert stored is not None
    assert stored.facts["report"]["agency"] == facts.agency
    assert prev_values(stored.facts) == prev_values(to_json(facts))


_KILLED_MIDWAY = textwrap.dedent("""
    import contextlib, os, signal, sys
    from pathlib import Path
    from auditor.audit import audit_file, read_facts
    from auditor.packs import load_pack
    from auditor.resources import default_pack_dirs
    import auditor.store.db as db

    packs = [load_pack(d) for d in default_pack_dirs()]
    store = db.Store(Path(sys.argv[1]))
    batch = store.batch() if sys.argv[2] == "batch" else contextlib.nullcontext()
    with batch:
        for n, name in enumerate(sys.argv[3:]):
            path = Path(name)
            facts, _ = read_facts(path, packs)
            result = audit_file(path, packs)
            if n == 1:  # the second document dies inside its transaction, after its row is written, before commit
                def killed(*args, **kwargs):
                    os.kill(os.getpid(), signal.SIGKILL)
                db.asdict = killed
            store.record(path, facts, result)
""")


@pytest.mark.parametrize("mode", ["each", "batch"])
def test_a_batch_killed_midway_keeps_every_document_recorded_before(tmp_path: Path, mode: str) -> None:
    """One transaction per document: the first survives the kill. In one Store.batch(): neither does, and nothing is
    half-written either way; the next run records what is missing."""
    db = tmp_path / "history.db"
    first, second = SAMPLES / "004_bdd5b039361f2e6c.txt", SAMPLES / "003_1299ff54e50d8c9c.txt"
    done = subprocess.run([sys.executable, "-c", _KILLED_MIDWAY, str(db), mode, str(first), str(second)],
                          cwd=ROOT, capture_output=True, timeout=300)
    assert done.returncode == -9, done.stderr.decode()
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        paths = [r[0] for r in connection.execute("SELECT path FROM documents")]
        orphans = connection.execute("SELECT count(*) FROM findings WHERE document_id NOT IN "
                                     "(SELECT id FROM documents)").fetchone()[0]
    assert paths == ([str(first)] if mode == "each" else [])
    assert orphans == 0
    with Store(db) as store:  # the next run records the rest
        for path in (first, second):
            facts, result = _audited(path)
            store.record(path, facts, result)
        assert store.document_count() == 2


# --- last year's report -------------------------------------------------------------------------------------------


def _record_as(store: Store, tmp_path: Path, facts: ReportFacts, result: DocumentResult, agency: str, year: int,
               audited_at: str = "2025-01-01T00:00:00+00:00") -> int:
    """Record `facts` under another agency and year, from a file of its own (content identifies a document)."""
    from datetime import datetime

    path = tmp_path / f"{agency}-{year}-{audited_at}.txt"
    path.write_text(f"{agency} {year} {audited_at}", encoding="utf-8")
    return store.record(path, dataclasses.replace(facts, agency=agency, year=year), result,
                        audited_at=datetime.fromisoformat(audited_at))


@pytest.mark.parametrize(("name", "stem"), [
    ("淮安市洪泽区人民政府", "洪泽区政府"),
    ("江苏省淮安市洪泽区人民政府", "洪泽区政府"),
    ("洪泽区 人民政府", "洪泽区政府"),
    ("淮安市人民政府", "淮安市政府"),  # the city's own government keeps its city: nothing else names a place
    ("江苏省淮安市人民政府", "淮安市政府"),
    ("淮安市人民政府办公室", "淮安市政府办公室"),
    ("苏州市昆山市人民政府", "昆山市政府"),
    ("上海市浦东新区人民政府", "浦东新区政府"),
    ("焦作市城乡一体化示范区管委会", "焦作市城乡一体化示范区管委会"),  # a zone every city has keeps its city
    ("平潭综合实验区", "平潭综合实验区"),
])
def test_agency_stem_drops_only_upper_places_in_front_of_a_place(name: str, stem: str) -> None:
    assert agency_stem(name) == stem


@pytest.mark.parametrize(("a", "b", "same"), [
    ("洪泽区人民政府", "淮安市洪泽区人民政府", True),
    ("淮安市洪泽区人民政府", "江苏省淮安市洪泽区人民政府", True),
    ("淮安市洪泽区人民政府", "宿迁市洪泽区人民政府", False),  # two prefixes: two bodies
    ("淮安市人民政府", "淮安市人民政府办公室", False),
    ("淮安市人民政府", "人民政府", False),
    ("经济开发区管委会", "苏州市经济开发区管委会", False),
])
def test_same_body_across_years(a: str, b: str, same: bool) -> None:
    assert same_body(a, b) is same
    assert same_body(b, a) is same


def test_previous_year_by_normalised_name_with_or_without_the_city(
        tmp_path: Path, sample_004: tuple[ReportFacts, DocumentResult], store_at: Path | str) -> None:
    facts, result = sample_004
    with Store(store_at) as store:
        document = _record_as(store, tmp_path, facts, result, "洪泽区人民政府", 2023)
        for name in ("淮安市洪泽区人民政府", "洪泽区政府", "洪泽区（人民政府）", "江苏省淮安市洪泽区人民政府"):
            found = store.previous_year(name, 2024)
            assert found is not None and found.document_id == document, name
        assert store.previous_year("淮安市洪泽区人民政府", 2025) is None  # 2024's is not stored
        assert store.previous_year("淮安市人民政府", 2024) is None
        assert store.previous_year("洪泽区政府办公室", 2024) is None
        # An exact match wins over a name that differs by its city, whichever was audited last.
        _record_as(store, tmp_path, facts, result, "淮安市洪泽区人民政府", 2023, "2025-06-01T00:00:00+00:00")
        found = store.previous_year("洪泽区人民政府", 2024)
        assert found is not None and found.document_id == document


def test_a_bare_name_fitting_two_cities_is_ambiguous(tmp_path: Path,
                                                      sample_004: tuple[ReportFacts, DocumentResult],
        store_at: Path | str) -> None:
    facts, result = sample_004
    with Store(store_at) as store:
        _record_as(store, tmp_path, facts, result, "淮安市洪泽区人民政府", 2023)
        _record_as(store, tmp_path, facts, result, "宿迁市洪泽区人民政府", 2023)
        assert store.previous_year("洪泽区人民政府", 2024) is None
        found = store.previous_year("淮安市洪泽区人民政府", 2024)
        assert found is not None and found.agency == "淮安市洪泽区人民政府"


def test_previous_year_takes_the_most_recently_audited(tmp_path: Path,
                                                       sample_004: tuple[ReportFacts, DocumentResult],
        store_at: Path | str) -> None:
    facts, result = sample_004
    with Store(store_at) as store:
        _record_as(store, tmp_path, facts, result, "洪泽区人民政府", 2023, "2025-01-05T00:00:00+00:00")
        latest = _record_as(store, tmp_path, facts, result, "淮安市洪泽区人民政府", 2023, "2025-03-01T00:00:00+00:00")
        _record_as(store, tmp_path, facts, result, "洪泽区人民政府", 2023, "2025-02-01T00:00:00+00:00")
        found = store.previous_year("江苏省淮安市洪泽区人民政府", 2024)
        assert found is not None and found.document_id == latest


def test_previous_year_by_alias(tmp_path: Path, sample_004: tuple[ReportFacts, DocumentResult],
        store_at: Path | str) -> None:
    facts, result = sample_004
    with Store(store_at) as store:
        document = _record_as(store, tmp_path, facts, result, "焦作高新区管委会", 2023)
        assert store.previous_year("焦作市城乡一体化示范区管委会", 2024) is None
        found = store.previous_year("焦作市城乡一体化示范区管委会", 2024, ("焦作高新区管委会",))
        assert found is not None and found.document_id == document


def test_prev_values_keep_only_numbers(sample_004: tuple[ReportFacts, DocumentResult]) -> None:
    facts, _ = sample_004
    blank = dataclasses.replace(facts.cells["t3.carried_forward.research"], raw="", status="blank", value=None)
    with_blank = dataclasses.replace(facts, cells={**facts.cells, "t3.carried_forward.research": blank})
    values = prev_values(to_json(with_blank))
    assert values["prev.t3.carried_forward.total"] == 5
    assert values["prev.t2.normative_documents.in_force"] == 334
    assert "prev.t3.carried_forward.research" not in values  # blank last year: absent, never 0
    assert all(k.startswith("prev.t") for k in values)
    assert json.loads(json.dumps(values)) == values


def test_without_agency_or_stored_report_there_are_no_prev_values(
        tmp_path: Path, sample_004: tuple[ReportFacts, DocumentResult]) -> None:
    facts, _ = sample_004
    with Store(tmp_path / "history.db") as store:
        # Only the mark that a store was asked (a not-assessable reason then says it held no such report).
        assert last_year(store, facts).values == {STORE_MARK: 1}
        assert last_year(store, dataclasses.replace(facts, agency=None)).values == {STORE_MARK: 1}
    stale = with_history(facts, History({"prev.t3.carried_forward.total": 1}))
    assert "prev.t3.carried_forward.total" not in with_history(stale, History()).values
    assert with_history(stale, History()).values == facts.values


# --- cross-year rules on real pairs -------------------------------------------------------------------------------


def _outcomes(facts: ReportFacts, rule_id: str) -> dict[str, Status]:
    pack = next(p for p in PACKS if facts.template in p.templates)
    evaluation = evaluate(pack, facts, process_engine())
    assert not evaluation.disagreements
    return {o.check.check_id: o.status for o in evaluation.outcomes if o.check.rule_id == rule_id}


def _pair(tmp_path: Path, last: str, this: str) -> tuple[ReportFacts, ReportFacts]:
    """Record last year's report, then read this year's with the stored `prev.` values; both facts returned."""
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")
    with Store(tmp_path / "history.db") as store:
        last_facts, last_result = _audited(CORPUS / last)
        store.record(CORPUS / last, last_facts, last_result)
        facts, pack = read_facts(CORPUS / this, PACKS)
        assert pack is not None
        previous = last_year(store, facts, pack.agency_aliases.get(facts.agency or "", ()))
    assert previous.values, f"{this}: last year's report ({last}) not found in the store"
    return last_facts, with_history(facts, previous)


def _both_numbers(last: ReportFacts, this: ReportFacts, column: str) -> bool:
    cells = (last.cells.get(f"t3.carried_forward.{column}"), this.cells.get(f"t3.carried_over.{column}"))
    return all(c is not None and c.status == "number" for c in cells)


def test_hongze_2024_carries_over_what_2023_carried_forward(tmp_path: Path) -> None:
    # The 2023 title reads 洪泽区人民政府, the 2024 one 淮安市洪泽区人民政府: one body.
    last, facts = _pair(tmp_path, "huaian-hongze-gov-2023.pdf", "huaian-hongze-gov-2024.pdf")
    assert (last.agency, facts.agency) == ("洪泽区人民政府", "淮安市洪泽区人民政府")
    outcomes = _outcomes(facts, "YOY-CARRY")
    readable = [c for c in ("natural_person", "commercial", "research", "social_org", "legal_service", "other_org",
                            "total") if _both_numbers(last, facts, c)]
    assert readable
    assert all(outcomes[f"YOY-CARRY[col={c}]"] is Status.PASSED for c in readable), outcomes
    assert Status.FAILED not in outcomes.values()
    # 现行有效 2023: 5; 2024: 5 + 3 issued − 0 repealed = 8.
    assert set(_outcomes(facts, "YOY-VALID").values()) == {Status.PASSED}


def test_hongze_2024_without_last_year_is_not_assessable() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")
    facts, _ = read_facts(CORPUS / "huaian-hongze-gov-2024.pdf", PACKS)
    assert set(_outcomes(facts, "YOY-CARRY").values()) == {Status.NOT_ASSESSABLE}
    assert set(_outcomes(facts, "YOY-VALID").values()) == {Status.NOT_ASSESSABLE}


def test_pingtan_2023_html_carries_over_what_the_2022_text_carried_forward(tmp_path: Path) -> None:
    last, facts = _pair(tmp_path, "pingtan-2022.txt", "pingtan-2023.html")
    outcomes = _outcomes(facts, "YOY-CARRY")
    readable = [c for c in ("natural_person", "commercial", "research", "social_org", "legal_service", "other_org",
                            "total") if _both_numbers(last, facts, c)]
    assert "total" in readable
    assert all(outcomes[f"YOY-CARRY[col={c}]"] is Status.PASSED for c in readable), outcomes
    assert Status.FAILED not in outcomes.values()


def test_cli_db_records_once_and_finds_last_year_in_the_same_run(tmp_path: Path) -> None:
    import sqlite3

    from click.testing import CliRunner

    from auditor.cli import main

    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not beside this checkout")
    db = tmp_path / "history.db"
    files = [str(CORPUS / "huaian-hongze-gov-2024.pdf"), str(CORPUS / "huaian-hongze-gov-2023.pdf")]
    for _ in range(2):  # a second run (or a run after a kill) records nothing twice
        result = CliRunner().invoke(main, ["audit", "--db", str(db), "--format", "json", *files])
        assert result.exit_code == 1
    data = json.loads(result.stdout)
    later = next(d for d in data["documents"] if d["path"].endswith("2024.pdf"))
    assert not [n for n in later["not_assessable"] if n["rule_id"] == "YOY-CARRY"]  # 2023 was found in the run
    with sqlite3.connect(db) as connection:
        assert connection.execute("select count(*) from documents").fetchone() == (2,)


def test_a_batch_reads_each_file_once_and_records_it_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first pass records every file's facts; the audit reuses them and adds the findings to the same record,
    even when the audit fails with a bug (a result without a pack must not become a second, 'passing' document)."""
    reads: list[str] = []
    real = audit_module.read_document
    monkeypatch.setattr(audit_module, "read_document", lambda path: reads.append(path.name) or real(path))
    files = sorted(SAMPLES.glob("*.txt"))[:2]
    with Store(tmp_path / "history.db") as store:
        result = audit_paths(files, PACKS, store=store, supervision=IN_PROCESS)  # in this process, where the patch is
        assert sorted(reads) == sorted(f.name for f in files)
        assert store.document_count() == 2
        stored = sum(len(store.findings_of(i)) for i in (1, 2))
        assert stored == sum(len(d.findings) for d in result.documents)

        def broken(*_: object) -> None:
            raise RuntimeError("a bug")

        monkeypatch.setattr(audit_module, "evaluate", broken)
        again = audit_paths(files, PACKS, store=store, supervision=IN_PROCESS)
        assert all(p.slug == "internal_error" for d in again.documents for p in d.problems)
        assert store.document_count() == 2
    summary = collect(tmp_path / "history.db")
    assert [d.status for d in summary.documents] == ["problem", "problem"]


# --- 雷同 between bodies of the same year (auditor.store.peers) ----------------------------------------

def _peer_outcomes(result: DocumentResult) -> tuple[list[str], list[str]]:
    failed = [f.message for f in result.findings if f.rule_id == "PEER-DUP"]
    unassessed = [n.check_id for n in result.not_assessable if n.rule_id == "PEER-DUP"]
    return failed, unassessed


def test_a_report_copied_by_another_body_is_found_from_the_store_both_ways(tmp_path: Path) -> None:
    """Two bodies, one narrative: each report is flagged and names the other, whatever other reports the year has."""
    folder = tmp_path / "reports"
    folder.mkdir()
    original = SAMPLES / "004_bdd5b039361f2e6c.txt"
    (folder / "jiaozuo.txt").write_bytes(original.read_bytes())
    copy = original.read_text(encoding="utf-8").replace("焦作市人民政府办公室", "焦作市人民政府研究室")
    (folder / "copy.txt").write_text(copy, encoding="utf-8")
    for sample in sorted(SAMPLES.glob("00[0-3]*.txt")):  # other years and bodies: never compared with these two
        (folder / sample.name).write_bytes(sample.read_bytes())
    with Store(tmp_path / "history.db") as store:
        result = audit_paths([folder], PACKS, store=store)
    by_name = {Path(d.path).name: d for d in result.documents}
    for name, other in (("jiaozuo.txt", "焦作市人民政府研究室"), ("copy.txt", "焦作市人民政府办公室")):
        failed, _ = _peer_outcomes(by_name[name])
        assert len(failed) == 1 and other in failed[0] and "99.7%" in failed[0], failed
    for name in ("002_9257bfa62931542d.txt", "003_1299ff54e50d8c9c.txt"):
        assert _peer_outcomes(by_name[name])[0] == []


def test_peer_comparison_needs_other_bodies_of_the_same_year(tmp_path: Path) -> None:
    """Alone in its year, or without a store, a report's 雷同 with other bodies is not assessable: never passed."""
    sample = SAMPLES / "004_bdd5b039361f2e6c.txt"
    with Store(tmp_path / "history.db") as store:
        alone = audit_paths([sample], PACKS, store=store).documents[0]
    assert _peer_outcomes(alone) == ([], ["PEER-DUP"])
    assert _peer_outcomes(audit_file(sample, PACKS)) == ([], ["PEER-DUP"])


def test_the_corpus_has_no_copied_reports_between_bodies(tmp_path: Path) -> None:
    """Real reports of different bodies share only the political formulae (at most 7.2%, pack.yaml): nothing flagged,
    and every report with a year peer is assessed."""
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not beside this checkout")
    with Store(tmp_path / "history.db") as store:
        result = audit_paths([CORPUS, SAMPLES], PACKS, store=store)
    assert [d.path for d in result.documents if _peer_outcomes(d)[0]] == []
    hongze = next(d for d in result.documents if d.path.endswith("huaian-hongze-gov-2024.pdf"))
    assert _peer_outcomes(hongze) == ([], [])  # compared with 淮安市 2024 and the 2024 sample: passed


def test_the_year_index_reads_recorded_signatures_and_hashes_only_older_records(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Signatures are computed when a report is recorded; a year's index reads them back, and hashes texts only for
    documents recorded before the store kept them (schema version 4), which are compared all the same and whose
    signatures are then kept."""
    from auditor.store import peers

    original = SAMPLES / "004_bdd5b039361f2e6c.txt"
    copy = tmp_path / "copy.txt"
    copy.write_text(original.read_text(encoding="utf-8").replace("焦作市人民政府办公室", "焦作市人民政府研究室"),
                    encoding="utf-8")
    facts, result = _audited(original)
    copied_facts, copied_result = _audited(copy)
    with Store(tmp_path / "history.db") as store:
        store.record(original, facts, result)
        copied_id = store.record(copy, copied_facts, copied_result)
        hashed: list[str] = []
        real = peers.signature_of
        monkeypatch.setattr(peers, "signature_of", lambda text: hashed.append(text) or real(text))
        index = peers.PeerIndex.of_year(store, 2021)
        assert len(index) == 2 and hashed == []
        store._connection.execute("UPDATE documents SET narratives_indexed = 0")  # as recorded by version 3
        store._connection.execute("DELETE FROM narratives")
        older = peers.PeerIndex.of_year(store, 2021)
        assert len(hashed) == 2  # section 一 of each (五 is too short to judge)
        (claim,) = older.claims(copied_facts, store.content_hash(copied_id) or "")
        peers.PeerIndex.of_year(store, 2021)  # hashed once and kept: the next run reads them back
        assert len(hashed) == 2
    assert claim.value > 99 and claim.source == f"焦作市人民政府办公室（{original}）"


def test_a_run_stopped_early_records_what_it_audited_and_marks_the_rest_pending(tmp_path: Path) -> None:
    """Closing the stream records the audits done; the documents only the first pass reached carry
    `audit_pending`, so the summary shows them as problems, never as clean; running again completes them."""
    from auditor.run import audit_stream

    folder = tmp_path / "reports"
    folder.mkdir()
    for sample in sorted(SAMPLES.glob("00[2-4]*.txt")):
        (folder / sample.name).write_bytes(sample.read_bytes())
    with Store(tmp_path / "history.db") as store:
        run = audit_stream([folder], PACKS, store=store)
        first = next(run.documents)
        run.documents.close()
    statuses = {Path(d.path).name: (d.status, d.problems) for d in collect(tmp_path / "history.db").documents}
    assert statuses[Path(first.path).name][0] != "problem"
    assert sorted(v for k, v in statuses.items() if k != Path(first.path).name) == [("problem", ("audit_pending",))] * 2
    with Store(tmp_path / "history.db") as store:
        audit_paths([folder], PACKS, store=store)
    assert all(d.status != "problem" for d in collect(tmp_path / "history.db").documents)


def test_a_bug_met_while_preparing_one_file_costs_only_that_file(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import auditor.run as run_module

    real = run_module._history

    def broken(store: Store, facts: ReportFacts, *rest: object) -> History:
        if facts.agency == "焦作市人民政府办公室":
            raise ValueError("a bug")
        return real(store, facts, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(run_module, "_history", broken)
    with Store(tmp_path / "history.db") as store:
        result = audit_paths(sorted(SAMPLES.glob("00[2-4]*.txt")), PACKS, store=store)
    problems = {Path(d.path).name: [p.slug for p in d.problems] for d in result.documents}
    assert problems["004_bdd5b039361f2e6c.txt"] == ["internal_error"]
    assert all(d.passed > 0 for d in result.documents if not d.path.endswith("004_bdd5b039361f2e6c.txt"))
