from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from indicators.exports import build_report
from plans.fiscal_years import fiscal_year_label, parse_fiscal_year
from plans.models import Plan


class Command(BaseCommand):
    help = (
        "計画の進捗状況を、指定した年度末の時点で Excel ファイル（概要、成果指標一覧、基本方針ごとのシート）に"
        "書き出します。A4 横、1ページ幅で印刷できます。"
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="計画の slug（例: kumamoto-welfare-4）")
        parser.add_argument(
            "--fy",
            help="評価する年度（例: 2021、R3、令和3年度）。省略すると計画の最新の実績年度",
        )
        parser.add_argument(
            "-o",
            "--output",
            help="書き出すファイルのパス（省略すると「slug_年度.xlsx」を現在のフォルダに作ります）",
        )

    def handle(self, *args, slug, fy, output, **options):
        plan = Plan.objects.filter(slug=slug).first()
        if plan is None:
            known = "、".join(Plan.objects.values_list("slug", flat=True)) or "なし"
            raise CommandError(f"slug「{slug}」の計画はありません（登録済み: {known}）。")
        if fy is None:
            year = plan.latest_actual_fy() or plan.start_fy
        else:
            try:
                year = parse_fiscal_year(fy)
            except ValueError as error:
                raise CommandError(str(error)) from error
        if not plan.contains_fiscal_year(year):
            raise CommandError(
                f"{year}年度は計画期間（{plan.start_fy}～{plan.end_fy}年度）の外です。"
                f"{plan.start_fy}～{plan.end_fy}の年度を指定してください。"
            )
        path = Path(output or f"{plan.slug}_{year}.xlsx")
        if not path.parent.is_dir():
            raise CommandError(f"書き出し先のフォルダ「{path.parent}」がありません。")
        try:
            path.write_bytes(build_report(plan, year))
        except OSError as error:
            raise CommandError(f"「{path}」に書き出せませんでした: {error.strerror or error}") from error
        self.stdout.write(f"{plan.title}（{fiscal_year_label(year)}末時点）を {path} に書き出しました。")
