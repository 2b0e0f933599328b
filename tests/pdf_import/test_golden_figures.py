"""Figures read by eye from the PDFs (pages rendered to PNG), asserted exactly."""

from __future__ import annotations

import pytest

from budget_warehouse.pdf_import.importer import ImportedDocument


def amounts(document: ImportedDocument, kind: str, **match: str) -> list[str]:
    rows = document.rows.get(kind, [])
    return [r["amount"] for r in rows if all(r.get(k) == v for k, v in match.items())]


def one(document: ImportedDocument, kind: str, **match: str) -> str:
    found = amounts(document, kind, **match)
    assert len(found) == 1, (kind, match, found)
    return found[0]


def fn(document: ImportedDocument, table: str, code: str, measure: str) -> str:
    return one(document, "raw_function_lines", table_code=table, function_code=code, measure=measure)


def total(document: ImportedDocument, table: str, measure: str, item: str = "total") -> str:
    return one(document, "raw_table_totals", table_code=table, measure=measure, total_item=item)


def summary(document: ImportedDocument, table: str, item: str, fund: str = "all_funds", **more: str) -> str:
    return one(document, "raw_summary_lines", table_code=table, item_code=item, fund_type=fund, **more)


def economic(document: ImportedDocument, code: str) -> str:
    return one(document, "raw_economic_lines", economic_code=code)


def test_finance_t1(finance: ImportedDocument) -> None:
    assert summary(finance, "T1", "income_total") == "2946.25"
    assert summary(finance, "T1", "fiscal_appropriation_general") == "2940.05"
    assert summary(finance, "T1", "other_income") == "6.20"
    assert summary(finance, "T1", "function", function_code="208") == "326.71"
    assert summary(finance, "T1", "function", function_code="221") == "445.69"
    assert summary(finance, "T1", "expenditure_total") == "2940.05"
    assert summary(finance, "T1", "carry_forward_begin") == "49.14"
    assert summary(finance, "T1", "carry_forward_end") == "55.34"
    assert summary(finance, "T1", "income_grand_total") == "2995.39"


def test_finance_t2(finance: ImportedDocument) -> None:
    assert total(finance, "T2", "income_total") == "2946.25"
    assert total(finance, "T2", "other_income") == "6.20"
    assert fn(finance, "T2", "2010601", "income_total") == "1511.90"
    assert fn(finance, "T2", "2010601", "fiscal_appropriation_income") == "1511.89"
    assert fn(finance, "T2", "2010601", "other_income") == "0.01"
    assert fn(finance, "T2", "2010602", "other_income") == "6.19"
    assert fn(finance, "T2", "2080505", "income_total") == "160.75"
    assert (
        amounts(
            finance, "raw_function_lines", table_code="T2", function_code="2010607", measure="other_income"
        )
        == []
    )


def test_finance_t3(finance: ImportedDocument) -> None:
    assert total(finance, "T3", "actual_total") == "2940.05"
    assert total(finance, "T3", "basic") == "2336.91"
    assert total(finance, "T3", "project") == "603.14"
    assert fn(finance, "T3", "2010601", "project") == "8.37"
    assert fn(finance, "T3", "2010602", "project") == "10.00"
    assert fn(finance, "T3", "2080505", "basic") == "160.75"
    assert fn(finance, "T3", "2010608", "project") == "449.52"


def test_finance_t4(finance: ImportedDocument) -> None:
    assert summary(finance, "T4", "income_total") == "2940.05"
    assert summary(finance, "T4", "function", "general_public_budget", function_code="221") == "445.69"
    assert summary(finance, "T4", "carry_forward_begin", "general_public_budget") == "21.63"
    assert summary(finance, "T4", "carry_forward_end", "general_public_budget") == "21.63"
    assert summary(finance, "T4", "income_grand_total") == "2961.68"
    assert summary(finance, "T4", "expenditure_grand_total", "general_public_budget") == "2961.68"


def test_finance_t5(finance: ImportedDocument) -> None:
    assert fn(finance, "T5", "2010601", "actual_total") == "1511.89"
    assert fn(finance, "T5", "2010601", "basic") == "1503.52"
    assert fn(finance, "T5", "2010601", "project") == "8.37"
    assert total(finance, "T5", "actual_total") == "2940.05"
    assert total(finance, "T5", "basic") == "2336.91"
    assert fn(finance, "T5", "2210203", "basic") == "258.50"


def test_finance_t6(finance: ImportedDocument) -> None:
    assert economic(finance, "301") == "2082.85"
    assert economic(finance, "30102") == "1238.58"
    assert economic(finance, "30101") == "262.33"
    assert economic(finance, "30302") == "69.10"
    assert economic(finance, "302") == "171.07"
    assert economic(finance, "30216") == "4.05"
    assert amounts(finance, "raw_economic_lines", economic_code="30103") == []  # blank cell, not 0.00
    assert total(finance, "T6", "actual_total", "personnel_total") == "2152.26"
    assert total(finance, "T6", "actual_total", "public_funds_total") == "184.65"
    groups = {r["economic_code"][:3]: r["cost_group_printed"] for r in finance.rows["raw_economic_lines"]}
    assert groups == {"301": "人员经费", "303": "人员经费", "302": "公用经费", "310": "公用经费"}


def test_finance_t7(finance: ImportedDocument) -> None:
    rows = {(r["item_code"], r["measure"]): r["amount"] for r in finance.rows["raw_three_public_expenses"]}
    assert rows == {
        ("three_public_total", "budget_full_year"): "0.95",
        ("official_reception", "budget_full_year"): "0.95",
    }


