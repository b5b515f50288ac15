"""Charts as inline SVG drawn on the server: no JavaScript, no external asset,
readable by a screen reader (<title>, <desc>, aria-label) and printable.

Labels come in already translated; every text is escaped here.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 30, 40
# Colour and a dash pattern or hatching tell series apart, also when printed in grey.
COLOURS = ("#1f3a5f", "#c0631b", "#2e7d32", "#6f42c1")
DASHES = ("", "6 4", "2 3", "10 3 2 3")


@dataclass
class Series:
    name: str
    values: Sequence[float | None]


def _frame(title: str, desc: str, body: list[str]) -> SafeString:
    parts = [
        f'<svg class="fq-chart" role="img" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" aria-label="{escape(title)}" '
        f'font-family="sans-serif" font-size="11">',
        f"<title>{escape(title)}</title>",
        f"<desc>{escape(desc)}</desc>",
        *body,
        "</svg>",
    ]
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def _x(index: int, count: int) -> float:
    inner = WIDTH - LEFT - RIGHT
    if count <= 1:
        return LEFT + inner / 2
    return LEFT + inner * (index + 0.5) / count


def _y(value: float, top: float) -> float:
    inner = HEIGHT - TOP - BOTTOM
    return TOP + inner * (1 - (value / top if top else 0))


def _axes(labels: Sequence[str], ticks: list[tuple[float, str]], top: float) -> list[str]:
    body = []
    for value, text in ticks:
        y = _y(value, top)
        body.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
            f'stroke="#d5dbe3" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#444">'
            f"{escape(text)}</text>"
        )
    for index, label in enumerate(labels):
        body.append(
            f'<text x="{_x(index, len(labels)):.1f}" y="{HEIGHT - BOTTOM + 16}" '
            f'text-anchor="middle" fill="#444">{escape(label)}</text>'
        )
    return body


def _legend(series: Sequence[Series], bars: bool) -> list[str]:
    body, x = [], LEFT
    for n, item in enumerate(series):
        colour = COLOURS[n % len(COLOURS)]
        if bars:
            mark = f'<rect x="{x}" y="8" width="14" height="10" fill="{colour}"/>'
        else:
            mark = (
                f'<line x1="{x}" y1="13" x2="{x + 18}" y2="13" stroke="{colour}" '
                f'stroke-width="2.5" stroke-dasharray="{DASHES[n % len(DASHES)]}"/>'
            )
        body.append(f'{mark}<text x="{x + 22}" y="17" fill="#222">{escape(item.name)}</text>')
        x += 30 + 8 * len(item.name) + (8 * sum(ord(c) > 0x2E80 for c in item.name))
    return body


def line_chart(
    *, title: str, desc: str, labels: Sequence[str], series: Sequence[Series], no_data: str
) -> SafeString:
    """Rates (0–1) by month; a month without data leaves a gap, not a zero."""
    ticks = [(v / 4, f"{v * 25}%") for v in range(5)]
    body = _axes(labels, ticks, 1)
    count = len(labels)
    for n, item in enumerate(series):
        colour, dash = COLOURS[n % len(COLOURS)], DASHES[n % len(DASHES)]
        segment: list[str] = []
        segments = []
        for index, value in enumerate(item.values):
            if value is None:
                if segment:
                    segments.append(segment)
                segment = []
                continue
            segment.append(f"{_x(index, count):.1f},{_y(value, 1):.1f}")
        if segment:
            segments.append(segment)
        for points in segments:
            body.append(
                f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" '
                f'stroke-width="2.5" stroke-dasharray="{dash}"/>'
            )
        for index, value in enumerate(item.values):
            label = labels[index]
            shown = no_data if value is None else f"{value * 100:.1f}%"
            if value is None:
                continue
            body.append(
                f'<circle cx="{_x(index, count):.1f}" cy="{_y(value, 1):.1f}" r="3.5" '
                f'fill="{colour}"><title>{escape(item.name)} {escape(label)}: '
                f"{escape(shown)}</title></circle>"
            )
    body += _legend(series, bars=False)
    return _frame(title, desc, body)


def _nice_top(value: float) -> int:
    top = 1
    while top < value:
        for step in (2, 5, 10):
            if top * step / (10 if step == 10 else 1) >= value and step != 10:
                return top * step
        top *= 10
    return top


def bar_chart(
    *, title: str, desc: str, labels: Sequence[str], series: Sequence[Series], no_data: str
) -> SafeString:
    """Counts by month as grouped bars; a month without data shows no bar."""
    highest = max([v for item in series for v in item.values if v is not None] or [0])
    top = max(_nice_top(highest), 4)
    ticks = [(top * v / 4, f"{top * v / 4:g}") for v in range(5)]
    body = _axes(labels, ticks, top)
    count, groups = len(labels), max(len(series), 1)
    slot = (WIDTH - LEFT - RIGHT) / max(count, 1)
    width = slot * 0.7 / groups
    for n, item in enumerate(series):
        colour = COLOURS[n % len(COLOURS)]
        for index, value in enumerate(item.values):
            x = _x(index, count) - slot * 0.35 + n * width
            if value is None:
                continue
            y = _y(value, top)
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" '
                f'height="{HEIGHT - BOTTOM - y:.1f}" fill="{colour}">'
                f"<title>{escape(item.name)} {escape(labels[index])}: {value}</title></rect>"
            )
    body += _legend(series, bars=True)
    return _frame(title, desc, body)
