"""Small server-rendered SVG charts (no JavaScript, no library): bars for counts per day,
a line for a value over time. Each returns Markup ready to drop into a template; an
empty series gives a short "no data" note instead of an empty frame."""
from __future__ import annotations

from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 180
PAD_LEFT, PAD_BOTTOM, PAD_TOP = 52, 26, 10


def number(value: float) -> str:
    """Axis numbers: whole above ten, two significant digits below."""
    return f"{value:,.0f}" if abs(value) >= 10 else f"{value:.2g}"


def _nice_max(value: float) -> float:
    """A round axis maximum at or above VALUE (1, 2, 5 x 10^n)."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1) if value >= 1 else 1
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return float(step * magnitude)
    return float(10 * magnitude)


def _frame(title: str, top: float, fmt, body: str) -> Markup:
    plot_h = HEIGHT - PAD_BOTTOM - PAD_TOP
    grid = []
    for i in range(5):
        y = PAD_TOP + plot_h * i / 4
        grid.append(f'<line x1="{PAD_LEFT}" x2="{WIDTH}" y1="{y:.1f}" y2="{y:.1f}" '
                    f'class="grid"/><text x="{PAD_LEFT - 6}" y="{y + 4:.1f}" '
                    f'class="axis" text-anchor="end">{escape(fmt(top * (4 - i) / 4))}</text>')
    return Markup(f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
                  f'aria-label="{escape(title)}">'
                  f'<title>{escape(title)}</title>{"".join(grid)}{body}</svg>')


def _labels(labels: list[str], xs: list[float]) -> str:
    every = max(1, len(labels) // 8)  # at most ~8 labels fit under the axis
    return "".join(f'<text x="{x:.1f}" y="{HEIGHT - 8}" class="axis" text-anchor="middle">'
                   f'{escape(label)}</text>'
                   for i, (label, x) in enumerate(zip(labels, xs, strict=True)) if i % every == 0)


def _empty(title: str) -> Markup:
    return Markup(f'<p class="chart-empty muted">{escape(title)}: no data yet.</p>')


def bars(title: str, points: list[tuple[str, float]], fmt=number) -> Markup:
    """One bar per (label, value)."""
    if not points or not any(v for _, v in points):
        return _empty(title)
    top = _nice_max(max(v for _, v in points))
    plot_w, plot_h = WIDTH - PAD_LEFT, HEIGHT - PAD_BOTTOM - PAD_TOP
    step = plot_w / len(points)
    xs, rects = [], []
    for i, (label, value) in enumerate(points):
        h = plot_h * max(value, 0) / top
        x = PAD_LEFT + i * step
        xs.append(x + step / 2)
        rects.append(f'<rect x="{x + step * 0.1:.1f}" y="{PAD_TOP + plot_h - h:.1f}" '
                     f'width="{step * 0.8:.1f}" height="{h:.1f}" class="bar">'
                     f'<title>{escape(label)}: {escape(fmt(value))}</title></rect>')
    return _frame(title, top, fmt, "".join(rects) + _labels([p[0] for p in points], xs))


def line(title: str, points: list[tuple[str, float]], fmt=number) -> Markup:
    """A line through (label, value) points, evenly spaced."""
    if not points:
        return _empty(title)
    points = [(label, max(v, 0)) for label, v in points]
    top = _nice_max(max(v for _, v in points))
    plot_w, plot_h = WIDTH - PAD_LEFT, HEIGHT - PAD_BOTTOM - PAD_TOP
    step = plot_w / max(len(points) - 1, 1)
    xs = [PAD_LEFT + i * step for i in range(len(points))]
    coords = " ".join(f"{x:.1f},{PAD_TOP + plot_h - plot_h * v / top:.1f}"
                      for x, (_, v) in zip(xs, points, strict=True))
    dots = "".join(f'<circle cx="{x:.1f}" cy="{PAD_TOP + plot_h - plot_h * v / top:.1f}" r="2.5" '
                   f'class="dot"><title>{escape(label)}: {escape(fmt(v))}</title></circle>'
                   for x, (label, v) in zip(xs, points, strict=True))
    body = f'<polyline points="{coords}" class="line"/>{dots}'
    return _frame(title, top, fmt, body + _labels([p[0] for p in points], xs))
