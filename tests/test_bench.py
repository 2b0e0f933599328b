"""The benchmark's corpus: faults at known places are found, clean copies raise no false alarms.

A real nightly (dbt build on DuckDB, validation, report) on a corpus of every scale factor's clean baseline,
one fault per rule family and one more clean disclosure: no mocks.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import duckdb

from budget_warehouse.bench.changes import CHANGED_NOTE
from budget_warehouse.bench.corpus import SCALE_FACTORS, scale_decimal
from budget_warehouse.bench.faults import FAULTS
from budget_warehouse.bench.generate import CLEAN, FAULTY, generate
from budget_warehouse.bench.run import bench
from budget_warehouse.validate import GATE_FAILED

PROJECT_DIR = Path(__file__).resolve().parent.parent
# every baseline, one fault per family, and one clean disclosure compared with its baseline
EVERY_FAMILY_ONCE = len(SCALE_FACTORS) + len(FAULTS) + 1


def test_every_rule_family_has_a_fault() -> None:
    with (PROJECT_DIR / "seeds" / "rules" / "rule_catalogue.csv").open(encoding="utf-8") as handle:
        catalogue = list(csv.DictReader(handle))
    families = {rule["family"] for rule in catalogue}
    assert {fault.family for fault in FAULTS} == families
    rules = {rule["rule_id"]: rule["family"] for rule in catalogue}
    assert all(rules[fault.rule_id] == fault.family for fault in FAULTS)


def test_scaling_is_exact_and_keeps_the_printed_places() -> None:
    assert scale_decimal("17.98", 3) == "53.94"
    assert scale_decimal("0.00", 7) == "0.00"
    assert Decimal(scale_decimal("6216.24", 7)) == Decimal("6216.24") * 7


def test_corpus_plants_one_fault_per_family(tmp_path: Path) -> None:
    planted = generate(tmp_path / "raw", EVERY_FAMILY_ONCE)
    faulty = [row for row in planted if row.role == FAULTY]
    assert sorted(row.family for row in faulty) == sorted(fault.family for fault in FAULTS)
    assert sum(row.role == CLEAN for row in planted) == len(SCALE_FACTORS) + 1
    assert (tmp_path / "ground_truth.csv").is_file()


def test_nightly_finds_every_injected_fault_and_no_false_alarm(tmp_path: Path) -> None:
    result = bench(EVERY_FAMILY_ONCE, tmp_path)

    assert {family.family for family in result.score.recall} == {fault.family for fault in FAULTS}
    missed = [family for family in result.score.recall if family.found != family.injected]
    assert not missed, missed
    assert result.score.clean_disclosures == 1
    assert result.score.false_alarms == ()
    assert result.mart_rows["dim_disclosure"] == result.generated_disclosures
    assert set(result.nightly.phase_seconds) >= {"landing", "dbt build", "validation and report"}
    assert result.report_bytes > 0
    # like every night but the first, the nightly's dbt build reused the parsed project
    assert not result.nightly.parsed_from_scratch


def test_a_night_after_a_change_parses_only_the_changed_files(tmp_path: Path) -> None:
    result = bench(EVERY_FAMILY_ONCE, tmp_path, disclosures_per_file=4, changed_percent=1)

    assert result.changed_disclosures == 1
    assert result.changed_files == len(list(tmp_path.glob("raw/*_00000.csv"))) == 16
    log = (tmp_path / "nightly-changed.log").read_text(encoding="utf-8")
    assert f"({result.changed_files} parsed, {len(list(tmp_path.glob('raw/*.csv'))) - 16} unchanged" in log
    assert result.changed_night is not None and result.changed_night.exit_status in (0, GATE_FAILED)
    # the change reached the marts, and every fault is still found after the night that reused the rest
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as connection:
        revised = connection.execute(
            "select count(*) from marts.dim_disclosure where note = ?", [CHANGED_NOTE]
        ).fetchone()
    assert revised == (1,)
    assert all(family.found == family.injected for family in result.score.recall)
    assert result.score.false_alarms == ()
