"""Where the published warehouse file lives, and where a build writes before it is published."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_WAREHOUSE = PROJECT_DIR / "warehouse" / "budget_warehouse.duckdb"


def published_path() -> Path:
    """The file BI tools open: BUDGET_WAREHOUSE_PATH, or warehouse/budget_warehouse.duckdb."""
    configured = os.environ.get("BUDGET_WAREHOUSE_PATH")
    path = Path(configured) if configured else DEFAULT_WAREHOUSE
    return path if path.is_absolute() else PROJECT_DIR / path


def build_path(published: Path) -> Path:
    """A sibling of the published file: same filesystem, so publishing is an atomic rename."""
    return published.with_name(published.name + ".building")


EXPECTATIONS_DIR = PROJECT_DIR / "expectations"
DEFAULT_REPORTS = PROJECT_DIR / "reports"


def reports_path() -> Path:
    """Where each run's report folder goes: BUDGET_WAREHOUSE_REPORTS_DIR, or reports/."""
    configured = os.environ.get("BUDGET_WAREHOUSE_REPORTS_DIR")
    path = Path(configured) if configured else DEFAULT_REPORTS
    return path if path.is_absolute() else PROJECT_DIR / path


DEFAULT_INBOX = PROJECT_DIR / "inbox"


def inbox_path() -> Path:
    """Where stewards drop published PDFs: BUDGET_WAREHOUSE_INBOX, or inbox/."""
    configured = os.environ.get("BUDGET_WAREHOUSE_INBOX")
    path = Path(configured) if configured else DEFAULT_INBOX
    return path if path.is_absolute() else PROJECT_DIR / path


def imported_path(inbox: Path) -> Path:
    """The raw CSV files the importer wrote for the inbox's PDFs (a raw folder like any other)."""
    return inbox / "imported"
