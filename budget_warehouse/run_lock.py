"""One nightly job per warehouse at a time: an advisory lock beside the published file.

The kernel releases the lock when the holder exits, however it exits, so a killed run never leaves the
warehouse locked; the holder's pid is written into the file so a second run can say who holds it.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class WarehouseBusyError(Exception):
    """Another nightly job holds the warehouse."""


def lock_path(published: Path) -> Path:
    return published.with_name(published.name + ".lock")


@contextmanager
def nightly_lock(published: Path) -> Iterator[None]:
    path = lock_path(published)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(descriptor, 32, 0).decode("ascii", "replace").strip() or "unknown"
            raise WarehouseBusyError(
                f"another nightly is running on {published} (pid {holder}); this run changes nothing"
            ) from None
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f"{os.getpid()}\n".encode("ascii"), 0)
        yield
    finally:
        os.close(descriptor)
