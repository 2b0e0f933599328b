"""A night on which some disclosures changed: their files written again, as a re-import writes them.

Each changed disclosure's `raw_disclosures` row gets a new note (a real change, seen in dim_disclosure), and
every file of the set that holds it is written again with CRLF line ends: new bytes and a new SHA-256, the
same records. The findings stay those of the generated corpus, so recall is scored the same way.
"""

from __future__ import annotations

import csv
from pathlib import Path

CHANGED_NOTE = "revised after publication"
DISCLOSURES_PREFIX = "raw_disclosures__synthetic"


def change_disclosures(raw_dir: Path, disclosure_ids: set[str]) -> list[Path]:
    """Change the given disclosures in raw_dir; the files written again."""
    suffixes: set[str] = set()
    for path in sorted(raw_dir.glob(f"{DISCLOSURES_PREFIX}*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            if any(row["disclosure_id"] in disclosure_ids for row in csv.DictReader(handle)):
                suffixes.add(path.name.removeprefix(DISCLOSURES_PREFIX))
    rewritten: list[Path] = []
    for suffix in sorted(suffixes):
        for path in sorted(raw_dir.glob(f"*__synthetic{suffix}")):
            _write_again(path, disclosure_ids if path.name.startswith(DISCLOSURES_PREFIX) else set())
            rewritten.append(path)
    return rewritten


def _write_again(path: Path, changed_ids: set[str]) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        columns = list(reader.fieldnames or [])
        rows = list(reader)
    for row in rows:
        if row["disclosure_id"] in changed_ids:
            row["note"] = CHANGED_NOTE
    partial = path.with_name(path.name + ".partial")
    with partial.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
    partial.replace(path)
