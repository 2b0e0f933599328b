"""Stage 4: write one document's rows as the contract's CSV files, <kind>__<sha256[:12]>.csv."""

from __future__ import annotations

import csv
from pathlib import Path

from budget_warehouse.pdf_import.contract import COLUMNS, KINDS
from budget_warehouse.pdf_import.importer import ImportedDocument
from budget_warehouse.pdf_import.read_cells import Row

SHA_PREFIX = 12


def output_name(kind: str, sha256: str) -> str:
    return f"{kind}__{sha256[:SHA_PREFIX]}.csv"


def disclosure_row(document: ImportedDocument) -> Row:
    note = "imported from the PDF by budget_warehouse.extract"
    if document.problems:
        note += f"; {len(document.problems)} figures could not be placed (see the import log)"
    return {
        "disclosure_id": document.disclosure_id,
        "department_name": document.department_name,
        "region": document.region,
        "fiscal_year": document.fiscal_year,
        "amount_unit": document.amount_unit,
        "published_on": "",
        "source_document": document.path.name,
        "note": note,
        "source_sha256": document.sha256,
    }


def write_document(document: ImportedDocument, out_dir: Path) -> list[Path]:
    """Every kind of file for one document (header-only when the document has no such rows)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    rows_by_kind = dict(document.rows)
    rows_by_kind["raw_disclosures"] = [disclosure_row(document)]
    written: list[Path] = []
    for kind in KINDS:
        target = out_dir / output_name(kind, document.sha256)
        rows = [{**row, "disclosure_id": document.disclosure_id} for row in rows_by_kind.get(kind, [])]
        write_csv(target, COLUMNS[kind], rows)
        written.append(target)
    return written


def write_csv(target: Path, columns: tuple[str, ...], rows: list[Row]) -> None:
    """Write through a temporary file so a reader never sees half a file."""
    partial = target.with_suffix(".csv.partial")
    with partial.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), extrasaction="raise", restval="")
        writer.writeheader()
        writer.writerows(rows)
    partial.replace(target)
