"""Every accounting-identity rule passes on a consistent fixture disclosure and fails on a contradictory one.

The fixture (tests/fixtures/checks) goes through the bulk path: the same raw files the stewards receive.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.conftest import PROJECT_DIR, built_and_published, run_nightly

FIXTURE_DIR = PROJECT_DIR / "tests" / "fixtures" / "checks"
CONSISTENT = "fx-consistent-2020"
CONTRADICTORY = "fx-contradictory-2020"
CORE_RULES = [
    "HIER-01", "HIER-02", "HIER-03",
    "ROW-01", "ROW-02", "ROW-03",
    "BAL-01", "BAL-02", "BAL-03", "BAL-04",
    "ECO-01", "ECO-02", "ECO-03",
    "TPE-01", "TPE-02", "TPE-03",
    "XT-01", "XT-02", "XT-03",
    "NAR-01", "NAR-02", "NAR-03", "NAR-04", "NAR-05",
]  # fmt: skip


@pytest.fixture(scope="module")
def fixture_statuses(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], set[str]]:
    tmp_dir = tmp_path_factory.mktemp("checks_fixture")
    warehouse = tmp_dir / "fixture.duckdb"
    result = run_nightly(tmp_dir, warehouse, "--vars", f"{{raw_files_dir: '{FIXTURE_DIR}'}}")
    assert built_and_published(result), result.stdout[-4000:] + result.stderr[-4000:]
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        rejected = connection.execute("select count(*) from marts.fct_rejected_rows").fetchone()
        assert rejected == (0,), "the fixture itself must satisfy the raw contract"
        rows = connection.execute(
            "select disclosure_id, rule_id, list(distinct status) from marts.fct_identity_checks group by all"
        ).fetchall()
    return {(disclosure, rule): set(statuses) for disclosure, rule, statuses in rows}


@pytest.mark.parametrize("rule_id", CORE_RULES)
def test_rule_passes_where_the_identity_holds(
    fixture_statuses: dict[tuple[str, str], set[str]], rule_id: str
) -> None:
    statuses = fixture_statuses[(CONSISTENT, rule_id)]
    assert "fail" not in statuses
    assert statuses & {"pass", "rounding"}, statuses


@pytest.mark.parametrize("rule_id", CORE_RULES)
def test_rule_fails_where_the_identity_is_broken(
    fixture_statuses: dict[tuple[str, str], set[str]], rule_id: str
) -> None:
    assert "fail" in fixture_statuses[(CONTRADICTORY, rule_id)]


def test_every_rule_answers_for_every_disclosure(fixture_statuses: dict[tuple[str, str], set[str]]) -> None:
    catalogue = (PROJECT_DIR / "seeds" / "rules" / "rule_catalogue.csv").read_text(encoding="utf-8")
    rule_ids = {line.split(",", 1)[0] for line in catalogue.splitlines()[1:]}
    disclosures = {disclosure for disclosure, _ in fixture_statuses}
    assert len(disclosures) == 4
    for disclosure in disclosures:
        assert {rule for d, rule in fixture_statuses if d == disclosure} == rule_ids


def test_fixture_folder_exists() -> None:
    assert Path(FIXTURE_DIR / "raw_disclosures.csv").is_file()
