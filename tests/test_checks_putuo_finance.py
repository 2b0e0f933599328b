"""A real nine-table report through the bulk path: the 2024 final accounts of 上海市普陀区财政局.

tests/fixtures/putuo_finance holds its tables T1-T9 transcribed by hand from the published PDF
(shanghai_putuo_finance_bureau_2024_final_accounts.pdf, pages 6-20), in the raw contract's format with page
and printed text for every cell. The checks must report the publication's own contradictions with their
numbers, and nothing else: every identity that holds passes (or is within rounding).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.conftest import PROJECT_DIR, built_and_published, run_nightly

FIXTURE_DIR = PROJECT_DIR / "tests" / "fixtures" / "putuo_finance"
DISCLOSURE = "2024-上海市普陀区财政局"

# every failing finding on this document: (rule, subject) -> (provided, expected)
CONTRADICTIONS = {
    # T1 prints 208 社会保障和就业支出 as 326.71; T3 (and T2, T5) print 326.72:
    # T1 was made to close to 2,940.05
    ("XT-03", "T1:all_funds:208 ↔ T3"): (Decimal("326.71"), Decimal("326.72")),
    # T4 repeats T1's 326.71 in its 一般公共预算 column; T5 prints 326.72
    ("XT-04", "T4:general_public_budget:208 ↔ T5"): (Decimal("326.71"), Decimal("326.72")),
}

# where the printed totals miss the sum of their printed parts by cents, inside the rounding envelope
ROUNDING = {
    ("HIER-05", "T2:total:income_total"): (Decimal("2946.25"), Decimal("2946.26")),
    ("HIER-05", "T2:total:fiscal_appropriation_income"): (Decimal("2940.05"), Decimal("2940.06")),
    ("HIER-05", "T3:total:actual_total"): (Decimal("2940.05"), Decimal("2940.06")),
    ("HIER-05", "T3:total:basic"): (Decimal("2336.91"), Decimal("2336.92")),
    ("HIER-05", "T5:total:actual_total"): (Decimal("2940.05"), Decimal("2940.06")),
    ("HIER-05", "T5:total:basic"): (Decimal("2336.91"), Decimal("2336.92")),
    ("ECO-04", "T6:301"): (Decimal("2082.85"), Decimal("2082.86")),
    ("ECO-04", "T6:302"): (Decimal("171.07"), Decimal("171.09")),
    ("ECO-05", "T6:personnel_total"): (Decimal("2152.26"), Decimal("2152.27")),
    ("ECO-05", "T6:public_funds_total"): (Decimal("184.65"), Decimal("184.67")),
    ("XT-02", "general_public_budget:basic"): (Decimal("2336.92"), Decimal("2336.94")),
}

# rules on identities that hold in the document: they ran and none fails
HOLDING_RULES = [
    "BAL-01", "BAL-02", "BAL-03", "ROW-01", "ROW-02", "ROW-03", "ROW-04", "HIER-01", "HIER-02", "HIER-04",
    "HIER-05", "ECO-04", "ECO-05", "XT-01", "XT-02", "TPE-01", "CMP-01", "CMP-04",
    "REF-01", "REF-02", "REF-03", "REF-04", "REF-05",
]  # fmt: skip


@pytest.fixture(scope="module")
def putuo(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    tmp_dir = tmp_path_factory.mktemp("putuo_finance")
    warehouse = tmp_dir / "putuo.duckdb"
    result = run_nightly(tmp_dir, warehouse, "--vars", f"{{raw_files_dir: '{FIXTURE_DIR}'}}")
    assert built_and_published(result), result.stdout[-4000:] + result.stderr[-4000:]
    connection = duckdb.connect(str(warehouse), read_only=True)
    yield connection
    connection.close()


def findings(connection: duckdb.DuckDBPyConnection, where: str = "true") -> dict[tuple[str, str], tuple]:
    rows = connection.execute(
        "select rule_id, subject, status, provided_value, expected_value, difference, message_zh "
        f"from marts.fct_identity_checks where disclosure_id = ? and {where}",
        [DISCLOSURE],
    ).fetchall()
    return {(rule, subject): tuple(rest) for rule, subject, *rest in rows}


def test_every_row_is_accepted_and_reconciled(putuo: duckdb.DuckDBPyConnection) -> None:
    assert putuo.execute("select count(*) from marts.fct_rejected_rows").fetchone() == (0,)
    reconciliation = "select raw_file_name, raw_rows, is_reconciled from marts.fct_load_reconciliation"
    counts = {name: (raw, reconciled) for name, raw, reconciled in putuo.execute(reconciliation).fetchall()}
    assert counts["raw_summary_lines"] == (31, True)
    assert counts["raw_table_totals"] == (11, True)
    assert counts["raw_printed_tables"] == (9, True)
    assert all(reconciled for _, reconciled in counts.values())


def test_the_publications_contradictions_are_reported_with_their_numbers(
    putuo: duckdb.DuckDBPyConnection,
) -> None:
    failing = findings(putuo, "status = 'fail'")
    assert set(failing) == set(CONTRADICTIONS)
    for key, (provided, expected) in CONTRADICTIONS.items():
        _, provided_value, expected_value, difference, message = failing[key]
        assert (provided_value, expected_value, difference) == (provided, expected, provided - expected)
        assert str(provided) in message and str(expected) in message


def test_cents_inside_the_envelope_are_rounding_with_their_numbers(putuo: duckdb.DuckDBPyConnection) -> None:
    rounding = findings(putuo, "status = 'rounding'")
    assert set(rounding) == set(ROUNDING)
    for key, (provided, expected) in ROUNDING.items():
        assert rounding[key][1:3] == (provided, expected)


@pytest.mark.parametrize("rule_id", HOLDING_RULES)
def test_no_failure_where_the_identity_holds(putuo: duckdb.DuckDBPyConnection, rule_id: str) -> None:
    statuses = {status for (rule, _), (status, *_) in findings(putuo).items() if rule == rule_id}
    assert "fail" not in statuses
    assert statuses & {"pass", "rounding"}, statuses


def test_summary_tables_balance_per_table(putuo: duckdb.DuckDBPyConnection) -> None:
    balances = findings(putuo, "rule_id in ('BAL-01', 'BAL-02', 'BAL-03')")
    assert balances[("BAL-01", "T1:all_funds:income_grand_total")][:3] == (
        "pass", Decimal("2995.39"), Decimal("2995.39"),
    )  # fmt: skip
    assert balances[("BAL-02", "T4:general_public_budget:expenditure_grand_total")][0] == "pass"
    assert balances[("BAL-03", "T4:all_funds:income_grand_total")][:3] == (
        "pass", Decimal("2961.68"), Decimal("2961.68"),
    )  # fmt: skip


def test_tables_printed_empty_make_their_rules_not_applicable(putuo: duckdb.DuckDBPyConnection) -> None:
    empty = findings(putuo, "subject in ('T8:printed_empty', 'T9:printed_empty')")
    assert {rule for rule, _ in empty} >= {"BAL-04", "HIER-05", "XT-04"}
    assert {status for status, *_ in empty.values()} == {"not_applicable"}
    assert all("空表" in message for *_, message in empty.values())
    # BAL-04 reads only T8 / T9: it answers not_applicable, not insufficient data
    assert {status for (rule, _), (status, *_) in findings(putuo).items() if rule == "BAL-04"} == {
        "not_applicable"
    }
    statuses = dict(putuo.execute("select table_code, status from marts.fct_printed_tables").fetchall())
    assert statuses["T8"] == statuses["T9"] == "printed_empty"


def test_t6_class_rows_are_never_added_to_their_items(putuo: duckdb.DuckDBPyConnection) -> None:
    total = putuo.execute(
        "select sum(actual_amount) from marts.fct_basic_expenditure_by_economic_class "
        "where disclosure_id = ? and counts_in_totals",
        [DISCLOSURE],
    ).fetchone()
    # the 款 items only: 2082.86 + 69.41 + 171.09 + 13.58, not twice that with 301 / 302 / 303 / 310
    assert total == (Decimal("2336.94"),)


def test_evidence_is_carried_to_the_marts(putuo: duckdb.DuckDBPyConnection) -> None:
    line = putuo.execute(
        "select amount, page, printed_text from marts.fct_summary_lines "
        "where table_code = 'T1' and side = 'expenditure' and function_code = '208'"
    ).fetchone()
    assert line == (Decimal("326.71"), 6, "326.71")
    evidence = putuo.execute(
        "select page, printed_text from staging.stg_final_accounts__function_lines "
        "where table_code = 'T3' and function_code = '201' and measure = 'actual_total'"
    ).fetchone()
    assert evidence == (10, "2,106.66")


def test_fixture_folder_exists() -> None:
    assert Path(FIXTURE_DIR / "raw_disclosures__putuo.csv").is_file()
