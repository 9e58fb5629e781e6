"""Charts of the HTML report as inline SVG, drawn by hand on the server.

Why by hand: the report must open offline from a file, on a phone, and print; an SVG made
of a few dozen ``<rect>`` elements does all three, weighs a few kilobytes, needs no
JavaScript and no plotting library in the crawl's environment.  Colours come from CSS
classes (``bar``, ``bar-over``, ``target``, ...) that the report's stylesheet defines, so
the charts follow the page's light/dark and print styles.

Every label is escaped here and the result is wrapped in ``Markup`` only once it is built
from escaped parts: page text never reaches these functions, but a finding code or an
element name could be configured by a user.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 420
HEIGHT = 220
MARGIN_LEFT = 34
MARGIN_RIGHT = 8
MARGIN_TOP = 26
MARGIN_BOTTOM = 40
GRADE_CAP = 20
"""Reading grades at or above this share the last bin ("20+")."""


@dataclass(frozen=True, slots=True)
class Bin:
    """One bar of a histogram: its axis label, its count and whether it is flagged."""

    label: str
    count: int
    flagged: bool = False
    title: str = ""


def grade_bins(grades: Sequence[float], target: float) -> list[Bin]:
    """Grades in one-grade bins from 0 to ``GRADE_CAP``+; bins above ``target`` flagged."""
    counts = [0] * (GRADE_CAP + 1)
    for grade in grades:
        counts[min(GRADE_CAP, max(0, int(grade)))] += 1
    bins = []
    for low, count in enumerate(counts):
        label = f"{low}+" if low == GRADE_CAP else str(low)
        span = f"grade {low} or more" if low == GRADE_CAP else f"grade {low} to {low + 1}"
        bins.append(Bin(label, count, flagged=low >= target, title=f"{span}: {count} pages"))
    return bins


def score_bins(scores: Sequence[int]) -> list[Bin]:
    """Scores 0-100 in ten bins (the last one holds 90-100); scores under 50 flagged."""
    counts = [0] * 10
    for score in scores:
        counts[min(9, max(0, int(score) // 10))] += 1
    return [
        Bin(
            f"{10 * i}",
            count,
            flagged=10 * i < 50,
            title=f"score {10 * i} to {100 if i == 9 else 10 * i + 9}: {count} pages",
        )
        for i, count in enumerate(counts)
    ]


def histogram_svg(
    bins: Sequence[Bin],
    *,
    title: str,
    x_label: str,
    marker: float | None = None,
    marker_label: str = "",
) -> Markup:
    """A vertical bar chart; ``marker`` draws a dashed line at that bin position (0-based).

    The marker sits at the left edge of bin ``int(marker)`` plus its fraction, so a target
    grade of 8.0 is drawn between the bins "7" and "8".
    """
    plot_w = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    n = max(1, len(bins))
    step = plot_w / n
    peak = max((b.count for b in bins), default=0)
    top = _nice_max(peak)
    parts = [_svg_open(title)]
    parts.extend(_y_axis(top, plot_h))
    label_every = 2 if n > 12 else 1
    for i, b in enumerate(bins):
        x = MARGIN_LEFT + i * step
        h = 0.0 if top == 0 else plot_h * b.count / top
        y = MARGIN_TOP + plot_h - h
        css = "bar bar-over" if b.flagged else "bar"
        parts.append(
            f'<rect class="{css}" x="{x + 1.5:.1f}" y="{y:.1f}" width="{max(1.0, step - 3):.1f}" '
            f'height="{h:.1f}"><title>{escape(b.title or f"{b.label}: {b.count}")}</title></rect>'
        )
        if b.count:
            parts.append(
                f'<text class="value" x="{x + step / 2:.1f}" y="{y - 4:.1f}" '
                f'text-anchor="middle">{b.count}</text>'
            )
        if i % label_every == 0 or i == n - 1:
            parts.append(
                f'<text class="tick" x="{x + step / 2:.1f}" y="{MARGIN_TOP + plot_h + 15}" '
                f'text-anchor="middle">{escape(b.label)}</text>'
            )
    if marker is not None:
        mx = MARGIN_LEFT + min(float(n), max(0.0, marker)) * step
        parts.append(
            f'<line class="target" x1="{mx:.1f}" y1="{MARGIN_TOP - 8}" x2="{mx:.1f}" '
            f'y2="{MARGIN_TOP + plot_h}"/>'
        )
        anchor = "end" if mx > WIDTH * 0.7 else "start"
        dx = -4 if anchor == "end" else 4
        parts.append(
            f'<text class="target-label" x="{mx + dx:.1f}" y="{MARGIN_TOP - 12}" '
            f'text-anchor="{anchor}">{escape(marker_label)}</text>'
        )
    parts.append(
        f'<text class="axis-label" x="{MARGIN_LEFT + plot_w / 2:.1f}" y="{HEIGHT - 6}" '
        f'text-anchor="middle">{escape(x_label)}</text>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))


def bars_svg(items: Sequence[tuple[str, int]], *, total: int, title: str) -> Markup:
    """Horizontal bars, one per item, with "count (share of total)" at the bar's end."""
    row_h = 34
    label_w = 112
    plot_w = WIDTH - label_w - 78
    height = MARGIN_TOP + row_h * max(1, len(items)) + 8
    peak = max([total, *(c for _, c in items)], default=0)
    parts = [_svg_open(title, height)]
    for i, (label, count) in enumerate(items):
        y = MARGIN_TOP + i * row_h
        w = 0.0 if peak == 0 else plot_w * count / peak
        share = f"{100 * count / total:.0f}%" if total else "-"
        parts.append(
            f'<text class="tick" x="{label_w - 8}" y="{y + row_h / 2 + 4:.1f}" '
            f'text-anchor="end">{escape(label)}</text>'
        )
        parts.append(
            f'<rect class="track" x="{label_w}" y="{y + 6}" width="{plot_w}" '
            f'height="{row_h - 12}"/>'
        )
        parts.append(
            f'<rect class="bar bar-over" x="{label_w}" y="{y + 6}" width="{w:.1f}" '
            f'height="{row_h - 12}"><title>{escape(label)}: {count} of {total}</title></rect>'
        )
        parts.append(
            f'<text class="value" x="{label_w + plot_w + 8}" y="{y + row_h / 2 + 4:.1f}">'
            f"{count} ({share})</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def grade_histogram(grades: Sequence[float], target: float) -> Markup:
    """Reading grades of the articles, one bar per grade, the target as a dashed line."""
    return histogram_svg(
        grade_bins(grades, target),
        title=f"Reading grade of {len(grades)} articles (target {target:g})",
        x_label="Flesch-Kincaid grade",
        marker=target,
        marker_label=f"target {target:g}",
    )


def score_histogram(scores: Sequence[int]) -> Markup:
    """Page scores of the articles in ten bins."""
    return histogram_svg(
        score_bins(scores), title=f"Score of {len(scores)} articles", x_label="Score (0-100)"
    )


def missing_elements_chart(missing: Mapping[str, int], articles: int) -> Markup:
    """How many articles lack each required element."""
    return bars_svg(
        list(missing.items()),
        total=articles,
        title=f"Articles missing each required element (of {articles})",
    )


def _svg_open(title: str, height: int = HEIGHT) -> str:
    """The ``<svg>`` start tag with an accessible name (``role="img"`` and a ``<title>``)."""
    text = escape(title)
    return (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{text}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{text}</title>'
    )


def _y_axis(top: int, plot_h: int) -> list[str]:
    """Gridlines and labels at 0, half and the top of the scale."""
    if top == 0:
        return []
    parts = []
    for value in sorted({0, top // 2, top}):
        y = MARGIN_TOP + plot_h - plot_h * value / top
        parts.append(
            f'<line class="grid" x1="{MARGIN_LEFT}" y1="{y:.1f}" '
            f'x2="{WIDTH - MARGIN_RIGHT}" y2="{y:.1f}"/>'
        )
        parts.append(
            f'<text class="tick" x="{MARGIN_LEFT - 6}" y="{y + 4:.1f}" '
            f'text-anchor="end">{value}</text>'
        )
    return parts


def _nice_max(peak: int) -> int:
    """The top of the y scale: the peak rounded up to its leading digit (23 -> 30)."""
    if peak <= 0:
        return 0
    magnitude = 1
    while magnitude * 10 <= peak:
        magnitude *= 10
    return -(-peak // magnitude) * magnitude
