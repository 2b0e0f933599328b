"""The raw CSV contract (docs/raw_contract.md) as the importer writes it: one place for every file's columns.

The older columns are the seed headers of seeds/sample/<kind>.csv; the evidence columns (page, bbox,
printed_text), source_sha256 and the three new kinds come from the contract's last section. Keep this in step
with the seeds when the two branches are reconciled.
"""

from __future__ import annotations

EVIDENCE_COLUMNS: tuple[str, ...] = ("page", "bbox", "printed_text")

COLUMNS: dict[str, tuple[str, ...]] = {
    "raw_disclosures": (
        "disclosure_id",
        "department_name",
        "region",
        "fiscal_year",
        "amount_unit",
        "published_on",
        "source_document",
        "note",
        "source_sha256",
    ),
    "raw_function_lines": (
        "disclosure_id",
        "table_code",
        "fund_type",
        "function_code",
        "function_name",
        "parent_names_printed",
        "measure",
        "amount",
        "unit",
        "source_section",
        "source_quote",
        "transcription_note",
        *EVIDENCE_COLUMNS,
    ),
    "raw_economic_lines": (
        "disclosure_id",
        "table_code",
        "economic_code",
        "economic_name",
        "cost_group_printed",
        "measure",
        "amount",
        "unit",
        "source_section",
        "source_quote",
        "transcription_note",
        *EVIDENCE_COLUMNS,
    ),
    "raw_three_public_expenses": (
        "disclosure_id",
        "table_code",
        "item_code",
        "item_name",
        "measure",
        "amount",
        "unit",
        "source_section",
        "source_quote",
        "transcription_note",
        *EVIDENCE_COLUMNS,
    ),
    "raw_summary_lines": (
        "disclosure_id",
        "table_code",
        "side",
        "line_no",
        "item_code",
        "function_code",
        "item_name",
        "fund_type",
        "measure",
        "amount",
        "unit",
        *EVIDENCE_COLUMNS,
        "source_section",
        "transcription_note",
    ),
    "raw_table_totals": (
        "disclosure_id",
        "table_code",
        "fund_type",
        "total_item",
        "measure",
        "amount",
        "unit",
        *EVIDENCE_COLUMNS,
        "source_section",
        "transcription_note",
    ),
    "raw_printed_tables": (
        "disclosure_id",
        "table_code",
        "title_printed",
        "page_first",
        "page_last",
        "unit_printed",
        "status",
        "columns_printed",
        "empty_note",
        "source_section",
    ),
}

# The order files are written in; raw_disclosures first because the loader needs it.
KINDS: tuple[str, ...] = tuple(COLUMNS)
