"""Benchmarks run at smoke size: they must keep working, whatever their figures."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_bench(*args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "forecast.cli", "bench", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_the_aggregate_benchmark_runs_at_smoke_size() -> None:
    out = run_bench(
        "aggregate",
        "--forecasts",
        "600",
        "--users",
        "200",
        "--date-forecasts",
        "300",
        "--requests",
        "3",
    )
    assert (
        "fast equals plain on the prefix" in out and "NO" not in out.split("equals plain")[1][:30]
    )
    assert "question page, warm: p50" in out


def test_an_unknown_benchmark_is_refused_with_the_list() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "forecast.cli", "bench", "nope"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1 and "aggregate" in result.stderr


def test_the_report_benchmark_runs_at_smoke_size() -> None:
    out = run_bench(
        "report",
        "--questions",
        "60",
        "--forecasts",
        "1500",
        "--users",
        "60",
        "--boundaries",
        "20",
        "--requests",
        "2",
    )
    assert "warm p50" in out and "alert pass, steady state" in out
