"""The data stewards' side: findings with their decisions, the run-to-run summary and the nightly gate.

Stewards record decisions in seeds/steward_acknowledgements.csv; dbt loads them and
marts.fct_findings_reviewed shows each finding with its decision. The gate fails when a critical
expectation fails on something no steward has decided on.

`python -m budget_warehouse.review` (`make unacknowledged`) lists the failing findings that still need a
decision, from the published warehouse.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from pathlib import Path

from budget_warehouse.expectations import ExpectationOutcome
from budget_warehouse.gx_duckdb import open_read_only
from budget_warehouse.queryable import Queryable
from budget_warehouse.warehouse_paths import published_path

DECISIONS = ("accepted", "false_positive", "referred_back")
SEVERITY_ORDER = "case severity when 'error' then 0 when 'warning' then 1 else 2 end"


@dataclass(frozen=True)
class Finding:
    """One row of marts.fct_findings_reviewed. Amounts stay exact decimals from DuckDB to the report."""

    finding_id: str
    disclosure_id: str
    department_name: str | None
    fiscal_year: int | None
    rule_id: str
    family: str
    title_zh: str
    title_en: str
    severity: str
    subject: str
    subject_name: str | None
    provided_value: Decimal | None
    expected_value: Decimal | None
    difference: Decimal | None
    tolerance: Decimal | None
    unit: str | None
    status: str
    message_zh: str
    message_en: str
    source_sections: str | None
    # where the finding is printed, for a document imported from a PDF: its file, page, box and words
    source_document: str | None
    evidence_page: int | None
    evidence_bbox: str | None
    evidence_quote: str | None
    decision: str | None
    decided_by: str | None
    decided_on: date | None
    decision_note: str | None
    review_status: str

    @property
    def is_acknowledged(self) -> bool:
        return self.decision is not None


@dataclass(frozen=True)
class StaleDecision:
    """A decision on a finding id the findings mart no longer has."""

    finding_id: str
    decision: str
    decided_by: str | None
    decided_on: date | None
    decision_note: str | None


@dataclass(frozen=True)
class RunComparison:
    """This run's failing findings against the last run's."""

    failing: frozenset[str]
    previous: frozenset[str] | None
    acknowledged: frozenset[str]

    @property
    def new(self) -> frozenset[str]:
        return self.failing - (self.previous or frozenset())

    @property
    def resolved(self) -> frozenset[str]:
        return (self.previous or frozenset()) - self.failing

    @property
    def unacknowledged(self) -> frozenset[str]:
        return self.failing - self.acknowledged


@dataclass(frozen=True)
class Blocker:
    """A critical expectation failed on something not acknowledged (the finding ids, when it names them)."""

    outcome: ExpectationOutcome
    unacknowledged: tuple[str, ...]


_FINDING_COLUMNS = ", ".join(field.name for field in fields(Finding))


def read_findings(connection: Queryable, where: str = "status = 'fail'") -> list[Finding]:
    """Findings with their decisions, most severe first."""
    rows = connection.execute(
        f"select {_FINDING_COLUMNS} from marts.fct_findings_reviewed where {where} "
        f"order by {SEVERITY_ORDER}, disclosure_id, rule_id, subject"
    ).fetchall()
    return [Finding(*row) for row in rows]


def read_stale_decisions(connection: Queryable) -> list[StaleDecision]:
    rows = connection.execute(
        "select finding_id, decision, decided_by, decided_on, decision_note "
        "from marts.fct_stale_acknowledgements order by finding_id"
    ).fetchall()
    return [StaleDecision(*row) for row in rows]


def compare_runs(failing: list[Finding], previous: frozenset[str] | None) -> RunComparison:
    return RunComparison(
        failing=frozenset(finding.finding_id for finding in failing),
        previous=previous,
        acknowledged=frozenset(finding.finding_id for finding in failing if finding.is_acknowledged),
    )


def blocking_failures(outcomes: list[ExpectationOutcome], acknowledged: frozenset[str]) -> list[Blocker]:
    """Critical failures not covered by decisions. Only expectations about findings can be acknowledged, and
    only when GX named every failing finding; a broken grain or an error in GX always blocks."""
    blockers = []
    for outcome in outcomes:
        if outcome.success or outcome.severity != "critical":
            continue
        names_every_finding = (
            outcome.exception is None and len(outcome.finding_ids) == outcome.unexpected_count
        )
        if outcome.acknowledgeable and names_every_finding:
            unacknowledged = tuple(
                finding_id for finding_id in outcome.finding_ids if finding_id not in acknowledged
            )
            if unacknowledged:
                blockers.append(Blocker(outcome, unacknowledged))
        else:
            blockers.append(Blocker(outcome, ()))
    return blockers


def describe_finding(finding: Finding) -> str:
    subject = finding.subject_name or finding.subject
    return f"{finding.finding_id}  {finding.severity:<7}  {finding.rule_id}  {subject}: {finding.message_zh}"


def main(argv: list[str] | None = None) -> int:
    """List the failing findings of the published warehouse that no steward has decided on
    (`[--target duckdb|postgres] [WAREHOUSE_FILE]`)."""
    args = list(argv or [])
    target = "duckdb"
    if args[:1] == ["--target"] and len(args) >= 2:
        target, args = args[1], args[2:]
    if target == "postgres":
        from budget_warehouse import pg_warehouse

        prefix = pg_warehouse.published_prefix()
        where = f"{pg_warehouse.database_label()}, schemas {prefix}_*"
        how = (
            f"Record each in {prefix}_stewardship.decisions as a member of the steward role "
            f"(finding_id, decision: {' / '.join(DECISIONS)}, note); the next nightly takes them in."
        )
        with pg_warehouse.open_reader(prefix) as reader:
            return _list_open(reader, where, how)
    warehouse = Path(args[0]) if args else published_path()
    if not warehouse.exists():
        print(f"no warehouse at {warehouse}: run `make nightly` first", file=sys.stderr)
        return 1
    how = (
        f"Record each in seeds/steward_acknowledgements.csv as finding_id,decision ({' / '.join(DECISIONS)}),"
        "decided_by,decided_on,note and run `make nightly`."
    )
    with open_read_only(warehouse) as connection:
        return _list_open(connection, str(warehouse), how)


def _list_open(connection: Queryable, where: str, how: str) -> int:
    open_findings = read_findings(connection, where="review_status = 'open'")
    stale = read_stale_decisions(connection)
    for finding in open_findings:
        print(describe_finding(finding))
    if open_findings:
        print(f"{len(open_findings)} failing findings without a decision in {where}. {how}")
    else:
        print(f"every failing finding in {where} has a decision")
    for decision in stale:
        print(
            f"stale decision: {decision.finding_id} ({decision.decision}) names no current finding: remove it"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
