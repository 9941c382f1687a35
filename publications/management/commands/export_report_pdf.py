from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plans.fiscal_years import fiscal_year_label
from publications.commands import add_publication_arguments, published
from publications.progress import load
from publications.report_pdf import build_pdf, publisher_of


class Command(BaseCommand):
    help = (
        "計画の進捗状況報告書を PDF（A4 縦、アクセシビリティのためのタグ付き）に書き出します。"
        "公表した内容から作ります。公開ページの「進捗状況報告書（PDF形式）」と同じものです。"
    )

    def add_arguments(self, parser):
        add_publication_arguments(parser, "pdf")

    def handle(self, *args, slug, fy, output, **options):
        publication = published(slug, fy)
        path = Path(output or f"{slug}_{publication.fiscal_year}.pdf")
        if not path.parent.is_dir():
            raise CommandError(f"書き出し先のフォルダ「{path.parent}」がありません。")
        data = build_pdf(load(publication.document()), publisher_of(publication))
        try:
            path.write_bytes(data)
        except OSError as error:
            raise CommandError(f"「{path}」に書き出せませんでした: {error.strerror or error}") from error
        self.stdout.write(
            f"{publication.plan.title}（{fiscal_year_label(publication.fiscal_year)}末時点、"
            f"第{publication.number}版）の報告書を {path} に書き出しました。"
        )
