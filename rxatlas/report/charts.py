"""Charts as inline SVG strings: horizontal bars (shares by country) and a yearly timeline of counts."""

from __future__ import annotations

from html import escape

BAR = "#3b6ea5"
MUTED = "#8a94a6"


def bar_chart(items: list[tuple[str, float, str]], width: int = 560) -> str:
    """Horizontal bars, one per (label, value between 0 and 1, caption shown at the bar's end)."""
    row, label_w, caption_w = 22, 150, 90
    bar_w = width - label_w - caption_w
    height = row * len(items) + 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" font-size="12">'
    ]
    for i, (label, value, caption) in enumerate(items):
        y = 4 + i * row
        length = max(1.0, bar_w * max(0.0, min(1.0, value)))
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{length:.1f}" height="{row - 6}" fill="{BAR}"/>'
            f'<text x="{label_w + length + 6:.1f}" y="{y + 14}">{escape(caption)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def timeline(points: list[tuple[int, int]], width: int = 560, height: int = 160) -> str:
    """Columns of counts per year, years in order with gaps shown, the first and last year labelled."""
    if not points:
        return ""
    first, last = min(y for y, _ in points), max(y for y, _ in points)
    counts = dict(points)
    years = list(range(first, last + 1))
    top = max(counts.values()) or 1
    left, bottom, plot_h = 30, 20, height - 36
    step = (width - left - 10) / len(years)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" font-size="11">',
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}" '
        f'stroke="{MUTED}"/>',
        f'<text x="{left - 4}" y="{height - bottom - plot_h + 4}" text-anchor="end">{top}</text>',
    ]
    for i, year in enumerate(years):
        n = counts.get(year, 0)
        h = plot_h * n / top
        x = left + i * step
        if n:
            parts.append(
                f'<rect x="{x + 1:.1f}" y="{height - bottom - h:.1f}" width="{max(1.0, step - 2):.1f}" '
                f'height="{h:.1f}" fill="{BAR}"><title>{year}: {n}</title></rect>'
            )
        if year in (first, last) or (len(years) <= 12):
            parts.append(f'<text x="{x + step / 2:.1f}" y="{height - 5}" text-anchor="middle">{year}</text>')
    parts.append("</svg>")
    return "".join(parts)
