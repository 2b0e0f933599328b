"""Findings against the ground truth: recall per rule family and false alarms, computed inside DuckDB.

An injected fault is found when marts.fct_identity_checks has a failing row of the fault's rule for that
disclosure. A false alarm is a failing (rule, subject) on a clean disclosure that the clean baseline of the
same scale factor does not have: the sample's own contradictions are real and are not alarms, and an
identity that holds only within rounding fails once scaled (budget_warehouse.bench.corpus), in the
baseline too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from budget_warehouse.bench.generate import CLEAN, FAULTY, Planted

_RECALL = """
select
    planted.family,
    count(*) as injected,
    count(*) filter (
        where exists (
            select 1 from marts.fct_identity_checks as checks
            where checks.disclosure_id = planted.disclosure_id
                and checks.rule_id = planted.rule_id
                and checks.status = 'fail'
        )
    ) as found
from planted
where planted.role = ?
group by planted.family
order by planted.family
"""

_FALSE_ALARMS = """
with failures as (
    select disclosure_id, rule_id, subject from marts.fct_identity_checks where status = 'fail'
),
compared as (
    select disclosure_id, baseline_id from planted where role = ? and disclosure_id <> baseline_id
)
select failures.disclosure_id, failures.rule_id, failures.subject
from failures
inner join compared using (disclosure_id)
where not exists (
    select 1 from failures as baseline
    where baseline.disclosure_id = compared.baseline_id
        and baseline.rule_id = failures.rule_id
        and baseline.subject = failures.subject
)
order by all
"""

_PLANTED_TABLE = """
create temp table planted (
    disclosure_id varchar, role varchar, family varchar, rule_id varchar, baseline_id varchar
)
"""


@dataclass(frozen=True)
class FamilyRecall:
    family: str
    injected: int
    found: int

    @property
    def recall(self) -> float:
        return self.found / self.injected if self.injected else 1.0


@dataclass(frozen=True)
class Score:
    recall: tuple[FamilyRecall, ...]
    clean_disclosures: int
    baselines: int
    false_alarms: tuple[tuple[str, str, str], ...]


def baselines_by_factor(planted: list[Planted]) -> dict[int, str]:
    """The first clean disclosure of each scale factor."""
    baselines: dict[int, str] = {}
    for row in planted:
        if row.role == CLEAN:
            baselines.setdefault(row.factor, row.disclosure_id)
    return baselines


def score(warehouse: Path, planted: list[Planted]) -> Score:
    """Recall per family and the false alarms, read from the published warehouse (read-only)."""
    baselines = baselines_by_factor(planted)
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        connection.execute(_PLANTED_TABLE)
        connection.executemany(
            "insert into planted values (?, ?, ?, ?, ?)",
            [
                (row.disclosure_id, row.role, row.family, row.rule_id, baselines.get(row.factor))
                for row in planted
            ],
        )
        recall = tuple(
            FamilyRecall(str(family), int(injected), int(found))
            for family, injected, found in connection.execute(_RECALL, [FAULTY]).fetchall()
        )
        alarms = tuple(
            (str(disclosure), str(rule), str(subject))
            for disclosure, rule, subject in connection.execute(_FALSE_ALARMS, [CLEAN]).fetchall()
        )
    return Score(
        recall=recall,
        clean_disclosures=sum(row.role == CLEAN for row in planted) - len(baselines),
        baselines=len(baselines),
        false_alarms=alarms,
    )
