"""Charts drawn on the server as SVG markup (no JavaScript), for the report pages (issue 11).

Pure functions: figures in, a `Chart` out, holding the SVG (every text escaped here) and the
same numbers as a table, which the include `reports/_chart.html` prints under the picture.
The SVG is an image with a name and a description (`role="img"`, `<title>`, `<desc>`); the
series differ by pattern and marker shape as well as by colour, and each is named in a legend
drawn in the picture. The drawing is 360 units wide, so at a phone's 375 px its text keeps
its size; wider screens cap it (charts.css).

Numbers are written in the active language's format (Vietnamese: 1,34 and 87,5 %)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import pgettext

WIDTH = 360
FONT = "font-family=\"system-ui, 'Segoe UI', Roboto, Arial, sans-serif\""
INK = "#0b0c0c"
GRID = "#b1b4b6"
#: Per series: fill colour, pattern drawn over it ("" for none), marker shape, dash pattern.
STYLES = (
    ("#00703c", "", "circle", ""),
    ("#1d70b8", "stripes", "square", "6 3"),
    ("#d4351c", "cross", "triangle", "2 3"),
    ("#505a5f", "dots", "diamond", "8 3 2 3"),
    ("#912b88", "stripes", "circle", "4 2"),
    ("#f47738", "cross", "square", "1 2"),
)
MAX_LABEL = 50  # characters of a category name drawn in a bar chart (the table has it all)


@dataclasses.dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | None]


@dataclasses.dataclass(frozen=True)
class Chart:
    """An SVG picture and the table of the same numbers."""

    id: str
    title: str
    description: str
    svg: SafeString
    headers: list[str]  # the category heading, then one per series
    rows: list[tuple[str, list[str]]]  # the category, then its formatted values


def fmt_number(value: float | int | None, places: int = 0) -> str:
    """A number in the active language's format; "—" for None."""
    if value is None:
        return "—"
    return str(number_format(value, decimal_pos=places, force_grouping=True))


def fmt_days(value: float | None) -> str:
    """Working days to two places without trailing zeros: 1,34 / 1,5 / 3; "—" for None."""
    if value is None:
        return "—"
    text = fmt_number(round(value, 2), 2)
    sep = str(number_format(0.5, decimal_pos=1))[1]
    if sep in text:
        text = text.rstrip("0").rstrip(sep)
    return text


def fmt_percent(rate: float | None, places: int = 1) -> str:
    """A rate in 0…1 as a percentage: 87,5 %; "—" for None."""
    if rate is None:
        return "—"
    return f"{fmt_number(100 * rate, places)} %"


def _id(raw: str) -> str:
    return re.sub(r"[^a-z0-9-]", "-", raw.lower()) or "chart"


def _e(text: object) -> str:
    return str(escape(str(text)))


def _short(text: str, size: int = MAX_LABEL) -> str:
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


def _defs(cid: str) -> str:
    """The hatching patterns, one per style that has one."""
    out = []
    for n, (colour, pattern, _marker, _dash) in enumerate(STYLES):
        pid = f"{cid}-p{n}"
        if pattern == "stripes":
            body = '<path d="M0 6 L6 0 M-1 1 L1 -1 M5 7 L7 5" stroke="#fff" stroke-width="1.5"/>'
        elif pattern == "cross":
            body = '<path d="M0 0 L6 6 M6 0 L0 6" stroke="#fff" stroke-width="1.2"/>'
        elif pattern == "dots":
            body = '<circle cx="3" cy="3" r="1.3" fill="#fff"/>'
        else:
            continue
        out.append(
            f'<pattern id="{pid}" width="6" height="6" patternUnits="userSpaceOnUse">'
            f'<rect width="6" height="6" fill="{colour}"/>{body}</pattern>'
        )
    return f"<defs>{''.join(out)}</defs>"


def _fill(cid: str, n: int) -> str:
    colour, pattern, _marker, _dash = STYLES[n % len(STYLES)]
    return f"url(#{cid}-p{n % len(STYLES)})" if pattern else colour


