"""The export benchmark at a tiny size, so its loader and its measuring cannot rot."""

from __future__ import annotations

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import scale_exports  # noqa: E402


def test_load_then_export_both_formats(tmp_path):
    url = f"sqlite:///{tmp_path / 'exports.db'}"
    scale_exports.load(url, 50)
    scale_exports.load(url, 50)  # already loaded: nothing added twice
    csv = scale_exports.export(url, "csv", None)
    assert csv["rows"] == 50 and csv["peak_rss_mib"] > 0
    xlsx = scale_exports.export(url, "xlsx", None)
    assert xlsx["bytes"] > 0
