"""The models are engine-neutral: DuckDB-only SQL lives in macros/cross_engine, behind adapter.dispatch.

The PostgreSQL and Spark builds (tests/postgres/ and tests/spark/test_same_answers.py) prove the models run
there; this test, which needs neither, names the construct and the file when one slips back into a model, a
test or a shared macro.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import PROJECT_DIR

CROSS_ENGINE = PROJECT_DIR / "macros" / "cross_engine"
# DuckDB-only SQL, and the macro (or portable form) to use instead.
DUCKDB_ONLY = {
    r"union\s+all\s+by\s+name": "union_all_by_name / union_check_rows",
    r"group\s+by\s+all\b": "group by the columns named",
    r"\*\s*(exclude|replace)\s*\(": "the columns named",
    r"\bqualify\b": "row_number() in a subquery",
    r"\btry_cast\s*\(": "text_to_integer / text_to_decimal / text_to_date / text_to_boolean",
    r"\bregexp_(matches|full_match|extract|extract_all)\s*\(": "regex_contains, regex_extract ...",
    r"\b(list|list_contains|list_sort|list_distinct|list_value|len)\s*\(": "macros/cross_engine/lists.sql",
    r"\bstring_split\s*\(": "split_text",
    r"\barg_(max|min)\s*\(": "value_at_max",
    r"\bany_value\s*\(": "min() where the group holds one value",
    r"\bhugeint\b|//": "exact_quotient_12",
    r"\bignore\s+nulls\b": "last_non_null",
    r"\b(strftime|strptime|last_day)\s*\(": "extract / make_date / interval arithmetic",
}
# SQL DuckDB and PostgreSQL share that Spark rejects or reads otherwise, and the macro to use instead.
SPARK_REJECTS = {
    r"\bas\s+varchar\b(?!\s*\()": "text_type() (Spark has no varchar without a length)",
    r"\bstring_to_array\s*\(": "split_text",
    r"\bregexp_split_to_array\s*\(": "regex_split",
    r"\bunnest\s*\(": "unnest_list (Spark: explode / inline, one per select)",
    r"\barray\s*\[": "text_list",
    r"\bstring_agg\s*\(": "string_agg_ordered / string_agg_sorted / string_agg_distinct_sorted",
    r"\bregexp_replace\s*\([^;]*?'g'\s*\)": "regex_replace_all (Spark's groups are $1)",
    r"escape\s+'\\'": "like_backslash_escaped (Spark's lexer reads '\\' as an unfinished string)",
    r"[a-z]''[a-z]": "a text without an apostrophe (Spark reads 'a''b' as 'ab')",
    r"\b[a-z_]+\[[a-z_][a-z0-9_]*\]": "list_element (Spark counts [] from 0)",
    r"\bltrim\s*\([^()]*,": "trim_leading (Spark's ltrim takes the characters first)",
}
COMMENTS = re.compile(r"\{#.*?#\}|--[^\n]*", re.DOTALL)


def sql_files() -> list[Path]:
    files = [
        path
        for folder in ("models", "macros", "tests")
        for path in sorted((PROJECT_DIR / folder).rglob("*.sql"))
        if CROSS_ENGINE not in path.parents
    ]
    assert len(files) > 50
    return files


@pytest.mark.parametrize("path", sql_files(), ids=lambda path: str(path.relative_to(PROJECT_DIR)))
def test_no_duckdb_only_sql_outside_the_cross_engine_macros(path: Path) -> None:
    text = COMMENTS.sub("", path.read_text(encoding="utf-8")).lower()
    found = {
        match.group(0): instead
        for pattern, instead in DUCKDB_ONLY.items()
        for match in [re.search(pattern, text)]
        if match
    }
    assert not found, f"{path.relative_to(PROJECT_DIR)}: DuckDB-only SQL (use instead): {found}"


@pytest.mark.parametrize("path", sql_files(), ids=lambda path: str(path.relative_to(PROJECT_DIR)))
def test_no_sql_spark_rejects_outside_the_cross_engine_macros(path: Path) -> None:
    text = COMMENTS.sub("", path.read_text(encoding="utf-8")).lower()
    found = {
        match.group(0): instead
        for pattern, instead in SPARK_REJECTS.items()
        for match in [re.search(pattern, text)]
        if match
    }
    assert not found, f"{path.relative_to(PROJECT_DIR)}: SQL Spark rejects (use instead): {found}"


# default__ forms that are plain SQL Spark runs as written (or, for per_disclosure_incremental and
# disclosure_slices, the plain table materialisation every engine but DuckDB builds, in one query; for
# get_where_subquery, dbt's own, since only DuckDB has incremental nights).
SPARK_RUNS_THE_DEFAULT = {
    "union_all_by_name", "merge_stewardship_decisions", "per_disclosure_incremental", "disclosure_slices",
    "joined_text", "get_where_subquery",
}  # fmt: skip


def test_every_cross_engine_macro_has_a_form_for_spark() -> None:
    """A dispatched macro with a default__ (PostgreSQL) form has a spark__ form beside it."""
    for path in sorted(CROSS_ENGINE.glob("*.sql")):
        text = path.read_text(encoding="utf-8")
        for name in re.findall(r"macro default__(\w+)\(", text):
            if name not in SPARK_RUNS_THE_DEFAULT:
                assert f"macro spark__{name}(" in text, f"{path.name}: {name} has no spark__ form"


def test_every_cross_engine_macro_has_a_default_for_postgres() -> None:
    """A dispatched macro with a duckdb__ form has a default__ (ANSI / PostgreSQL) form beside it."""
    for path in sorted(CROSS_ENGINE.glob("*.sql")):
        text = path.read_text(encoding="utf-8")
        for name in re.findall(r"macro duckdb__(\w+)\(", text):
            assert f"macro default__{name}(" in text, f"{path.name}: {name} has no default__ form"
