"""The project's reference vocabularies the importer needs: table title aliases and 类 names -> codes."""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

REFERENCE_DIR = Path(__file__).resolve().parents[2] / "seeds" / "reference"

# Variants seen in published documents beyond ref_standard_tables' aliases (normalised: no spaces, no quotes).
EXTRA_TITLE_ALIASES: dict[str, tuple[str, ...]] = {
    "T7": ("财政拨款三公经费支出决算表", "三公经费财政拨款支出决算表"),
    "T8": ("政府性基金预算财政拨款支出决算表",),
}

# Spaces and every kind of quote mark, single curly quotes written as escapes.
_QUOTES_AND_SPACES = re.compile("[\\s“”\"'\u2018\u2019「」『』]")


def normalise(text: str) -> str:
    """Text without spaces and quotes: titles print 三公 with curly quotes set on another baseline."""
    return _QUOTES_AND_SPACES.sub("", text)


def _rows(name: str) -> list[dict[str, str]]:
    with (REFERENCE_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def title_aliases() -> dict[str, str]:
    """Normalised title alias -> table code."""
    aliases: dict[str, str] = {}
    for row in _rows("ref_standard_tables.csv"):
        for alias in [row["name_zh"], *row["name_aliases"].split("|")]:
            if alias:
                aliases[normalise(alias)] = row["table_code"]
    for code, extra in EXTRA_TITLE_ALIASES.items():
        for alias in extra:
            aliases[normalise(alias)] = code
    return aliases


@cache
def function_class_codes() -> dict[str, str]:
    """类 name (current and legacy, normalised) -> 3-digit code, newest fiscal year winning."""
    names: dict[str, str] = {}
    rows = sorted(_rows("ref_functional_classification.csv"), key=lambda r: r["fiscal_year"])
    for row in rows:
        if len(row["code"]) == 3:
            names[normalise(row["name"])] = row["code"]
    for row in _rows("ref_functional_classification_aliases.csv"):
        code = row.get("code", "")
        if len(code) == 3:
            names.setdefault(normalise(row.get("alias", "")), code)
    return names


@cache
def function_codes_by_parent() -> dict[tuple[str, str], str]:
    """(parent code or "", normalised name) -> code, over every fiscal year (newest winning), with aliases."""
    names: dict[tuple[str, str], str] = {}
    rows = sorted(_rows("ref_functional_classification.csv"), key=lambda r: r["fiscal_year"])
    for row in rows:
        names[(row["parent_code"], normalise(row["name"]))] = row["code"]
    for row in _rows("ref_functional_classification_aliases.csv"):
        code = row.get("code", "")
        parent = code[:-2] if len(code) > 3 else ""
        names.setdefault((parent, normalise(row.get("alias", ""))), code)
    return names


def function_code_of_path(names: list[str]) -> str:
    """The code of a 类 / 款 / 项 name path as the narrative prints it ("" when a name is not known)."""
    by_parent = function_codes_by_parent()
    parent = ""
    for name in names:
        key = normalise(name)
        code = by_parent.get((parent, key)) or (function_class_codes().get(key, "") if not parent else "")
        if not code:
            return ""
        parent = code
    return parent
