"""The checks find the sample disclosure's real contradictions, with their numbers, and nothing else."""

from __future__ import annotations

import hashlib
from decimal import Decimal

import duckdb

DISCLOSURE = "luzhou-hrss-2020"
CORE_FAMILIES = ("hierarchy", "row_identity", "balance", "economic", "three_public", "cross_table")
CORE_NARRATIVE_RULES = ("NAR-01", "NAR-02", "NAR-03", "NAR-04", "NAR-05")

Finding = tuple[str, str, Decimal | None, Decimal | None, Decimal | None, str, str]


def failures(marts: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], Finding]:
    rows = marts.execute(
        "select rule_id, subject, provided_value, expected_value, difference, severity, "
        "message_zh, message_en "
        "from marts.fct_identity_checks where disclosure_id = ? and status = 'fail' "
        "and (family in ? or rule_id in ?)",
        [DISCLOSURE, list(CORE_FAMILIES), list(CORE_NARRATIVE_RULES)],
    ).fetchall()
    return {
        (row[0], row[1]): (row[0], row[1], row[2], row[3], row[4], row[5], row[6] + " " + row[7])
        for row in rows
    }


def test_exactly_the_documents_contradictions_fail(marts: duckdb.DuckDBPyConnection) -> None:
    assert set(failures(marts)) == {
        ("ECO-02", "public_cost:N10-03"),
        ("NAR-01", "221:N08-40"),
        ("NAR-03", "income_expenditure_grand_total:N03-03"),
        ("NAR-03", "fiscal_appropriation_grand_total:N06-03"),
        ("NAR-03", "vehicle_total:N12-14"),
        ("NAR-05", "221:amount:N08-40"),
        ("NAR-05", "221:share_pct:N08-41"),
        ("NAR-05", "basic_expenditure:amount:N29-02"),
        ("NAR-05", "project_expenditure:amount:N29-04"),
    }


def test_one_figure_stated_twice_with_two_values(marts: duckdb.DuckDBPyConnection) -> None:
    found = failures(marts)
    _, _, provided, expected, difference, severity, _ = found[("NAR-05", "basic_expenditure:amount:N29-02")]
    assert (provided, expected, difference, severity) == (
        Decimal("1837.05"),
        Decimal("1837.06"),
        Decimal("-0.01"),
        "error",
    )
    _, _, provided, expected, difference, _, _ = found[("NAR-05", "project_expenditure:amount:N29-04")]
    assert (provided, expected, difference) == (Decimal("4379.19"), Decimal("4379.18"), Decimal("0.01"))
    _, _, provided, expected, _, _, _ = found[("NAR-05", "221:amount:N08-40")]
    assert (provided, expected) == (Decimal("0"), Decimal("178.66"))


def test_the_housing_class_listed_twice(marts: duckdb.DuckDBPyConnection) -> None:
    _, _, provided, expected, difference, _, message = failures(marts)[("NAR-01", "221:N08-40")]
    assert (provided, expected, difference) == (Decimal("0"), Decimal("178.66"), Decimal("-178.66"))
    assert "178.66" in message


def test_change_percent_computed_on_the_wrong_base(marts: duckdb.DuckDBPyConnection) -> None:
    # 收、支总计 fell by 79.78 from 12512.26: 0.64%, not the 1.27% printed (79.78 / 6296.02)
    _, _, provided, expected, _, severity, _ = failures(marts)[
        ("NAR-03", "income_expenditure_grand_total:N03-03")
    ]
    assert provided == Decimal("-1.27")
    assert expected is not None and round(expected, 2) == Decimal("-0.64")
    assert severity == "error"


def test_a_truncated_percentage_is_a_warning(marts: duckdb.DuckDBPyConnection) -> None:
    # 公务用车 fell by 2.58 from 14.89: 17.327%, printed 17.32 (cut, not rounded)
    _, _, provided, expected, _, severity, message = failures(marts)[("NAR-03", "vehicle_total:N12-14")]
    assert provided == Decimal("-17.32")
    assert expected is not None and round(expected, 3) == Decimal("-17.327")
    assert severity == "warning"
    assert "truncated" in message


def test_an_open_list_is_a_warning_and_says_why(marts: duckdb.DuckDBPyConnection) -> None:
    _, _, provided, expected, difference, severity, message = failures(marts)[
        ("ECO-02", "public_cost:N10-03")
    ]
    assert (provided, expected, difference) == (Decimal("167.07"), Decimal("165.41"), Decimal("1.66"))
    assert severity == "warning"
    assert "等" in message


def test_identities_that_hold_pass_or_round(marts: duckdb.DuckDBPyConnection) -> None:
    statuses = dict(
        marts.execute(
            "select subject, status from marts.fct_identity_checks "
            "where disclosure_id = ? and rule_id = 'ECO-03'",
            [DISCLOSURE],
        ).fetchall()
    )
    # 1669.98 + 167.07 = 1837.05 against 1837.06: one cent, inside 0.005 x 2
    assert statuses == {
        "basic_expenditure:N05-02": "rounding",
        "basic_expenditure:N10-01": "rounding",
        "basic_expenditure:N29-02": "pass",
    }
    cross_table = marts.execute(
        "select list(distinct status) from marts.fct_identity_checks "
        "where disclosure_id = ? and rule_id = 'XT-01'",
        [DISCLOSURE],
    ).fetchone()
    assert cross_table == (["pass"],)


def test_every_rule_answers_and_quality_counts_add_up(marts: duckdb.DuckDBPyConnection) -> None:
    rules, checks = marts.execute(
        "select count(distinct rule_id), count(*) from marts.fct_identity_checks where disclosure_id = ?",
        [DISCLOSURE],
    ).fetchone() or (0, 0)
    catalogue = marts.execute("select count(*) from reference.rule_catalogue").fetchone()
    assert catalogue == (rules,)
    quality = marts.execute(
        "select checks_total, checks_run + checks_not_run, pass_count + rounding_count + fail_count "
        "+ not_applicable_count + insufficient_data_count from marts.fct_disclosure_quality "
        "where disclosure_id = ?",
        [DISCLOSURE],
    ).fetchone()
    assert quality == (checks, checks, checks)


def test_finding_ids_are_stable(marts: duckdb.DuckDBPyConnection) -> None:
    subject = "basic_expenditure:amount:N29-02"
    finding_id = marts.execute(
        "select finding_id from marts.fct_identity_checks where disclosure_id = ? and rule_id = 'NAR-05' "
        "and subject = ?",
        [DISCLOSURE, subject],
    ).fetchone()
    # derived from what the finding is about, never from a run: the same finding keeps its id
    digest = hashlib.md5(f"{DISCLOSURE}|NAR-05|{subject}".encode()).hexdigest()[:16]
    assert finding_id == (f"F-{digest}",)
