"""Charts as SVG documents, drawn on the server with pygal: no JavaScript in the browser.

Independent of any page: the public statistics page serves these at /statistics/charts/,
and the office's reports can draw the same numbers. Each function takes plain numbers and
returns one self-contained SVG (its own styles; pygal's interactive script removed, so
nothing runs) meant for an `<img>`, which the Content-Security-Policy allows (`img-src
'self'`). A chart carries a title and a description (`<title>`, `<desc>`) for assistive
technology; the page shows the same numbers as a table beside it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import pygal
from pygal.style import Style

GRADE_LETTERS = ("A", "B", "C", "D", "ungraded")
GRADE_LABELS = {"A": "A 守信", "B": "B 基本守信", "C": "C 失信", "D": "D 严重失信",
                "ungraded": "未评级"}
GRADE_COLOURS = ("#1a7f37", "#2f6fb5", "#b7791f", "#b42318", "#8a8f98")
FONT = '"Noto Sans CJK SC","WenQuanYi Micro Hei","Microsoft YaHei",sans-serif'
_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)
_STAMP = re.compile(r"<!--Generated with pygal.*?-->")


def _style(colours: Sequence[str] = GRADE_COLOURS) -> Style:
    return Style(font_family=FONT, background="#ffffff", plot_background="#ffffff",
                 foreground="#1f2328", foreground_strong="#1f2328",
                 foreground_subtle="#57606a", colors=tuple(colours),
                 title_font_size=18, label_font_size=13, major_label_font_size=13,
                 legend_font_size=13, value_font_size=12)


def _config(title: str, **options: object) -> dict[str, object]:
    return {"title": title, "style": _style(), "js": [], "disable_xml_declaration": False,
            "legend_at_bottom": True, "legend_at_bottom_columns": 5, "print_values": False,
            "width": 900, "height": 500, "truncate_label": -1, **options}


def _finish(chart: pygal.graph.graph.Graph, title: str, description: str) -> str:
    """Rendered SVG without script or timestamp, with `<title>` and `<desc>` first."""
    svg = _SCRIPT.sub("", chart.render(is_unicode=True))
    svg = _STAMP.sub("", svg)
    head = svg.index(">", svg.index("<svg")) + 1
    accessible = (f"<title>{_escape(title)}</title><desc>{_escape(description)}</desc>")
    return svg[:head] + accessible + svg[head:]


def _label_room(labels: Iterable[str]) -> int:
    """Extra left margin (px) for labels whose CJK characters pygal under-measures."""
    return max((sum(14 if ord(c) > 0x2E80 else 0 for c in label) // 2 for label in labels),
               default=0)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def grade_mix_chart(title: str, description: str,
                    rows: Sequence[tuple[str, dict[str, int]]]) -> str:
    """Horizontal stacked bars: one bar per row label, one segment per grade letter."""
    chart = pygal.HorizontalStackedBar(**_config(
        title, height=max(260, 120 + 34 * len(rows)),
        margin_left=_label_room(label for label, _ in rows)))
    chart.x_labels = [label for label, _ in rows]
    for letter in GRADE_LETTERS:
        chart.add(GRADE_LABELS[letter], [mix.get(letter, 0) for _, mix in rows])
    return _finish(chart, title, description)


def trend_chart(title: str, description: str,
                points: Sequence[tuple[str, dict[str, int]]]) -> str:
    """Stacked bars by month (oldest first), one segment per grade letter."""
    chart = pygal.StackedBar(**_config(title, x_label_rotation=45))
    chart.x_labels = [label for label, _ in points]
    for letter in GRADE_LETTERS:
        chart.add(GRADE_LABELS[letter], [mix.get(letter, 0) for _, mix in points])
    return _finish(chart, title, description)


def target_chart(title: str, description: str,
                 rows: Sequence[tuple[str, float, float | None]]) -> str:
    """Per target: its current share and, where the plan sets one, the target (percent)."""
    # pygal measures labels as Latin text: wide Chinese labels get room of their own.
    chart = pygal.HorizontalBar(**_config(
        title, range=(0, 100), height=max(260, 140 + 60 * len(rows)),
        margin_left=_label_room(label for label, _, _ in rows),
        value_formatter=lambda v: f"{v:.2f}%"))
    chart.style = _style(("#2f6fb5", "#8a8f98"))
    chart.x_labels = [label for label, _, _ in rows]
    chart.add("当前值", [round(100 * current, 2) for _, current, _ in rows])
    chart.add("目标", [None if target is None else round(100 * target, 2)
                     for _, _, target in rows])
    return _finish(chart, title, description)
