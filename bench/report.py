"""The benchmark's arithmetic: statistics, the issue's targets, the side-by-side table and bench.json.

Pure functions over numbers, so tests/suite/test_bench.py checks them on made-up samples.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (0.95 -> p95); the only value for a single sample."""
    if not values:
        raise ValueError("no samples")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def summary(values: list[float]) -> dict[str, Any]:
    return {"median": statistics.median(values), "p95": percentile(values, 0.95), "n": len(values), "samples": list(values)}


@dataclass(frozen=True)
class Row:
    """One target: our figure against the anchor's (or an absolute limit when ``anchor`` is None)."""

    target: str
    unit: str
    ours: float | None
    anchor: float | None
    limit: float  # a ratio when compared with an anchor, else in ``unit``
    relative: bool
    note: str = ""
    ours_p95: float | None = None
    anchor_p95: float | None = None

    @property
    def ratio(self) -> float | None:
        if not self.relative or self.ours is None or not self.anchor:
            return None
        return self.ours / self.anchor

    @property
    def met(self) -> bool | None:
        """True/False, or None when it was not measured in this run."""
        if self.ours is None or (self.relative and not self.anchor):
            return None
        value = self.ratio if self.relative else self.ours
        # Floating-point noise only (1.2000000000000002x meets <= 1.2x); 1.105x does not meet <= 1.1x.
        return value <= self.limit + 1e-9  # type: ignore[operator]

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "ratio": self.ratio, "met": self.met}


def median_of(samples: dict[str, list[float]], key: str) -> float | None:
    values = samples.get(key) or []
    return statistics.median(values) if values else None


def p95_of(samples: dict[str, list[float]], key: str) -> float | None:
    values = samples.get(key) or []
    return percentile(values, 0.95) if values else None


def _sampled(target: str, samples: dict[str, list[float]], ours: str, anchor: str, limit: float, note: str = "") -> Row:
    return Row(target, "s", median_of(samples, ours), median_of(samples, anchor), limit, True, note,
               p95_of(samples, ours), p95_of(samples, anchor))


def rows(m: dict[str, Any]) -> list[Row]:
    """The issue's targets from the measurements ``m`` (keys as bench/run.py writes them; missing = not measured)."""
    j = m.get("journeys", {})
    cpu = dict(m.get("cpu", {}))
    cpu["sign_in"] = [value for key, values in cpu.items() if key.startswith("sign_in:") for value in values]
    out = []
    for policy in m.get("policies", []):
        out.append(_sampled(f"returning-user sign-in, {policy}", j, f"sign_in:{policy}", "anchor", 1.1))
    for policy in m.get("policies", []):
        out.append(_sampled(f"sign-up, {policy}", j, f"sign_up:{policy}", "anchor", 1.5))
    out.append(_sampled("Chromium CPU per sign-in, both policies", cpu, "sign_in", "anchor", 1.2))
    suite = m.get("suite", {})

    def failed(key: str) -> str:
        return "that run had failing journeys" if suite.get(f"{key}_passed") is False else ""

    busy = ", ".join(f"{label} {suite[f'{key}_cores_busy']:.2f}" for key, label in (("n1", "-n 1"), ("n2", "-n 2"))
                     if suite.get(f"{key}_cores_busy") is not None)
    cores = m.get("machine", {}).get("cores")
    busy_note = f"cores busy on average (the machine's{f', of {cores}' if cores else ''}): {busy};" if busy else ""
    out.append(Row("pytest e2e: -n 2 wall vs -n 1", "s", suite.get("n2"), suite.get("n1"), 0.6, True,
                   " ".join(filter(None, ["anchor column: -n 1;", busy_note, failed("n1"), failed("n2")])).rstrip(";")))
    out.append(Row("journey suite with -n 2", "s", suite.get("n2"), None, 30.0, False, failed("n2")))
    out.append(Row("smoke journeys (pytest e2e -m smoke)", "s", suite.get("smoke"), None, 10.0, False, failed("smoke")))
    out.append(_sampled("stack spawn to stack-ready", m.get("start", {}), "stack", "anchor", 1.0,
                        "anchor column: oidc-provider, spawn to listening"))
    out.append(Row("make test", "s", m.get("make_test_s"), None, 180.0, False, m.get("make_test_note", "")))
    return out


def _number(value: float | None, unit: str, p95: float | None = None) -> str:
    if value is None:
        return "-"
    text = f"{value:.2f} {unit}" if value < 100 else f"{value:.0f} {unit}"
    return text + (f" (p95 {p95:.2f})" if p95 is not None else "")


def table(rows_: list[Row]) -> str:
    header = ("", "ours (median)", "anchor (median)", "ratio", "target", "verdict")
    lines = []
    for row in rows_:
        limit = f"<= {row.limit:g}x" if row.relative else f"<= {row.limit:g} {row.unit}"
        verdict = {True: "met", False: "NOT MET", None: "not measured"}[row.met]
        lines.append((row.target, _number(row.ours, row.unit, row.ours_p95),
                      _number(row.anchor, row.unit, row.anchor_p95) if row.relative else "-",
                      f"{row.ratio:.3f}x" if row.ratio is not None else "-", limit, verdict))
    widths = [max(len(str(line[i])) for line in [header, *lines]) for i in range(len(header))]

    def render(cells: Sequence[object]) -> str:
        return "  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=False)).rstrip()

    notes = [f"  {row.target}: {row.note}" for row in rows_ if row.note]
    return "\n".join([render(header), render(["-" * w for w in widths]), *map(render, lines), *(["notes:", *notes] if notes else [])])


def document(m: dict[str, Any]) -> dict[str, Any]:
    """bench.json: the machine, every sample with median and p95, and the targets with their verdicts."""
    return {
        "machine": m.get("machine", {}),
        "options": m.get("options", {}),
        "journeys_s": {k: summary(v) for k, v in m.get("journeys", {}).items() if v},
        "chromium_cpu_s": {k: summary(v) for k, v in m.get("cpu", {}).items() if v},
        "start_s": {k: summary(v) for k, v in m.get("start", {}).items() if v},
        "suite_wall_s": m.get("suite", {}),
        "suite_wall_samples_s": m.get("suite_samples", {}),  # (seconds, passed, cores busy) per run, in the order they ran
        "make_test_s": m.get("make_test_s"),
        "targets": [row.as_json() for row in rows(m)],
    }
