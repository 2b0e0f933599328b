"""What the same machine does with plain DuckDB SQL and no dbt: the yardstick the dbt build is compared to.

It reads every raw kind of the corpus once (as the landing step and staging do), computes the functional
roll-up (项 → 款 → 类 sums per disclosure x table x fund x measure) and two identity checks: a stated 类 or
款 line equals the sum of its children, and the narrative's stated total of the general budget equals the
sum of its 类. Amounts are DECIMAL throughout.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from budget_warehouse.landing.contract import raw_kinds

_ROLL_UP = """
create table function_rollup as
with lines as (
    select
        disclosure_id, table_code, fund_type, measure, function_code,
        cast(amount as decimal(38, 4)) as amount
    from raw_function_lines
    where amount is not null and trim(amount) <> ''
),
items as (select * from lines where length(function_code) = 7),
by_kuan as (
    select
        disclosure_id, table_code, fund_type, measure, left(function_code, 5) as code, sum(amount) as amount
    from items group by all
),
by_lei as (
    select disclosure_id, table_code, fund_type, measure, left(code, 3) as code, sum(amount) as amount
    from by_kuan group by all
)
select *, 5 as code_length from by_kuan
union all
select *, 3 as code_length from by_lei
"""

_PARENT_EQUALS_CHILDREN = """
select count(*) filter (where abs(stated.amount - rolled.amount) > 0.005 * 2) as failing, count(*) as checked
from (
    select disclosure_id, table_code, fund_type, measure, function_code as code,
        cast(amount as decimal(38, 4)) as amount
    from raw_function_lines
    where length(function_code) in (3, 5) and trim(amount) <> ''
) as stated
inner join function_rollup as rolled using (disclosure_id, table_code, fund_type, measure, code)
"""

_TOTAL_EQUALS_SUM_OF_LEI = """
select count(*) filter (where abs(stated.amount - rolled.amount) > 0.005 * rolled.cells) as failing,
    count(*) as checked
from (
    select disclosure_id, cast(value as decimal(38, 4)) as amount
    from raw_narrative_figures
    where subject_code = 'general_budget_expenditure' and metric = 'amount' and unit = '万元'
) as stated
inner join (
    select disclosure_id, sum(amount) as amount, count(*) as cells
    from function_rollup
    where code_length = 3 and table_code = 'T5' and fund_type = 'general_public_budget'
        and measure = 'actual_total'
    group by disclosure_id
) as rolled using (disclosure_id)
"""


@dataclass(frozen=True)
class BaselineResult:
    seconds: float
    raw_rows: int
    rollup_rows: int
    parent_checks: tuple[int, int]
    total_checks: tuple[int, int]


def _read_raw(connection: duckdb.DuckDBPyConnection, raw_dir: Path) -> int:
    """Every raw kind as a table of text columns, like the landing step lands them."""
    rows = 0
    for kind in raw_kinds():
        files = sorted(str(path) for path in raw_dir.glob(f"{kind.name}*.csv") if kind.matches(path.name))
        if not files:
            continue
        connection.execute(
            f"create table {kind.name} as select * from read_csv(?, all_varchar = true, header = true)",
            [files],
        )
        (count,) = connection.execute(f"select count(*) from {kind.name}").fetchone() or (0,)
        rows += int(count)
    return rows


def _counts(connection: duckdb.DuckDBPyConnection, query: str) -> tuple[int, int]:
    failing, checked = connection.execute(query).fetchone() or (0, 0)
    return int(failing or 0), int(checked or 0)


def run_baseline(raw_dir: Path) -> BaselineResult:
    """The whole baseline in one in-memory DuckDB, timed from the first read to the last check."""
    started = time.monotonic()
    with duckdb.connect(":memory:") as connection:
        raw_rows = _read_raw(connection, raw_dir)
        connection.execute(_ROLL_UP)
        (rollup_rows,) = connection.execute("select count(*) from function_rollup").fetchone() or (0,)
        parent_checks = _counts(connection, _PARENT_EQUALS_CHILDREN)
        total_checks = _counts(connection, _TOTAL_EQUALS_SUM_OF_LEI)
    return BaselineResult(
        seconds=time.monotonic() - started,
        raw_rows=raw_rows,
        rollup_rows=int(rollup_rows),
        parent_checks=parent_checks,
        total_checks=total_checks,
    )
