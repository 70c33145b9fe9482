"""The regrade benchmark at a tiny size, so its functions cannot rot."""

from __future__ import annotations

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import bench_regrade  # noqa: E402


def test_bench_on_20_subjects_runs_every_part_and_both_backends_agree(capsys):
    results = bench_regrade.run(20, runs=1, soak_evaluations=30, db_enterprises=10)
    assert results["throughput"]["subjects"] == 20
    assert results["throughput"]["identical"] is True
    assert [n for n, _ in results["soak"]["samples"]] == [0, 30]
    assert results["db"]["subjects"] == 10 + 3   # 10 enterprises and round(10 * 0.3) persons
    text = bench_regrade.markdown(results)
    assert "| engine (durable-rules) |" in text and "DB regrade" in text


def test_split_keeps_ten_enterprises_to_three_persons():
    assert bench_regrade.split(1300) == (1000, 300)


def test_main_prints_the_machine_line(capsys):
    assert bench_regrade.main(["--subjects", "20", "--runs", "1"]) == 0
    assert capsys.readouterr().out.startswith("Machine: ")
