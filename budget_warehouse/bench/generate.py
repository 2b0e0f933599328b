"""Write a corpus of N disclosures into a bulk raw folder, and its ground truth beside it.

The first disclosures are the clean baselines, one per scale factor (the first is the sample as it is,
under a new id). Then one disclosure per rule family with that family's fault, so that every family is
tested from N = factors + families (16); after that, faulty and clean disclosures alternate, the faults
cycling through the families. A multi-year fault adds its predecessor (the same department a year
earlier), which is neither clean nor faulty and is not scored.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, replace
from pathlib import Path

from budget_warehouse.bench.corpus import (
    SCALE_FACTORS,
    Copy,
    CorpusWriter,
    copies,
    disclosure_copy,
    read_sample,
    sample_columns,
)
from budget_warehouse.bench.faults import FAULTS, PREDECESSOR_FAMILIES, Fault

CLEAN = "clean"
FAULTY = "faulty"
PREDECESSOR = "predecessor"
GROUND_TRUTH_FILE = "ground_truth.csv"


@dataclass(frozen=True)
class Planted:
    """One row of the ground truth: a disclosure, its role, and the rule its fault must make fail."""

    disclosure_id: str
    role: str
    factor: int
    family: str = ""
    rule_id: str = ""


def fault_for(index: int) -> Fault | None:
    """None for a clean disclosure: the baselines, and every even index past the first round of faults."""
    if index < len(SCALE_FACTORS):
        return None
    if index < len(SCALE_FACTORS) + len(FAULTS):
        return FAULTS[index - len(SCALE_FACTORS)]
    past_first_round = index - len(SCALE_FACTORS) - len(FAULTS)
    if past_first_round % 2 == 0:
        return None
    return FAULTS[(past_first_round // 2) % len(FAULTS)]


def _predecessor(copy: Copy) -> Copy:
    return replace(
        copy, disclosure_id=copy.disclosure_id + "-previous-year", fiscal_year=copy.fiscal_year - 1
    )


def generate(folder: Path, count: int, disclosures_per_file: int = 0) -> list[Planted]:
    """The corpus in folder (one `<kind>__synthetic.csv` per raw kind, or a set of files per
    `disclosures_per_file` disclosures) and its ground truth, also written to folder/../ground_truth.csv
    (outside the raw folder, which must hold raw kinds only)."""
    sample = read_sample()
    (sample_disclosure,) = sample["raw_disclosures"]
    writer = CorpusWriter(folder, sample_columns(sample), disclosures_per_file)
    planted: list[Planted] = []
    try:
        department = sample_disclosure["department_name"]
        fiscal_year = int(sample_disclosure["fiscal_year"])
        for index, copy in enumerate(copies(count, department, fiscal_year)):
            fault = fault_for(index)
            rows = disclosure_copy(sample, copy)
            if fault is None:
                planted.append(Planted(copy.disclosure_id, CLEAN, copy.factor))
            else:
                fault.mutate(rows, copy)
                planted.append(Planted(copy.disclosure_id, FAULTY, copy.factor, fault.family, fault.rule_id))
                if fault.family in PREDECESSOR_FAMILIES:
                    previous = _predecessor(copy)
                    writer.write(disclosure_copy(sample, previous))
                    planted.append(Planted(previous.disclosure_id, PREDECESSOR, previous.factor))
            writer.write(rows)
    finally:
        writer.close()
    write_ground_truth(folder.parent / GROUND_TRUTH_FILE, planted)
    return planted


def write_ground_truth(path: Path, planted: list[Planted]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["disclosure_id", "role", "factor", "family", "rule_id"])
        for row in planted:
            writer.writerow([row.disclosure_id, row.role, row.factor, row.family, row.rule_id])
