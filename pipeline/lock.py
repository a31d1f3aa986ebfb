"""One writer at a time: commands that write take an exclusive lock beside the database.

Two cron runs started at once never both write: the second waits up to ``wait`` seconds, then gives up
with ``DatabaseBusy``. The lock is an OS file lock (``flock``), so a killed run releases it at once.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class DatabaseBusy(Exception):
    """Another Newsline command is writing to this database."""


@contextmanager
def writer_lock(db_path: str | Path, wait: float = 0.0) -> Iterator[None]:
    path = Path(f"{db_path}.lock")
    handle = open(path, "a+")  # noqa: SIM115: held for the whole command
    deadline = time.monotonic() + wait
    try:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    holder = handle.read().strip() or "another process"
                    raise DatabaseBusy(
                        f"{db_path} is being written by {holder}; try again later (or pass --wait SECONDS)"
                    ) from None
                time.sleep(0.2)
        handle.seek(0)
        handle.truncate()
        handle.write(f"process {os.getpid()}")
        handle.flush()
        yield
    finally:
        handle.close()
