from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plans.fiscal_years import fiscal_year_label
from publications.commands import add_publication_arguments, published
from publications.exports import build_report
from publications.progress import load


class Command(BaseCommand):
    help = (
        "計画の進捗状況を、指定した年度末の時点で Excel ファイル（概要、成果指標一覧、基本方針ごとのシート）に"
        "書き出します。公表した内容から作ります。A4 横、1ページ幅で印刷できます。"
    )

    def add_arguments(self, parser):
        add_publication_arguments(parser, "xlsx")

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
