"""The decisions load script reads wrk's report: percentiles, and the mean latency that
paces the measured run."""

from __future__ import annotations

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import scale_decisions  # noqa: E402

WRK = """Running 30s test @ http://127.0.0.1:40111
  2 threads and 10 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     6.47ms    3.90ms  61.26ms   88.57%
    Req/Sec   104.19     12.02   140.00     66.39%
  Latency Distribution
     50%    5.53ms
     75%    7.20ms
     90%   10.31ms
     99%  850.00us
  6231 requests in 30.01s, 3.50MB read
Requests/sec:    207.63
"""


def test_percentiles_in_any_unit_become_milliseconds():
    assert scale_decisions._percentile_ms(WRK, "50") == 5.53
    assert scale_decisions._percentile_ms(WRK, "99") == 0.85
    assert scale_decisions._percentile_ms(WRK.replace("5.53ms", "1.20s"), "50") == 1200.0
    assert scale_decisions._percentile_ms("no report", "50") is None


def test_the_mean_latency_is_read_from_the_thread_stats():
    assert scale_decisions._mean_latency_ms(WRK) == 6.47
    assert scale_decisions._mean_latency_ms("wrk failed") is None
