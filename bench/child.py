"""Run a benchmark case in a child process and measure it: wall time, peak resident memory, output."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class ChildRun:
    """What one child run cost and printed."""

    wall_s: float
    peak_rss_mib: float
    stdout: str
    cpu_s: float = 0.0  # user + system time of the child and its threads


def run_child(argv: list[str], env: dict[str, str] | None = None) -> ChildRun:
    """Run a command as a child process; return its wall seconds, peak RSS (from wait4) and standard output."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            err.seek(0)
            raise SystemExit(f"{' '.join(argv)[:200]} failed ({code}): {err.read().decode()[-2000:]}")
        out.seek(0)
        return ChildRun(round(wall, 2), round(usage.ru_maxrss / 1024, 1), out.read().decode(),
                        round(usage.ru_utime + usage.ru_stime, 3))


def python_child(code: str, *args: str, env: dict[str, str] | None = None) -> ChildRun:
    """Run Python code with arguments in a child interpreter and measure it."""
    return run_child([sys.executable, "-c", code, *args], env)
