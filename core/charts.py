"""Small line charts drawn on the server as SVG, so that they look the same on screen, in print
and in a PDF, and need no JavaScript.

A renderer of our own rather than a library: the charts needed are lines over a dozen points,
matplotlib or pygal would add a large dependency (and pygal writes `style` attributes and
scripts, which the Content Security Policy refuses), and this stays fast enough to draw one per
row of a 500-row page. Only SVG presentation attributes (`fill`, `stroke`) are used, never
`style=`. A chart is an image with a text alternative: the page that shows it also gives its
figures as a table, and `describedby` names that table's id.
"""

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from django.utils.safestring import SafeString, mark_safe

#: GOV.UK Frontend's colours: blue for what happened, dark grey for what was planned.
BLUE = "#1d70b8"
GREY = "#505a5f"
LIGHT_GREY = "#b1b4b6"


@dataclass(frozen=True)
class Series:
    """One line: a value (or None for a gap) per label."""

    name: str
    values: Sequence[Decimal | float | None]
    colour: str = BLUE
    dashed: bool = False
    points: bool = True


def _bounds(series: Sequence[Series]) -> tuple[float, float]:
    values = [float(v) for s in series for v in s.values if v is not None]
    if not values:
        return 0.0, 1.0
    low, high = min(min(values), 0.0), max(values)
    if high == low:
        high = low + 1.0
    return low, high


def _nice_ceiling(value: float) -> float:
    """The next 1, 2 or 5 times a power of ten at or above `value`, for the axis."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1) if value >= 1 else 1.0
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return float(step * magnitude)
    return float(10 * magnitude)


def _format(value: float) -> str:
    if abs(value) >= 1_000_000:
        return f"{value / 1_000_000:g}m"
    if abs(value) >= 10_000:
        return f"{value / 1000:g}k"
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


def _paths(series, xs, y_of, radius, width) -> list[str]:
    """Each series as polylines broken at its gaps, with a dot on each point (or only on a
    point standing alone, when the series has `points` off). `xs` are the points' x positions,
    already written out; `y_of` maps a value to its y position."""
    parts = []
    for line in series:
        runs, run = [], []
        for x, value in zip(xs, line.values, strict=False):
            if value is None:
                if run:
                    runs.append(run)
                    run = []
            else:
                run.append((x, f"{y_of(float(value)):.1f}"))
        if run:
            runs.append(run)
        dash = ' stroke-dasharray="4 3"' if line.dashed else ""
        for points in runs:
            if len(points) > 1:
                if len({y for _, y in points}) == 1:
                    points_drawn = (points[0], points[-1])  # a flat line needs its ends only
                else:
                    points_drawn = points
                drawn = " ".join(f"{x},{y}" for x, y in points_drawn)
                parts.append(
                    f'<polyline points="{drawn}" fill="none" stroke="{line.colour}" '
                    f'stroke-width="{width}"{dash}/>'
                )
            if line.points or len(points) == 1:
                parts.extend(
                    f'<circle cx="{x}" cy="{y}" r="{radius}" fill="{line.colour}"/>'
                    for x, y in points
                )
    return parts


@functools.cache
def _sparkline_positions(count: int, pad: int, step: float) -> tuple[str, ...]:
    return tuple(_positions(pad, step, count))


def _positions(start: float, step: float, count: int) -> list[str]:
    return [f"{start + index * step:.1f}" for index in range(count)]


def sparkline(series: Sequence[Series], *, count: int, label: str) -> SafeString:
    """A small trend line (120 x 32) with no axes, for a table row; `label` is its text
    alternative (the row beside it gives the figures)."""
    width, height, pad = 120, 32, 3
    low, high = _bounds(series)
    step = (width - 2 * pad) / max(count - 1, 1)
    scale = (height - 2 * pad) / (high - low)
    base = height - pad + low * scale

    def y_of(value):
        return base - value * scale

    body = "".join(_paths(series, _sparkline_positions(count, pad, step), y_of, 1.8, 1.5))
    return mark_safe(  # every text in it is escaped
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart app-chart--small" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(label)}" focusable="false">{body}</svg>'
    )


def line_chart(
    series: Sequence[Series],
    *,
    labels: Sequence[str],
    title: str,
    describedby: str = "",
    width: int = 640,
    height: int = 260,
) -> SafeString:
    """A line chart with a value axis, the labels along the bottom and a legend; `title` is its
    text alternative and `describedby` the id of the table giving its figures."""
    left, right, top, bottom = 52, 12, 28, 28
    low, high = _bounds(series)
    high = _nice_ceiling(high)
    plot_width, plot_height = width - left - right, height - top - bottom
    count = len(labels)
    step = plot_width / max(count - 1, 1)

    def x_of(index):
        return left + index * step

    def y_of(value):
        return top + plot_height - (value - low) / (high - low) * plot_height

    parts = [f"<title>{escape(title)}</title>"]
    for tick in range(5):
        value = low + (high - low) * tick / 4
        y = y_of(value)
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{LIGHT_GREY}" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12" '
            f'fill="#0b0c0c">{escape(_format(value))}</text>'
        )
    for index, text in enumerate(labels):
        parts.append(
            f'<text x="{x_of(index):.1f}" y="{height - 8}" text-anchor="middle" font-size="12" '
            f'fill="#0b0c0c">{escape(text)}</text>'
        )
    parts.extend(_paths(series, _positions(left, step, count), y_of, 3, 2.5))
    x = left
    for line in series:
        dash = ' stroke-dasharray="4 3"' if line.dashed else ""
        parts.append(
            f'<line x1="{x}" x2="{x + 24}" y1="12" y2="12" stroke="{line.colour}" '
            f'stroke-width="2.5"{dash}/><text x="{x + 30}" y="16" font-size="12" '
            f'fill="#0b0c0c">{escape(line.name)}</text>'
        )
        x += 40 + 7 * len(line.name)
    described = f' aria-describedby="{escape(describedby)}"' if describedby else ""
    return mark_safe(  # every text in it is escaped
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" width="100%" '
        f'font-family="Arial, sans-serif" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}"'
        f'{described} focusable="false" preserveAspectRatio="xMinYMin meet">'
        f"{''.join(parts)}</svg>"
    )