@pytest.mark.parametrize("table", ["T8", "T9"])
def test_finance_fund_tables_printed_empty(finance: ImportedDocument, table: str) -> None:
    row = next(r for r in finance.rows["raw_printed_tables"] if r["table_code"] == table)
    assert row["status"] == "printed_empty"
    assert row["empty_note"].endswith("故本表无数据。")
    assert "上海市普陀区财政局无" in row["empty_note"]
    assert "carry_forward_begin" in row["columns_printed"].split("|")


def test_finance_printed_tables(finance: ImportedDocument) -> None:
    rows = {r["table_code"]: r for r in finance.rows["raw_printed_tables"]}
    assert [rows[f"T{n}"]["status"] for n in range(1, 10)] == ["printed"] * 7 + ["printed_empty"] * 2
    assert (rows["T4"]["page_first"], rows["T4"]["page_last"]) == ("12", "13")
    assert (
        rows["T3"]["columns_printed"]
        == "actual_total|basic|project|remit_to_superior|operating|subsidy_to_affiliates"
    )
    assert rows["T4"]["columns_printed"] == "all_funds|general_public_budget|government_fund|state_capital"


def test_social_t1_t4(social: ImportedDocument) -> None:
    assert summary(social, "T1", "income_total") == "307.82"
    assert summary(social, "T1", "function", function_code="201") == "264.87"
    assert summary(social, "T1", "function", function_code="221") == "29.42"
    assert summary(social, "T4", "fiscal_appropriation_general") == "307.82"
    assert summary(social, "T4", "function", "general_public_budget", function_code="208") == "10.82"
    assert summary(social, "T4", "function", "all_funds", function_code="210") == "2.71"


def test_social_function_tables(social: ImportedDocument) -> None:
    assert fn(social, "T5", "201", "project") == "202.24"
    assert fn(social, "T5", "2013901", "basic") == "51.32"
    assert fn(social, "T5", "2080505", "actual_total") == "6.18"
    assert fn(social, "T5", "2101102", "basic") == "0.49"
    assert total(social, "T5", "basic") == "105.58"
    assert fn(social, "T3", "2013999", "project") == "202.24"
    assert fn(social, "T2", "2210201", "income_total") == "17.70"
    names = {
        r["function_code"]: r["function_name"]
        for r in social.rows["raw_function_lines"]
        if r["table_code"] == "T5"
    }
    assert names["2080505"] == "机关事业单位基本养老保险缴费支出"  # wrapped over three lines


def test_social_t6(social: ImportedDocument) -> None:
    assert economic(social, "30101") == "14.12"
    assert economic(social, "30102") == "39.72"
    assert economic(social, "30113") == "17.70"
    assert economic(social, "30103") == "0.00"  # printed as 0.00: a figure
    assert economic(social, "30239") == "2.43"
    assert economic(social, "30299") == "0.20"
    assert total(social, "T6", "actual_total", "personnel_total") == "95.36"
    assert total(social, "T6", "actual_total", "public_funds_total") == "10.23"


def test_social_t7_t8_t9_printed_empty(social: ImportedDocument) -> None:
    rows = {r["table_code"]: r for r in social.rows["raw_printed_tables"]}
    assert "raw_three_public_expenses" not in social.rows
    for table in ("T7", "T8", "T9"):
        assert rows[table]["status"] == "printed_empty"
        assert "本年度没有" in rows[table]["empty_note"]


def test_finance_t4_first_page_read_by_eye(finance: ImportedDocument) -> None:
    # page 12: the 合计 and 一般公共预算 columns of the 类 lines, the income 决算数
    assert summary(finance, "T4", "fiscal_appropriation_general") == "2940.05"
    assert summary(finance, "T4", "function", "all_funds", function_code="201") == "2106.66"
    assert summary(finance, "T4", "function", "general_public_budget", function_code="201") == "2106.66"
    assert summary(finance, "T4", "function", "all_funds", function_code="208") == "326.71"
    assert summary(finance, "T4", "function", "general_public_budget", function_code="208") == "326.71"
    assert summary(finance, "T4", "function", "all_funds", function_code="210") == "60.99"


def test_social_t1_read_by_eye(social: ImportedDocument) -> None:
    assert summary(social, "T1", "fiscal_appropriation_general") == "307.82"
    assert summary(social, "T1", "function", function_code="208") == "10.82"
    assert summary(social, "T1", "function", function_code="210") == "2.71"
    assert summary(social, "T1", "expenditure_total") == "307.82"
    assert summary(social, "T1", "income_grand_total") == "307.82"
    assert summary(social, "T1", "expenditure_grand_total") == "307.82"


def test_social_t2_read_by_eye(social: ImportedDocument) -> None:
    assert total(social, "T2", "income_total") == "307.82"
    assert total(social, "T2", "fiscal_appropriation_income") == "307.82"
    assert fn(social, "T2", "20139", "income_total") == "264.87"
    assert fn(social, "T2", "2013950", "fiscal_appropriation_income") == "11.31"
    assert fn(social, "T2", "2080506", "income_total") == "4.64"
    assert fn(social, "T2", "21011", "fiscal_appropriation_income") == "2.71"


def test_social_t3_read_by_eye(social: ImportedDocument) -> None:
    assert total(social, "T3", "actual_total") == "307.82"
    assert total(social, "T3", "basic") == "105.58"
    assert total(social, "T3", "project") == "202.24"
    assert fn(social, "T3", "201", "basic") == "62.63"
    assert fn(social, "T3", "2013901", "actual_total") == "51.32"
    assert fn(social, "T3", "2080505", "basic") == "6.18"
    assert fn(social, "T3", "21011", "actual_total") == "2.71"
    # a blank cell is no row: 2013999 prints no 基本支出
    assert (
        amounts(social, "raw_function_lines", table_code="T3", function_code="2013999", measure="basic") == []
    )
