"""Findings of the calculation, performance, reference, completeness and multi-year rules on the sample.

The sample (泸州市人力资源和社会保障局 2020) contradicts itself in known places; every other identity
it states holds, so the set of failures is pinned exactly: a new failure is a false failure until shown
otherwise.
"""

from __future__ import annotations

from decimal import Decimal

import duckdb

DISCLOSURE = "luzhou-hrss-2020"

RULES = (
    "NAR-06",
    "CMP-03",
    "PERF-01",
    "PERF-02",
    "PERF-03",
    "PERF-04",
    "PERF-05",
    "PERF-06",
    "PERF-07",
    "REF-01",
    "REF-02",
    "REF-03",
    "REF-04",
    "REF-05",
    "CMP-01",
    "CMP-02",
    "MY-01",
    "MY-02",
)

# The contradictions the document really contains, and nothing else.
EXPECTED_FAILURES: dict[str, set[str]] = {
    "NAR-06": {"C25", "C27", "C28"},
    "PERF-03": {"P1", "P5"},
    "PERF-04": {
        "P1#7",
        "P2#1",
        "P2#3",
        "P4#5",
        "P4#9",
        "P5#3",
        "P5#6",
        "P5#7",
        "P5#8",
        "P5#10",
        "P5#12",
    },
    "PERF-05": {"T01:P1", "T02", "T03"},
    "CMP-02": {"T04", "T05"},
    "REF-04": {
        "economic:30110:table:职工医疗保险缴费",
        "economic:30111:table:公务员医疗保险缴费",
        "economic:30239:table:其他交通费",
        "economic:30399:table:其他对个人和家庭的补助支出",
        "function:201:table_parent_names:一般公共预算服务",
        "function:2080110:narrative:劳动关系的维权",
        "function:2080110:table:劳动关系的维权",
        "function:2080199:narrative:其他人力资源和社会资源管理事务支出",
        "function:2080199:table:其他人力资源和社会资源管理事务支出",
        "function:2080712:glossary:高技能人才培训补助",
    },
    "REF-05": {"function:201", "function:2080110", "function:2080199", "function:2080712"},
}

Finding = tuple[str, Decimal | None, Decimal | None, str | None, str]


def findings(marts: duckdb.DuckDBPyConnection, rule_id: str) -> dict[str, Finding]:
    """subject -> (status, provided, expected, severity, message_en) of one rule on the sample."""
    rows = marts.execute(
        "select subject, status, provided_value, expected_value, severity, message_en "
        "from marts.fct_identity_checks where disclosure_id = ? and rule_id = ?",
        [DISCLOSURE, rule_id],
    ).fetchall()
    return {
        subject: (status, provided, expected, severity, message)
        for subject, status, provided, expected, severity, message in rows
    }


def test_only_the_known_contradictions_fail(marts: duckdb.DuckDBPyConnection) -> None:
    for rule_id in RULES:
        failed = {subject for subject, finding in findings(marts, rule_id).items() if finding[0] == "fail"}
        assert failed == EXPECTED_FAILURES.get(rule_id, set()), rule_id


def test_stated_calculations(marts: duckdb.DuckDBPyConnection) -> None:
    calculations = findings(marts, "NAR-06")
    # P4 travel: 3000 元/次 x 6 次 x 14 人 = 25.2 万元, stated 22 万元
    assert calculations["C25"][:3] == ("fail", Decimal("22"), Decimal("25.2"))
    # P2 subsidies: 898 x 1000 + 179 x 1400 + 80 x 2600 元 = 135.66 万元, stated 127.86
    assert calculations["C27"][:3] == ("fail", Decimal("127.86"), Decimal("135.66"))
    # 附件1: (483.12 - 333.50) / 333.50 = 44.86%, printed 44: truncated, a warning
    status, provided, expected, severity, _ = calculations["C28"]
    assert (status, provided, severity) == ("fail", Decimal("44"), "warning")
    assert expected is not None and Decimal("44.86") < expected < Decimal("44.87")
    # rent 2500 x 14 x 12 = 42 万元; 993 x 1000 元 = 99.3 万元; 235.85 / 1908.56 = 12.36%; 87.64% x 10 = 8.76
    for calculation_id, stated in (("C24", "42"), ("C23", "99.3"), ("C29", "12.36"), ("C33", "8.76")):
        assert calculations[calculation_id][:2] == ("pass", Decimal(stated)), calculation_id
    # 政府采购 585.50 = 5.50 + 0 + 580.00; 公务接待 5.67 = 0.23 + 2.69 + 2.75
    assert calculations["C07"][:3] == ("pass", Decimal("585.5"), Decimal("585.5"))
    assert calculations["C08"][:3] == ("pass", Decimal("5.67"), Decimal("5.67"))


