"""`make nightly TARGET=postgres` on a real PostgreSQL 15: publishing by renaming schemas, the roles.

bi_reader logs in (a member, as a BI tool would) and must read every mart and nothing else, and write
nothing; a reader querying in a loop during a nightly sees the old warehouse or the new one, never an error
and never a mix; a failed build and a refused publish change nothing; a second nightly exits 4. The swap
itself, under many publishes and readers idle in a transaction: tests/postgres/test_publish_swap.py.
"""

from __future__ import annotations

import contextlib
import json
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import psycopg2
import psycopg2.errors
import pytest
from psycopg2 import sql

from budget_warehouse import pg_warehouse
from budget_warehouse.export import ExportError, PostgresMarts
from tests.conftest import PROJECT_DIR, NightlyRun, project_env
from tests.postgres.conftest import PostgresServer

PREFIX = "budget_warehouse"
MARTS = f"{PREFIX}_marts"
NOT_FOR_READERS = ("landing", "staging", "intermediate", "reference", "review", "stewardship")
# dbt arguments of every PostgreSQL nightly here: none, the whole project is built as on DuckDB.
PG_SELECTION: tuple[str, ...] = ()


def run_pg_nightly(
    tmp_path: Path,
    server: PostgresServer,
    *args: str,
    selection: tuple[str, ...] = PG_SELECTION,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    variables = project_env(tmp_path, tmp_path / "unused.duckdb")
    variables.update(server.env())
    variables.pop("BUDGET_WAREHOUSE_PG_SCHEMA", None)
    variables.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "budget_warehouse.nightly", "--target", "postgres", *args, *selection],
        cwd=PROJECT_DIR,
        env=variables,
        capture_output=True,
        text=True,
        check=False,
    )


def output(result: subprocess.CompletedProcess[str]) -> str:
    return result.stdout[-6000:] + result.stderr[-6000:]


def schemas(server: PostgresServer) -> list[str]:
    with contextlib.closing(server.connect()) as connection, connection.cursor() as cursor:
        cursor.execute(
            "select nspname from pg_namespace where starts_with(nspname, %s) order by 1", (PREFIX,)
        )
        return [name for (name,) in cursor.fetchall()]


def mart_tables(server: PostgresServer, table_type: str | None = None) -> list[str]:
    """The marts (tables and views), or those of one information_schema table_type ('BASE TABLE', 'VIEW')."""
    with contextlib.closing(server.connect()) as connection, connection.cursor() as cursor:
        cursor.execute(
            "select table_name from information_schema.tables "
            "where table_schema = %s and (%s is null or table_type = %s) order by 1",
            (MARTS, table_type, table_type),
        )
        return [name for (name,) in cursor.fetchall()]


@dataclass(frozen=True)
class PublishedRun:
    server: PostgresServer
    reports: Path
    result: subprocess.CompletedProcess[str]


@pytest.fixture(scope="module")
def published_run(postgres_server: PostgresServer, tmp_path_factory: pytest.TempPathFactory) -> PublishedRun:
    """The sample built and published on PostgreSQL once for these tests, validated and reported."""
    tmp_path = tmp_path_factory.mktemp("pg_nightly")
    result = run_pg_nightly(tmp_path, postgres_server)
    assert result.returncode in (0, 2), output(result)
    return PublishedRun(server=postgres_server, reports=tmp_path / "reports", result=result)


@pytest.fixture(scope="module")
def published(published_run: PublishedRun) -> PostgresServer:
    return published_run.server


def login(server: PostgresServer, name: str, role: str) -> tuple[str, str]:
    """A login user that is a member of the group role (as a BI tool or a steward would log in)."""
    password = f"{name}-password"
    with contextlib.closing(server.connect()) as connection, connection.cursor() as cursor:
        connection.autocommit = True
        cursor.execute("select 1 from pg_roles where rolname = %s", (name,))
        if cursor.fetchone() is None:
            cursor.execute(
                sql.SQL("create role {} login password {} in role {}").format(
                    sql.Identifier(name), sql.Literal(password), sql.Identifier(role)
                )
            )
    return name, password


@pytest.fixture()
def reader(published: PostgresServer) -> Iterator[psycopg2.extensions.connection]:
    connection = published.connect(*login(published, "bi_tool", "bi_reader"))
    connection.autocommit = True
    yield connection
    connection.close()


