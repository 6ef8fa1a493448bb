"""Benchmarks run at smoke size: they must keep working, whatever their figures."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

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


def test_the_track_record_benchmark_runs_at_smoke_size() -> None:
    out = run_bench(
        "track_record", "--forecasts", "6000", "--users", "200", "--resolved", "30", "--runs", "1"
    )
    assert "question page, cold" in out and "GET aggregate at= a new past instant" in out
    assert "first after a (un)resolution" in out


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


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")
def test_the_load_benchmark_runs_at_smoke_size() -> None:
    out = run_bench(
        "load",
        "--duration",
        "3",
        "--connections",
        "4",
        "--questions",
        "30",
        "--users",
        "20",
        "--forecasts",
        "200",
        "--boundaries",
        "5",
    )
    assert "total throughput" in out
    kinds = re.findall(
        r"^  (.+?) +([\d,]+) +([\d.]+) +([\d.]+) +([\d.]+) +(\d+)$", out, flags=re.MULTILINE
    )
    labels = [k[0] for k in kinds]
    assert labels == [
        "question list page",
        "question page",
        "GET /api/v1/questions/{id}",
        "GET /api/v1/questions/{id}/aggregate",
        "track record page",
        "POST /api/v1/questions/{id}/forecasts",
        "GET /api/v1/boundaries/report",
        "threshold report page",
    ]
    assert all(errors == "0" for *_, errors in kinds)
    assert sum(int(count.replace(",", "")) for _, count, *_ in kinds) > 0
    assert re.search(r"socket errors \(connect/read/write/timeout\) +0$", out, re.MULTILINE)
    assert "forecast rows added vs 2xx submissions" in out and "MISMATCH" not in out


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")
def test_the_submit_benchmark_reports_every_round_and_loses_nothing() -> None:
    out = run_bench("submit", "--seconds", "2", "--rounds", "2")
    rounds = re.findall(r"round (\d) +health ([\d,]+)/s, ([\d,]+) forecasts/s", out)
    assert [r[0] for r in rounds] == ["1", "2"]
    assert all(int(f.replace(",", "")) > 0 for *_, f in rounds)
    assert re.search(r"ratio submit/health \(median of the rounds\) +\d\.\d{3}$", out, re.M)
    assert "(equal: none lost)" in out and "MISMATCH" not in out
