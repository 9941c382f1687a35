"""The yearly progress report (進捗状況報告書) as the city publishes it: an A4 PDF built with WeasyPrint from
HTML templates and a print stylesheet, tagged for accessibility (PDF/UA-1).

It reads a publication's PlanProgress, as the pages, the Excel report and the open data do, so its figures are
theirs by construction. The layout follows the printed FY2021 report: a cover, the grade overview with its
chart, then each 基本方針 and 取組 with the table of its 成果指標, their charts, 主な取組 year by year and
課題・改善事項・方針.
"""

import base64
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML

from indicators.evaluation import grade_keys
from plans.fiscal_years import fiscal_year_label, wareki
from publications import charts, palette
from publications.exports import grade_rules
from publications.progress import IndicatorProgress, MeasureProgress, PlanProgress

MAX_YEAR_COLUMNS = 6  # a five-year plan's years fit across A4 portrait; a longer plan's go down the page
PDF_VARIANT = "pdf/ua-1"  # tagged, with the language, the title and the bookmarks a screen reader uses
FONT_FAMILY = '"BIZ UDPGothic", "BIZ UDPゴシック", "Noto Sans CJK JP", "Noto Sans JP", sans-serif'


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


def report_title(fy: int) -> str:
    return f"{fiscal_year_label(fy)} 進捗状況報告書"


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
        progress.counts, f"成果指標の評価の内訳（{fiscal_year_label(progress.fy)}末時点）"
    )
    return {
        "progress": progress,
        "plan": progress.plan,
        "fy": progress.fy,
        "title": report_title(progress.fy),
        "wareki": wareki(progress.fy),
        "publisher": publisher,
        "draft": draft,
        "policies": policies,
        "years": [(fy, wareki(fy)) for fy in years],
        "across": len(years) <= MAX_YEAR_COLUMNS,
        "keys": grade_keys(progress.rule),
        "grades_chart": svg_data_uri(grades_svg),
        "rules": grade_rules(progress),
        "total": sum(progress.counts.values()),
        "font_family": FONT_FAMILY,
        "colours": [(name, colour, palette.ink_on(colour)) for name, colour in palette.COLOURS.items()],
        "text_colour": palette.TEXT,
        "muted_colour": palette.MUTED,
    }


def laid_out(progress: PlanProgress, publisher: Publisher, draft: bool = False):
    """The report laid out in pages (a WeasyPrint Document), for build_pdf and for the benchmark."""
    html = render_to_string("report/progress_report.html", report_context(progress, publisher, draft))
    return HTML(string=html, base_url=str(settings.BASE_DIR)).render(pdf_variant=PDF_VARIANT)


def build_pdf(progress: PlanProgress, publisher: Publisher, draft: bool = False) -> bytes:
    """The report as the bytes of a tagged PDF (PDF/UA-1): language ja, the title in its metadata, a bookmark
    for every 基本方針 and 取組, fonts embedded. With draft, every page is marked 「下書き」."""
    return laid_out(progress, publisher, draft).write_pdf(pdf_variant=PDF_VARIANT)
