"""Shared fixtures of the PDF importer's tests: the real published PDFs, imported once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from budget_warehouse.pdf_import.importer import ImportedDocument, import_document

PDF_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "pdf"
FINANCE = PDF_DIR / "shanghai_putuo_finance_bureau_2024_final_accounts.pdf"
SOCIAL = PDF_DIR / "shanghai_putuo_social_work_dept_2024_final_accounts.pdf"
TEMPLATE = PDF_DIR / "shanghai_district_final_accounts_template_2024.pdf"


@pytest.fixture(scope="session")
def finance() -> ImportedDocument:
    return import_document(FINANCE)


@pytest.fixture(scope="session")
def social() -> ImportedDocument:
    return import_document(SOCIAL)
