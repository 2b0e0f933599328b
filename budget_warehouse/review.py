"""The data stewards' side: findings with their decisions, the run-to-run summary and the nightly gate.

Stewards record decisions in seeds/steward_acknowledgements.csv; dbt loads them and
marts.fct_findings_reviewed shows each finding with its decision. The gate fails when a critical
expectation fails on something no steward has decided on.

`python -m budget_warehouse.review` (`make unacknowledged`) lists the failing findings that still need a
decision, from the published warehouse.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal

from budget_warehouse.expectations import ExpectationOutcome
from budget_warehouse.gx_duckdb import open_read_only
from budget_warehouse.queryable import FETCH_ROWS, Queryable, stream
from budget_warehouse.targets import published_reader_arguments
from budget_warehouse.warehouse_paths import published_path

DECISIONS = ("accepted", "false_positive", "referred_back")
SEVERITY_ORDER = "case severity when 'error' then 0 when 'warning' then 1 else 2 end"
# The report's order: most severe first. A disclosure's page lists its own findings in the same order.
REPORT_ORDER = f"{SEVERITY_ORDER}, disclosure_id, rule_id, subject"
FINDINGS_MART = "marts.fct_findings_reviewed"
# The last run's failing finding ids, loaded into a temporary table of the report's connection
# (report.load_previous_finding_ids): "new" and "resolved" are counted in SQL, never as Python sets.
PREVIOUS_IDS = "previous_finding_ids"
# F- and 12 hex digits: the finding ids before they were widened to 16
OLDER_ID_LENGTH = 14
# A relation the findings are read from: the mart, or in tests a table of the same columns.
_RELATION = re.compile(r"[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?")


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
    # the finding an id of the older, 12-hex-digit form names now, when exactly one does
    current_finding_id: str | None


@dataclass(frozen=True)
class RunComparison:
    """This run's failing findings against the last run's, counted in SQL. Only the ids with a decision are
    held (the gate exempts them): there are as many as stewards have written, not as many as findings."""

    failing: int
    new: int
    resolved: int
    acknowledged: frozenset[str]
    has_previous: bool

    @property
    def unacknowledged(self) -> int:
        return self.failing - len(self.acknowledged)


@dataclass(frozen=True)
class Blocker:
    """A critical expectation failed on something not acknowledged (the finding ids, when it names them)."""

    outcome: ExpectationOutcome
    unacknowledged: tuple[str, ...]


_FINDING_COLUMNS = ", ".join(field.name for field in fields(Finding))


def checked_relation(relation: str) -> str:
    if not _RELATION.fullmatch(relation):
        raise ValueError(f"not a table name: {relation!r}")
    return relation


def _findings_query(where: str, relation: str, order: str, limit: int | None) -> str:
    query = f"select {_FINDING_COLUMNS} from {checked_relation(relation)} where {where} order by {order}"
    return query if limit is None else f"{query} limit {int(limit)}"


def read_findings(
    connection: Queryable,
    where: str = "status = 'fail'",
    parameters: Sequence[object] = (),
    relation: str = FINDINGS_MART,
    order: str = REPORT_ORDER,
    limit: int | None = None,
) -> list[Finding]:
    """Findings with their decisions, most severe first: for lists that are short by nature or by `limit`."""
    rows = connection.execute(_findings_query(where, relation, order, limit), list(parameters)).fetchall()
    return [Finding(*row) for row in rows]


def iter_findings(
    connection: Queryable,
    where: str = "status = 'fail'",
    parameters: Sequence[object] = (),
    relation: str = FINDINGS_MART,
    order: str = REPORT_ORDER,
) -> Iterator[Finding]:
    """The same findings streamed a batch at a time (queryable.stream), so a caller holds at most
    FETCH_ROWS of them. On DuckDB the stream is another connection: it does not see the temporary tables of
    `connection`."""
    for row in stream(connection, _findings_query(where, relation, order, None), parameters, FETCH_ROWS):
        yield Finding(*row)


def stale_advice(decision: StaleDecision) -> str:
    if decision.current_finding_id:
        return f"is an id of the older form: replace it with {decision.current_finding_id}"
    return "names no current finding: remove it"


def read_stale_decisions(connection: Queryable) -> list[StaleDecision]:
    rows = connection.execute(
        "select finding_id, decision, decided_by, decided_on, decision_note, current_finding_id "
        "from marts.fct_stale_acknowledgements order by finding_id"
    ).fetchall()
    return [StaleDecision(*row) for row in rows]


def compare_runs(connection: Queryable, has_previous: bool, relation: str = FINDINGS_MART) -> RunComparison:
    """This run's failing findings against the last run's ids (the PREVIOUS_IDS table, when has_previous),
    counted in SQL."""
    failing = f"select finding_id from {checked_relation(relation)} where status = 'fail'"
    failing_total = f"select count(*) from (select distinct finding_id from ({failing}) as now_ids) as now"
    previous = f"select finding_id from {PREVIOUS_IDS}"
    # a last run from before ids were widened listed them with 12 hex digits: compare that many, once
    older_form = f"exists (select 1 from {PREVIOUS_IDS} where length(finding_id) = {OLDER_ID_LENGTH})"
    comparable = (
        f"select case when {older_form} then left(finding_id, {OLDER_ID_LENGTH}) else finding_id end "
        f"from {checked_relation(relation)} where status = 'fail'"
    )
    # EXCEPT rather than DuckDB's ANTI JOIN: the same query runs on PostgreSQL (EXCEPT is distinct, as the
    # ids are counted); every subquery named, as PostgreSQL before 16 requires
    counts = (
        f"""
        select
            ({failing_total}),
            (select count(*) from ({comparable} except {previous}) as new_ids),
            (select count(*) from ({previous} except {comparable}) as resolved_ids)
        """
        if has_previous
        # without an earlier run every failing finding is new and none resolved
        else f"select ({failing_total}), ({failing_total}), 0"
    )
    row = connection.execute(counts).fetchone()
    failing_count, new, resolved = row if row else (0, 0, 0)
    acknowledged = connection.execute(
        f"select finding_id from {relation} where status = 'fail' and decision is not null"
    ).fetchall()
    return RunComparison(
        failing=int(failing_count),
        new=int(new),
        resolved=int(resolved),
        acknowledged=frozenset(str(finding_id) for (finding_id,) in acknowledged),
        has_previous=has_previous,
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
    options = published_reader_arguments(
        "python -m budget_warehouse.review",
        "List the failing findings no steward has decided on yet.",
        list(sys.argv[1:] if argv is None else argv),
    )
    if options.target == "postgres":
        from budget_warehouse import pg_warehouse

        prefix = pg_warehouse.published_prefix()
        where = f"{pg_warehouse.database_label()}, schemas {prefix}_*"
        how = (
            f"Record each in {prefix}_stewardship.decisions as a member of the steward role "
            f"(finding_id, decision: {' / '.join(DECISIONS)}, note); the next nightly takes them in."
        )
        with pg_warehouse.open_reader(prefix) as reader:
            return _list_open(reader, where, how)
    warehouse = options.warehouse or published_path()
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
    open_count = 0
    for finding in iter_findings(connection, where="review_status = 'open'"):
        print(describe_finding(finding))
        open_count += 1
    stale = read_stale_decisions(connection)
    if open_count:
        print(f"{open_count} failing findings without a decision in {where}. {how}")
    else:
        print(f"every failing finding in {where} has a decision")
    for decision in stale:
        print(f"stale decision: {decision.finding_id} ({decision.decision}) {stale_advice(decision)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
