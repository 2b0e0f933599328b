"""Published figures of the sample disclosure that the marts must reproduce exactly ("golden" data)."""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pytest

from budget_warehouse.landing.contract import raw_kinds

DISCLOSURE = "luzhou-hrss-2020"


def scalar(connection: duckdb.DuckDBPyConnection, sql: str, *params: object) -> object:
    row = connection.execute(sql, list(params)).fetchone()
    assert row is not None, sql
    return row[0]


@pytest.mark.parametrize(
    ("function_code", "expected"),
    [
        ("201", Decimal("382.32")),
        ("205", Decimal("6.06")),
        ("208", Decimal("5548.18")),
        ("210", Decimal("101.02")),
        ("221", Decimal("178.66")),
        ("20801", Decimal("2531.70")),
        ("2080101", Decimal("916.69")),
        ("2089901", Decimal("2173.73")),
        ("2210203", Decimal("46.68")),
    ],
)
def test_actual_expenditure_by_function(
    marts: duckdb.DuckDBPyConnection, function_code: str, expected: Decimal
) -> None:
    actual = scalar(
        marts,
        "select actual_amount from marts.fct_expenditure_by_function "
        "where disclosure_id = ? and fund_type = 'general_public_budget' and function_code = ?",
        DISCLOSURE,
        function_code,
    )
    assert actual == expected


def test_total_of_the_classes_is_the_published_total(marts: duckdb.DuckDBPyConnection) -> None:
    total = scalar(
        marts,
        "select sum(actual_amount) from marts.fct_expenditure_by_function "
        "where disclosure_id = ? and function_level = '类'",
        DISCLOSURE,
    )
    assert total == Decimal("6216.24")


def test_every_published_line_and_level_is_present(marts: duckdb.DuckDBPyConnection) -> None:
    counts = dict(
        marts.execute(
            "select function_level, count(*) from marts.fct_expenditure_by_function "
            "where disclosure_id = ? group by function_level",
            [DISCLOSURE],
        ).fetchall()
    )
    assert counts == {"类": 5, "款": 10, "项": 26}


def test_amounts_are_exact_decimals(marts: duckdb.DuckDBPyConnection) -> None:
    types = dict(
        marts.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'marts' and table_name = 'fct_expenditure_by_function'"
        ).fetchall()
    )
    assert types["actual_amount"].startswith("DECIMAL")
    assert types["function_code"] == "VARCHAR"


def test_three_public_expenses(marts: duckdb.DuckDBPyConnection) -> None:
    rows = {
        item: (actual, change)
        for item, actual, change in marts.execute(
            "select item_code, actual_amount, change_amount_stated from marts.fct_three_public_expenses "
            "where disclosure_id = ?",
            [DISCLOSURE],
        ).fetchall()
    }
    assert rows["three_public_total"][0] == Decimal("17.98")
    assert rows["vehicle_total"] == (Decimal("12.31"), Decimal("-2.58"))
    assert rows["official_reception"] == (Decimal("5.67"), Decimal("-8.48"))
    assert rows["overseas_travel"] == (Decimal("0"), Decimal("-7.20"))


def test_personnel_exam_project_execution(marts: duckdb.DuckDBPyConnection) -> None:
    budget, executed, rate, stated = marts.execute(
        "select budget_amount, executed_amount, execution_rate, execution_rate_stated_pct "
        "from marts.fct_project_execution where disclosure_id = ? and project_name = '人事考试经费'",
        [DISCLOSURE],
    ).fetchone() or (None, None, None, None)
    assert (budget, executed) == (Decimal("650"), Decimal("507.87"))
    assert round(rate * 100, 2) == Decimal("78.13")
    assert stated == Decimal("78.13")


def test_basic_expenditure_groups(marts: duckdb.DuckDBPyConnection) -> None:
    groups = dict(
        marts.execute(
            "select cost_group, sum(actual_amount) from marts.fct_basic_expenditure_by_economic_class "
            "where disclosure_id = ? group by cost_group",
            [DISCLOSURE],
        ).fetchall()
    )
    # 人员经费 items add up to the stated 1669.98; the 公用经费 list ends in 等 and falls short of 167.07
    assert groups == {"人员经费": Decimal("1669.98"), "公用经费": Decimal("165.41")}


def test_printed_names_that_differ_from_the_reference_are_flagged(marts: duckdb.DuckDBPyConnection) -> None:
    mismatches = dict(
        marts.execute(
            "select function_code, function_name_printed from marts.fct_expenditure_by_function "
            "where disclosure_id = ? and name_match_status = 'mismatch'",
            [DISCLOSURE],
        ).fetchall()
    )
    assert mismatches == {
        "2080110": "劳动关系的维权",
        "2080199": "其他人力资源和社会资源管理事务支出",
    }


def test_indicators_are_parsed(marts: duckdb.DuckDBPyConnection) -> None:
    rows = marts.execute(
        "select level_3, target_kind, target_number, target_unit, actual_number, direction, completion_ratio "
        "from marts.fct_performance_indicators where disclosure_id = ? and project_id = 'P4' "
        "and level_3 in ('房租', '差旅费')",
        [DISCLOSURE],
    ).fetchall()
    parsed = {row[0]: row[1:] for row in rows}
    assert parsed["差旅费"][:5] == ("numeric", Decimal("22"), "万元", Decimal("17.99"), "lower_is_better")
    assert parsed["房租"][4] == "lower_is_better"
    assert parsed["房租"][5] < 1  # 45.01 spent against 42 planned


def test_every_raw_row_is_accepted_or_rejected(marts: duckdb.DuckDBPyConnection) -> None:
    rows = marts.execute(
        "select raw_file_name, raw_rows, accepted_rows, rejected_rows from marts.fct_load_reconciliation"
    ).fetchall()
    # one file of the sample per kind of the raw contract
    assert sorted(row[0] for row in rows) == sorted(kind.name for kind in raw_kinds())
    for name, raw, accepted, rejected in rows:
        assert raw == accepted + rejected, name
        assert rejected == 0, name
