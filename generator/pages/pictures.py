"""Pictures drawn without JavaScript: inline SVG shapes of the level distribution and of a share.

Geometry only: each function turns published figures (`public.Figures`,
`trends.Series`) into rectangles and paths in a fixed viewBox, and the
theme's `_level_picture.html` macros write them as inline SVG with their
words (level names, months, percentages) in the page's language. Nothing
here knows Pelican or HTML.

- `level_bar(figures, month)`: one month's headcount split by level, one
  horizontal bar stacked to 100% (XS | T | HT | K, or HT+K where merged,
  then not evaluated).
- `level_series(series, last=12)`: the same for each of the last months, one
  vertical stacked bar per month.
- `share_line(series, "xs_share", last=12)`: a sparkline of one share.
- `level_trend(series)`: every month of a series that has figures, one thin
  vertical stacked bar each, drawn as one path per level (a page of five
  years stays small), with each share's first, last, lowest and highest
  month for the text that says what the picture shows.

A figure that is None is not published (the small-unit rule, or a month with
no figures): it is never drawn, and nothing is computed from the others in
its place. Segments take the site's level colours (charts.LEVEL_COLOURS,
lightness-stepped for greyscale print) with a white gap between neighbours,
and every picture comes with the numbers it draws, for the text beside it.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from generator.view.public import PUBLIC, Figures
from generator.view.trends import Series

from .chart_texts import LEVEL_FIELDS
from .charts import LEVEL_COLOURS

# The order of a stack, bottom (or left) first; HT+K stands where HT and K would.
STACK_ORDER = ("XS", "T", "HT", "K", "HT+K", "CDG")
# Text drawn on a segment must read on its colour (WCAG 4.5:1 at 12 px): white on the dark
# colours, ink on the light ones; vermillion (K) passes with neither, so K is never labelled inside.
LABEL_INK = {"XS": "#fff", "T": "#1b1f24", "HT": "#1b1f24", "HT+K": "#fff", "CDG": "#1b1f24"}
GAP = 1  # white between neighbouring segments, in viewBox units
# A segment narrower than this (viewBox units) carries no label: the legend beside says it.
LABEL_MIN_WIDTH = 40
# A year's label under the months (four digits at 11 px), in viewBox units.
YEAR_LABEL_WIDTH = 30


@dataclass(**PUBLIC)
class Segment:
    """One level's part of a bar: a rectangle in the picture's viewBox."""

    code: str  # "XS", "T", "HT", "K", "HT+K" or "CDG"
    count: int
    share: Decimal  # percent of the headcount
    x: float
    y: float
    width: float
    height: float
    colour: str
    label_ink: str | None  # colour of a label written on the segment; None: too narrow, or no colour reads

    @property
    def drawn(self) -> bool:
        return self.width > 0 and self.height > 0

    @property
    def label_x(self) -> float:
        return round(self.x + self.width / 2, 2)

    @property
    def label_y(self) -> float:
        return round(self.y + self.height / 2, 2)


@dataclass(**PUBLIC)
class Bar:
    """One month's stack; `segments` in STACK_ORDER, empty where the month has no figures."""

    month: str
    figures: Figures | None
    segments: tuple[Segment, ...]
    x: float  # where its month's label goes (centre), for a series
    width: float


@dataclass(**PUBLIC)
class LevelPicture:
    """Bars in a `width` × `height` viewBox; `codes`: the levels drawn, for the legend, in order."""

    kind: str  # "bar" (one horizontal bar) or "series" (one vertical bar per month)
    width: int
    height: int
    bars: tuple[Bar, ...]
    codes: tuple[str, ...]
    plot_height: float  # of the bars (a series keeps the rest for month labels)

    @property
    def bar(self) -> Bar:
        return self.bars[-1]

    @property
    def known(self) -> tuple[Bar, ...]:
        return tuple(b for b in self.bars if b.figures is not None)


@dataclass(**PUBLIC)
class LinePoint:
    month: str
    value: Decimal
    x: float
    y: float


