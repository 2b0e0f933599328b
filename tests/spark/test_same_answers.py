"""The same models on DuckDB and on Apache Spark (local mode) give the same answers.

The sample and a generated corpus (every scale factor's clean baseline and one fault of every rule
family, budget_warehouse.bench.generate) are landed once into a DuckDB file; dbt builds that file on
DuckDB, and `export_landing_to_parquet` writes its landing tables as Parquet, which the `spark` target reads
as the landing source (tables created over the files on run start) while `dbt build --target spark` builds
the same models, seeds, tests and unit
tests. Every finding of `fct_identity_checks` and the published ("golden") figures must then be equal:
decimals exactly, as decimal.Decimal, codes as text. Spark is read back through a session of this process
on the build's metastore, once dbt (and its Spark) has finished.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from budget_warehouse import spark_session
from budget_warehouse.bench.corpus import SCALE_FACTORS
from budget_warehouse.bench.faults import FAULTS
from budget_warehouse.bench.generate import FAULTY, generate
from budget_warehouse.landing.contract import SAMPLE_DIR
from budget_warehouse.landing.land import land
from budget_warehouse.landing.to_parquet import export_landing_to_parquet
from tests import same_answers
from tests.conftest import PROJECT_DIR, project_env
from tests.same_answers import GOLDEN_QUERIES, MARTS, SAMPLE, Query, dbt_build
from tests.spark.conftest import SPARK_SCHEMA, require_java, spark_env

# every scale factor's clean baseline and one fault of every rule family (the generator's order)
CORPUS_DISCLOSURES = len(SCALE_FACTORS) + len(FAULTS)


@dataclass(frozen=True)
class SparkBuild:
    duckdb_file: Path
    spark_dir: Path
    seconds: dict[str, float]
    landing_rows: dict[str, int]
    faulty_disclosures: dict[str, str]


@pytest.fixture(scope="module")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> SparkBuild:
    require_java()
    tmp_dir = tmp_path_factory.mktemp("spark_sample")
    warehouse = tmp_dir / "budget_warehouse.duckdb"
    spark_dir = tmp_dir / "spark"
    seconds: dict[str, float] = {}
    corpus = tmp_dir / "corpus"
    planted = generate(corpus, CORPUS_DISCLOSURES)
    faulty = {row.disclosure_id: str(row.rule_id) for row in planted if row.role == FAULTY}
    started = time.monotonic()
    # one build for both: a Spark build costs minutes whatever its size, most of it planning
    land([SAMPLE_DIR, corpus], warehouse)
    seconds["landing"] = time.monotonic() - started
    # exported before DuckDB builds into the file: the export reads the landing exactly as landed
    started = time.monotonic()
    landing_rows = export_landing_to_parquet(warehouse, spark_dir / "landing")
    seconds["parquet export"] = time.monotonic() - started

    duckdb_env = project_env(tmp_dir / "duckdb", warehouse)
    duckdb_env["BUDGET_WAREHOUSE_BUILD_PATH"] = str(warehouse)
    seconds["dbt build duckdb"] = dbt_build(duckdb_env)

    env = project_env(tmp_dir / "spark_dbt", warehouse)
    env.update(spark_env(spark_dir))
    seconds["dbt build spark"] = dbt_build(env, "--target", "spark")
    print(f"\nsample on spark, seconds: {seconds}")
    return SparkBuild(warehouse, spark_dir, seconds, landing_rows, faulty)


@pytest.fixture(scope="module")
def spark_export(sample_build: SparkBuild, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The marts exported by `python -m budget_warehouse.export --target spark`, in a process of its own. It
    runs before `on_spark` starts this process's session (on_spark requests it for that reason): the embedded
    Derby metastore admits one JVM at a time."""
    tmp_dir = tmp_path_factory.mktemp("spark_export")
    env = project_env(tmp_dir, sample_build.duckdb_file)
    env.update(spark_env(sample_build.spark_dir))
    out = tmp_dir / "marts"
    result = subprocess.run(
        [sys.executable, "-m", "budget_warehouse.export", "--target", "spark", "--out", str(out)],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    print(f"\n{result.stdout}")
    return out


@pytest.fixture(scope="module")
def on_spark(sample_build: SparkBuild, spark_export: Path) -> Iterator[Query]:
    """A query function on Spark's marts, through a local session on the build's metastore and tables (the
    settings of profiles.yml's `spark` output), opened once the export's own Spark has ended."""
    session = spark_session.local_session(
        {**spark_env(sample_build.spark_dir), "BUDGET_WAREHOUSE_SPARK_MASTER": "local[1]"}
    )

    def query(sql: str, params: dict[str, str] | None = None) -> list[tuple[object, ...]]:
        # Spark names its parameters :name; the queries are written with psycopg2's %(name)s
        text = sql.format(marts=f"{SPARK_SCHEMA}_marts")
        used = {name: value for name, value in (params or {}).items() if f"%({name})s" in text}
        for name in used:
            text = text.replace(f"%({name})s", f":{name}")
        return [tuple(row) for row in session.sql(text, args=used or None).collect()]

    yield query
    session.stop()


@pytest.fixture(scope="module")
def on_duckdb(sample_build: SparkBuild) -> Iterator[Query]:
    with duckdb.connect(str(sample_build.duckdb_file), read_only=True) as duck:

        def query(sql: str, params: dict[str, str] | None = None) -> list[tuple[object, ...]]:
            text = sql.format(marts="marts")
            used = {name: value for name, value in (params or {}).items() if f"%({name})s" in text}
            for name in used:
                text = text.replace(f"%({name})s", f"${name}")
            return [tuple(row) for row in duck.execute(text, used).fetchall()]

        yield query


def test_landing_is_exported_exactly(sample_build: SparkBuild, on_spark: Query) -> None:
    """Every landed table reaches Spark whole: same rows, NULL apart from empty text, line numbers bigint."""
    with duckdb.connect(str(sample_build.duckdb_file), read_only=True) as duck:
        for table, written in sample_build.landing_rows.items():
            duck_rows = duck.execute(f'select * from landing."{table}"').fetchall()
            spark_rows = on_spark(f"select * from {SPARK_SCHEMA}_landing.{table}")
            assert written == len(duck_rows)
            assert sorted(map(repr, spark_rows)) == sorted(map(repr, map(tuple, duck_rows))), table
    assert on_spark(f"select typeof(source_line) from {SPARK_SCHEMA}_landing.raw_function_lines limit 1") == [
        ("bigint",)
    ]
    assert sample_build.landing_rows["raw_function_lines"] > 0


def test_the_sample_and_a_generated_corpus_have_the_same_findings_on_spark(
    sample_build: SparkBuild, on_duckdb: Query, on_spark: Query
) -> None:
    spark = same_answers.assert_same_findings(on_duckdb, on_spark, "spark")
    same_answers.assert_sample_findings(spark)
    # the corpus is there, and each injected fault fails its rule on Spark too
    assert len({row[1] for row in spark.values()}) > CORPUS_DISCLOSURES
    failing = {(row[1], row[2]) for row in spark.values() if row[4] == "fail"}
    assert len(sample_build.faulty_disclosures) == len(FAULTS)
    assert all((disclosure, rule) in failing for disclosure, rule in sample_build.faulty_disclosures.items())


@pytest.mark.parametrize("name", sorted(GOLDEN_QUERIES))
def test_golden_figures_are_the_same_on_spark(on_duckdb: Query, on_spark: Query, name: str) -> None:
    duck = on_duckdb(GOLDEN_QUERIES[name], {"d": SAMPLE})
    spark = on_spark(GOLDEN_QUERIES[name], {"d": SAMPLE})
    assert duck, name
    assert spark == duck
    for row in spark:
        assert not any(isinstance(value, float) for value in row), row


def test_golden_figures_on_spark(on_spark: Query) -> None:
    same_answers.assert_golden_figures(on_spark)


def test_every_mart_has_the_same_rows_on_spark(on_duckdb: Query, on_spark: Query) -> None:
    for mart in MARTS:
        sql = f"select count(*) from {{marts}}.{mart}"
        assert on_spark(sql) == on_duckdb(sql), mart


def test_exact_quotients_on_spark(on_spark: Query) -> None:
    """PERF-05's ratio is cut after the 12th decimal, not rounded in Spark's DECIMAL(38) division."""
    rows = on_spark(
        "select provided_value from {marts}.fct_identity_checks where rule_id = 'PERF-05' and status = 'fail'"
    )
    assert (Decimal("78.1338461538"),) in rows


def test_the_marts_export_as_parquet_from_spark(spark_export: Path, on_duckdb: Query) -> None:
    """`--target spark`: one file per mart with the rows, columns and types DuckDB's marts have, money as
    DECIMAL, and the findings equal to DuckDB's mart row for row."""
    manifest = json.loads((spark_export / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["target"] == "spark"
    assert manifest["source"]["database"] == f"{SPARK_SCHEMA}_marts"
    marts = on_duckdb(
        "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
    )
    assert [mart["name"] for mart in manifest["marts"]] == [name for (name,) in marts]
    for mart in manifest["marts"]:
        path = spark_export / mart["file"]
        assert on_duckdb(f"select count(*) from {{marts}}.{mart['name']}") == [(mart["rows"],)], mart["name"]
        assert mart["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        columns = on_duckdb(f"describe select * from {{marts}}.{mart['name']}")
        assert [(column["name"], column["type"]) for column in mart["columns"]] == [
            (name, kind) for name, kind, *_ in columns
        ], mart["name"]
    findings = f"read_parquet('{spark_export / 'fct_identity_checks.parquet'}')"
    types = dict(on_duckdb(f"select column_name, column_type from (describe select * from {findings})"))
    for column in ("provided_value", "expected_value", "difference", "tolerance"):
        assert str(types[column]).startswith("DECIMAL("), (column, types[column])
    mart = "{marts}.fct_identity_checks"
    for first, second in ((mart, findings), (findings, mart)):
        missing = on_duckdb(f"select * from {first} except all select * from {second}")
        assert missing == [], missing[:3]
    assert on_duckdb(f"select count(*) from {findings}") != [(0,)]