def _legend(cid: str, series: Sequence[Series], y: int, *, lines: bool) -> tuple[str, int]:
    """The legend, one series a line (a swatch or a line with its marker, and the name);
    returns the markup and the height used."""
    out = []
    for n, s in enumerate(series):
        top = y + 18 * n
        if lines:
            swatch = _line_sample(n, 4, top + 7) + _marker(n, 14, top + 7)
        else:
            swatch = (
                f'<rect x="4" y="{top}" width="20" height="14" fill="{_fill(cid, n)}" '
                f'stroke="{INK}" stroke-width="0.5"/>'
            )
        out.append(
            f'{swatch}<text x="32" y="{top + 11}" font-size="12" fill="{INK}">{_e(s.label)}</text>'
        )
    return "".join(out), 18 * len(series) + 6


def _line_sample(n: int, x: int, y: int) -> str:
    colour, _pattern, _marker, dash = STYLES[n % len(STYLES)]
    extra = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<line x1="{x}" y1="{y}" x2="{x + 20}" y2="{y}" stroke="{colour}" '
        f'stroke-width="2"{extra}/>'
    )


def _marker(n: int, x: float, y: float) -> str:
    colour, _pattern, shape, _dash = STYLES[n % len(STYLES)]
    if shape == "square":
        return f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" fill="{colour}"/>'
    if shape == "triangle":
        pts = f"{x:.1f},{y - 4.5:.1f} {x + 4.5:.1f},{y + 3.5:.1f} {x - 4.5:.1f},{y + 3.5:.1f}"
        return f'<polygon points="{pts}" fill="{colour}"/>'
    if shape == "diamond":
        pts = f"{x:.1f},{y - 4.5:.1f} {x + 4.5:.1f},{y:.1f} {x:.1f},{y + 4.5:.1f} {x - 4.5:.1f},{y:.1f}"
        return f'<polygon points="{pts}" fill="{colour}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/>'


def _svg(cid: str, title: str, description: str, height: int, body: str) -> SafeString:
    return mark_safe(  # noqa: S308 - every text in `body` and here is escaped by _e
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" id="{cid}" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" aria-labelledby="{cid}-title {cid}-desc" {FONT}>'
        f'<title id="{cid}-title">{_e(title)}</title><desc id="{cid}-desc">{_e(description)}</desc>'
        f"{body}</svg>"
    )


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    category_heading: str,
    categories: Sequence[str],
    series: Sequence[Series],
    places: int = 0,
) -> Chart:
    """Horizontal stacked bars, one per category (an agency, a month), its parts the series
    (resolved early, on time, late), each part filled with its series' colour and pattern,
    the bar's total written at its end; the category's name above its bar."""
    cid = _id(chart_id)
    legend, top = _legend(cid, series, 6, lines=False)
    totals = [sum(s.values[i] or 0 for s in series) for i in range(len(categories))]
    most = max(totals, default=0) or 1
    room = WIDTH - 8 - 56
    body = [_defs(cid), legend]
    y = top + 6
    for i, name in enumerate(categories):
        body.append(
            f'<text x="4" y="{y + 11}" font-size="12" fill="{INK}">{_e(_short(name))}</text>'
        )
        x = 4.0
        bar_y = y + 16
        for n, s in enumerate(series):
            value = s.values[i] or 0
            if value <= 0:
                continue
            w = room * value / most
            body.append(
                f'<rect x="{x:.1f}" y="{bar_y}" width="{w:.1f}" height="16" '
                f'fill="{_fill(cid, n)}" stroke="#fff" stroke-width="1"/>'
            )
            x += w
        body.append(
            f'<text x="{x + 6:.1f}" y="{bar_y + 12}" font-size="12" font-weight="700" '
            f'fill="{INK}">{_e(fmt_number(totals[i], places))}</text>'
        )
        y += 40
    if not categories:
        body.append(f'<text x="4" y="{y + 12}" font-size="12" fill="{INK}">—</text>')
        y += 24
    height = y + 4
    rows = [
        (name, [fmt_number(s.values[i], places) for s in series] + [fmt_number(totals[i], places)])
        for i, name in enumerate(categories)
    ]
    return Chart(
        id=cid,
        title=title,
        description=description,
        svg=_svg(cid, title, description, height, "".join(body)),
        headers=[category_heading, *(s.label for s in series), _total_heading()],
        rows=rows,
    )