def test_sub_counts_add_up(marts: duckdb.DuckDBPyConnection) -> None:
    counts = findings(marts, "CMP-03")
    assert {finding[0] for finding in counts.values()} == {"pass"}
    assert counts["C01"][1:3] == (Decimal("8"), Decimal("8"))  # 8 = 0 + 3 + 5
    assert counts["C03"][1:3] == (Decimal("88"), Decimal("88"))  # 88 = 56 + 32
    assert counts["C06"][1:3] == (Decimal("4"), Decimal("4"))  # 4 = 0 + 0 + 2 + 2 + 0
    assert counts["C12"][1:3] == (Decimal("1026"), Decimal("1026"))  # 1026 = 993 + 33


def test_execution_rates_and_costs(marts: duckdb.DuckDBPyConnection) -> None:
    rates = findings(marts, "PERF-01")
    stated = {subject.split()[0]: finding[1] for subject, finding in rates.items() if finding[0] == "pass"}
    assert stated == {
        "P1": Decimal("78.13"),
        "P2": Decimal("93.33"),
        "P3": Decimal("99.30"),
        "P4": Decimal("100.00"),
        "P5": Decimal("96.41"),
    }
    actual_costs = findings(marts, "PERF-02")
    assert actual_costs["P1"][:3] == ("pass", Decimal("507.87"), Decimal("507.87"))
    assert {actual_costs[project][0] for project in ("P4", "P5")} == {"pass"}
    assert {actual_costs[project][0] for project in ("P2", "P3")} == {"insufficient_data"}
    cost_targets = findings(marts, "PERF-03")
    assert cost_targets["P1"][:3] == ("fail", Decimal("650"), Decimal("550"))
    assert cost_targets["P5"][:3] == ("fail", Decimal("140"), Decimal("124.5"))
    assert cost_targets["P4"][0] == "pass"


def test_indicators_and_claims(marts: duckdb.DuckDBPyConnection) -> None:
    indicators = findings(marts, "PERF-04")
    assert indicators["P5#3"][:3] == ("fail", Decimal("0"), Decimal("3"))  # 线下培训 3 场 -> 0 场
    assert indicators["P2#3"][:3] == ("fail", Decimal("80"), Decimal("100"))  # 高级 100 -> 80
    assert indicators["P4#5"][:3] == ("fail", Decimal("45.01"), Decimal("42"))  # rent above its target
    assert indicators["P1#5"][0] == "insufficient_data"  # text against text
    claims = findings(marts, "PERF-05")
    # "项目资金预算支出完成率均在90%以上" against 507.87 / 650
    status, provided, expected, _, _ = claims["T01:P1"]
    assert (status, expected) == ("fail", Decimal("90"))
    assert provided is not None and round(provided, 2) == Decimal("78.13")
    # "已全部按时完成" 1170 against 898 + 179 + 80
    for claim_id in ("T02", "T03"):
        assert claims[claim_id][:3] == ("fail", Decimal("1157"), Decimal("1170")), claim_id


def test_scores_and_points(marts: duckdb.DuckDBPyConnection) -> None:
    scores = findings(marts, "PERF-06")
    assert scores["self_evaluation#7"][0] == "insufficient_data"
    assert {finding[0] for subject, finding in scores.items() if subject != "self_evaluation#7"} == {"pass"}
    (points,) = findings(marts, "PERF-07").values()
    assert points[:3] == ("insufficient_data", Decimal("90"), Decimal("100"))
    assert "11 of 12 items" in points[4]


def test_counts_and_empty_tables(marts: duckdb.DuckDBPyConnection) -> None:
    counts = findings(marts, "CMP-02")
    assert counts["T04"][:3] == ("fail", Decimal("8"), Decimal("6"))  # 8 units, 6 named in 第一部分 二
    assert counts["T05"][:4] == ("fail", Decimal("8"), Decimal("9"), "warning")  # 9 named in 附件1
    assert counts["T06"][:3] == ("pass", Decimal("5"), Decimal("5"))  # 5 projects
    empty_tables = findings(marts, "CMP-01")
    assert {subject: finding[0] for subject, finding in empty_tables.items()} == {
        "T8 government_fund": "pass",
        "T9 state_capital": "pass",
    }


def test_names_and_prior_year(marts: duckdb.DuckDBPyConnection) -> None:
    names = findings(marts, "REF-05")
    assert names["function:2080110"][1:3] == (Decimal("2"), Decimal("1"))
    assert "劳动关系和维权" in names["function:2080110"][4]
    for rule_id in ("MY-01", "MY-02"):
        (finding,) = findings(marts, rule_id).values()
        assert finding[0] == "insufficient_data"
        assert "previous year (2019)" in finding[4]
