"""A synthetic corpus: the sample disclosure replicated N times, each copy with its own id and department, its
money scaled by an integer factor, and a fault from faults.py injected into some copies.

Multiplying every money figure of a disclosure by the same integer keeps every identity that holds exactly in
the sample exact (sums, sums of products with one money operand, money ratios), and keeps percentages equal.
Counts, scores, points and percentages are never scaled.

An identity that holds in the sample only within rounding (基本支出 1837.06 against 1837.05) cannot stay
within the envelope when scaled: no additive map of the cents keeps 0.01 at most 0.01 but multiplication by 1.
Scaled by 5 it is 0.05 apart, a real failure of that copy. So each scale factor has its own clean baseline,
and a clean disclosure is compared with the baseline of its factor (budget_warehouse.bench.scoring).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TextIO

from budget_warehouse.landing.contract import SAMPLE_DIR, raw_kinds

Row = dict[str, str]
Rows = dict[str, list[Row]]

SAMPLE_DISCLOSURE_COLUMN = "disclosure_id"
# money columns of the table-like kinds: every value is an amount in the row's unit (万元 or 元)
MONEY_COLUMNS = {
    "raw_function_lines": ("amount",),
    "raw_economic_lines": ("amount",),
    "raw_three_public_expenses": ("amount",),
    "raw_projects": (
        "budget_amount",
        "executed_amount",
        "budget_fiscal_amount",
        "executed_fiscal_amount",
        "budget_other_amount",
        "executed_other_amount",
    ),
}
# a narrative figure is money when its unit is a currency, alone or per person, trip or month
MONEY_UNIT = re.compile(r"(万元|亿元|元)(/.*)?")
# an indicator's target or actual is money when either of the two names a currency (the other may be bare)
MONEY_TEXT = re.compile(r"元")
NUMBER = re.compile(r"\d+(?:\.\d+)?")
# the factors cycle so that a corpus holds several scales; 1 is the sample's own figures
SCALE_FACTORS = (1, 2, 3, 5, 7)


def read_sample(sample_dir: Path = SAMPLE_DIR) -> Rows:
    """Every raw kind of the sample, as text rows: values are copied, never parsed, except money."""
    rows: Rows = {}
    for kind in raw_kinds():
        path = sample_dir / f"{kind.name}.csv"
        with path.open(encoding="utf-8", newline="") as handle:
            rows[kind.name] = list(csv.DictReader(handle))
    return rows


def scale_decimal(text: str, factor: int) -> str:
    """An exact multiple, printed in plain notation with the places it had (17.98 x 3 = 53.94)."""
    if not text.strip():
        return text
    return format(Decimal(text) * factor, "f")


def _scale_numbers_in(text: str, factor: int) -> str:
    return NUMBER.sub(lambda match: scale_decimal(match.group(0), factor), text)


def _scale_row(kind: str, row: Row, factor: int) -> Row:
    scaled = dict(row)
    for column in MONEY_COLUMNS.get(kind, ()):
        scaled[column] = scale_decimal(row[column], factor)
    if kind == "raw_narrative_figures" and MONEY_UNIT.fullmatch(row["unit"]):
        scaled["value"] = scale_decimal(row["value"], factor)
    if kind == "raw_performance_indicators" and MONEY_TEXT.search(row["target_text"] + row["actual_text"]):
        scaled["target_text"] = _scale_numbers_in(row["target_text"], factor)
        scaled["actual_text"] = _scale_numbers_in(row["actual_text"], factor)
    return scaled


@dataclass(frozen=True)
class Copy:
    """One disclosure of the corpus: which sample copy it is and how it differs from the sample."""

    disclosure_id: str
    department_name: str
    fiscal_year: int
    factor: int


def disclosure_copy(sample: Rows, copy: Copy) -> Rows:
    """The sample as another disclosure: its id, its department, its year, its money scaled."""
    rows: Rows = {}
    for kind, kind_rows in sample.items():
        rows[kind] = []
        for row in kind_rows:
            scaled = _scale_row(kind, row, copy.factor)
            scaled[SAMPLE_DISCLOSURE_COLUMN] = copy.disclosure_id
            rows[kind].append(scaled)
    (disclosure,) = rows["raw_disclosures"]
    disclosure["department_name"] = copy.department_name
    disclosure["fiscal_year"] = str(copy.fiscal_year)
    return rows


class CorpusWriter:
    """One CSV per raw kind in the bulk folder, written a disclosure at a time so memory stays flat in N.

    With `disclosures_per_file`, a new set of files (`<kind>__synthetic_<batch>.csv`) is started every so
    many disclosures, as a folder of imported documents holds one set of files per document.
    """

    def __init__(self, folder: Path, columns: dict[str, list[str]], disclosures_per_file: int = 0) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self._folder = folder
        self._columns = columns
        self._per_file = disclosures_per_file
        self._in_file = 0
        self._batch = 0
        self._handles: dict[str, TextIO] = {}
        self._writers: dict[str, csv.DictWriter[str]] = {}
        self._open()
        self.rows_written = 0

    def _open(self) -> None:
        suffix = f"_{self._batch:05d}" if self._per_file else ""
        self._handles = {
            kind: (self._folder / f"{kind}__synthetic{suffix}.csv").open("w", encoding="utf-8", newline="")
            for kind in self._columns
        }
        self._writers = {
            kind: csv.DictWriter(handle, fieldnames=self._columns[kind], lineterminator="\n")
            for kind, handle in self._handles.items()
        }
        for writer in self._writers.values():
            writer.writeheader()

    def write(self, rows: Rows) -> None:
        if self._per_file and self._in_file == self._per_file:
            self.close()
            self._batch += 1
            self._in_file = 0
            self._open()
        for kind, kind_rows in rows.items():
            self._writers[kind].writerows(kind_rows)
            self.rows_written += len(kind_rows)
        self._in_file += 1

    def close(self) -> None:
        for handle in self._handles.values():
            handle.close()


def sample_columns(sample: Rows, sample_dir: Path = SAMPLE_DIR) -> dict[str, list[str]]:
    """The header of each sample file, so the corpus has the sample's columns in the sample's order."""
    columns = {}
    for kind in sample:
        with (sample_dir / f"{kind}.csv").open(encoding="utf-8", newline="") as handle:
            columns[kind] = next(csv.reader(handle))
    return columns


def copies(count: int, department: str, fiscal_year: int) -> Iterator[Copy]:
    """count disclosures, their factors cycling through SCALE_FACTORS, the first at the sample's own scale."""
    for index in range(count):
        yield Copy(
            disclosure_id=f"synthetic-{index:06d}",
            department_name=f"{department} (合成 {index:06d})",
            fiscal_year=fiscal_year,
            factor=SCALE_FACTORS[index % len(SCALE_FACTORS)],
        )


Mutation = Callable[[Rows, Copy], None]
