"""The same models on DuckDB and on PostgreSQL 15 give the same answers.

The sample, and a generated corpus of disclosures with faults at known places, are landed once into a DuckDB
file; dbt builds that file on DuckDB, and `copy_landing_to_postgres` copies its landing tables into a real
PostgreSQL server where `dbt build --target postgres` builds the same models, tests and unit tests. Every
finding of `fct_identity_checks` (finding id, rule, status, provided, expected, difference, tolerance) and the
published ("golden") figures must then be equal: decimals exactly, as decimal.Decimal, codes as text.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import psycopg2
import psycopg2.extensions
import pytest

from budget_warehouse.bench.generate import generate
from budget_warehouse.landing.contract import SAMPLE_DIR
from budget_warehouse.landing.land import land
from budget_warehouse.landing.to_postgres import copy_landing_to_postgres, pg_landing_schema
from tests.conftest import PROJECT_DIR, project_env
from tests.postgres.conftest import PostgresServer

DBT = str(Path(sys.executable).parent / "dbt")
SAMPLE = "luzhou-hrss-2020"
CORPUS_DISCLOSURES = 20
FINDING_COLUMNS = (
    "finding_id, disclosure_id, rule_id, subject, status, "
    "provided_value, expected_value, difference, tolerance"
)
MARTS = (
    "dim_disclosure", "dim_functional_classification", "fct_expenditure_by_function",
    "fct_basic_expenditure_by_economic_class", "fct_three_public_expenses", "fct_project_execution",
    "fct_performance_indicators", "fct_summary_lines", "fct_printed_tables", "fct_load_reconciliation",
    "fct_rejected_rows", "fct_identity_checks", "fct_disclosure_quality", "fct_findings_reviewed",
    "fct_stale_acknowledgements", "fct_rule_family_coverage", "fct_disclosure_mart_coverage",
)  # fmt: skip
# The published figures tests/test_golden_figures.py pins on DuckDB, as queries on either engine's marts.
GOLDEN_QUERIES = {
    "actual by function": (
        "select function_code, actual_amount from {marts}.fct_expenditure_by_function "
        "where disclosure_id = %(d)s and fund_type = 'general_public_budget' order by function_code"
    ),
    "total of the classes": (
        "select sum(actual_amount) from {marts}.fct_expenditure_by_function "
        "where disclosure_id = %(d)s and function_level = '类'"
    ),
    "lines per level": (
        "select function_level, count(*) from {marts}.fct_expenditure_by_function "
        "where disclosure_id = %(d)s group by function_level order by function_level"
    ),
    "三公": (
        "select item_code, actual_amount, change_amount_stated from {marts}.fct_three_public_expenses "
        "where disclosure_id = %(d)s order by item_code"
    ),
    "projects": (
        "select project_name, budget_amount, executed_amount, execution_rate, execution_rate_stated_pct "
        "from {marts}.fct_project_execution where disclosure_id = %(d)s order by project_name"
    ),
    "cost groups": (
        "select cost_group, sum(actual_amount) from {marts}.fct_basic_expenditure_by_economic_class "
        "where disclosure_id = %(d)s group by cost_group order by cost_group"
    ),
    "names flagged": (
        "select function_code, function_name_printed from {marts}.fct_expenditure_by_function "
        "where disclosure_id = %(d)s and name_match_status = 'mismatch' order by function_code"
    ),
    "indicators": (
        "select project_id, indicator_no, target_kind, target_number, target_unit, actual_number, direction, "
        "completion_ratio from {marts}.fct_performance_indicators where disclosure_id = %(d)s "
        "order by project_id, indicator_no"
    ),
    "reconciliation": (
        "select raw_file_name, raw_rows, accepted_rows, rejected_rows from {marts}.fct_load_reconciliation "
        "order by raw_file_name"
    ),
    "quality": (
        "select disclosure_id, pass_count, rounding_count, fail_count, not_applicable_count, "
        "insufficient_data_count from {marts}.fct_disclosure_quality order by disclosure_id"
    ),
}


# A query on one engine's marts: `{marts}` names the marts schema, parameters are written %(name)s.
Query = Callable[..., list[tuple[object, ...]]]


@dataclass(frozen=True)
class EngineBuilds:
    """One raw folder built on both engines: the DuckDB file and the PostgreSQL schema prefix."""

    duckdb_file: Path
    pg_prefix: str
    seconds: dict[str, float]
    landing_rows: dict[str, int]


def conninfo(server: PostgresServer) -> str:
    env = server.env()
    return psycopg2.extensions.make_dsn(
        host=env["PGHOST"], port=env["PGPORT"], dbname=env["PGDATABASE"], user=env["PGUSER"],
        password=env["PGPASSWORD"],
    )  # fmt: skip


def dbt_build(env: dict[str, str], *args: str) -> float:
    """`dbt build` (models, seeds, data and unit tests); the seconds it took. Fails the test if dbt fails."""
    started = time.monotonic()
    result = subprocess.run(
        [DBT, "build", *args], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-2000:]
    return time.monotonic() - started


def build_on_both(tmp_dir: Path, raw_dirs: list[Path], server: PostgresServer, prefix: str) -> EngineBuilds:
    """Land the raw folders once; build the DuckDB file; copy its landing into PostgreSQL and build there."""
    warehouse = tmp_dir / "budget_warehouse.duckdb"
    seconds: dict[str, float] = {}
    started = time.monotonic()
    land(raw_dirs, warehouse)
    seconds["landing"] = time.monotonic() - started
    # copied before DuckDB builds into the file: the copy reads the landing exactly as landed
    started = time.monotonic()
    landing_rows = copy_landing_to_postgres(warehouse, pg_landing_schema(prefix), conninfo(server))
    seconds["copy to postgres"] = time.monotonic() - started

    duckdb_env = project_env(tmp_dir / "duckdb", warehouse)
    duckdb_env["BUDGET_WAREHOUSE_BUILD_PATH"] = str(warehouse)
    seconds["dbt build duckdb"] = dbt_build(duckdb_env)

    pg_env = project_env(tmp_dir / "postgres", warehouse)
    pg_env.update(server.env(), BUDGET_WAREHOUSE_PG_SCHEMA=prefix)
    seconds["dbt build postgres"] = dbt_build(pg_env, "--target", "postgres")
    return EngineBuilds(warehouse, prefix, seconds, landing_rows)


@pytest.fixture(scope="module")
def sample_builds(tmp_path_factory: pytest.TempPathFactory, postgres_server: PostgresServer) -> EngineBuilds:
    tmp_dir = tmp_path_factory.mktemp("same_sample")
    builds = build_on_both(tmp_dir, [SAMPLE_DIR], postgres_server, "same_sample")
    print(f"\nsample, seconds: {builds.seconds}")
    return builds


@pytest.fixture(scope="module")
def corpus_builds(tmp_path_factory: pytest.TempPathFactory, postgres_server: PostgresServer) -> EngineBuilds:
    tmp_dir = tmp_path_factory.mktemp("same_corpus")
    raw_dir = tmp_dir / "raw"
    raw_dir.mkdir()
    generate(raw_dir, CORPUS_DISCLOSURES)
    builds = build_on_both(tmp_dir, [raw_dir], postgres_server, "same_corpus")
    print(f"\n{CORPUS_DISCLOSURES} generated disclosures, seconds: {builds.seconds}")
    return builds


@contextlib.contextmanager
def engines(builds: EngineBuilds, server: PostgresServer) -> Iterator[tuple[Query, Query]]:
    """A query function on each engine's marts: (DuckDB, PostgreSQL)."""
    with (
        duckdb.connect(str(builds.duckdb_file), read_only=True) as duck,
        contextlib.closing(server.connect()) as pg,
    ):

        def on_duckdb(sql: str, params: dict[str, str] | None = None) -> list[tuple[object, ...]]:
            # DuckDB names its parameters $name; the queries are written with psycopg2's %(name)s
            text = sql.format(marts="marts")
            used = {name: value for name, value in (params or {}).items() if f"%({name})s" in text}
            for name in used:
                text = text.replace(f"%({name})s", f"${name}")
            return [tuple(row) for row in duck.execute(text, used).fetchall()]

        def on_postgres(sql: str, params: dict[str, str] | None = None) -> list[tuple[object, ...]]:
            with pg.cursor() as cursor:
                cursor.execute(sql.format(marts=f"{builds.pg_prefix}_marts"), params or {})
                return [tuple(row) for row in cursor.fetchall()]

        yield on_duckdb, on_postgres


