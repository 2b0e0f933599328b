"""The calculation, performance, reference, completeness and multi-year rules on the check fixtures.

tests/fixtures/checks holds one consistent and one contradictory department (2020, with their 2019
disclosures). This test builds the files this family owns (`*__perf.csv`) with the shared
raw_disclosures.csv through the bulk path, so that it depends on no other family's fixture rows: every
rule passes at least once and never fails on fx-consistent-2020, and fails at least once on
fx-contradictory-2020.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from decimal import Decimal

import duckdb
import pytest

from tests.conftest import PROJECT_DIR, built_and_published, run_nightly

FIXTURE_DIR = PROJECT_DIR / "tests" / "fixtures" / "checks"
CONSISTENT = "fx-consistent-2020"
CONTRADICTORY = "fx-contradictory-2020"

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


@pytest.fixture(scope="module")
def fixture_findings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    tmp_dir = tmp_path_factory.mktemp("checks_perf")
    raw_dir = tmp_dir / "raw"
    raw_dir.mkdir()
    for path in [FIXTURE_DIR / "raw_disclosures.csv", *sorted(FIXTURE_DIR.glob("*__perf.csv"))]:
        shutil.copy(path, raw_dir / path.name)
    warehouse = tmp_dir / "fixture.duckdb"
    result = run_nightly(tmp_dir, warehouse, "--vars", f"{{raw_files_dir: '{raw_dir}'}}")
    # the contradictory disclosure trips the stewards' gate by design: the build itself must publish
    assert built_and_published(result), result.stdout[-4000:] + result.stderr[-4000:]
    connection = duckdb.connect(str(warehouse), read_only=True)
    rejected = connection.execute("select count(*) from marts.fct_rejected_rows").fetchone()
    assert rejected == (0,), "the fixture itself must satisfy the raw contract"
    yield connection
    connection.close()


def statuses(connection: duckdb.DuckDBPyConnection, disclosure_id: str, rule_id: str) -> list[str]:
    rows = connection.execute(
        "select status from marts.fct_identity_checks where disclosure_id = ? and rule_id = ?",
        [disclosure_id, rule_id],
    ).fetchall()
    return [status for (status,) in rows]


def finding(
    connection: duckdb.DuckDBPyConnection, disclosure_id: str, rule_id: str, subject: str
) -> tuple[str, Decimal | None, Decimal | None]:
    row = connection.execute(
        "select status, provided_value, expected_value from marts.fct_identity_checks "
        "where disclosure_id = ? and rule_id = ? and subject = ?",
        [disclosure_id, rule_id, subject],
    ).fetchone()
    assert row is not None, (disclosure_id, rule_id, subject)
    status, provided, expected = row
    return status, provided, expected


@pytest.mark.parametrize("rule_id", RULES)
def test_consistent_disclosure_passes(fixture_findings: duckdb.DuckDBPyConnection, rule_id: str) -> None:
    found = statuses(fixture_findings, CONSISTENT, rule_id)
    assert "fail" not in found, found
    assert {"pass", "rounding"} & set(found), found


@pytest.mark.parametrize("rule_id", RULES)
def test_contradictory_disclosure_fails(fixture_findings: duckdb.DuckDBPyConnection, rule_id: str) -> None:
    assert "fail" in statuses(fixture_findings, CONTRADICTORY, rule_id)


def test_contradictions_carry_their_numbers(fixture_findings: duckdb.DuckDBPyConnection) -> None:
    expected = {
        ("NAR-06", "PC-02"): ("fail", Decimal("5"), Decimal("4")),  # 80 人 x 500 元 = 4 万元
        ("NAR-06", "PC-04"): ("fail", Decimal("10.5"), Decimal("10.25")),
        ("CMP-03", "PC-01"): ("fail", Decimal("5"), Decimal("4")),
        ("PERF-01", "P1 PF-04"): ("fail", Decimal("80"), Decimal("75")),
        ("PERF-02", "P1"): ("fail", Decimal("150"), Decimal("140")),
        ("PERF-05", "PT-02"): ("fail", Decimal("150"), Decimal("200")),
        ("PERF-07", "self_evaluation"): ("fail", Decimal("90"), Decimal("100")),
        ("CMP-02", "PT-03"): ("fail", Decimal("5"), Decimal("3")),
        ("MY-01", "fx-contradictory-2019:government_fund:229"): ("fail", Decimal("10"), Decimal("8")),
        ("MY-02", "total:admin_operating_cost:PF-17"): ("fail", Decimal("100"), Decimal("90")),
    }
    for (rule_id, subject), numbers in expected.items():
        assert finding(fixture_findings, CONTRADICTORY, rule_id, subject) == numbers, (rule_id, subject)
    # an operand that does not exist is reported, not guessed
    assert finding(fixture_findings, CONTRADICTORY, "NAR-06", "PC-05")[0] == "insufficient_data"


def test_calculation_references_reach_indicators_and_self_evaluation(
    fixture_findings: duckdb.DuckDBPyConnection,
) -> None:
    # 120 人 (the indicator's actual value) x 500 元/人 = 6.00 万元; 30 分 x 5/6 = 25 分
    assert finding(fixture_findings, CONSISTENT, "NAR-06", "PC-02") == ("pass", Decimal("6"), Decimal("6"))
    assert finding(fixture_findings, CONSISTENT, "NAR-06", "PC-05") == ("pass", Decimal("25"), Decimal("25"))