@dataclass(**PUBLIC)
class ShareLine:
    """A sparkline of one share: `path` (SVG path data, broken where a month has no figure)
    through `points`, in a `width` × `height` viewBox scaled from `low` to `high` percent."""

    width: int
    height: int
    months: tuple[str, ...]
    points: tuple[LinePoint, ...]
    path: str
    low: Decimal | None
    high: Decimal | None

    @property
    def first(self) -> LinePoint | None:
        return self.points[0] if self.points else None

    @property
    def last(self) -> LinePoint | None:
        return self.points[-1] if self.points else None

    @property
    def lowest(self) -> LinePoint | None:
        return min(self.points, key=lambda p: (p.value, p.month)) if self.points else None

    @property
    def highest(self) -> LinePoint | None:
        return max(self.points, key=lambda p: (p.value, p.month)) if self.points else None


def levels_of(figures: Figures) -> tuple[tuple[str, int, Decimal], ...]:
    """(code, count, share) of each published level of `figures`, in stack order; a level whose
    count or share is None (not published) is left out, never worked out from the others."""
    found = []
    for code in STACK_ORDER:
        field = LEVEL_FIELDS[code]
        count, value = getattr(figures, field), getattr(figures, field + "_share")
        if count is not None and value is not None:
            found.append((code, count, value))
    return tuple(found)


def _stack(figures: Figures, length: float, thickness: float, *, across: float = 0,
           upwards: bool = False) -> tuple[Segment, ...]:
    """Segments of `figures` laid along `length`: left to right (a horizontal bar `thickness`
    high), or from the bottom up (`upwards`: a vertical bar `thickness` wide whose left edge is
    at `across`). Each segment gives its far end to the white gap before the next one."""
    segments, offset = [], 0.0
    for code, count, value in levels_of(figures):
        size = float(value) * length / 100
        # A level nobody is at stays in the legend (0,00%) with nothing drawn.
        drawn = max(size - GAP, 0.5) if size > 0 else 0.0
        if upwards:
            x, y, width, height = across, length - offset - drawn, thickness, drawn
        else:
            x, y, width, height = offset, 0.0, drawn, thickness
        ink = LABEL_INK.get(code) if width >= LABEL_MIN_WIDTH and height >= 14 else None
        if not drawn:
            width = height = 0.0
        segments.append(Segment(code, count, value, round(x, 2), round(y, 2), round(width, 2), round(height, 2),
                                LEVEL_COLOURS[code], ink))
        offset += size
    return tuple(segments)


def _codes(bars: Sequence[Bar]) -> tuple[str, ...]:
    present = {s.code for b in bars for s in b.segments}
    return tuple(code for code in STACK_ORDER if code in present)


def level_bar(figures: Figures | None, month: str, width: int = 320, height: int = 28) -> LevelPicture:
    """One month as one horizontal bar, `width` long, stacked to 100% of the headcount."""
    segments = () if figures is None else _stack(figures, width, height)
    bar = Bar(month, figures, segments, width / 2, width)
    return LevelPicture("bar", width, height, (bar,), _codes([bar]), height)


def _last(series: Series, last: int | None) -> tuple[tuple[str, Figures | None], ...]:
    pairs = tuple(zip(series.months, series.figures))
    return pairs[-last:] if last else pairs


def level_series(series: Series, last: int | None = 12, width: int = 320, height: int = 140,
                 label_height: int = 18) -> LevelPicture:
    """The last `last` months of `series` (None: all), one vertical bar each, stacked to 100%;
    the bottom `label_height` of the viewBox is left for the months' labels."""
    pairs = _last(series, last)
    plot = height - label_height
    slot = width / max(len(pairs), 1)
    bar_width = slot * 0.8
    bars = []
    for index, (month, figures) in enumerate(pairs):
        left = index * slot + (slot - bar_width) / 2
        segments = () if figures is None else _stack(figures, plot, bar_width, across=left, upwards=True)
        bars.append(Bar(month, figures, segments, round(left + bar_width / 2, 2), round(bar_width, 2)))
    return LevelPicture("series", width, height, tuple(bars), _codes(bars), plot)


