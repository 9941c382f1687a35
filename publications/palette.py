"""The one set of grade colours, for the web badges, the web charts, the Excel report and print.

Colours are the Okabe–Ito palette (Okabe & Ito, "Color Universal Design", 2008), which stays distinguishable
with the common colour-vision deficiencies. A grade is never shown by colour alone: its mark and word are
written beside it everywhere. Where text sits on a grade's colour (a badge), it is black or white, whichever
contrasts more; every pair reaches 4.5:1 (WCAG AA for normal text), which a test checks.

static/css/site.css repeats these colours as CSS custom properties (a stylesheet cannot import Python); a test
compares the two.
"""

from collections.abc import Sequence

from indicators import final
from indicators.evaluation import ACHIEVED, BEHIND, NOT_EVALUATED, ON_TRACK, REGRESSED, Grade

# name: colour. The names are the CSS classes' (`grade-colour-<name>`).
COLOURS = {
    "blue": "#0072B2",
    "bluish-green": "#009E73",
    "sky-blue": "#56B4E9",
    "orange": "#E69F00",
    "vermillion": "#D55E00",
    "reddish-purple": "#CC79A7",
    "grey": "#999999",  # not Okabe–Ito: a neutral for 評価対象外, which is no place on the scale
}
BLUE, BLUISH_GREEN, SKY_BLUE, ORANGE, VERMILLION, REDDISH_PURPLE, GREY = COLOURS.values()
BLACK, WHITE = "#000000", "#FFFFFF"

TEXT = "#1a1a1a"  # 17.4:1 on white
EARLIER = "#A6A6A6"  # the predecessor plan's values on a carried indicator's chart (outlined in TEXT)
MUTED = "#4d4d4d"  # 8.5:1 on white: axis ticks, the expected-pace line
GRID = "#d9d9d9"

PACE_COLOURS = {
    ACHIEVED: "blue",
    ON_TRACK: "bluish-green",
    BEHIND: "orange",
    REGRESSED: "vermillion",
    NOT_EVALUATED: "grey",
}
# A plan's own bands, best first, take colours spread along this ramp from good to bad.
BAND_RAMP = ("blue", "bluish-green", "sky-blue", "orange", "vermillion", "reddish-purple")


def grade_colour_name(grade: Grade, scale: Sequence[Grade] | None = None) -> str:
    """The palette name of a grade: fixed for the pace grades, by position on the plan's scale for its bands.

    `scale` is every grade the plan's rule gives, best first (`evaluation.grade_scale`). A band takes a colour
    spread along BAND_RAMP from its position, so that the best is blue and the worst vermillion, however many
    bands there are. A grade found nowhere gets the first colour.
    """
    if grade in PACE_COLOURS:
        return PACE_COLOURS[grade]
    bands = [g for g in scale or () if g not in PACE_COLOURS]
    if grade not in bands:
        return BAND_RAMP[0]
    if len(bands) > len(BAND_RAMP) - 1:
        return BAND_RAMP[bands.index(grade) % len(BAND_RAMP)]
    last = len(BAND_RAMP) - 2  # the spread ends on vermillion; reddish purple is only for long scales
    step = last / (len(bands) - 1) if len(bands) > 1 else 0
    return BAND_RAMP[round(bands.index(grade) * step)]


# The final evaluation's grades: A to D from good to bad, E (評価困難) neutral as 評価対象外 is.
FINAL_COLOURS = {
    final.A: "blue",
    final.B: "bluish-green",
    final.B_STAR: "sky-blue",
    final.C: "orange",
    final.D: "vermillion",
    final.E: "grey",
}


def final_colour_name(grade: Grade, scale: Sequence[Grade] | None = None) -> str:
    """The palette name of a final-evaluation grade: fixed for the trend grades, along the ramp for bands."""
    if grade in FINAL_COLOURS:
        return FINAL_COLOURS[grade]
    return grade_colour_name(grade, [g for g in scale or () if g != final.E])


def grade_colour(grade: Grade, scale: Sequence[Grade] | None = None) -> str:
    """The fill colour of a grade, "#RRGGBB"."""
    return COLOURS[grade_colour_name(grade, scale)]


def relative_luminance(colour: str) -> float:
    """WCAG 2's relative luminance of "#RRGGBB"."""
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def ink_on(fill: str) -> str:
    """Black or white, whichever reads better on `fill`."""
    return max((BLACK, WHITE), key=lambda ink: contrast_ratio(ink, fill))


def excel(colour: str) -> str:
    """ "#0072B2" → "0072B2", as openpyxl writes colours."""
    return colour.lstrip("#").upper()
