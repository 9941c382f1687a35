"""One set of grade colours, the same on the web badges, in the charts and in the Excel report."""

import io
import re
import zipfile
from pathlib import Path

import pytest
from django.conf import settings

from indicators.evaluation import ACHIEVED, BEHIND, NOT_EVALUATED, ON_TRACK, REGRESSED, Grade
from publications import charts, palette

SITE_CSS = Path(settings.BASE_DIR) / "static" / "css" / "site.css"
FUKUOKA_BANDS = [
    Grade("◎", "順調"),
    Grade("○", "概ね順調"),
    Grade("△", "やや遅れている"),
    Grade("×", "遅れている"),
]


def test_each_pace_grade_has_its_own_fixed_colour_from_the_okabe_ito_palette():
    colours = [
        palette.grade_colour(grade) for grade in (ACHIEVED, ON_TRACK, BEHIND, REGRESSED, NOT_EVALUATED)
    ]

    # Okabe & Ito (2008): blue, bluish green, orange, vermillion; and a neutral grey.
    assert colours == ["#0072B2", "#009E73", "#E69F00", "#D55E00", "#999999"]


def test_a_plans_own_bands_are_coloured_by_position_from_best_to_worst():
    scale = [*FUKUOKA_BANDS, NOT_EVALUATED]
    colours = [palette.grade_colour(grade, scale) for grade in scale]

    assert colours[0] == "#0072B2" and colours[3] == "#D55E00" and colours[4] == "#999999"
    assert len(set(colours)) == 5


def test_a_grade_on_no_scale_still_gets_a_colour():
    assert palette.grade_colour(Grade("A", "優")) == "#0072B2"


@pytest.mark.parametrize("name", palette.COLOURS)
def test_the_text_on_every_grade_colour_reaches_wcag_aa_contrast(name):
    fill = palette.COLOURS[name]

    assert palette.contrast_ratio(palette.ink_on(fill), fill) >= 4.5


def test_contrast_is_computed_as_wcag_defines_it():
    assert palette.contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21)
    assert palette.contrast_ratio("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)


def css_rules() -> dict[str, dict[str, str]]:
    css = SITE_CSS.read_text(encoding="utf-8")
    variables = dict(re.findall(r"--([\w-]+):\s*(#[0-9A-Fa-f]{6})", css))
    rules = {}
    for selector, body in re.findall(r"\.grade-colour-([\w-]+)\s*\{([^}]*)\}", css):
        declarations = dict(re.findall(r"([\w-]+):\s*([^;]+);", body))
        background = declarations["background"].strip()
        if background.startswith("var("):
            background = variables[background[len("var(--") : -1]]
        rules[selector] = {"background": background.upper(), "color": declarations["color"].strip().upper()}
    return rules


def test_the_stylesheet_gives_each_badge_the_palettes_colour_and_ink():
    expected = {
        name: {"background": colour.upper(), "color": palette.ink_on(colour)}
        for name, colour in palette.COLOURS.items()
    }

    assert css_rules() == expected


def test_a_badge_names_the_colour_of_its_grade(client, kumamoto_plan):

    page = client.get(f"/plans/{kumamoto_plan.slug}/?fy=2021").content.decode()

    assert '<span class="grade grade-colour-vermillion"><span aria-hidden="true">×</span> 後退</span>' in page
    assert '<span class="grade grade-colour-blue"><span aria-hidden="true">◎</span> 達成</span>' in page


def test_the_chart_bars_take_the_grade_colours():
    svg = charts.grade_summary_chart(
        {ACHIEVED: 1, ON_TRACK: 2, BEHIND: 1, REGRESSED: 7, NOT_EVALUATED: 0}, "評価"
    )

    for colour in ("#0072b2", "#009e73", "#e69f00", "#d55e00"):
        assert colour in svg.lower()


def test_the_excel_overview_chart_takes_the_grade_colours(client, kumamoto_plan):
    report = client.get(f"/plans/{kumamoto_plan.slug}/report.xlsx?fy=2021").content
    with zipfile.ZipFile(io.BytesIO(report)) as archive:
        overview = archive.read("xl/charts/chart1.xml").decode()

    # One series per grade, in the order of the scale (openpyxl does not read charts back, so the XML is read).
    fills = re.findall(r'<ser>.*?<a:srgbClr val="([0-9A-F]{6})"', overview, flags=re.DOTALL)

    assert fills == ["0072B2", "009E73", "E69F00", "D55E00", "999999"]
