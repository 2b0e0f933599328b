"""The raw CSV contract as the importer writes it: the columns come from the landing step's contract
(seeds/sample/_sample__seeds.yml), so what the importer writes is exactly what the loader checks."""

from __future__ import annotations

from budget_warehouse.landing.contract import raw_kinds

# The kinds a PDF yields, raw_disclosures first; the narrative kinds come from 第三部分 (read_narrative).
KINDS: tuple[str, ...] = (
    "raw_disclosures",
    "raw_function_lines",
    "raw_economic_lines",
    "raw_three_public_expenses",
    "raw_summary_lines",
    "raw_table_totals",
    "raw_printed_tables",
    "raw_narrative_figures",
    "raw_stated_calculations",
    "raw_document_texts",
)
COLUMNS: dict[str, tuple[str, ...]] = {kind.name: kind.columns for kind in raw_kinds() if kind.name in KINDS}
