"""`xlsx` and `csv`: the document rows and the finding rows, as a workbook of two sheets and as two CSV files (UTF-8
with a BOM, so Excel reads the Chinese correctly)."""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from auditor.summary import register
from auditor.summary.collect import Summary
from auditor.summary.rows import Cell, agency_header, agency_rows, finding_header, finding_rows
from auditor.summary.words import WORDS


@register("xlsx")
def write_xlsx(summary: Summary, out: Path, lang: str) -> list[Path]:
    workbook = Workbook()
    agencies = workbook.active
    agencies.title = WORDS[lang]["sheet_agencies"]
    findings = workbook.create_sheet(WORDS[lang]["sheet_findings"])
    for sheet, header, rows in ((agencies, agency_header(lang), agency_rows(summary, lang)),
                                (findings, finding_header(lang), finding_rows(summary, lang))):
        sheet.append(header)
        for row in rows:
            sheet.append(row)
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
        writer.writerows(["" if cell is None else cell for cell in row] for row in rows)
    return path


@register("csv")
def write_csv(summary: Summary, out: Path, lang: str) -> list[Path]:
    return [_csv(out / "agencies.csv", agency_header(lang), agency_rows(summary, lang)),
            _csv(out / "findings.csv", finding_header(lang), finding_rows(summary, lang))]
