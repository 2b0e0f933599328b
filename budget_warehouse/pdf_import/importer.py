"""One document end to end: read it, find its tables, read their cells, name the disclosure.

The result is in memory; write_raw turns it into the contract's CSV files.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from budget_warehouse.pdf_import.find_tables import TableRegion, find_tables
from budget_warehouse.pdf_import.read_cells import (
    FUNCTION_TABLE_FUNDS,
    Row,
    TableResult,
    read_economic_table,
    read_function_table,
    read_summary_table,
    read_three_public_table,
)
from budget_warehouse.pdf_import.read_narrative import read_narrative
from budget_warehouse.pdf_import.read_pdf import Document, line_text, read_document
from budget_warehouse.pdf_import.reference import normalise

STANDARD_TABLES = tuple(f"T{n}" for n in range(1, 10))
TEMPLATE_REASON = "template: placeholders, no figures"
# XX, full-width XX and multiplication signs all stand for a name still to be filled in.
PLACEHOLDER = re.compile("X{2,}|\uff38{2,}|\u00d7{2,}")
# "上海市普陀区财政局2024年度部门决算表" (the 第二部分 heading) or the cover's "…2024年度部门决算".
DEPARTMENT_YEAR = re.compile(
    r"^(?:第[一二三四五六七八九十]+部分)?(?P<name>.+?)(?P<year>(?:19|20)\d{2})年度?部门决算"
)
REGION = re.compile(r"^(?P<province>.{2,3}?(?:省|自治区))?(?P<city>.{2,4}?市)?(?P<district>.{1,4}?[区县旗])?")


class TemplateDocumentError(Exception):
    """The document is the blank template (placeholders such as XX): never written as data."""


@dataclass
class ImportedDocument:
    path: Path
    sha256: str
    disclosure_id: str
    department_name: str
    region: str
    fiscal_year: str
    amount_unit: str
    rows: dict[str, list[Row]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    page_count: int = 0


def department_and_year(document: Document) -> tuple[str, str]:
    """The department and fiscal year from the title lines; the 部门决算表 heading is preferred."""
    candidates: list[tuple[int, str, str]] = []
    for page in document.pages[:30]:
        for line in page.lines():
            found = DEPARTMENT_YEAR.match(normalise(line_text(line, "")))
            if found:
                rank = 0 if "决算表" in normalise(line_text(line, "")) else 1
                candidates.append((rank, found.group("name"), found.group("year")))
    if candidates:
        _, name, year = min(candidates, key=lambda c: c[0])
        return name, year
    return _cover_name_and_year(document)


def _cover_name_and_year(document: Document) -> tuple[str, str]:
    """A cover printing the name, 年度部门决算 and the year on separate lines."""
    lines = [normalise(line_text(line, "")) for line in document.pages[0].lines()]
    year = next((m.group(0) for text in lines if (m := re.fullmatch(r"(19|20)\d{2}", text))), "")
    name = next((text for text in lines if text and not re.search(r"\d|部门决算", text)), "")
    return name, year


def region_of(department_name: str) -> str:
    bare = re.sub(r"^中共", "", department_name)
    found = REGION.match(bare)
    if not found or not (found.group("province") or found.group("city")):
        return ""
    return "".join(part for part in found.group("province", "city", "district") if part)


def is_template(document: Document, department_name: str) -> bool:
    if PLACEHOLDER.search(department_name):
        return True
    cover = "".join(w.text for page in document.pages[:2] for w in page.words)
    return bool(PLACEHOLDER.search(cover))


READERS: dict[str, Callable[[TableRegion, str], TableResult]] = {
    "T1": read_summary_table,
    "T4": read_summary_table,
    "T6": read_economic_table,
    "T7": read_three_public_table,
    **dict.fromkeys(FUNCTION_TABLE_FUNDS, read_function_table),
}


def import_document(path: Path) -> ImportedDocument:
    """Read one PDF; raises UnreadablePdfError or TemplateDocumentError (both with a one-line reason)."""
    document = read_document(path)
    name, year = department_and_year(document)
    if is_template(document, name):
        raise TemplateDocumentError(f"{path.name}: {TEMPLATE_REASON}")
    regions = [r for r in find_tables(document) if r.table_code]
    units = [r.unit for r in regions if r.unit]
    imported = ImportedDocument(
        path=path,
        sha256=document.sha256,
        disclosure_id=f"{year}-{name}",
        department_name=name,
        region=region_of(name),
        fiscal_year=year,
        amount_unit=max(set(units), key=units.count) if units else "",
        page_count=len(document.pages),
    )
    if not name or not year:
        imported.problems.append(f"{path.name}: department or fiscal year not found in the title")
    printed: list[Row] = []
    seen: set[str] = set()
    for region in regions:
        if region.table_code in seen:
            imported.problems.append(f"{path.name}: {region.table_code} printed twice (p{region.page_first})")
            continue
        seen.add(region.table_code)
        if not region.unit:
            imported.problems.append(f"{path.name}: {region.table_code} has no 单位 line")
        result = READERS[region.table_code](region, region.title_printed)
        for kind, rows in result.rows.items():
            imported.rows.setdefault(kind, []).extend(rows)
        imported.problems.extend(f"{path.name}: {problem}" for problem in result.problems)
        printed.append(_printed_table(region, result))
    printed.extend(_not_found(code) for code in STANDARD_TABLES if code not in seen)
    imported.rows["raw_printed_tables"] = sorted(printed, key=lambda r: int(r["table_code"][1:]))
    _read_text(document, imported, regions)
    return imported


def _read_text(document: Document, imported: ImportedDocument, regions: list[TableRegion]) -> None:
    """第三部分's figures and calculations, and the texts the word rules read (titles, headings,
    sentences)."""
    narrative = read_narrative(document)
    imported.rows["raw_narrative_figures"] = narrative.figures
    imported.rows["raw_stated_calculations"] = narrative.calculations
    titles: list[Row] = [
        {
            "text_id": "",
            "text_kind": "table_title",
            "section": region.table_code,
            "page": str(region.page_first),
            "bbox": "",
            "text_printed": region.title_printed,
        }
        for region in regions
    ]
    texts = [*narrative.texts, *titles]
    for index, row in enumerate(texts):
        row["text_id"] = f"X{index + 1:03d}"
    imported.rows["raw_document_texts"] = texts
    imported.problems.extend(f"{document.path.name}: {problem}" for problem in narrative.problems)


def _printed_table(region: TableRegion, result: TableResult) -> Row:
    return {
        "table_code": region.table_code,
        "title_printed": region.title_printed,
        "page_first": str(region.page_first),
        "page_last": str(region.page_last),
        "unit_printed": region.unit,
        "status": "printed" if result.amount_count else "printed_empty",
        "columns_printed": "|".join(dict.fromkeys(result.columns_printed)),
        "empty_note": result.empty_note,
        "source_section": region.title_printed,
    }


def _not_found(table_code: str) -> Row:
    return {"table_code": table_code, "status": "not_found"}
