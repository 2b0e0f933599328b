"""Faults injected at known places: one per rule family of seeds/rules/rule_catalogue.csv, each a small
change to one disclosure's raw rows that the named rule must report as a failing finding.

Every fault targets a rule that passes (or is not applicable) on the sample, so a failing row of that rule
on the disclosure can only come from the fault. A fault may make other rules fail too (a changed 项 also
moves the narrative's totals out of line): only clean disclosures count for false alarms.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from budget_warehouse.bench.corpus import Copy, Row, Rows

# far outside any rounding envelope (0.005 x n 万元), and scaled with the disclosure like every other amount
FAULT_AMOUNT = Decimal("10.00")


def _row(rows: Rows, kind: str, **match: str) -> Row:
    for row in rows[kind]:
        if all(row[column] == value for column, value in match.items()):
            return row
    raise LookupError(f"the sample has no {kind} row with {match}: the fault cannot be placed")


def _add(row: Row, column: str, amount: Decimal) -> None:
    row[column] = format(Decimal(row[column]) + amount, "f")


def _shift(copy: Copy) -> Decimal:
    return FAULT_AMOUNT * copy.factor


def _hierarchy(rows: Rows, copy: Copy) -> None:
    # a 项 of the general budget grows: the stated total no longer equals the sum of the 类 (HIER-03)
    line = _row(rows, "raw_function_lines", function_code="2080101", measure="actual_total", table_code="T5")
    _add(line, "amount", _shift(copy))


def _row_identity(rows: Rows, copy: Copy) -> None:
    # 本年收入合计 as the income section states it no longer equals its sources (ROW-03)
    _add(_row(rows, "raw_narrative_figures", figure_id="N04-01"), "value", _shift(copy))


def _balance(rows: Rows, copy: Copy) -> None:
    # the grand totals stated apart, and apart by more than a cent (BAL-03)
    combined = _row(rows, "raw_narrative_figures", figure_id="N03-01")
    for figure_id, subject_code, name, shift in (
        ("NB-01", "income_grand_total", "收入总计", Decimal(0)),
        ("NB-02", "expenditure_grand_total", "支出总计", _shift(copy)),
    ):
        stated = dict(combined, figure_id=figure_id, subject_code=subject_code, subject_name=name)
        stated["section"] = "合成 收入支出总计"
        stated["source_quote"] = f"{name} {stated['value']} 万元"
        _add(stated, "value", shift)
        rows["raw_narrative_figures"].append(stated)


def _economic(rows: Rows, copy: Copy) -> None:
    # 基本工资 grows: 人员经费 as stated is no longer 301 + 303 (ECO-01)
    _add(
        _row(rows, "raw_economic_lines", economic_code="30101", measure="actual_total"),
        "amount",
        _shift(copy),
    )


def _three_public(rows: Rows, copy: Copy) -> None:
    # 国内公务接待 grows: 公务接待费 is no longer 国内 + 外事 (TPE-02)
    item = _row(rows, "raw_three_public_expenses", item_code="reception_domestic", measure="actual_total")
    _add(item, "amount", _shift(copy))


def _cross_table(rows: Rows, copy: Copy) -> None:
    # the 职业年金 项 no longer matches its economic item 30109 (XT-01)
    line = _row(rows, "raw_function_lines", function_code="2080506", measure="actual_total", table_code="T5")
    _add(line, "amount", _shift(copy))


def _narrative(rows: Rows, copy: Copy) -> None:
    # 基本支出's stated share is ten points off (NAR-02)
    _add(_row(rows, "raw_narrative_figures", figure_id="N05-03"), "value", Decimal(10))


def _performance(rows: Rows, copy: Copy) -> None:
    # a self-evaluation item scored above its points (PERF-06)
    _add(_row(rows, "raw_self_evaluation_items", item_no="1"), "score", Decimal(1))


def _reference(rows: Rows, copy: Copy) -> None:
    # the glossary names a 项 that does not exist (its parent 20899 does) (REF-02)
    _row(rows, "raw_code_definitions", function_code="2011099")["function_code"] = "2089998"


def _completeness(rows: Rows, copy: Copy) -> None:
    # one more 行政单位 than the stated 下属二级单位 allow: 0 + 3 + 5 no longer 8 (CMP-03)
    _add(_row(rows, "raw_narrative_figures", figure_id="N02-02"), "value", Decimal(1))


def _multi_year(rows: Rows, copy: Copy) -> None:
    # nothing changes in the disclosure itself: its predecessor (see PREDECESSOR_FAMILIES) is a copy of the
    # same figures a year earlier, which contradicts every last-year figure its changes imply (MY-02)
    return


@dataclass(frozen=True)
class Fault:
    family: str
    rule_id: str
    what: str
    mutate: Callable[[Rows, Copy], None]


FAULTS = (
    Fault("hierarchy", "HIER-03", "a 项 amount changed: the total is not the sum of the 类", _hierarchy),
    Fault("row_identity", "ROW-03", "本年收入合计 changed: not the sum of the sources", _row_identity),
    Fault("balance", "BAL-03", "收入总计 and 支出总计 stated apart and different", _balance),
    Fault("economic", "ECO-01", "基本工资 changed: 人员经费 is not 301 + 303", _economic),
    Fault("three_public", "TPE-02", "国内公务接待 changed: 公务接待费 is not 国内 + 外事", _three_public),
    Fault("cross_table", "XT-01", "2080506 changed: not equal to economic item 30109", _cross_table),
    Fault("narrative", "NAR-02", "a share ten points off", _narrative),
    Fault("performance", "PERF-06", "a score above its points", _performance),
    Fault("reference", "REF-02", "a glossary code that does not exist that year", _reference),
    Fault("completeness", "CMP-03", "sub-counts no longer add up to the stated count", _completeness),
    Fault("multi_year", "MY-02", "last year's disclosure contradicts the stated changes", _multi_year),
)
# families whose fault is a second disclosure, the year before, of the same department
PREDECESSOR_FAMILIES = frozenset({"multi_year"})
