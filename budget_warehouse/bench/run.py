"""Run the nightly job on a generated corpus and measure it: seconds and peak memory per phase, the whole
process tree's peak, rows per mart, the report's size, the ratio to the plain-DuckDB baseline, recall per
rule family and false alarms.

The nightly runs as a child process exactly as cron would run it, on its own temporary warehouse, reports
folder and (empty) inbox: the project's own warehouse and reports are never touched. Like every night but the
first, it finds the project already parsed (dbt's partial parsing, target/partial_parse.msgpack): `dbt parse`
runs first, untimed, with the nightly's own environment. `--first-night` leaves it out.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb

from budget_warehouse import dbt_docs
from budget_warehouse.bench.baseline import BaselineResult, run_baseline
from budget_warehouse.bench.changes import change_disclosures
from budget_warehouse.bench.generate import PREDECESSOR, Planted, generate
from budget_warehouse.bench.process_tree import run_measured
from budget_warehouse.bench.scoring import Score, score
from budget_warehouse.phase_timer import PEAK_MEMORY_ENV, TIMINGS_ENV
from budget_warehouse.validate import DOCS_TARGET, GATE_FAILED
from budget_warehouse.warehouse_paths import PROJECT_DIR, build_path

# the nightly published its build; the gate may fail (the corpus's findings have no steward decisions)
PUBLISHED = (0, GATE_FAILED)


# what dbt prints when it finds no parsed project to reuse
FULL_PARSE = "Unable to do partial parsing"


class NightlyFailedError(RuntimeError):
    pass


@dataclass(frozen=True)
class NightlyRun:
    wall_seconds: float
    exit_status: int
    phase_seconds: dict[str, float]
    phase_peak_rss_mib: dict[str, float]
    tree_peak_rss_mib: float
    parsed_from_scratch: bool


@dataclass(frozen=True)
class BenchResult:
    disclosures: int
    generated_disclosures: int
    raw_rows: int
    generate_seconds: float
    nightly: NightlyRun
    mart_rows: dict[str, int]
    report_bytes: int
    baseline: BaselineResult
    dbt_to_baseline_ratio: float | None
    score: Score
    disclosures_per_file: int = 0
    # the night after some disclosures changed (--changed-percent), when measured
    changed_disclosures: int = 0
    changed_files: int = 0
    changed_night: NightlyRun | None = None


@contextmanager
def work_folder(kept: Path | None, prefix: str) -> Iterator[Path]:
    """The benchmark's folder: `kept` (left in place), or a temporary one removed afterwards."""
    work_dir = kept or Path(tempfile.mkdtemp(prefix=prefix))
    work_dir.mkdir(parents=True, exist_ok=True)
    try:
        yield work_dir
    finally:
        if kept is None:
            shutil.rmtree(work_dir, ignore_errors=True)


def nightly_environment(work_dir: Path) -> dict[str, str]:
    inbox = work_dir / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.update(
        BUDGET_WAREHOUSE_PATH=str(work_dir / "warehouse.duckdb"),
        BUDGET_WAREHOUSE_REPORTS_DIR=str(work_dir / "reports"),
        BUDGET_WAREHOUSE_INBOX=str(inbox),
        DBT_PROFILES_DIR=str(PROJECT_DIR),
        DBT_TARGET_PATH=str(work_dir / "target"),
        DBT_LOG_PATH=str(work_dir / "logs"),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        GX_ANALYTICS_ENABLED="false",
    )
    env[TIMINGS_ENV] = str(work_dir / "timings.json")
    env[PEAK_MEMORY_ENV] = str(work_dir / "peak_memory.json")
    env.pop("BUDGET_WAREHOUSE_BUILD_PATH", None)
    return env


