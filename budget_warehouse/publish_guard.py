"""Before a build replaces the published warehouse: refuse a publish that would lose data.

A bad raw file can reject a whole disclosure and every row that names it; the build still succeeds, and
publishing it would replace a good warehouse with an empty one. The guard compares the new build with the
published one: a disclosure that disappears, a mart that becomes empty, or a mart that loses more than
`max_shrink` of its rows refuses the publish, unless the run allows it explicitly (`--allow-shrink`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from budget_warehouse.queryable import Queryable

MARTS_SCHEMA = "marts"
# Lists of problems: fewer rows there is good news, never a loss.
SHRINK_EXEMPT = frozenset(("fct_rejected_rows", "fct_stale_acknowledgements"))
DEFAULT_MAX_SHRINK = 0.5
SHOWN_DISCLOSURES = 10


@dataclass(frozen=True)
class Snapshot:
    disclosures: frozenset[str]
    mart_rows: dict[str, int]


def snapshot(database: Path) -> Snapshot:
    """Disclosure ids and row counts per mart, read with the file opened read-only."""
    with duckdb.connect(str(database), read_only=True) as connection:
        return snapshot_of(connection, MARTS_SCHEMA)


def snapshot_of(connection: Queryable, marts_schema: str) -> Snapshot:
    """Disclosure ids and row counts per mart of marts_schema, on any engine the connection speaks to."""
    tables = [
        row[0]
        for row in connection.execute(
            "select table_name from information_schema.tables "
            "where table_schema = ? and table_type = 'BASE TABLE' order by 1",
            [marts_schema],
        ).fetchall()
    ]
    mart_rows = {}
    for table in tables:
        counted = connection.execute(f'select count(*) from "{marts_schema}"."{table}"').fetchall()
        mart_rows[table] = int(counted[0][0]) if counted else 0
    disclosures: frozenset[str] = frozenset()
    if "dim_disclosure" in tables:
        query = f'select disclosure_id from "{marts_schema}".dim_disclosure'
        disclosures = frozenset(row[0] for row in connection.execute(query).fetchall())
    return Snapshot(disclosures=disclosures, mart_rows=mart_rows)


def shrink_reasons(published: Snapshot, built: Snapshot, max_shrink: float) -> list[str]:
    """Why the new build would lose data against the published one; empty when it would not."""
    reasons = []
    lost = sorted(published.disclosures - built.disclosures)
    if lost:
        shown = ", ".join(lost[:SHOWN_DISCLOSURES]) + (" ..." if len(lost) > SHOWN_DISCLOSURES else "")
        reasons.append(f"{len(lost)} disclosure(s) of the published warehouse would disappear: {shown}")
    for table, before in sorted(published.mart_rows.items()):
        if table in SHRINK_EXEMPT or before == 0:
            continue
        after = built.mart_rows.get(table)
        if after is None:
            reasons.append(f"marts.{table} would disappear ({before} rows published)")
        elif after == 0:
            reasons.append(f"marts.{table} would become empty ({before} rows published)")
        elif (before - after) / before > max_shrink:
            reasons.append(
                f"marts.{table} would shrink from {before} to {after} rows (more than {max_shrink:.0%} fewer)"
            )
    return reasons
