"""Worker processes for CPU-bound stages (spaCy analysis, page extraction): started fresh, never orphaned.

Workers are spawned, not forked: the parent holds threads (Scrapy's, a progress bar's) and SQLite
connections that a fork would copy in an unknown state. Each worker watches its parent and exits when
the parent is gone, so a killed `timeline process` or `timeline crawl` leaves no process behind.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

# Seconds between a worker's checks that its parent is still alive.
PARENT_CHECK_INTERVAL = 1.0


def default_processes(limit: int = 4) -> int:
    """One worker per core the process may use, at most ``limit``."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, limit))


def _watch_parent(parent: int) -> None:
    while True:
        time.sleep(PARENT_CHECK_INTERVAL)
        if os.getppid() != parent:
            os._exit(1)  # the parent died: its results have nowhere to go


def _start_worker(parent: int, initializer: Callable[[], None] | None) -> None:
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    if initializer is not None:
        initializer()


def worker_pool(processes: int, initializer: Callable[[], None] | None = None) -> ProcessPoolExecutor:
    """A pool of ``processes`` spawned workers; ``initializer`` runs once in each (load a model there)."""
    return ProcessPoolExecutor(
        processes,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker,
        initargs=(os.getpid(), initializer),
    )