def _total_heading() -> str:
    return pgettext("report", "Total")


def line_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    category_heading: str,
    categories: Sequence[str],
    series: Sequence[Series],
    axis_labels: Sequence[str] | None = None,
    axis_notes: Sequence[str] | None = None,
) -> Chart:
    """Rates (0…1) along the categories (months), one line per series with its own dash and
    marker shape; a missing value (None: nothing to count) breaks the line. The y axis runs
    0–100 %; with one series each point carries its value. `axis_labels`: shorter names for
    the x axis (defaults to the categories); `axis_notes`: a second line under some of them
    (the year under the first month and each January), "" for none."""
    cid = _id(chart_id)
    legend, top = _legend(cid, series, 6, lines=True)
    left, right = 40, WIDTH - 12
    plot_top, plot_h = top + 14, 150
    bottom = plot_top + plot_h
    body = [legend]
    for pct in (0, 25, 50, 75, 100):
        gy = bottom - plot_h * pct / 100
        body.append(
            f'<line x1="{left}" y1="{gy:.1f}" x2="{right}" y2="{gy:.1f}" stroke="{GRID}" '
            f'stroke-width="{1 if pct else 1.5}"/>'
            f'<text x="{left - 4}" y="{gy + 4:.1f}" font-size="10" text-anchor="end" '
            f'fill="{INK}">{_e(f"{pct} %")}</text>'
        )
    count = len(categories)
    step = (right - left - 12) / max(count - 1, 1)
    xs = [left + 6 + step * i for i in range(count)]
    labels = list(axis_labels) if axis_labels is not None else list(categories)
    notes = list(axis_notes) if axis_notes is not None else [""] * count
    for i, x in enumerate(xs):
        body.append(
            f'<text x="{x:.1f}" y="{bottom + 14}" font-size="10" text-anchor="middle" '
            f'fill="{INK}">{_e(labels[i])}</text>'
        )
        if notes[i]:
            body.append(
                f'<text x="{x:.1f}" y="{bottom + 26}" font-size="10" text-anchor="middle" '
                f'fill="{INK}">{_e(notes[i])}</text>'
            )
    for n, s in enumerate(series):
        colour, _pattern, _shape, dash = STYLES[n % len(STYLES)]
        extra = f' stroke-dasharray="{dash}"' if dash else ""
        run: list[str] = []
        runs: list[list[str]] = [run]
        points = []
        for i, value in enumerate(s.values):
            if value is None:
                run = []
                runs.append(run)
                continue
            py = bottom - plot_h * max(0.0, min(1.0, value))
            run.append(f"{xs[i]:.1f},{py:.1f}")
            points.append((xs[i], py, value))
        for r in runs:
            if len(r) > 1:
                body.append(
                    f'<polyline points="{" ".join(r)}" fill="none" stroke="{colour}" '
                    f'stroke-width="2"{extra}/>'
                )
        for px, py, value in points:
            body.append(_marker(n, px, py))
            if len(series) == 1:
                ly = py - 7 if py - 7 > plot_top else py + 14
                body.append(
                    f'<text x="{px:.1f}" y="{ly:.1f}" font-size="9" text-anchor="middle" '
                    f'fill="{INK}">{_e(fmt_number(100 * value, 0))}</text>'
                )
    height = bottom + (36 if any(notes) else 24)
    rows = [(name, [fmt_percent(s.values[i]) for s in series]) for i, name in enumerate(categories)]
    return Chart(
        id=cid,
        title=title,
        description=description,
        svg=_svg(cid, title, description, height, "".join(body)),
        headers=[category_heading, *(s.label for s in series)],
        rows=rows,
    )
