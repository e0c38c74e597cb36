"""CPU time of a process tree from /proc (Linux): the browser's cost per journey.

A process's utime+stime plus cutime+cstime (its children that have exited and
been reaped) counts every renderer, GPU and utility process Chromium started,
even those that ended, without counting any twice.
"""

from __future__ import annotations

import os
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may contain spaces; everything after its closing parenthesis is numbers.
    return text[text.rindex(")") + 2:].split()


def parse_stat_tail(fields: list[str]) -> tuple[int, float]:
    """(parent pid, seconds of CPU incl. reaped children) from the fields after ``(comm)``."""
    ppid = int(fields[1])
    utime, stime, cutime, cstime = (int(fields[i]) for i in (11, 12, 13, 14))
    return ppid, (utime + stime + cutime + cstime) / TICK


def children_map() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields:
                tree.setdefault(int(fields[1]), []).append(int(entry.name))
    return tree


def descendants(root: int) -> list[int]:
    tree = children_map()
    found, stack = [], list(tree.get(root, []))
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(tree.get(pid, []))
    return found


def tree_cpu(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        fields = _stat(pid)
        if fields:
            total += parse_stat_tail(fields)[1]
    return total


def machine_busy_seconds() -> float:
    """CPU seconds the machine's cores have been busy since boot, every process's."""
    return busy_seconds(Path("/proc/stat").read_text())


def busy_seconds(proc_stat: str) -> float:
    """The busy seconds of /proc/stat's first line (all cores): user, nice, system, irq and softirq; neither idle, iowait
    nor steal (time a hypervisor gave others); guest time is within user already."""
    user, nice, system, _idle, _iowait, irq, softirq = (int(field) for field in proc_stat.split(None, 8)[1:8])
    return (user + nice + system + irq + softirq) / TICK


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


class BrowserCPU:
    """CPU seconds of the Chromium that Playwright's driver (a child of this process) launched."""

    def __init__(self) -> None:
        drivers = [pid for pid in descendants(os.getpid()) if "run-driver" in command_line(pid)]
        if len(drivers) != 1:
            raise RuntimeError(f"expected one Playwright driver under this process, found {len(drivers)}")
        self.driver = drivers[0]

    def seconds(self) -> float:
        """The browser's processes only (not the driver's own node process)."""
        return tree_cpu(descendants(self.driver))
