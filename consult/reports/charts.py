"""Server-rendered SVG charts for the report: no JavaScript, nothing the strict CSP blocks.

Each chart carries a <title> and a <desc> (named by `aria-labelledby`), draws with
attributes only (`x`, `y`, `width`, `height`, `class`) and takes its colours from CSS
classes in `static/css/app.css` (the Okabe–Ito colour-blind-safe palette), never from a
`style` attribute or element. The numbers are always in a table beside the chart (the
templates put it there), so the picture never carries information alone. A suppressed
cell (None) draws no bar and reads "fewer than N".
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from flask_babel import gettext as _
from markupsafe import Markup, escape

WIDTH = 600
LABEL_W = 190  # the label column of horizontal bars
BAR_H = 18
GAP = 8
MAX_TIMELINE_DAYS = 400  # a longer span is drawn by its last days only


def _frame(
    chart_id: str, title: str, desc: str, height: int, body: str, width: int = WIDTH
) -> Markup:
    # Every piece of text in the parts is escaped where it is built; the rest are numbers.
    return Markup(  # noqa: S704
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}"'
        f' viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img"'
        f' aria-labelledby="{escape(chart_id)}-t {escape(chart_id)}-d">'
        f'<title id="{escape(chart_id)}-t">{escape(title)}</title>'
        f'<desc id="{escape(chart_id)}-d">{escape(desc)}</desc>{body}</svg>'
    )


def _fewer(minimum: int) -> str:
    return _("fewer than %(n)d", n=minimum)


def bar_chart(
    chart_id: str,
    title: str,
    desc: str,
    rows: Sequence[tuple[str, int | None]],
    minimum: int,
) -> Markup:
    """Horizontal bars, one per (label, value), scaled to the largest value."""
    top = max((v for _l, v in rows if v), default=0)
    span = WIDTH - LABEL_W - 60
    parts = []
    for i, (label, value) in enumerate(rows):
        y = GAP + i * (BAR_H + GAP)
        parts.append(
            f'<text class="chart-label" x="{LABEL_W - 6}" y="{y + BAR_H - 4}"'
            f' text-anchor="end">{escape(label)}</text>'
        )
        if value is None:
            shown, w = _fewer(minimum), 0
        else:
            shown, w = str(value), round(span * value / top) if top else 0
        if w:
            parts.append(
                f'<rect class="chart-bar" x="{LABEL_W}" y="{y}" width="{w}" height="{BAR_H}"/>'
            )
        parts.append(
            f'<text class="chart-value" x="{LABEL_W + w + 4}" y="{y + BAR_H - 4}">'
            f"{escape(shown)}</text>"
        )
    height = GAP + len(rows) * (BAR_H + GAP) or BAR_H
    return _frame(chart_id, title, desc, height, "".join(parts))


def stacked_chart(
    chart_id: str,
    title: str,
    desc: str,
    rows: Sequence[tuple[str, dict[str, int | None]]],
    codes: Sequence[str],
    minimum: int,
    names: dict[str, str] | None = None,
) -> Markup:
    """One horizontal bar per row, split by code (a stance), in proportion to the row's total.

    A row with a suppressed part draws no bar at all (proportions would reveal the cell).
    """
    span = WIDTH - LABEL_W - 70
    parts = []
    for i, (label, counts) in enumerate(rows):
        y = GAP + i * (BAR_H + GAP)
        parts.append(
            f'<text class="chart-label" x="{LABEL_W - 6}" y="{y + BAR_H - 4}"'
            f' text-anchor="end">{escape(label)}</text>'
        )
        if any(counts.get(c) is None for c in codes):
            parts.append(
                f'<text class="chart-value" x="{LABEL_W}" y="{y + BAR_H - 4}">'
                f"{escape(_fewer(minimum))}</text>"
            )
            continue
        total = sum(counts.get(c) or 0 for c in codes)
        x = LABEL_W
        for code in codes:
            n = counts.get(code) or 0
            w = round(span * n / total) if total else 0
            if w:
                parts.append(
                    f'<rect class="chart-{escape(code)}" x="{x}" y="{y}" width="{w}"'
                    f' height="{BAR_H}"><title>{escape((names or {}).get(code, code))}: {n}</title>'
                    "</rect>"
                )
            x += w
        parts.append(f'<text class="chart-value" x="{x + 4}" y="{y + BAR_H - 4}">{total}</text>')
    height = GAP + len(rows) * (BAR_H + GAP) or BAR_H
    return _frame(chart_id, title, desc, height, "".join(parts))


def fill_days(points: Sequence[dict]) -> list[tuple[date, int | None]]:
    """The comments-per-day series with the days without comments as zeros."""
    if not points:
        return []
    known = {date.fromisoformat(p["date"]): p["comments"] for p in points}
    first, last = min(known), max(known)
    first = max(first, last - timedelta(days=MAX_TIMELINE_DAYS - 1))
    days = (last - first).days + 1
    return [(d, known.get(d, 0)) for d in (first + timedelta(days=i) for i in range(days))]


def timeline(chart_id: str, title: str, desc: str, points: Sequence[dict], minimum: int) -> Markup:
    """A column per day (oldest on the left, as dates are read), scaled to the busiest day."""
    days = fill_days(points)
    height, base = 160, 130
    if not days:
        return _frame(chart_id, title, desc, 40, "")
    top = max((n for _d, n in days if n), default=0)
    step = (WIDTH - 20) / len(days)
    bar_w = max(round(step - 1, 1), 1)
    parts = []
    for i, (day, n) in enumerate(days):
        h = round(110 * n / top) if n and top else 0
        x = round(10 + i * step, 1)
        shown = _fewer(minimum) if n is None else str(n)
        if h:
            parts.append(
                f'<rect class="chart-bar" x="{x}" y="{base - h}" width="{bar_w}"'
                f' height="{h}"><title>{day.isoformat()}: {escape(shown)}</title></rect>'
            )
    parts.append(f'<line class="chart-axis" x1="10" y1="{base}" x2="{WIDTH - 10}" y2="{base}"/>')
    parts.append(
        f'<text class="chart-label" x="10" y="{base + 20}">{days[0][0].isoformat()}</text>'
    )
    parts.append(
        f'<text class="chart-label" x="{WIDTH - 10}" y="{base + 20}" text-anchor="end">'
        f"{days[-1][0].isoformat()}</text>"
    )
    return _frame(chart_id, title, desc, height, "".join(parts))


# --- heatmaps -------------------------------------------------------------------------

HEAT_BINS = 5  # classes heat-1 (lowest mean) .. heat-5, a cividis-like ramp in app.css
HEAT_LABEL_W = 90
HEAT_CELL_W = 62
HEAT_CELL_H = 36
HEAT_HEADER_H = 140  # column names, drawn slanted so long province names fit
HEAT_RIGHT_PAD = 160  # room for the last slanted names
HEAT_LEGEND_H = 46


def heat_class(mean: float | None, low: float = 1.0, high: float = 5.0) -> int:
    """The bin (1..HEAT_BINS) of a mean on the rating scale; equal-width bins."""
    if mean is None:
        return 0
    step = (high - low) / HEAT_BINS
    return min(HEAT_BINS, max(1, int((mean - low) // step) + 1))


def heatmap(
    chart_id: str,
    title: str,
    desc: str,
    rows: Sequence[str],
    columns: Sequence[tuple[str, str]],
    cells: dict[str, dict[str, dict]],
    minimum: int,
) -> Markup:
    """A grid of rows (objectives) × columns ((code, label)) coloured by the cell's mean.

    Each cell reads its mean and "n=…"; an empty cell (nobody rated) is blank, a
    suppressed one reads "fewer than N" (grey, no colour, so its mean is not given away).
    The colour is one of five classes of a sequential colour-blind-safe ramp, explained by
    the legend underneath.
    """
    width = HEAT_LABEL_W + len(columns) * HEAT_CELL_W + HEAT_RIGHT_PAD
    top = HEAT_HEADER_H
    parts = []
    for j, (_code, name) in enumerate(columns):
        x = HEAT_LABEL_W + j * HEAT_CELL_W + HEAT_CELL_W // 2
        parts.append(
            f'<text class="chart-label" x="{x}" y="{top - 6}" text-anchor="start"'
            f' transform="rotate(-40 {x} {top - 6})">{escape(name)}</text>'
        )
    for i, row in enumerate(rows):
        y = top + i * HEAT_CELL_H
        parts.append(
            f'<text class="chart-label" x="{HEAT_LABEL_W - 6}" y="{y + HEAT_CELL_H // 2 + 4}"'
            f' text-anchor="end">{escape(row)}</text>'
        )
        for j, (code, _name) in enumerate(columns):
            # Kept small (a report has sections × objectives × 19 such cells): no per-cell
            # tooltip, the centring comes from the stylesheet (.heat-text).
            cell = cells.get(row, {}).get(code) or {"n": 0, "mean": None}
            x = HEAT_LABEL_W + j * HEAT_CELL_W
            cx = x + HEAT_CELL_W // 2
            if cell.get("n") is None:
                klass, text = (
                    "heat-suppressed",
                    (
                        f'<text class="heat-text-small" x="{cx}" y="{y + 22}">'
                        f"{escape(_fewer(minimum))}</text>"
                    ),
                )
            elif not cell["n"]:
                klass, text = "heat-empty", ""
            else:
                klass = f"heat-{heat_class(cell['mean'])}"
                text = (
                    f'<text class="heat-text on-{klass}" x="{cx}" y="{y + 16}">'
                    f"{cell['mean']:.2f}</text>"
                    f'<text class="heat-text-small on-{klass}" x="{cx}" y="{y + 29}">'
                    f"n={cell['n']}</text>"
                )
            parts.append(
                f'<rect class="{klass}" x="{x + 1}" y="{y + 1}" width="{HEAT_CELL_W - 2}"'
                f' height="{HEAT_CELL_H - 2}"/>{text}'
            )
    legend_y = top + len(rows) * HEAT_CELL_H + 14
    parts.append(
        f'<text class="chart-label" x="{HEAT_LABEL_W - 6}" y="{legend_y + 13}"'
        f' text-anchor="end">{escape(_("Mean"))}</text>'
    )
    step = 4 / HEAT_BINS
    for b in range(HEAT_BINS):
        x = HEAT_LABEL_W + b * 56
        low, high = 1 + b * step, 1 + (b + 1) * step
        parts.append(
            f'<rect class="heat-{b + 1}" x="{x}" y="{legend_y}" width="54" height="18"/>'
            f'<text class="chart-label" x="{x + 27}" y="{legend_y + 32}" text-anchor="middle">'
            f"{low:.1f}–{high:.1f}</text>"
        )
    height = legend_y + HEAT_LEGEND_H
    return _frame(chart_id, title, desc, height, "".join(parts), width)


# --- representativeness ---------------------------------------------------------------


def ratio_chart(
    chart_id: str,
    title: str,
    desc: str,
    rows: Sequence[tuple[str, float | None, bool]],
    minimum: int,
) -> Markup:
    """Bars from the line at ratio 1 to each (label, ratio, suppressed) row's ratio: left
    (under-heard, vermillion) or right (over-heard, blue). A suppressed row reads "fewer
    than N"; a ratio of None otherwise (nobody with a known province) reads "–"."""
    left = LABEL_W + 12  # ratio 0, clear of the labels
    span = WIDTH - left - 70
    top_ratio = max([2.0, *(r for _name, r, _s in rows if r is not None)])
    scale = span / top_ratio
    one = left + round(scale)
    parts = []
    for i, (name, ratio, suppressed) in enumerate(rows):
        y = GAP + i * (BAR_H + GAP)
        parts.append(
            f'<text class="chart-label" x="{LABEL_W - 6}" y="{y + BAR_H - 4}"'
            f' text-anchor="end">{escape(name)}</text>'
        )
        if ratio is None:
            parts.append(
                f'<text class="chart-value" x="{one + 4}" y="{y + BAR_H - 4}">'
                f"{escape(_fewer(minimum) if suppressed else '–')}</text>"
            )
            continue
        end = left + round(scale * ratio)
        x, w = min(one, end), abs(end - one)
        klass = "chart-under" if ratio < 1 else "chart-over"
        if w:
            parts.append(f'<rect class="{klass}" x="{x}" y="{y}" width="{w}" height="{BAR_H}"/>')
        parts.append(
            f'<circle class="{klass}" cx="{end}" cy="{y + BAR_H // 2}" r="4"/>'
            f'<text class="chart-value" x="{max(one, end) + 8}" y="{y + BAR_H - 4}">'
            f"{ratio:.2f}</text>"
        )
    bottom = GAP + len(rows) * (BAR_H + GAP)
    parts.append(f'<line class="chart-axis" x1="{one}" y1="0" x2="{one}" y2="{bottom}"/>')
    parts.append(
        f'<text class="chart-label" x="{one}" y="{bottom + 14}" text-anchor="middle">'
        f"{escape(_('1 = heard in proportion'))}</text>"
    )
    return _frame(chart_id, title, desc, bottom + 22, "".join(parts))
