"""The yearly progress report (進捗状況報告書) as the city publishes it: an A4 PDF built with WeasyPrint from
HTML templates and a print stylesheet, tagged for accessibility (PDF/UA-1).

It reads a publication's PlanProgress, as the pages, the Excel report and the open data do, so its figures are
theirs by construction. The layout follows the printed FY2021 report: a cover, the grade overview with its
chart, then each 基本方針 and 取組 with the table of its 成果指標, their charts, 主な取組 year by year and
課題・改善事項・方針.

Built under `translation.override("en")`, the same report is in English (lang="en"), as the English pages are:
the plan's English texts, or where it has none the Japanese in an element marked lang="ja" with a "Japanese
only" mark; the narratives in Japanese under a heading that says so.
"""

import base64
import re
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext, pgettext
from weasyprint import HTML

from indicators.evaluation import grade_keys
from plans.fiscal_years import fiscal_year_label, wareki
from publications import charts, palette
from publications.exports import grade_rules
from publications.languages import grade_word, in_english, plain_text_of
from publications.progress import IndicatorProgress, MeasureProgress, PlanProgress

MAX_YEAR_COLUMNS = 6  # a five-year plan's years fit across A4 portrait; a longer plan's go down the page
PDF_VARIANT = "pdf/ua-1"  # tagged, with the language, the title and the bookmarks a screen reader uses
FONT_FAMILY = '"BIZ UDPGothic", "BIZ UDPゴシック", "Noto Sans CJK JP", "Noto Sans JP", sans-serif'
# The English report: a Latin font first, for the English text, and the Japanese ones after it, for the
# Japanese a text without English shows (marked lang="ja", which takes FONT_FAMILY). Arial is on every Windows
# and Mac; where it is not, Liberation Sans (metric-compatible, installed with LibreOffice) stands in.
ENGLISH_FONT_FAMILY = f'"Arial", "Liberation Sans", {FONT_FAMILY}'


@dataclass(frozen=True)
class Publisher:
    """What the cover says of the publication: when, which version, and a correction's reason."""

    published_on: date
    number: int = 1
    note: str = ""

    @property
    def is_correction(self) -> bool:
        return self.number > 1


def publisher_of(publication) -> Publisher:
    return Publisher(timezone.localdate(publication.published_at), publication.number, publication.note)


def language() -> str:
    return "en" if in_english() else "ja"


def year_label(fy: int) -> str:
    """ "令和3年度（2021年度）"; in English "FY2021 (Reiwa 3)", its era year kept on one line."""
    return re.sub(r"\((\w+) (\d+)\)", "(\\1\u00a0\\2)", fiscal_year_label(fy, language()))


def report_title(fy: int) -> str:
    return gettext("%(fy_label)s 進捗状況報告書") % {"fy_label": fiscal_year_label(fy, language())}


def organisations(plan) -> list[tuple[str, bool]]:
    """(name, in Japanese on an English report) of each organisation that makes the plan."""
    if not in_english():
        return [(name, False) for name in plan.organisations]
    english = [*plan.organisations_en, *[""] * len(plan.organisations)]
    return [
        (name_en or name, not name_en) for name, name_en in zip(plan.organisations, english, strict=False)
    ]


def grades_chart_text(counts) -> str:
    """The text of the grade chart, for a reader who cannot see it: each grade and its count."""
    separator = pgettext("list separator", "、")
    listed = separator.join(
        pgettext("a grade and its count", "%(grade)s%(count)s件")
        % {"grade": grade_word(grade), "count": count}
        for grade, count in counts.items()
    )
    return gettext("成果指標の評価の内訳のグラフ。%(counts)s。") % {"counts": listed}


def svg_data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def column_years(progress: PlanProgress) -> list[int]:
    """The fiscal years that get a column: the plan's years up to the year reported."""
    return [fy for fy in progress.plan.fiscal_years if fy <= progress.fy]


def indicator_block(row: IndicatorProgress, measure: MeasureProgress, progress: PlanProgress) -> dict:
    svg = charts.row_svg(row, progress)
    return {
        "row": row,
        "values": [row.actuals.get(fy) for fy in column_years(progress)],
        "years_values": sorted((fy, value) for fy, value in row.actuals.items() if fy <= progress.fy),
        "chart": svg_data_uri(svg),
        "narratives": [n for n in measure.narratives if n.indicator_code == row.indicator.code],
    }


def report_context(progress: PlanProgress, publisher: Publisher, draft: bool = False) -> dict:
    years = column_years(progress)
    policies = [
        {
            "policy": policy.policy,
            "counts": policy.counts,
            "policy_total": sum(policy.counts.values()),
            "measures": [
                {
                    "measure": measure.measure,
                    "indicators": [indicator_block(row, measure, progress) for row in measure.indicators],
                    "general": [n for n in measure.narratives if n.indicator_code is None],
                    "reviews": measure.reviews_by_year(),
                }
                for measure in policy.measures
            ],
        }
        for policy in progress.policies
    ]
    grades_svg = charts.grade_summary_svg(
        progress.counts,
        gettext("成果指標の評価の内訳（%(year)s末時点）")
        % {"year": fiscal_year_label(progress.fy, language())},
    )
    return {
        "progress": progress,
        "plan": progress.plan,
        "plan_title": plain_text_of(progress.plan, "title"),
        "organisations": organisations(progress.plan),
        "organisation_separator": pgettext("between organisations", "・"),
        "lang": language(),
        "english": in_english(),
        "fy": progress.fy,
        "title": report_title(progress.fy),
        "wareki": wareki(progress.fy, language()),
        "publisher": publisher,
        "draft": draft,
        "policies": policies,
        "years": [(fy, year_label(fy) if in_english() else wareki(fy)) for fy in years],
        "fy_label": year_label(progress.fy),
        "across": len(years) <= MAX_YEAR_COLUMNS,
        "keys": grade_keys(progress.rule),
        "grades_chart": svg_data_uri(grades_svg),
        "grades_chart_text": grades_chart_text(progress.counts),
        "rules": grade_rules(progress),
        "total": sum(progress.counts.values()),
        "font_family": ENGLISH_FONT_FAMILY if in_english() else FONT_FAMILY,
        "japanese_font_family": FONT_FAMILY,
        "colours": [(name, colour, palette.ink_on(colour)) for name, colour in palette.COLOURS.items()],
        "text_colour": palette.TEXT,
        "muted_colour": palette.MUTED,
    }


def laid_out(progress: PlanProgress, publisher: Publisher, draft: bool = False):
    """The report laid out in pages (a WeasyPrint Document), for build_pdf and for the benchmark."""
    html = render_to_string("report/progress_report.html", report_context(progress, publisher, draft))
    return HTML(string=html, base_url=str(settings.BASE_DIR)).render(pdf_variant=PDF_VARIANT)


def build_pdf(progress: PlanProgress, publisher: Publisher, draft: bool = False) -> bytes:
    """The report as the bytes of a tagged PDF (PDF/UA-1): language ja (en when built in English), the title in
    its metadata, a bookmark for every 基本方針 and 取組, fonts embedded. With draft, every page is marked
    「下書き」."""
    return laid_out(progress, publisher, draft).write_pdf(pdf_variant=PDF_VARIANT)
