import unicodedata

from django.core.management.base import BaseCommand, CommandError

from indicators.evaluation import display_percent
from indicators.models import evaluate_plan
from plans.commands import fiscal_year_option
from plans.fiscal_years import fiscal_year_label
from plans.models import Plan


def display_width(text: str) -> int:
    """Columns a terminal gives text: Japanese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    return text + " " * max(width - display_width(text), 0)


class Command(BaseCommand):
    help = (
        "計画の成果指標を指定した年度末の時点で評価し、表（コード、指標、実績値、達成率、進捗率、評価）を表示します。"
        "入力中の内容（公表前の下書きを含む）で評価します。公表した評価は公開ページと JSON にあります。"
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="計画の slug（例: kumamoto-welfare-4）")
        parser.add_argument(
            "--fy",
            help="評価する年度（例: 2021、R3、令和3年度）。省略すると計画の最新の実績年度",
        )

    def handle(self, *args, slug, fy, **options):
        plan = Plan.objects.filter(slug=slug).first()
        if plan is None:
            raise CommandError(f"slug「{slug}」の計画はありません。")
        fy = fiscal_year_option(fy)
        if fy is None:
            fy = plan.default_fiscal_year()
        if not plan.start_fy <= fy <= plan.end_fy:
            raise CommandError(f"{fy}年度は計画期間（{plan.start_fy}～{plan.end_fy}年度）の外です。")
        result = evaluate_plan(plan, fy)
        self.stdout.write(f"{plan.title} {fiscal_year_label(fy)}末時点")
        rows = [("コード", "成果指標", "実績値", "達成率", "進捗率", "評価")]
        for indicator, evaluation in result.results:
            actual = "－" if evaluation.actual is None else f"{evaluation.actual}{indicator.unit}"
            if evaluation.fy is not None and evaluation.fy != fy:
                actual += f"（{evaluation.fy}年度）"
            rows.append(
                (
                    indicator.code,
                    indicator.name if len(indicator.name) <= 30 else indicator.name[:29] + "…",
                    actual,
                    display_percent(evaluation.achievement_rate),
                    display_percent(evaluation.progress_rate),
                    f"{evaluation.grade.mark} {evaluation.grade.label}",
                )
            )
        widths = [max(display_width(row[i]) for row in rows) for i in range(len(rows[0]))]
        for row in rows:
            self.stdout.write(
                "  ".join(pad(cell, width) for cell, width in zip(row, widths, strict=True)).rstrip()
            )
        summary = "、".join(f"{grade.mark}{grade.label} {count}" for grade, count in result.counts().items())
        self.stdout.write(f"計: {summary}")