def parse_project(work_dir: Path) -> None:
    """What the last night leaves for the next: the parsed project, for the nightly's dbt build to reuse."""
    env = nightly_environment(work_dir)
    building = build_path(Path(env["BUDGET_WAREHOUSE_PATH"]))
    # the profile's values as the nightly's build sets them: a changed profile makes dbt parse from scratch
    env["BUDGET_WAREHOUSE_BUILD_PATH"] = str(building)
    env.setdefault("BUDGET_WAREHOUSE_TEMP_DIR", str(building.with_name(building.name + ".tmp")))
    # and the report's dbt docs, which parse the project for the published file in a folder of their own
    env["BUDGET_WAREHOUSE_READ_ONLY_PATH"] = env["BUDGET_WAREHOUSE_PATH"]
    docs_target = dbt_docs.kept_target_folder(DOCS_TARGET, env["DBT_TARGET_PATH"])
    dbt = Path(sys.executable).with_name("dbt")
    project = ["--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR)]
    # the build's arguments exactly as the nightly passes them (naming its default target would count as a
    # changed target); then the docs' own
    for target in ([], ["--target", DOCS_TARGET, "--target-path", str(docs_target)]):
        parsed = subprocess.run(
            [str(dbt), "--no-use-colors", "parse", *project, *target],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if parsed.returncode != 0:
            raise NightlyFailedError(f"dbt parse failed before the nightly: {parsed.stdout[-2000:]}")


def _read_json(path: Path) -> dict[str, float]:
    return {str(key): float(value) for key, value in json.loads(path.read_text(encoding="utf-8")).items()}


def nightly_command(raw_dir: Path, *options: str) -> list[str]:
    """The nightly on the corpus alone (no sample; the work folder's empty inbox), with any other options."""
    return [
        sys.executable,
        "-m",
        "budget_warehouse.nightly",
        "--raw-dir",
        str(raw_dir),
        "--without-sample",
        *options,
    ]


def run_nightly(raw_dir: Path, work_dir: Path, log_name: str = "nightly.log") -> NightlyRun:
    """The nightly on the corpus alone (no sample, no PDFs), its output kept in work_dir/<log_name>."""
    env = nightly_environment(work_dir)
    command = nightly_command(raw_dir)
    log = work_dir / log_name
    log.unlink(missing_ok=True)
    run = run_measured(command, env, log)
    if run.exit_status not in PUBLISHED:
        raise NightlyFailedError(f"the nightly exited {run.exit_status}; see {log}")
    phase_peaks = _read_json(Path(env[PEAK_MEMORY_ENV]))
    # the resident memory of the nightly and its children (the report's dbt docs process runs beside it),
    # summed and sampled; a phase's own peak (phase_timer) may fall between two samples
    tree_peak = max([run.peak_rss_mib, *phase_peaks.values()])
    return NightlyRun(
        wall_seconds=run.seconds,
        exit_status=run.exit_status,
        phase_seconds=_read_json(Path(env[TIMINGS_ENV])),
        phase_peak_rss_mib=phase_peaks,
        tree_peak_rss_mib=tree_peak,
        parsed_from_scratch=FULL_PARSE in log.read_text(encoding="utf-8", errors="replace"),
    )


def mart_rows(warehouse: Path) -> dict[str, int]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        tables = connection.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
        ).fetchall()
        counts = {}
        for (table,) in tables:
            (count,) = connection.execute(f'select count(*) from marts."{table}"').fetchone() or (0,)
            counts[str(table)] = int(count)
    return counts


def changed_ids(planted: list[Planted], percent: float) -> set[str]:
    """The first `percent` of the scored disclosures (at least one), in the order they were generated."""
    scored = [row.disclosure_id for row in planted if row.role != PREDECESSOR]
    return set(scored[: max(1, math.ceil(len(scored) * percent / 100))])


def bench(
    disclosures: int,
    work_dir: Path,
    first_night: bool = False,
    disclosures_per_file: int = 0,
    changed_percent: float = 0.0,
) -> BenchResult:
    raw_dir = work_dir / "raw"
    started = time.monotonic()
    planted: list[Planted] = generate(raw_dir, disclosures, disclosures_per_file)
    generate_seconds = time.monotonic() - started
    if not first_night:
        parse_project(work_dir)
    nightly = run_nightly(raw_dir, work_dir)
    changed: set[str] = set()
    rewritten: list[Path] = []
    changed_night = None
    if changed_percent:
        changed = changed_ids(planted, changed_percent)
        rewritten = change_disclosures(raw_dir, changed)
        changed_night = run_nightly(raw_dir, work_dir, "nightly-changed.log")
    warehouse = work_dir / "warehouse.duckdb"
    baseline = run_baseline(raw_dir)
    dbt_seconds = nightly.phase_seconds.get("dbt build")
    report = work_dir / "reports" / "latest" / "index.html"
    return BenchResult(
        disclosures=disclosures,
        generated_disclosures=len(planted),
        raw_rows=baseline.raw_rows,
        generate_seconds=generate_seconds,
        nightly=nightly,
        mart_rows=mart_rows(warehouse),
        report_bytes=report.stat().st_size if report.exists() else 0,
        baseline=baseline,
        dbt_to_baseline_ratio=dbt_seconds / baseline.seconds if dbt_seconds and baseline.seconds else None,
        score=score(warehouse, planted),
        disclosures_per_file=disclosures_per_file,
        changed_disclosures=len(changed),
        changed_files=len(rewritten),
        changed_night=changed_night,
    )


def result_json(result: BenchResult) -> str:
    return json.dumps(asdict(result), ensure_ascii=False, indent=2) + "\n"


def _phase_lines(nightly: NightlyRun) -> list[str]:
    lines = []
    for phase, seconds in nightly.phase_seconds.items():
        peak = nightly.phase_peak_rss_mib.get(phase)
        memory = f", peak {peak:.0f} MiB" if peak is not None else ""
        lines.append(f"  {phase}: {seconds:.1f} s{memory}")
    return lines


def summary_lines(result: BenchResult) -> list[str]:
    nightly = result.nightly
    lines = [
        f"bench: {result.disclosures} disclosures ({result.generated_disclosures} with predecessors), "
        f"{result.raw_rows} raw rows, generated in {result.generate_seconds:.1f} s"
        + (f", {result.disclosures_per_file} per set of files" if result.disclosures_per_file else ""),
        f"nightly: {nightly.wall_seconds:.1f} s wall, exit {nightly.exit_status}, "
        f"peak resident memory of the process tree {nightly.tree_peak_rss_mib:.0f} MiB; dbt "
        + ("parsed the project from scratch" if nightly.parsed_from_scratch else "reused the parsed project"),
    ]
    lines.extend(_phase_lines(nightly))
    if result.changed_night is not None:
        changed = result.changed_night
        lines.append(
            f"night after {result.changed_disclosures} disclosures changed ({result.changed_files} files "
            f"written again): {changed.wall_seconds:.1f} s wall, exit {changed.exit_status}, "
            f"peak resident memory of the process tree {changed.tree_peak_rss_mib:.0f} MiB"
        )
        lines.extend(_phase_lines(changed))
    lines.append("rows per mart: " + ", ".join(f"{table} {rows}" for table, rows in result.mart_rows.items()))
    lines.append(f"report: reports/latest/index.html {result.report_bytes / 1024:.0f} KiB")
    ratio = f"{result.dbt_to_baseline_ratio:.0f}x" if result.dbt_to_baseline_ratio else "n/a"
    lines.append(
        "baseline (plain DuckDB: read every raw kind, roll-up, two identities): "
        f"{result.baseline.seconds:.2f} s; "
        f"dbt build / baseline = {ratio}"
    )
    for family in result.score.recall:
        lines.append(f"  recall {family.family}: {family.found}/{family.injected}")
    lines.append(
        f"false alarms: {len(result.score.false_alarms)} "
        f"on {result.score.clean_disclosures} clean disclosures "
        f"(each compared with the clean baseline of its scale factor; {result.score.baselines} baselines)"
    )
    return lines
