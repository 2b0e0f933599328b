"""The full-table raw files (summary lines, 合计 rows, printed tables, evidence columns) reject what breaks
the contract, with file, line and reason, and reconcile raw = accepted + rejected."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from tests.conftest import PROJECT_DIR, built_and_published, run_nightly
from tests.test_raw_rejections import append_rows

FIXTURE_DIR = PROJECT_DIR / "tests" / "fixtures" / "putuo_finance"
DISCLOSURE = "2024-上海市普陀区财政局"


def test_bad_full_table_rows_are_rejected_with_reason(tmp_path: Path) -> None:
    raw_dir = tmp_path / "raw"
    shutil.copytree(FIXTURE_DIR, raw_dir)
    summary = {
        "disclosure_id": DISCLOSURE,
        "table_code": "T1",
        "fund_type": "all_funds",
        "measure": "actual_total",
        "amount": "1.00",
        "unit": "万元",
    }
    append_rows(
        raw_dir / "raw_summary_lines__putuo.csv",
        [
            {
                **summary,
                "side": "expenditure",
                "line_no": "2",
                "item_code": "function",
                "function_code": "20106",
            },
            {**summary, "side": "income", "line_no": "3", "item_code": "expenditure_total"},
            {
                **summary,
                "side": "income",
                "line_no": "4",
                "item_code": "other_income",
                "fund_type": "government_fund",
            },
        ],
    )
    append_rows(
        raw_dir / "raw_table_totals__putuo.csv",
        [{"disclosure_id": DISCLOSURE, "table_code": "T5", "fund_type": "all_funds", "total_item": "total",
          "measure": "actual_total", "amount": "1.00", "unit": "万元", "page": "p15"}],
    )  # fmt: skip
    append_rows(
        raw_dir / "raw_printed_tables__putuo.csv",
        [
            {
                "disclosure_id": DISCLOSURE,
                "table_code": "T1",
                "status": "missing",
                "columns_printed": "actual|basic",
            }
        ],
    )
    warehouse = tmp_path / "bulk.duckdb"
    result = run_nightly(tmp_path, warehouse, "--vars", f"{{raw_files_dir: '{raw_dir}'}}")
    assert built_and_published(result), result.stdout[-3000:] + result.stderr[-3000:]
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        rejected = connection.execute(
            "select raw_file_name, source_line, rejection_reason from marts.fct_rejected_rows order by all"
        ).fetchall()
        reconciled = connection.execute(
            "select bool_and(is_reconciled) from marts.fct_load_reconciliation"
        ).fetchone()
    reasons = {(name, line): reason for name, line, reason in rejected}
    assert "3-digit 类 function_code" in reasons[("raw_summary_lines", 33)]
    assert "is on the expenditure side" in reasons[("raw_summary_lines", 34)]
    assert "T1 prints one column" in reasons[("raw_summary_lines", 35)]
    assert "the fund of T5 is general_public_budget" in reasons[("raw_table_totals", 13)]
    assert "page is not a whole number: p15" in reasons[("raw_table_totals", 13)]
    # the second T1 row is itself rejected (listed twice), and so is the first: neither is picked
    printed = [reason for (name, _), reason in reasons.items() if name == "raw_printed_tables"]
    assert any("status must be" in reason and "unknown columns: actual" in reason for reason in printed)
    assert all("listed more than once" in reason for reason in printed)
    assert reconciled == (True,)
