"""PDFs dropped in the inbox reach the marts: the nightly job imports, lands, builds and reports them.

Runs the real job on the shared published PDFs (tests/fixtures/pdf) with a template and two unreadable files
beside them: the two disclosures load with zero rejected rows and their golden figures exact; the
publication's own contradiction is reported with its numbers; the unreadable files are listed, not fatal.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from budget_warehouse.validate import GATE_FAILED
from tests.conftest import run_in

FINANCE = "2024-上海市普陀区财政局"
SOCIAL_WORK = "2024-中共上海市普陀区委社会工作部"


def test_pdfs_in_the_inbox_are_published_and_unreadable_ones_listed(
    pdf_nightly: tuple[Path, Path, tuple[int, str, str]],
) -> None:
    _, warehouse, (code, out, err) = pdf_nightly
    # published; the gate fails because three inbox files could not be loaded (new rejections)
    assert code == GATE_FAILED, out[-3000:] + err[-3000:]
    assert "import: 5/5 documents" in out
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        disclosures = {
            row[0] for row in connection.execute("select disclosure_id from marts.dim_disclosure").fetchall()
        }
        rejected = connection.execute("select count(*) from marts.fct_rejected_rows").fetchone()
        not_loaded = dict(
            connection.execute(
                "select regexp_extract(source_file, '[^/]+$'), file_problem "
                "from marts.fct_load_reconciliation where raw_file_name is null"
            ).fetchall()
        )
    assert disclosures == {FINANCE, SOCIAL_WORK}
    assert rejected == (0,)
    assert not_loaded["shanghai_district_final_accounts_template_2024.pdf"].endswith(
        "template: placeholders, no figures"
    )
    assert "empty.pdf" in not_loaded["empty.pdf"]
    assert "not_a_pdf.pdf" in not_loaded["not_a_pdf.pdf"]


@pytest.mark.parametrize(
    ("disclosure", "fund", "code", "column", "amount"),
    [
        (FINANCE, "general_public_budget", "2010601", "actual_amount", "1511.89"),
        (FINANCE, "general_public_budget", "2010601", "basic_amount", "1503.52"),
        (FINANCE, "general_public_budget", "2010601", "project_amount", "8.37"),
        (FINANCE, "all_funds", "208", "actual_amount", "326.72"),
        (FINANCE, "all_funds", "2210203", "actual_amount", "258.50"),
        (SOCIAL_WORK, "general_public_budget", "20139", "actual_amount", "264.87"),
        (SOCIAL_WORK, "general_public_budget", "2013999", "project_amount", "202.24"),
    ],
)
def test_golden_figures_of_the_pdfs_are_exact_in_the_marts(
    pdf_nightly: tuple[Path, Path, tuple[int, str, str]],
    disclosure: str,
    fund: str,
    code: str,
    column: str,
    amount: str,
) -> None:
    _, warehouse, _ = pdf_nightly
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        row = connection.execute(
            f"select {column} from marts.fct_expenditure_by_function "
            "where disclosure_id = ? and fund_type = ? and function_code = ?",
            [disclosure, fund, code],
        ).fetchone()
    assert row == (Decimal(amount),)


def test_summary_and_economic_figures_of_the_finance_bureau(
    pdf_nightly: tuple[Path, Path, tuple[int, str, str]],
) -> None:
    _, warehouse, _ = pdf_nightly
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        summary = dict(
            connection.execute(
                "select item_code, amount from marts.fct_summary_lines where disclosure_id = ? and "
                "table_code = 'T1' and fund_type = 'all_funds' and item_code in "
                "('income_total', 'income_grand_total', 'carry_forward_begin', 'carry_forward_end')",
                [FINANCE],
            ).fetchall()
        )
        economic = connection.execute(
            "select actual_amount from marts.fct_basic_expenditure_by_economic_class "
            "where disclosure_id = ? and economic_code = '30102'",
            [FINANCE],
        ).fetchone()
    assert summary == {
        "income_total": Decimal("2946.25"),
        "income_grand_total": Decimal("2995.39"),
        "carry_forward_begin": Decimal("49.14"),
        "carry_forward_end": Decimal("55.34"),
    }
    assert economic == (Decimal("1238.58"),)


def test_the_publications_own_contradictions_are_found_and_nothing_else_fails(
    pdf_nightly: tuple[Path, Path, tuple[int, str, str]],
) -> None:
    _, warehouse, _ = pdf_nightly
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        failing = connection.execute(
            "select disclosure_id, rule_id, severity, subject, provided_value, expected_value, evidence_page "
            "from marts.fct_identity_checks where status = 'fail' order by 1, 2, 4"
        ).fetchall()
    assert failing == [
        # p21: 财政拨款收入支出总计 printed as 0.3 万元; T4 prints 总计 2961.68
        (
            FINANCE,
            "NAR-01",
            "error",
            "fiscal_appropriation_grand_total:T4:income:N04-01",
            Decimal("0.3"),
            Decimal("2961.68"),
            21,
        ),
        # p21: 一般公共服务支出 2106.66 of 2940.05 is 71.65%, printed 71.73% (the shares add to 100.07%)
        (FINANCE, "NAR-02", "error", "201:N07-03", Decimal("71.73"), Decimal("71.6538834373"), 21),
        # p23: the 人员经费 list names 个人农业生产补贴, blank in T6 (p17), and leaves out 奖励金, 0.31 in T6
        (FINANCE, "TXT-07", "warning", "人员经费:个人农业生产补贴:X043", None, None, 23),
        (FINANCE, "TXT-07", "warning", "人员经费:奖励金:X043", Decimal("0.31"), None, 23),
        # 208 社会保障和就业支出: T1 (p6) and T4 (p12) print 326.71; T2, T3, T5 and its 项 give 326.72
        (FINANCE, "XT-03", "error", "T1:all_funds:208 ↔ T3", Decimal("326.71"), Decimal("326.72"), 6),
        (
            FINANCE,
            "XT-04",
            "error",
            "T4:general_public_budget:208 ↔ T5",
            Decimal("326.71"),
            Decimal("326.72"),
            12,
        ),
        # p18: 住房保障支出 29.42 of 307.82 is 9.5575%, printed 9.55% (truncated, not rounded: a warning)
        (SOCIAL_WORK, "NAR-02", "warning", "221:N07-09", Decimal("9.55"), Decimal("9.5575336235"), 18),
        # p18: 完成年初预算的95.89% where the same sentence states 年初预算为0万元
        (SOCIAL_WORK, "NAR-06", "error", "C01", Decimal("95.89"), None, 18),
        # p20: the 公用经费 list names 邮电费, which T6 (p13) prints as 0.00
        (SOCIAL_WORK, "TXT-07", "warning", "公用经费:邮电费:X040", Decimal("0"), None, 20),
    ]


def test_a_completion_against_a_zero_budget_says_why(
    pdf_nightly: tuple[Path, Path, tuple[int, str, str]],
) -> None:
    _, warehouse, _ = pdf_nightly
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        row = connection.execute(
            "select message_zh, message_en, evidence_quote from marts.fct_identity_checks "
            "where disclosure_id = ? and rule_id = 'NAR-06' and subject = 'C01'",
            [SOCIAL_WORK],
        ).fetchone()
    assert row is not None
    message_zh, message_en, quote = row
    assert "分母为 0万元" in message_zh and "与其自身所述数字矛盾" in message_zh
    assert "a percentage of 0 is undefined" in message_en
    assert "完成年初预算的95.89%" in quote


def test_the_newly_founded_department_raises_no_false_alarm_on_its_changes(
    pdf_nightly: tuple[Path, Path, tuple[int, str, str]],
) -> None:
    """The social work department was founded in 2024: every change is 增加 x 万元, 增长 100.00%."""
    _, warehouse, _ = pdf_nightly
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        changes = connection.execute(
            "select rule_id, status, count(*) from marts.fct_identity_checks "
            "where disclosure_id = ? and rule_id in ('NAR-03', 'TXT-02', 'MY-02') group by all order by 1, 2",
            [SOCIAL_WORK],
        ).fetchall()
    assert changes == [
        ("MY-02", "insufficient_data", 1),  # no 2023 disclosure to compare with
        ("NAR-03", "insufficient_data", 4),  # growth from a zero base is undefined, not a failure
        ("TXT-02", "pass", 8),  # 增加 / 增长 with a positive change, the amount and percent agreeing
    ]


def test_findings_on_the_pdfs_carry_their_evidence(
    pdf_nightly: tuple[Path, Path, tuple[int, str, str]],
) -> None:
    _, warehouse, _ = pdf_nightly
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        missing = connection.execute(
            "select rule_id, subject from marts.fct_identity_checks where status = 'fail' and "
            "(source_document is null or evidence_page is null or evidence_bbox is null "
            "or evidence_quote is null)"
        ).fetchall()
        table_cell = connection.execute(
            "select source_document, evidence_bbox, evidence_quote from marts.fct_identity_checks "
            "where rule_id = 'XT-03' and status = 'fail'"
        ).fetchone()
        false_name_warnings = connection.execute(
            "select count(*) from marts.fct_identity_checks "
            "where rule_id in ('REF-04', 'REF-05') and status != 'pass'"
        ).fetchone()
    assert missing == []
    assert table_cell == (
        "shanghai_putuo_finance_bureau_2024_final_accounts.pdf",
        "506.2 418.9 536.5 429.9",
        "T1 八、社会保障和就业支出: 326.71",
    )
    # every 项 the narrative names by its own name is its reference name: no REF-04 / REF-05 warnings
    assert false_name_warnings == (0,)


def test_a_second_night_extracts_nothing_again(pdf_nightly: tuple[Path, Path, tuple[int, str, str]]) -> None:
    tmp_path, warehouse, _ = pdf_nightly
    code, out, err = run_in(tmp_path, tmp_path / "inbox", warehouse)
    assert code in (0, GATE_FAILED), out[-3000:] + err[-3000:]
    assert "import: 0/0 documents (nothing new)" in out
