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
from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from auditor.formatters.safe import csv_text, formula_like, visible
from auditor.summary import register
from auditor.summary.collect import Summary
from auditor.summary.rows import Cell, agency_header, agency_rows, finding_header, finding_rows
from auditor.summary.words import WORDS

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


@register("xlsx")
def write_xlsx(summary: Summary, out: Path, lang: str) -> list[Path]:
    workbook = Workbook()
    agencies = workbook.active
    agencies.title = WORDS[lang]["sheet_agencies"]
    findings = workbook.create_sheet(WORDS[lang]["sheet_findings"])
    for sheet, header, rows in ((agencies, agency_header(lang), agency_rows(summary, lang)),
                                (findings, finding_header(lang), finding_rows(summary, lang))):
        _append(sheet, list(header))
        for row in rows:
            _append(sheet, row)
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
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
    return [_csv(out / "agencies.csv", agency_header(lang), agency_rows(summary, lang)),
            _csv(out / "findings.csv", finding_header(lang), finding_rows(summary, lang))]