def test_the_nightly_publishes_the_layers_and_leaves_no_build_behind(
    published: PostgresServer, sample_warehouse: Path
) -> None:
    names = schemas(published)
    for layer in ("landing", "staging", "intermediate", "marts", "reference", "review", "stewardship"):
        assert f"{PREFIX}_{layer}" in names
    assert not [name for name in names if "__build_" in name or "__previous_" in name]
    # every mart the DuckDB nightly publishes, published here too
    with duckdb.connect(str(sample_warehouse), read_only=True) as connection:
        duckdb_marts = [
            name
            for (name,) in connection.execute(
                "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
            ).fetchall()
        ]
    assert mart_tables(published) == duckdb_marts


def _summary(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if line.startswith(("validate:", "findings:", "gate:"))]


def _outcomes(validation_json: Path) -> dict[tuple[str, str, str, str], tuple[bool, int, str | None]]:
    outcomes = json.loads(validation_json.read_text(encoding="utf-8"))
    return {
        (o["suite"], o["expectation_type"], o["description"], o["columns"]): (
            o["success"],
            o["unexpected_count"],
            o["exception"],
        )
        for o in outcomes
    }


# Texts that list several names or sections: REF-05 joins them with string_agg(distinct ...) and no order
# (models/intermediate/checks/int_checks__reference.sql), whose order neither engine promises. They are
# compared as the same parts in any order; every other field, numbers included, must be identical.
LISTING_FIELDS = ("message_zh", "message_en", "source_sections")
LIST_SEPARATORS = re.compile("、|, |; |\uff1a|: ")  # \uff1a: the full-width colon


def _findings(findings_json: Path) -> list[dict[str, object]]:
    findings = json.loads(findings_json.read_text(encoding="utf-8"))["findings"]
    for finding in findings:
        for field in LISTING_FIELDS:
            if isinstance(finding[field], str):
                finding[field] = sorted(LIST_SEPARATORS.split(finding[field]))
    # findings.json comes in the engine's order (the report does not sort an export for programs)
    return sorted(findings, key=lambda finding: str(finding["finding_id"]))


def test_validation_and_the_report_on_postgresql_say_what_they_say_on_duckdb(
    published_run: PublishedRun, sample_nightly: NightlyRun
) -> None:
    """The same sample, validated and reported from PostgreSQL and from DuckDB: the same expectations with
    the same outcomes and counts, the same failing findings with the same exact numbers, the same gate."""
    pg_latest, duckdb_latest = published_run.reports / "latest", sample_nightly.reports / "latest"
    assert _summary(published_run.result.stdout) == _summary(sample_nightly.result.stdout)
    assert _outcomes(pg_latest / "validation.json") == _outcomes(duckdb_latest / "validation.json")
    assert _findings(pg_latest / "findings.json") == _findings(duckdb_latest / "findings.json")
    page = (pg_latest / "index.html").read_text(encoding="utf-8")
    assert "schemas budget_warehouse_*" in page
    assert (pg_latest / "dbt_docs" / "index.html").is_file()
    assert (pg_latest / "gx_data_docs").is_dir()


def test_bi_reader_reads_every_mart(
    published: PostgresServer, reader: psycopg2.extensions.connection
) -> None:
    tables = mart_tables(published)
    assert tables
    with reader.cursor() as cursor:
        for table in tables:
            cursor.execute(sql.SQL("select count(*) from {}").format(sql.Identifier(MARTS, table)))
            row = cursor.fetchone()
            assert row is not None and row[0] >= 0, table


