"""The same models on DuckDB and on PostgreSQL 15 give the same answers.

The sample, and a generated corpus of disclosures with faults at known places, are landed once into a DuckDB
file; dbt builds that file on DuckDB, and `copy_landing_to_postgres` copies its landing tables into a real
PostgreSQL server where `dbt build --target postgres` builds the same models, tests and unit tests. Every
finding of `fct_identity_checks` (finding id, rule, status, provided, expected, difference, tolerance) and the
published ("golden") figures must then be equal: decimals exactly, as decimal.Decimal, codes as text.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import psycopg2
import psycopg2.extensions
import pytest

from budget_warehouse.bench.generate import generate
from budget_warehouse.landing.contract import SAMPLE_DIR
from budget_warehouse.landing.land import land
from budget_warehouse.landing.to_postgres import copy_landing_to_postgres, pg_landing_schema
from tests import same_answers
from tests.conftest import project_env
from tests.postgres.conftest import PostgresServer
from tests.same_answers import GOLDEN_QUERIES, MARTS, SAMPLE, Query, dbt_build

CORPUS_DISCLOSURES = 20


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


def assert_same_findings(builds: EngineBuilds, server: PostgresServer) -> dict[str, tuple[object, ...]]:
    with engines(builds, server) as (on_duckdb, on_postgres):
        return same_answers.assert_same_findings(on_duckdb, on_postgres, "postgres")


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
    # a contradiction of the sample, as the README tells it, found on PostgreSQL with its numbers
    same_answers.assert_sample_findings(assert_same_findings(sample_builds, postgres_server))


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
        same_answers.assert_golden_figures(on_postgres)


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
