"""`xlsx` and `csv`: the document rows and the finding rows, as a workbook of two sheets and as two CSV files (UTF-8
with a BOM, so Excel reads the Chinese correctly).

A report's title, agency, path and the messages quoting it are written as inert text (OWASP, CSV Injection):

- XLSX has cell types, so every string is stored as a string: openpyxl would otherwise store any str that begins
  with "=" as a formula (openpyxl.cell.cell.Cell._bind_value), and "#N/A" as an error. A string that a spreadsheet
  would read as a formula if typed (auditor.formatters.safe.formula_like) also gets the quotePrefix style, the
  marker Excel itself sets for a typed "'": the cell shows its text exactly, and editing it keeps it text. No
  apostrophe is added, since the type already says "text" and the value stays the report's own.
- CSV has no types, so a leading "'" is the only marker the spreadsheets honour (safe.csv_text).

Both first make control characters visible (safe.visible): openpyxl refuses them (IllegalCharacterError), which cost
the whole year's XLSX and CSV. Numbers the summary computed (counts, years, line numbers) stay numbers.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from auditor.formatters.safe import csv_text, formula_like, visible
from auditor.summary import register
from auditor.summary.collect import Summary
from auditor.summary.rows import (
    Cell,
    agency_header,
    agency_rows,
    finding_header,
    finding_rows,
    incomplete_note,
    not_audited_rows,
    rate_rows,
    rectification_header,
    rectification_rows,
    review_rows,
    rule_problems,
    score_header,
    score_note,
    score_rows,
    t3_rows,
    t4_header,
    t4_rows,
)
from auditor.summary.words import WORDS, severity_label

# Excel's limit on the characters of one cell; a longer string makes Excel "repair" (empty) the workbook.
_XLSX_CELL_CHARS = 32_767
_CUT = "…"


def _xlsx_text(value: str) -> str:
    text = visible(value)
    return text if len(text) <= _XLSX_CELL_CHARS else text[: _XLSX_CELL_CHARS - len(_CUT)] + _CUT


def _append(sheet: Worksheet, row: list[Cell]) -> None:
    """Append a row, each str as a string cell (never a formula or an error value), each int as a number."""
    sheet.append([_xlsx_text(c) if isinstance(c, str) else c for c in row])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
            if formula_like(cell.value):
                cell.quotePrefix = True


def _sheets(summary: Summary, lang: str) -> list[tuple[str, list[str], list[list[Cell]], list[str]]]:
    """(sheet name, header, rows, notes below the rows) of each sheet: what the HTML page has, one sheet a table.
    The first two (agencies, findings) keep their place, for the scripts that read them."""
    words = WORDS[lang]
    t3 = [[label, _whole(total), share] for label, total, share in t3_rows(summary, lang)]
    t4 = [[row[0], *(_whole(v) for v in row[1:])] for row in t4_rows(summary, lang)]
    rates: list[list[Cell]] = [[label, value] for label, value in rate_rows(summary, lang)]
    rules: list[list[Cell]] = [[p.rule_id, p.title, severity_label(p.severity, lang), p.count, len(p.agencies),
                                "、".join(p.agencies)] for p in rule_problems(summary, lang)]
    missing: list[list[Cell]] = [[name] for name in summary.not_submitted]
    sheets = [
        (words["sheet_agencies"], agency_header(lang), agency_rows(summary, lang), []),
        (words["sheet_findings"], finding_header(lang), finding_rows(summary, lang), []),
        (words["sheet_rules"], [words["rule"], words["title_col"], words["severity"], words["count"],
                                words["agencies_count"], words["agency"]], rules, []),
        (words["sheet_not_audited"], [words["agency"], words["year"], words["file"], words["status"],
                                      words["reason"]], not_audited_rows(summary, lang),
         [words["not_audited_note"]]),
        (words["sheet_t3"], [words["measure"], words["total"], words["share"]], t3,
         [incomplete_note(summary.t3, lang)]),
        (words["sheet_t4"], t4_header(lang), [*t4, [], *rates],
         [words["rate_note"], incomplete_note(summary.t4, lang)]),
        (words["sheet_missing"], [words["agency"]], missing,
         [] if summary.roster_given else [words["no_roster"]]),
        (words["sheet_review"], [words["review"], words["count"]],
         review_rows(summary, lang) if summary.reviews_read else [],
         [words["review_note"] if summary.reviews_read else words["unreviewed_note"]]),
        (words["sheet_rect"], rectification_header(lang), rectification_rows(summary, lang),
         [words["no_rect"] if summary.rectification is None else words["rect_note"]]),
    ]
    if summary.scores is not None:
        scores = [[*row[:3], _numeric(row[3]), *row[4:]] for row in score_rows(summary, lang)]
        sheets.append((words["sheet_scores"], score_header(lang), scores, [score_note(summary, lang)]))
    return sheets


def _numeric(value: Cell) -> Cell:
    """A score as written by rows.number (「86」, 「85.5」), back to a number cell so a sheet sorts and sums it;
    「未评分」 stays the words it is."""
    if isinstance(value, str) and re.fullmatch(r"-?\d+(\.\d+)?", value):
        return float(value) if "." in value else int(value)
    return value


def _whole(text: str) -> Cell:
    """A total as written by rows.number, back to a number cell when it is whole (it is a count)."""
    return int(text) if text.lstrip("-").isdigit() else text


@register("xlsx")
def write_xlsx(summary: Summary, out: Path, lang: str) -> list[Path]:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, header, rows, notes in _sheets(summary, lang):
        sheet = workbook.create_sheet(name)
        _append(sheet, list(header))
        for row in rows:
            _append(sheet, row)
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
        for note in notes:  # below the table, after a blank row, outside the filter's range
            sheet.append([])
            _append(sheet, [note])
        for index, _ in enumerate(header, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = 16
    path = out / "summary.xlsx"
    workbook.save(path)
    return [path]


def _csv(path: Path, header: list[str], rows: list[list[Cell]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(["" if cell is None else csv_text(cell) if isinstance(cell, str) else cell for cell in row]
                         for row in rows)
    return path


@register("csv")
def write_csv(summary: Summary, out: Path, lang: str) -> list[Path]:
    """agencies.csv and findings.csv; scores.csv too when a scoring scheme is configured."""
    written = [_csv(out / "agencies.csv", agency_header(lang), agency_rows(summary, lang)),
               _csv(out / "findings.csv", finding_header(lang), finding_rows(summary, lang))]
    if summary.scores is not None:
        written.append(_csv(out / "scores.csv", score_header(lang), score_rows(summary, lang)))
    return written
