"""A file of the last run reused by this one: one function, shared by the report's pages and its dbt docs."""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def link_or_copy(previous: Path, destination: Path) -> bool:
    """previous as destination: a hard link, so an unchanged file costs neither a write nor space; a copy of
    its bytes where the file system links no files. False when neither could be made (the last run's folder
    pruned meanwhile by a run beside this one): the caller then writes the file itself. Report files are only
    ever written as new files, so a file two runs share never changes under either."""
    try:
        os.link(previous, destination)
    except OSError:
        try:
            shutil.copyfile(previous, destination)
        except OSError:
            return False
    return True
