"""Timing and memory: one command run as a fresh process, its wall time, and its
peak memory two ways.

- `maxrss_mb`: `os.wait4` on the child (what `/usr/bin/time -v` prints): the
  largest resident set of the process or of any descendant it waited for —
  the peak of the biggest single process, not the sum;
- `tree_mb` (when sampled): the largest *sum* of resident sets over the whole
  process tree (worker pools, Pagefind, node's helpers), read from /proc every
  50 ms, and `by_program_mb`, the peak of each program in the tree (python3,
  pagefind_extended, hugo, node …), to tell whose memory it is. Sampling costs
  a little of one core, so it runs only where the table reports memory.

Statistics: medians with min–max; ratios are taken between medians measured in
the same session, never against numbers from another day or machine.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE")


class BenchError(RuntimeError):
    pass


@dataclass
class Sample:
    seconds: float
    maxrss_mb: float
    tree_mb: float | None = None
    output: str = ""  # what the command printed (stdout and stderr)
    by_program_mb: dict[str, float] | None = None  # peak RSS per program name in the tree (sampled)


class TreeSampler(threading.Thread):
    """The peak of the summed RSS of a process and all its descendants."""

    def __init__(self, pid: int, interval: float = 0.05):
        super().__init__(daemon=True)
        self.pid = pid
        self.interval = interval
        self.peak = 0
        self.by_name: dict[str, int] = {}  # the peak of each program (its processes summed at one sample)
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            total, per = tree_rss(self.pid)
            self.peak = max(self.peak, total)
            for name, rss in per.items():
                self.by_name[name] = max(self.by_name.get(name, 0), rss)
            self.done.wait(self.interval)

    def stop(self) -> float:
        self.done.set()
        self.join()
        return self.peak / 2**20


def tree_rss(root: int) -> tuple[int, dict[str, int]]:
    """(sum of RSS over the tree, RSS summed per program name) at this instant."""
    total, per, todo, seen = 0, {}, [root], set()
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            with open(f"/proc/{pid}/statm") as f:
                rss = int(f.read().split()[1]) * PAGE
            with open(f"/proc/{pid}/comm") as f:
                name = f.read().strip()
            total += rss
            per[name] = per.get(name, 0) + rss
            for tid in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{tid}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except (OSError, ValueError):
            continue
    return total, per


def run(
    cmd: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None, sample_tree: bool = False, timeout: float = 3600
) -> Sample:
    """Run `cmd` to the end; raise BenchError (with the end of its output) if it fails."""
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        proc = subprocess.Popen(
            cmd, cwd=cwd, env={**os.environ, **(env or {})}, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
        sampler = TreeSampler(proc.pid) if sample_tree else None
        if sampler:
            sampler.start()
        killer = threading.Timer(timeout, proc.kill)
        killer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)  # blocks: no polling loop on a 2-core machine
        finally:
            killer.cancel()
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        tree = sampler.stop() if sampler else None
        programs = {k: round(v / 2**20) for k, v in sampler.by_name.items()} if sampler else None
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
        if proc.returncode != 0:
            tail = text.strip().splitlines()[-15:]
            raise BenchError(f"{' '.join(map(str, cmd))} exited with {proc.returncode}:\n  " + "\n  ".join(tail))
    return Sample(seconds, usage.ru_maxrss / 1024, tree, text, programs)


def summary(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def fmt_seconds(value: float) -> str:
    if value < 1:
        return f"{value * 1000:.0f} ms"
    if value < 10:
        return f"{value:.2f} s"
    return f"{value:.1f} s"


def fmt_range(lo: float, hi: float) -> str:
    if hi < 1:
        return f"{lo * 1000:.0f}–{hi * 1000:.0f} ms"
    return f"{lo:.2f}–{hi:.2f} s" if hi < 10 else f"{lo:.1f}–{hi:.1f} s"
