"""Seconds and peak memory per phase of a nightly run: printed, and written as JSON for the benchmark."""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# The benchmark (budget_warehouse.bench) sets these to read each phase's seconds and peak memory.
TIMINGS_ENV = "BUDGET_WAREHOUSE_TIMINGS"
PEAK_MEMORY_ENV = "BUDGET_WAREHOUSE_PEAK_MEMORY"

# Linux only: writing 5 to clear_refs resets the process's peak resident set (VmHWM), so each phase's peak
# is its own and not the high-water mark of an earlier phase. dbt and DuckDB run inside this process.
_CLEAR_REFS = Path("/proc/self/clear_refs")
_STATUS = Path("/proc/self/status")


def _reset_peak_rss() -> None:
    # not Linux, or not allowed: the peak is then the run's high-water mark so far
    with contextlib.suppress(OSError):
        _CLEAR_REFS.write_text("5", encoding="ascii")


def _peak_rss_mib() -> float | None:
    try:
        status = _STATUS.read_text(encoding="ascii")
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


class PhaseTimer:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.peak_rss_mib: dict[str, float] = {}

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        _reset_peak_rss()
        started = time.monotonic()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.monotonic() - started
            peak = _peak_rss_mib()
            if peak is not None:
                self.peak_rss_mib[name] = max(peak, self.peak_rss_mib.get(name, 0.0))

    def summary(self) -> str:
        return "timings: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in self.seconds.items())

    def write(self) -> None:
        for env, values in ((TIMINGS_ENV, self.seconds), (PEAK_MEMORY_ENV, self.peak_rss_mib)):
            target = os.environ.get(env)
            if target:
                Path(target).write_text(json.dumps(values, indent=2) + "\n", encoding="utf-8")
