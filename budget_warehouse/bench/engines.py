"""One generated corpus on the three engines, side by side: `make bench-engines N=100`.

The corpus (budget_warehouse.bench.generate) is built, as cron would run it, on each engine:
- duckdb: the nightly job (landing, dbt build, guard and publish, validation and report);
- postgres: the nightly job with `--target postgres` on the server the libpq variables name (PGHOST ...), or,
  when PGDATABASE is not set, on a throwaway local server (budget_warehouse.local_postgres) started for it;
- spark: landing, the landed tables exported as Parquet, `dbt build --target spark` in local mode. There is
  no Spark nightly: validation and the report run on DuckDB or PostgreSQL.
Each step runs as a child process; its seconds and the peak resident memory of its process tree (summed over
its processes, sampled: budget_warehouse.bench.process_tree) are measured. A PostgreSQL server's own
memory is not counted: it is the server's.

Each engine's marts are then exported as Parquet (budget_warehouse.export, timed as a phase too), and every
finding of `fct_identity_checks` (id, rule, status, provided, expected, difference, tolerance) exported from
PostgreSQL and Spark is compared with DuckDB's, streamed in id order, and every mart's row count (the
manifests').
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from budget_warehouse.bench.generate import generate
from budget_warehouse.bench.process_tree import run_measured
from budget_warehouse.bench.run import PUBLISHED, nightly_environment, work_folder
from budget_warehouse.local_postgres import local_server, server_bin_dir
from budget_warehouse.phase_timer import TIMINGS_ENV

ENGINES = ("duckdb", "postgres", "spark")
PG_PREFIX = "bench_engines"
SPARK_SCHEMA = "bench_engines"
FINDING_COLUMNS = (
    "finding_id, disclosure_id, rule_id, subject, status, "
    "provided_value, expected_value, difference, tolerance"
)
FINDINGS_IN_ID_ORDER = f"select {FINDING_COLUMNS} from {{relation}} order by finding_id"
FETCH_ROWS = 20_000


class StepFailedError(RuntimeError):
    pass


@dataclass
class EngineRun:
    engine: str
    phase_seconds: dict[str, float] = field(default_factory=dict)
    wall_seconds: float = 0.0
    peak_rss_mib: float = 0.0
    mart_rows: dict[str, int] = field(default_factory=dict)
    findings: int = 0
    findings_differing: int | None = None
    first_differences: list[str] = field(default_factory=list)
    marts_differing: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class EnginesResult:
    disclosures: int
    generated_disclosures: int
    runs: list[EngineRun]


def run_step(
    command: list[str], env: dict[str, str], log: Path, accepted: tuple[int, ...] = (0,)
) -> tuple[float, float]:
    """Run one step as a child process: its seconds and the peak resident memory (MiB) of its process tree,
    summed over the processes (Spark's JVM is a grandchild), sampled every quarter second."""
    run = run_measured(command, env, log)
    if run.exit_status not in accepted:
        raise StepFailedError(f"{' '.join(command[:4])} ... exited {run.exit_status}; see {log}")
    return run.seconds, run.peak_rss_mib


def _python(*module_args: str) -> list[str]:
    return [sys.executable, "-m", *module_args]


def _nightly(run: EngineRun, raw_dir: Path, env: dict[str, str], work_dir: Path, *target: str) -> None:
    command = _python("budget_warehouse.nightly", *target, "--raw-dir", str(raw_dir), "--without-sample")
    run.wall_seconds, run.peak_rss_mib = run_step(command, env, work_dir / "steps.log", PUBLISHED)
    timings = json.loads(Path(env[TIMINGS_ENV]).read_text(encoding="utf-8"))
    run.phase_seconds = {str(phase): float(seconds) for phase, seconds in timings.items()}


def _export(run: EngineRun, target: str, env: dict[str, str], work_dir: Path) -> Path:
    """The engine's marts as Parquet with a manifest (what a file-reading BI tool gets): timed, rows kept."""
    out = work_dir / "export"
    command = _python("budget_warehouse.export", "--target", target, "--out", str(out))
    seconds, peak = run_step(command, env, work_dir / "steps.log")
    run.phase_seconds["export"] = seconds
    run.peak_rss_mib = max(run.peak_rss_mib, peak)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    run.mart_rows = {str(mart["name"]): int(mart["rows"]) for mart in manifest["marts"]}
    return out


def on_duckdb(raw_dir: Path, work_dir: Path) -> tuple[EngineRun, Path]:
    run = EngineRun("duckdb")
    env = nightly_environment(work_dir)
    _nightly(run, raw_dir, env, work_dir)
    return run, _export(run, "duckdb", env, work_dir)


@contextlib.contextmanager
def postgres_env() -> Iterator[dict[str, str]]:
    """The libpq variables of the server to bench on: the ones set, or a throwaway local server's."""
    if os.environ.get("PGDATABASE"):
        yield {}
        return
    bin_dir = server_bin_dir()
    if bin_dir is None:
        raise StepFailedError("no PostgreSQL: set PGHOST, PGDATABASE ... or install postgresql-15")
    with local_server(bin_dir) as server:
        yield server.env()


def on_postgres(raw_dir: Path, work_dir: Path, server_env: dict[str, str]) -> tuple[EngineRun, Path]:
    run = EngineRun("postgres")
    env = nightly_environment(work_dir)
    env.update(server_env, BUDGET_WAREHOUSE_PG_SCHEMA=PG_PREFIX)
    _nightly(run, raw_dir, env, work_dir, "--target", "postgres")
    return run, _export(run, "postgres", env, work_dir)


def on_spark(raw_dir: Path, work_dir: Path) -> tuple[EngineRun, Path]:
    run = EngineRun("spark")
    spark_dir = (work_dir / "spark").resolve()
    spark_dir.mkdir(parents=True, exist_ok=True)
    env = nightly_environment(work_dir)
    env.update(
        BUDGET_WAREHOUSE_SPARK_DIR=str(spark_dir),
        BUDGET_WAREHOUSE_SPARK_LANDING_DIR=str(spark_dir / "landing"),
        BUDGET_WAREHOUSE_SPARK_SCHEMA=SPARK_SCHEMA,
    )
    landed = work_dir / "landed.duckdb"
    steps = {
        "landing": _python("budget_warehouse.landing.land", str(landed), str(raw_dir)),
        "parquet export": _python(
            "budget_warehouse.landing.to_parquet", str(landed), str(spark_dir / "landing")
        ),
        "dbt build": [str(Path(sys.executable).parent / "dbt"), "build", "--target", "spark"],
    }
    for phase, command in steps.items():
        seconds, peak = run_step(command, env, work_dir / "steps.log")
        run.phase_seconds[phase] = seconds
        run.peak_rss_mib = max(run.peak_rss_mib, peak)
    # no nightly on Spark: the build's steps are the night (the export is reported beside it)
    run.wall_seconds = sum(run.phase_seconds.values())
    return run, _export(run, "spark", env, work_dir)


def exported_findings(export: Path) -> Iterator[tuple[Any, ...]]:
    """The findings of one engine's export, in id order, a batch at a time."""
    parquet = str(export / "fct_identity_checks.parquet").replace("'", "''")
    with duckdb.connect() as connection:
        connection.execute(FINDINGS_IN_ID_ORDER.format(relation=f"read_parquet('{parquet}')"))
        while rows := connection.fetchmany(FETCH_ROWS):
            yield from rows


def _canonical(row: tuple[Any, ...]) -> tuple[Any, ...]:
    # 12.50 and 12.5 are the same amount; the engines may keep different scales in a computed column
    return tuple(value.normalize() if isinstance(value, Decimal) else value for value in row)


def compare_findings(
    run: EngineRun, reference: Iterator[tuple[Any, ...]], other: Iterator[tuple[Any, ...]]
) -> None:
    """Walk both engines' findings in id order together: counts and the first differences kept."""
    differing = compared = 0
    missing = object()
    for left, right in _zip_longest(reference, other, missing):
        compared += 1
        if left is missing or right is missing or _canonical(left) != _canonical(right):
            differing += 1
            if len(run.first_differences) < 5:
                run.first_differences.append(f"duckdb {left!r} / {run.engine} {right!r}")
    run.findings = compared
    run.findings_differing = differing


def _zip_longest(left: Iterator[Any], right: Iterator[Any], missing: object) -> Iterator[tuple[Any, Any]]:
    while True:
        a, b = next(left, missing), next(right, missing)
        if a is missing and b is missing:
            return
        yield a, b


def bench_engines(disclosures: int, work_dir: Path, engines: tuple[str, ...]) -> EnginesResult:
    raw_dir = work_dir / "raw"
    planted = generate(raw_dir, disclosures)
    duck, duck_export = on_duckdb(raw_dir, work_dir / "duckdb")
    duck.findings = duck.mart_rows.get("fct_identity_checks", 0)
    runs = [duck]
    others: list[tuple[EngineRun, Path]] = []
    if "postgres" in engines:
        with postgres_env() as server_env:
            others.append(on_postgres(raw_dir, work_dir / "postgres", server_env))
    if "spark" in engines:
        others.append(on_spark(raw_dir, work_dir / "spark"))
    for run, export in others:
        compare_findings(run, exported_findings(duck_export), exported_findings(export))
        run.marts_differing = sorted(
            mart for mart in duck.mart_rows.keys() | run.mart_rows.keys()
            if duck.mart_rows.get(mart) != run.mart_rows.get(mart)
        )  # fmt: skip
        runs.append(run)
    return EnginesResult(disclosures, len(planted), runs)


NOT_RUN = "n/a"


def table_lines(result: EnginesResult) -> list[str]:
    """The side-by-side table the README shows (Markdown)."""
    lines = [
        f"{result.disclosures} disclosures ({result.generated_disclosures} with predecessors)",
        "",
        "| engine | landing (and load) | dbt build | guard and publish | validation and report | night | "
        "export to Parquet | peak memory | findings | same as DuckDB |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for run in result.runs:
        phases = run.phase_seconds
        landing = phases.get("landing", 0.0) + phases.get("parquet export", 0.0) + phases.get("import", 0.0)
        publish = phases.get("guard", 0.0) + phases.get("publish", 0.0)
        cells = [
            run.engine,
            f"{landing:.1f} s",
            f"{phases['dbt build']:.1f} s",
            f"{publish:.1f} s" if "publish" in phases else NOT_RUN,
            f"{phases['validation and report']:.1f} s" if "validation and report" in phases else NOT_RUN,
            f"{run.wall_seconds:.1f} s",
            f"{phases['export']:.1f} s",
            f"{run.peak_rss_mib / 1024:.1f} GiB",
            f"{run.findings:,}",
            _sameness(run),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _sameness(run: EngineRun) -> str:
    if run.findings_differing is None:
        return "(reference)"
    if run.findings_differing == 0 and not run.marts_differing:
        return "yes: every finding, every mart's rows"
    return f"NO: {run.findings_differing} findings differ; marts {', '.join(run.marts_differing) or 'same'}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m budget_warehouse.bench.engines", allow_abbrev=False)
    parser.add_argument("--disclosures", type=int, required=True, help="how many disclosures to generate")
    parser.add_argument(
        "--engines",
        default=",".join(ENGINES),
        help="comma-separated, from duckdb,postgres,spark (duckdb always)",
    )
    parser.add_argument("--out", type=Path, help="write every measurement as JSON here")
    parser.add_argument("--work-dir", type=Path, help="keep the corpus, warehouses and logs here")
    options = parser.parse_args(argv)
    engines = tuple(name.strip() for name in options.engines.split(",") if name.strip())
    unknown = sorted(set(engines) - set(ENGINES))
    if unknown or options.disclosures < 1:
        parser.error(f"unknown engines {unknown}" if unknown else "--disclosures must be at least 1")
    try:
        with work_folder(options.work_dir, "budget_bench_engines_") as work_dir:
            result = bench_engines(options.disclosures, work_dir, engines)
    except StepFailedError as failed:
        print(f"bench-engines: {failed}", file=sys.stderr)
        return 1
    for line in table_lines(result):
        print(line)
    for run in result.runs:
        for difference in run.first_differences:
            print(f"  {run.engine}: {difference}")
    if options.out:
        options.out.write_text(json.dumps(asdict(result), indent=2) + "\n", encoding="utf-8")
    same = all(run.findings_differing in (None, 0) and not run.marts_differing for run in result.runs)
    return 0 if same else 2


if __name__ == "__main__":
    sys.exit(main())
