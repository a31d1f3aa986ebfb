"""What every benchmark of the suite shares: figures with their goals, and timed commands with their memory.

A figure is one line, ``name: value (goal …)``, and one entry of bench/results.json.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIMELINE = [sys.executable, "-m", "pipeline.cli"]


@dataclass
class Figure:
    """One measured figure; ``met`` is None when it has no goal (reported only)."""

    name: str
    value: float
    goal: str
    met: bool | None
    unit: str = ""
    command: str = ""
    details: dict = field(default_factory=dict)

    def line(self) -> str:
        verdict = "" if self.met is None else ("met" if self.met else "NOT met")
        shown = f"{self.value:.3g}" if abs(self.value) < 1000 else f"{self.value:,.0f}"
        unit = f" {self.unit}" if self.unit else ""
        return f"{self.name}: {shown}{unit} (goal {self.goal}{', ' + verdict if verdict else ''})"

    def as_json(self) -> dict:
        return asdict(self)


def at_least(name: str, value: float, goal: float, **kwargs) -> Figure:
    return Figure(name, round(value, 3), f">= {goal}", value >= goal, **kwargs)


def at_most(name: str, value: float, goal: float, **kwargs) -> Figure:
    return Figure(name, round(value, 3), f"<= {goal}", value <= goal, **kwargs)


def _tree_rss_kb(root_pid: int) -> int:
    """Resident memory of a process and all its descendants, read from /proc (Linux), in KiB."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry.name)
        children.setdefault(int(fields[1]), []).append(pid)  # fields[1] is the parent's pid
        rss[pid] = int(fields[21]) * (os.sysconf("SC_PAGE_SIZE") // 1024)
    total, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


@dataclass
class Run:
    seconds: float
    peak_rss_mb: float  # the process and its workers together, sampled every 0.2 s
    output: str


def run_command(args: list[str], env: dict[str, str] | None = None, timeout: float = 3600) -> Run:
    """Run a command to completion; its wall time and the peak resident memory of its process tree."""
    start = time.perf_counter()
    process = subprocess.Popen(
        args,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        env={**os.environ, **(env or {})},
    )
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.wait(0.2):
            peak = max(peak, _tree_rss_kb(process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        output, _ = process.communicate(timeout=timeout)
    finally:
        stop.set()
        sampler.join()
    seconds = time.perf_counter() - start
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} exited with {process.returncode}:\n{output[-3000:]}")
    return Run(seconds, peak / 1024, output)


def best_of(repeats: int, action: Callable[[], float]) -> float:
    """The shortest of ``repeats`` timings: the least disturbed by the machine's other load."""
    return min(action() for _ in range(repeats))


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"