def share_line(series: Series, field: str = "xs_share", last: int | None = 12, width: int = 120, height: int = 32,
               pad: int = 3) -> ShareLine:
    """A sparkline of `field` (a share of Figures) over the last `last` months of `series`, its
    vertical scale from the lowest to the highest value shown (a flat line sits in the middle)."""
    pairs = _last(series, last)
    months = tuple(m for m, _ in pairs)
    values = [None if f is None else getattr(f, field) for _, f in pairs]
    known = [v for v in values if v is not None]
    if not known:
        return ShareLine(width, height, months, (), "", None, None)
    low, high = min(known), max(known)
    step = (width - 2 * pad) / max(len(pairs) - 1, 1)

    def y_of(value: Decimal) -> float:
        if high == low:
            return height / 2
        return round(height - pad - float(value - low) * (height - 2 * pad) / float(high - low), 2)

    points, commands, drawing = [], [], False
    for index, (month, value) in enumerate(zip(months, values)):
        if value is None:
            drawing = False
            continue
        point = LinePoint(month, value, round(pad + index * step, 2), y_of(value))
        points.append(point)
        commands.append(f"{'L' if drawing else 'M'}{point.x:g} {point.y:g}")
        drawing = True
    return ShareLine(width, height, months, tuple(points), " ".join(commands), low, high)


@dataclass(**PUBLIC)
class LevelPath:
    """Every bar's segment of one level, as one SVG path."""

    code: str
    colour: str
    path: str


@dataclass(**PUBLIC)
class YearMark:
    """Where a year's first month shown begins on the axis, and where its label is anchored
    (`anchor`, SVG's text-anchor: "start", or "end" at the right edge where it would not fit)."""

    year: str
    x: float
    label_x: float
    anchor: str


@dataclass(**PUBLIC)
class ShareTrend:
    """One level's share over the months drawn: what the text beside the picture says."""

    code: str
    first: LinePoint
    last: LinePoint
    lowest: LinePoint
    highest: LinePoint


@dataclass(**PUBLIC)
class LevelTrend:
    """Every month from the first to the last with figures, a vertical bar each stacked to 100%,
    in a `width` × `height` viewBox whose bottom `height - plot_height` holds the years' labels."""

    width: int
    height: int
    plot_height: float
    months: tuple[str, ...]
    paths: tuple[LevelPath, ...]  # in STACK_ORDER: the legend's order
    years: tuple[YearMark, ...]  # where each year's months begin, its label left-aligned there
    shares: tuple[ShareTrend, ...]  # the levels published in at least one month, in STACK_ORDER

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(p.code for p in self.paths)


def level_trend(series: Series, width: int = 320, height: int = 80, label_height: int = 16) -> LevelTrend:
    """Every month of `series` from its first to its last with figures (a month between without
    figures is a gap), one vertical bar each stacked to 100% of the headcount."""
    pairs = _last(series, None)
    known = [index for index, (_, figures) in enumerate(pairs) if figures is not None]
    pairs = pairs[known[0]:known[-1] + 1] if known else ()
    plot = height - label_height
    slot = width / max(len(pairs), 1)
    # Bars a few pixels wide keep a gap between them; hairline ones touch, as an area would.
    bar_width = slot * 0.8 if slot >= 4 else slot
    commands: dict[str, list[str]] = {}
    years: list[YearMark] = []
    points: dict[str, list[LinePoint]] = {}
    for index, (month, figures) in enumerate(pairs):
        left = index * slot + (slot - bar_width) / 2
        if not years or years[-1].year != month[:4]:
            x = round(index * slot, 1)
            fits = x + YEAR_LABEL_WIDTH <= width
            years.append(YearMark(month[:4], x, x if fits else width, "start" if fits else "end"))
        if figures is None:
            continue
        for segment in _stack(figures, plot, bar_width, across=left, upwards=True):
            points.setdefault(segment.code, []).append(LinePoint(month, segment.share, segment.x, segment.y))
            if segment.drawn:
                commands.setdefault(segment.code, []).append(
                    f"M{segment.x:g} {segment.y:g}h{segment.width:g}v{segment.height:g}h-{segment.width:g}z")
    # A year's label starts where its first month does; one too close to the next year's (a
    # year of a month or two at the left edge) gives way to it.
    years = [mark for mark, following in zip(years, years[1:] + [None])
             if following is None or following.x - mark.x >= YEAR_LABEL_WIDTH]
    paths = tuple(LevelPath(code, LEVEL_COLOURS[code], "".join(commands[code])) for code in STACK_ORDER if code in commands)
    shares = tuple(
        ShareTrend(code, found[0], found[-1], min(found, key=lambda p: (p.value, p.month)),
                   max(found, key=lambda p: (p.value, p.month)))
        for code in STACK_ORDER if (found := points.get(code))
    )
    return LevelTrend(width, height, plot, tuple(m for m, _ in pairs), paths, tuple(years), shares)