def findings(query: Query) -> dict[str, tuple[object, ...]]:
    rows = query(f"select {FINDING_COLUMNS} from {{marts}}.fct_identity_checks")
    by_id = {str(row[0]): row for row in rows}
    assert len(by_id) == len(rows), "finding ids are unique"
    return by_id


def assert_same_findings(builds: EngineBuilds, server: PostgresServer) -> dict[str, tuple[object, ...]]:
    with engines(builds, server) as (on_duckdb, on_postgres):
        duck, pg = findings(on_duckdb), findings(on_postgres)
    differing = {
        finding: (duck.get(finding), pg.get(finding))
        for finding in sorted(duck.keys() | pg.keys())
        if duck.get(finding) != pg.get(finding)
    }
    first = list(differing.items())[:10]
    assert not differing, f"{len(differing)} findings differ (duckdb, postgres): {first}"
    for row in pg.values():
        for value in row[5:]:
            assert value is None or isinstance(value, Decimal), row
        assert all(isinstance(code, str) for code in row[:5]), row
    return pg


def test_landing_is_copied_exactly(sample_builds: EngineBuilds, postgres_server: PostgresServer) -> None:
    """Every landed table arrives whole: same rows, NULL kept apart from empty text, source_line a bigint."""
    with (
        duckdb.connect(str(sample_builds.duckdb_file), read_only=True) as duck,
        contextlib.closing(postgres_server.connect()) as pg,
        pg.cursor() as cursor,
    ):
        schema = pg_landing_schema(sample_builds.pg_prefix)
        for table, copied in sample_builds.landing_rows.items():
            duck_rows = duck.execute(f'select * from landing."{table}"').fetchall()
            cursor.execute(f'select * from "{schema}"."{table}"')
            pg_rows = cursor.fetchall()
            assert copied == len(duck_rows)
            assert sorted(map(repr, pg_rows)) == sorted(map(repr, duck_rows)), table
        cursor.execute(
            "select data_type from information_schema.columns "
            "where table_schema = %s and table_name = 'raw_function_lines' and column_name = 'source_line'",
            (schema,),
        )
        assert cursor.fetchone() == ("bigint",)
    assert sample_builds.landing_rows["raw_function_lines"] > 0


