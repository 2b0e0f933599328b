"""The DuckDB-written SQL of the readers and suites, as it is run on PostgreSQL (no server needed here; the
nightly tests run every suite on a real one and compare with DuckDB)."""

from __future__ import annotations

import pytest

from budget_warehouse.expectations import UNEXPECTED_ROWS, load_suites
from budget_warehouse.gx_postgres import portable_sql, postgres_suite
from budget_warehouse.pg_warehouse import checked_identifier, qualify, schema_name


def test_schema_names_are_prefixed_where_they_name_a_layer() -> None:
    query = (
        "select m.x from marts.fct_a as m join reference.ref_b as r on m.k = r.k "
        'join "budget_warehouse_marts".c on true where m.y = ?'
    )
    assert qualify(query, "bw") == (
        "select m.x from bw_marts.fct_a as m join bw_reference.ref_b as r on m.k = r.k "
        'join "budget_warehouse_marts".c on true where m.y = ?'
    )


def test_a_full_match_becomes_an_anchored_match() -> None:
    query = "select a from t where a is not null and not regexp_full_match(a, '^[0-9]{3}(?:[0-9]{2}){0,2}$')"
    assert portable_sql(query) == (
        "select a from t where a is not null and not (a ~ '^(?:^[0-9]{3}(?:[0-9]{2}){0,2}$)$')"
    )
    assert portable_sql("regexp_full_match(id, '[^''\"]+')") == "(id ~ '^(?:[^''\"]+)$')"


def test_no_suite_keeps_duckdb_only_sql_on_postgresql() -> None:
    for suite in load_suites():
        ported = postgres_suite(suite, "budget_warehouse")
        assert ported.table == suite.table.replace("marts.", "budget_warehouse_marts.", 1)
        for expectation in ported.definition["expectations"]:
            if expectation["type"] == UNEXPECTED_ROWS:
                assert "regexp_" not in expectation["kwargs"]["unexpected_rows_query"], suite.name


@pytest.mark.parametrize("name", ["Marts", "a-b", "x" * 64, "1abc", "a;drop"])
def test_only_plain_identifiers_name_schemas(name: str) -> None:
    with pytest.raises(ValueError):
        checked_identifier(name)


def test_a_layer_schema_is_prefix_underscore_layer() -> None:
    assert schema_name("budget_warehouse__build_20261129120000", "marts") == (
        "budget_warehouse__build_20261129120000_marts"
    )
