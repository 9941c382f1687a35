from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plans.fiscal_years import fiscal_year_label
from publications.commands import published
from publications.exports import build_report
from publications.progress import load


class Command(BaseCommand):
    help = (
        "計画の進捗状況を、指定した年度末の時点で Excel ファイル（概要、成果指標一覧、基本方針ごとのシート）に"
        "書き出します。公表した内容から作ります。A4 横、1ページ幅で印刷できます。"
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="計画の slug（例: kumamoto-welfare-4）")
        parser.add_argument(
            "--fy",
            help="年度（例: 2021、R3、令和3年度）。省略すると公表している最新の年度",
        )
        parser.add_argument(
            "-o",
            "--output",
            help="書き出すファイルのパス（省略すると「slug_年度.xlsx」を現在のフォルダに作ります）",
        )

    def handle(self, *args, slug, fy, output, **options):
        publication = published(slug, fy)
        plan, year = publication.plan, publication.fiscal_year
        path = Path(output or f"{plan.slug}_{year}.xlsx")
        if not path.parent.is_dir():
            raise CommandError(f"書き出し先のフォルダ「{path.parent}」がありません。")
        try:
            path.write_bytes(build_report(load(publication.document()), publication.published_at.date()))
        except OSError as error:
            raise CommandError(f"「{path}」に書き出せませんでした: {error.strerror or error}") from error
        self.stdout.write(f"{plan.title}（{fiscal_year_label(year)}末時点）を {path} に書き出しました。")
