"""The two real PDFs import completely: no problems, and every printed number lands in exactly one row."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

from budget_warehouse.pdf_import.contract import COLUMNS
from budget_warehouse.pdf_import.find_tables import find_tables
from budget_warehouse.pdf_import.importer import ImportedDocument
from budget_warehouse.pdf_import.read_pdf import read_document
from budget_warehouse.pdf_import.write_raw import write_document

from .conftest import FINANCE, SOCIAL

SEEDS = Path(__file__).resolve().parents[2] / "seeds" / "sample"
# An amount as these tables print it: two decimals, optional thousands separators. Codes, page numbers
# and years have no decimals, so this count is independent of the importer's column logic.
PRINTED_AMOUNT = re.compile(r"^-?(\d{1,3}(,\d{3})+|\d+)\.\d{2}$")
TABLE_KINDS = (
    "raw_function_lines",
    "raw_economic_lines",
    "raw_three_public_expenses",
    "raw_summary_lines",
    "raw_table_totals",
)


@pytest.mark.parametrize("name", ["finance", "social"])
def test_imports_with_no_problems(name: str, request: pytest.FixtureRequest) -> None:
    document: ImportedDocument = request.getfixturevalue(name)
    assert document.problems == []
    assert document.fiscal_year == "2024"
    assert document.amount_unit == "万元"
    assert document.region == "上海市普陀区"


def test_disclosure_names(finance: ImportedDocument, social: ImportedDocument) -> None:
    assert finance.disclosure_id == "2024-上海市普陀区财政局"
    assert social.disclosure_id == "2024-中共上海市普陀区委社会工作部"


@pytest.mark.parametrize("pdf", [FINANCE, SOCIAL], ids=["finance", "social"])
def test_every_printed_number_lands_in_exactly_one_row(pdf: Path, request: pytest.FixtureRequest) -> None:
    document: ImportedDocument = request.getfixturevalue("finance" if pdf == FINANCE else "social")
    printed: Counter[tuple[str, str]] = Counter()
    for region in find_tables(read_document(pdf)):
        for piece in region.slices:
            for word in piece.page.words:
                if piece.top <= word.y_center < piece.bottom and PRINTED_AMOUNT.match(word.text):
                    printed[(str(piece.page.number), word.bbox_text())] += 1
    extracted: Counter[tuple[str, str]] = Counter(
        (row["page"], row["bbox"]) for kind in TABLE_KINDS for row in document.rows.get(kind, [])
    )
    assert printed, "no numbers found in the table regions"
    assert extracted == printed


def test_contract_columns_extend_the_seed_headers() -> None:
    for kind in ("raw_disclosures", "raw_function_lines", "raw_economic_lines", "raw_three_public_expenses"):
        with (SEEDS / f"{kind}.csv").open(encoding="utf-8") as handle:
            header = tuple(next(csv.reader(handle)))
        assert COLUMNS[kind][: len(header)] == header


def test_written_files_follow_the_contract(finance: ImportedDocument, tmp_path: Path) -> None:
    written = write_document(finance, tmp_path)
    assert {p.name for p in written} == {f"{kind}__{finance.sha256[:12]}.csv" for kind in COLUMNS}
    for path in written:
        kind = path.name.split("__")[0]
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        assert tuple(rows[0]) == COLUMNS[kind]
        assert all(row[0] == "2024-上海市普陀区财政局" for row in rows[1:])


def test_amounts_are_exact_text_without_separators(finance: ImportedDocument) -> None:
    for kind in TABLE_KINDS:
        for row in finance.rows.get(kind, []):
            assert row["amount"] == row["printed_text"].replace(",", "")
            assert row["unit"] == "万元"