def _export(tmp_path: Path, out: Path, target: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`python -m budget_warehouse.export` as `make export` runs it."""
    variables = project_env(tmp_path, tmp_path / "unused.duckdb")
    variables.pop("BUDGET_WAREHOUSE_PG_SCHEMA", None)
    variables.update(env)
    return subprocess.run(
        [sys.executable, "-m", "budget_warehouse.export", "--target", target, "--out", str(out)],
        cwd=PROJECT_DIR,
        env=variables,
        capture_output=True,
        text=True,
        check=False,
    )


def _normalised_findings(parquet: Path) -> dict[str, dict[str, object]]:
    """fct_identity_checks as exported, by finding id; listing texts as their parts (LISTING_FIELDS)."""
    relation = duckdb.sql(f"select * from read_parquet('{parquet}')")
    findings = {}
    for values in relation.fetchall():
        row = dict(zip(relation.columns, values, strict=True))
        for field in LISTING_FIELDS:
            if isinstance(row[field], str):
                row[field] = sorted(LIST_SEPARATORS.split(row[field]))
        findings[str(row["finding_id"])] = row
    return findings


def test_the_marts_export_as_parquet_from_postgresql(
    published: PostgresServer, sample_warehouse: Path, tmp_path: Path
) -> None:
    """`--target postgres`: one file per mart with the rows of the published schema, money as DECIMAL with the
    server's exact values, the same files (types and findings) as the same sample exported from DuckDB."""
    pg_out, duckdb_out = tmp_path / "from_postgres", tmp_path / "from_duckdb"
    # as a BI host would run it: a login that is a member of bi_reader, which reads the marts and nothing else
    result = _export(
        tmp_path, pg_out, "postgres", published.env(*login(published, "bi_exporter", "bi_reader"))
    )
    assert result.returncode == 0, output(result)
    print(result.stdout)
    duckdb_result = _export(tmp_path, duckdb_out, "duckdb", {"BUDGET_WAREHOUSE_PATH": str(sample_warehouse)})
    assert duckdb_result.returncode == 0, output(duckdb_result)
    manifest = json.loads((pg_out / "manifest.json").read_text(encoding="utf-8"))
    duckdb_manifest = json.loads((duckdb_out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["target"] == "postgres"
    assert manifest["source"] == {
        "engine": "postgres",
        "host": published.host,
        "port": published.port,
        "database": published.database,
        "schema": MARTS,
    }
    assert [mart["name"] for mart in manifest["marts"]] == mart_tables(published)
    with contextlib.closing(published.connect()) as connection, connection.cursor() as cursor:
        for mart in manifest["marts"]:
            cursor.execute(sql.SQL("select count(*) from {}").format(sql.Identifier(MARTS, mart["name"])))
            assert cursor.fetchone() == (mart["rows"],), mart["name"]
            assert (pg_out / mart["file"]).stat().st_size == mart["bytes"]
        cursor.execute(f"select * from {MARTS}.fct_identity_checks order by finding_id")
        on_server = [tuple(row) for row in cursor.fetchall()]
    # every mart has the columns and Parquet types of the DuckDB export: the contracts, on either engine
    assert [(mart["name"], mart["columns"], mart["rows"]) for mart in manifest["marts"]] == [
        (mart["name"], mart["columns"], mart["rows"]) for mart in duckdb_manifest["marts"]
    ]
    findings = pg_out / "fct_identity_checks.parquet"
    types = {
        name: kind
        for name, kind, *_ in duckdb.sql(f"describe select * from read_parquet('{findings}')").fetchall()
    }
    for column in ("provided_value", "expected_value", "difference", "tolerance"):
        assert str(types[column]).startswith("DECIMAL("), (column, types[column])
    assert types["finding_id"] == types["rule_id"] == "VARCHAR"
    # exactly the server's values, Decimal for Decimal (repr: the same digits and scale, no float anywhere)
    exported = duckdb.sql(f"select * from read_parquet('{findings}') order by finding_id").fetchall()
    assert list(map(repr, exported)) == list(map(repr, on_server))
    assert _normalised_findings(findings) == _normalised_findings(duckdb_out / "fct_identity_checks.parquet")


def test_an_export_across_a_publish_is_refused(
    postgres_server: PostgresServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A publish between the export's snapshot and its end gives the marts' names to new tables, which the
    snapshot may see empty or from another build: the export stops and says so (a prefix of its own)."""
    prefix = "export_probe"
    for name, value in postgres_server.env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("BUDGET_WAREHOUSE_PG_SCHEMA", prefix)
    pg_warehouse.ensure_roles_and_stewardship(prefix)
    with contextlib.closing(postgres_server.connect()) as owner, owner.cursor() as cursor:
        owner.autocommit = True
        cursor.execute(
            f"create schema {prefix}_marts; create table {prefix}_marts.dim_probe as select 1 as x"
        )
        source = PostgresMarts()
        try:
            assert source.marts() == ["dim_probe"]
            cursor.execute(
                f"create schema {prefix}__build_1_marts; "
                f"create table {prefix}__build_1_marts.dim_probe as select 1 as x union all select 2"
            )
            pg_warehouse.publish(prefix, "1")
            source.write("dim_probe", tmp_path / "dim_probe.parquet", tmp_path)
            with pytest.raises(ExportError, match="a nightly published export_probe_marts while the marts"):
                source.finish()
        finally:
            source.close()
            cursor.execute(f"drop schema {prefix}_marts, {prefix}_stewardship cascade")


@pytest.mark.parametrize("layer", NOT_FOR_READERS)
def test_bi_reader_reads_nothing_but_the_marts(
    published: PostgresServer, reader: psycopg2.extensions.connection, layer: str
) -> None:
    with contextlib.closing(published.connect()) as owner, owner.cursor() as cursor:
        cursor.execute(
            "select table_name from information_schema.tables where table_schema = %s order by 1 limit 1",
            (f"{PREFIX}_{layer}",),
        )
        row = cursor.fetchone()
        cursor.execute("select 1 from pg_namespace where nspname = %s", (f"{PREFIX}_{layer}",))
        schema_exists = cursor.fetchone() is not None
    if not schema_exists:
        # a layer the build selection does not reach yet (PG_SELECTION): nothing there to read
        assert PG_SELECTION, f"{PREFIX}_{layer} was not built"
        return
    # a schema without a table yet is tried all the same: without USAGE, its name alone is refused
    table = row[0] if row else "any_table"
    with reader.cursor() as cursor, pytest.raises(psycopg2.errors.InsufficientPrivilege):
        cursor.execute(sql.SQL("select * from {} limit 1").format(sql.Identifier(f"{PREFIX}_{layer}", table)))


WRITES = (
    "insert into {mart} (fiscal_year) values (2099)",
    "update {mart} set fiscal_year = 2099",
    "delete from {mart}",
    "truncate {mart}",
    "drop table {mart}",
    "alter table {mart} add column extra text",
    "create table {schema}.reader_table (x int)",
    "create view {schema}.reader_view as select 1 as x",
    "create table public.reader_table (x int)",
    "create temporary table reader_scratch (x int)",
    "create schema reader_schema",
    "insert into {stewardship}.decisions (finding_id, decision) values ('F-0000000000000001', 'accepted')",
)


@pytest.mark.parametrize("statement", WRITES)
def test_bi_reader_writes_nothing(reader: psycopg2.extensions.connection, statement: str) -> None:
    query = statement.format(
        mart=f"{MARTS}.dim_functional_classification", schema=MARTS, stewardship=f"{PREFIX}_stewardship"
    )
    with reader.cursor() as cursor, pytest.raises(psycopg2.errors.InsufficientPrivilege):
        cursor.execute(query)


def test_a_steward_records_decisions_and_reads_the_marts_but_writes_no_mart(
    published: PostgresServer,
) -> None:
    with contextlib.closing(published.connect(*login(published, "steward_chen", "steward"))) as steward:
        steward.autocommit = True
        with steward.cursor() as cursor:
            cursor.execute(
                f"insert into {PREFIX}_stewardship.decisions (finding_id, decision, note) "
                "values ('F-0123456789abcdef', 'false_positive', 'recorded in the test') "
                "on conflict (finding_id) do update set decision = excluded.decision"
            )
            cursor.execute(
                f"select decided_by from {PREFIX}_stewardship.decisions "
                "where finding_id = 'F-0123456789abcdef'"
            )
            assert cursor.fetchone() == ("steward_chen",)
            cursor.execute(f"select count(*) from {MARTS}.dim_functional_classification")
            with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                cursor.execute(f"delete from {MARTS}.dim_functional_classification")
            with pytest.raises(psycopg2.errors.CheckViolation):
                cursor.execute(
                    f"insert into {PREFIX}_stewardship.decisions (finding_id, decision) "
                    "values ('F-0123456789abcdee', 'maybe')"
                )
            cursor.execute(
                f"delete from {PREFIX}_stewardship.decisions where finding_id = 'F-0123456789abcdef'"
            )


def _mart_counts_query(tables: list[str]) -> sql.Composed:
    """One statement counting every mart: it reads one snapshot, so it shows a mix if there is one."""
    return sql.SQL("select {}").format(
        sql.SQL(", ").join(
            sql.SQL("(select count(*) from {})").format(sql.Identifier(MARTS, table)) for table in tables
        )
    )


def test_a_reader_during_the_nightly_sees_the_old_warehouse_or_the_new_one(
    published: PostgresServer, tmp_path: Path
) -> None:
    tables = mart_tables(published)
    query = _mart_counts_query(tables)
    with contextlib.closing(published.connect()) as owner, owner.cursor() as cursor:
        cursor.execute(query)
        new = cursor.fetchone()
        # the published warehouse loses a row of every table, so that old and new differ in every count (a
        # view over fct_identity_checks loses it with that table)
        for table in mart_tables(published, "BASE TABLE"):
            cursor.execute(
                sql.SQL("delete from {} where ctid in (select ctid from {} limit 1)").format(
                    sql.Identifier(MARTS, table), sql.Identifier(MARTS, table)
                )
            )
        cursor.execute(query)
        old = cursor.fetchone()
        owner.commit()
    assert old != new

    seen: list[tuple[int, ...] | None] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def read_in_a_loop() -> None:
        # a BI tool's session: one connection, each query in its own transaction
        connection = published.connect(*login(published, "bi_dashboard", "bi_reader"))
        connection.autocommit = True
        try:
            deadline = time.monotonic() + 300
            while not stop.is_set() and time.monotonic() < deadline:
                try:
                    with connection.cursor() as cursor:
                        cursor.execute(query)
                        seen.append(cursor.fetchone())
                except psycopg2.Error as error:
                    errors.append(error)
                time.sleep(0.01)
        finally:
            connection.close()

    # a steward changes a decision recorded in the seed file: the nightly takes the table's in
    finding = "F-30c99f1a20f0ed6a"
    with contextlib.closing(published.connect(*login(published, "steward_li", "steward"))) as steward:
        steward.autocommit = True
        with steward.cursor() as cursor:
            cursor.execute(
                f"insert into {PREFIX}_stewardship.decisions (finding_id, decision, note) "
                "values (%s, 'false_positive', 'changed in the test')",
                (finding,),
            )

    thread = threading.Thread(target=read_in_a_loop)
    thread.start()
    try:
        while not seen and not errors:
            time.sleep(0.05)
        result = run_pg_nightly(tmp_path, published)
        time.sleep(0.2)
    finally:
        stop.set()
        thread.join()
        with contextlib.closing(published.connect()) as owner, owner.cursor() as cursor:
            cursor.execute(
                f"select decision, decided_by from {MARTS}.fct_findings_reviewed where finding_id = %s",
                (finding,),
            )
            reviewed = cursor.fetchone()
            cursor.execute(f"delete from {PREFIX}_stewardship.decisions where finding_id = %s", (finding,))
            owner.commit()
    assert result.returncode in (0, 2), output(result)
    assert not errors, errors[:3]
    assert set(seen) <= {old, new}, set(seen) - {old, new}
    assert seen[0] == old and seen[-1] == new
    # the swap locked the reader out for its instant (tests/postgres/test_publish_swap.py: when it cannot)
    assert "without locking them out" not in result.stdout
    assert reviewed == ("false_positive", "steward_li")


def test_a_failed_landing_changes_nothing(published: PostgresServer, tmp_path: Path) -> None:
    """(And the run drops what earlier runs left: an old schema a reader held at the last publish, the build
    of a run that was killed.)"""
    before = [name for name in schemas(published) if "__" not in name]
    with contextlib.closing(published.connect()) as owner, owner.cursor() as cursor:
        leftovers = (f"{PREFIX}__previous_20000101000000_marts", f"{PREFIX}__build_20000101000000_staging")
        for leftover in leftovers:
            cursor.execute(sql.SQL("create schema {}").format(sql.Identifier(leftover)))
            cursor.execute(sql.SQL("create table {} (n integer)").format(sql.Identifier(leftover, "kept")))
        owner.commit()
    assert set(leftovers) <= set(schemas(published))
    empty_folder = tmp_path / "no_raw_files"
    empty_folder.mkdir()
    result = run_pg_nightly(tmp_path, published, "--raw-dir", str(empty_folder))
    assert result.returncode == 1, output(result)
    assert "published schemas budget_warehouse_* are unchanged" in result.stderr
    assert schemas(published) == before


def test_a_failed_build_changes_nothing(published: PostgresServer, tmp_path: Path) -> None:
    """A decision the seed's tests refuse (the table's own check is lifted to let it in) fails dbt build."""
    before = schemas(published)
    with contextlib.closing(published.connect()) as owner, owner.cursor() as cursor:
        owner.autocommit = True
        cursor.execute(f"alter table {PREFIX}_stewardship.decisions drop constraint decisions_decision_check")
        cursor.execute(
            f"insert into {PREFIX}_stewardship.decisions (finding_id, decision) "
            "values ('F-000000000000beef', 'maybe')"
        )
        try:
            # dbt's own --fail-fast, passed through: the build stops at the seed's failing test
            result = run_pg_nightly(tmp_path, published, "--fail-fast")
        finally:
            cursor.execute(
                f"delete from {PREFIX}_stewardship.decisions where finding_id = 'F-000000000000beef'"
            )
            cursor.execute(
                f"alter table {PREFIX}_stewardship.decisions add constraint decisions_decision_check "
                "check (decision in ('accepted', 'false_positive', 'referred_back'))"
            )
    assert result.returncode == 1, output(result)
    assert "dbt build failed" in result.stderr
    assert schemas(published) == before


def test_the_guard_refuses_a_build_that_would_shrink_a_mart(
    published: PostgresServer, tmp_path: Path
) -> None:
    mart = f"{MARTS}.dim_functional_classification"
    with contextlib.closing(published.connect()) as owner, owner.cursor() as cursor:
        owner.autocommit = True
        cursor.execute(f"select count(*) from {mart}")
        built = cursor.fetchone()
        cursor.execute(f"create temporary table kept as select * from {mart}")
        # the published mart holds twice what the next build will: the build would lose half of it
        cursor.execute(f"insert into {mart} select * from {mart}")
        try:
            result = run_pg_nightly(tmp_path, published, "--max-shrink", "0.4", "--fail-fast")
            cursor.execute(f"select count(*) from {mart}")
            doubled = cursor.fetchone()
        finally:
            cursor.execute(f"truncate {mart}")
            cursor.execute(f"insert into {mart} select * from kept")
    assert result.returncode == 1, output(result)
    assert "dim_functional_classification would shrink" in result.stderr
    assert built is not None and doubled == (built[0] * 2,)
    assert not [name for name in schemas(published) if "__build_" in name]


def test_a_second_nightly_exits_4_and_changes_nothing(published: PostgresServer, tmp_path: Path) -> None:
    before = schemas(published)
    with contextlib.closing(published.connect()) as holder, holder.cursor() as cursor:
        holder.autocommit = True
        cursor.execute("select set_config('application_name', 'budget_warehouse nightly pid 4242', false)")
        cursor.execute("select pg_advisory_lock(hashtext(%s))", (f"budget_warehouse nightly {PREFIX}",))
        result = run_pg_nightly(tmp_path, published)
    assert result.returncode == 4, output(result)
    assert "another nightly is running" in result.stderr
    assert "pid 4242" in result.stderr
    assert schemas(published) == before


def test_a_decisions_table_from_before_ids_were_widened_takes_the_wider_ids(
    published: PostgresServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A table created when ids had 12 hex digits checked for exactly 12; the next nightly widens it."""
    from budget_warehouse import pg_warehouse

    decisions = sql.Identifier(f"{PREFIX}_stewardship", "decisions")
    check = sql.Identifier(pg_warehouse.FINDING_ID_CHECK)
    insert = sql.SQL("insert into {} (finding_id, decision) values ('F-0123456789abcdef', 'accepted')")
    with contextlib.closing(published.connect()) as owner, owner.cursor() as cursor:
        owner.autocommit = True
        cursor.execute(sql.SQL("alter table {} drop constraint {}").format(decisions, check))
        cursor.execute(
            sql.SQL("alter table {} add constraint {} check (finding_id ~ '^F-[0-9a-f]{{12}}$')").format(
                decisions, check
            )
        )
        with pytest.raises(psycopg2.errors.CheckViolation):
            cursor.execute(insert.format(decisions))

        for variable, value in published.env().items():
            monkeypatch.setenv(variable, value)
        pg_warehouse.ensure_roles_and_stewardship(PREFIX)
        pg_warehouse.ensure_roles_and_stewardship(PREFIX)  # and again: nothing left to widen

        cursor.execute(insert.format(decisions))
        cursor.execute(
            sql.SQL("insert into {} (finding_id, decision) values ('F-0123456789ab', 'accepted')").format(
                decisions
            )
        )
        with pytest.raises(psycopg2.errors.CheckViolation):
            cursor.execute(
                sql.SQL("insert into {} (finding_id, decision) values ('F-0123', 'accepted')").format(
                    decisions
                )
            )
        cursor.execute(
            sql.SQL("delete from {} where finding_id in ('F-0123456789abcdef', 'F-0123456789ab')").format(
                decisions
            )
        )
