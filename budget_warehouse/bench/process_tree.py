"""Run a command as a child process and sample the resident memory of its whole process tree (Linux /proc),
summed over the processes: the nightly's dbt docs child, Spark's JVM (a grandchild) count with the rest."""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from budget_warehouse.warehouse_paths import PROJECT_DIR

SAMPLE_SECONDS = 0.25
PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024


@dataclass(frozen=True)
class MeasuredRun:
    exit_status: int
    seconds: float
    peak_rss_mib: float


def tree_rss_kib(root: int) -> int:
    """The resident memory of a process and all its descendants now (KiB)."""
    parents: dict[int, int] = {}
    resident: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            # the command name may hold spaces and parentheses: fields after the last ')' are fixed
            fields = stat.read_text(encoding="ascii", errors="replace").rsplit(")", 1)[1].split()
            pid = int(stat.parent.name)
            parents[pid] = int(fields[1])
            resident[pid] = int(fields[21]) * PAGE_KIB
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier.extend(children)
    return sum(resident.get(pid, 0) for pid in tree)


def run_measured(command: list[str], env: dict[str, str], log: Path) -> MeasuredRun:
    """Run command (output appended to log); its exit status, seconds and sampled peak tree memory."""
    started = time.monotonic()
    peak_kib = 0
    with log.open("a", encoding="utf-8") as output:
        output.write(f"$ {' '.join(command)}\n")
        output.flush()
        child = subprocess.Popen(command, cwd=PROJECT_DIR, env=env, stdout=output, stderr=subprocess.STDOUT)
        while child.poll() is None:
            peak_kib = max(peak_kib, tree_rss_kib(child.pid))
            time.sleep(SAMPLE_SECONDS)
    return MeasuredRun(child.returncode, time.monotonic() - started, peak_kib / 1024)