def test_the_sample_has_the_same_findings_on_both_engines(
    sample_builds: EngineBuilds, postgres_server: PostgresServer
) -> None:
    pg = assert_same_findings(sample_builds, postgres_server)
    rules = {row[2] for row in pg.values()}
    assert len(rules) == 56, "every rule answers for the disclosure"
    # two of the sample's contradictions, as the README tells them, found on PostgreSQL with their numbers
    failing = {(row[2], row[5], row[6]) for row in pg.values() if row[4] == "fail"}
    assert ("PERF-05", Decimal("78.1338461538"), Decimal("90")) in failing


@pytest.mark.parametrize("name", sorted(GOLDEN_QUERIES))
def test_golden_figures_are_the_same_on_both_engines(
    sample_builds: EngineBuilds, postgres_server: PostgresServer, name: str
) -> None:
    with engines(sample_builds, postgres_server) as (on_duckdb, on_postgres):
        duck = on_duckdb(GOLDEN_QUERIES[name], {"d": SAMPLE})
        pg = on_postgres(GOLDEN_QUERIES[name], {"d": SAMPLE})
    assert duck, name
    assert pg == duck


def test_golden_figures_on_postgres(sample_builds: EngineBuilds, postgres_server: PostgresServer) -> None:
    """A few of the published figures, read on PostgreSQL alone."""
    with engines(sample_builds, postgres_server) as (_, on_postgres):
        by_function = dict(on_postgres(GOLDEN_QUERIES["actual by function"], {"d": SAMPLE}))
        total = on_postgres(GOLDEN_QUERIES["total of the classes"], {"d": SAMPLE})
        three_public = {row[0]: row[1:] for row in on_postgres(GOLDEN_QUERIES["三公"], {"d": SAMPLE})}
        groups = dict(on_postgres(GOLDEN_QUERIES["cost groups"], {"d": SAMPLE}))
    assert by_function["208"] == Decimal("5548.18")
    assert by_function["2080101"] == Decimal("916.69")
    assert total == [(Decimal("6216.24"),)]
    assert three_public["three_public_total"][0] == Decimal("17.98")
    assert three_public["vehicle_total"] == (Decimal("12.31"), Decimal("-2.58"))
    assert groups == {"人员经费": Decimal("1669.98"), "公用经费": Decimal("165.41")}


def test_every_mart_has_the_same_rows_on_both_engines(
    sample_builds: EngineBuilds, postgres_server: PostgresServer
) -> None:
    with engines(sample_builds, postgres_server) as (on_duckdb, on_postgres):
        for mart in MARTS:
            sql = f"select count(*) from {{marts}}.{mart}"
            assert on_postgres(sql) == on_duckdb(sql), mart


def test_a_generated_corpus_has_the_same_findings_on_both_engines(
    corpus_builds: EngineBuilds, postgres_server: PostgresServer
) -> None:
    pg = assert_same_findings(corpus_builds, postgres_server)
    disclosures = {row[1] for row in pg.values()}
    # the generator adds the year before of a disclosure for the multi-year rules
    assert len(disclosures) >= CORPUS_DISCLOSURES
    assert any(row[4] == "fail" for row in pg.values()), "the injected faults are found"
