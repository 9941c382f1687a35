from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from plans.fiscal_years import fiscal_year_label
from publications.commands import (
    add_language_argument,
    add_publication_arguments,
    default_name,
    language_name,
    published,
    report_language,
)
from publications.progress import load
from publications.report_pdf import build_pdf, publisher_of


class Command(BaseCommand):
    help = (
        "計画の進捗状況報告書を PDF（A4 縦、アクセシビリティのためのタグ付き）に書き出します。"
        "公表した内容から作ります。公開ページの「進捗状況報告書（PDF形式）」と同じものです。"
        "--lang en で英語の報告書を書き出します。"
    )

    def add_arguments(self, parser):
        add_publication_arguments(parser, "pdf")
        add_language_argument(parser)

    def handle(self, *args, slug, fy, output, lang, **options):
        language = report_language(lang)
        publication = published(slug, fy)
        path = Path(output or default_name(slug, publication.fiscal_year, language, "pdf"))
        if not path.parent.is_dir():
            raise CommandError(f"書き出し先のフォルダ「{path.parent}」がありません。")
        with translation.override(language):  # the reasons of the rows, too, are worded in the language
            data = build_pdf(load(publication.document()), publisher_of(publication))
        try:
            path.write_bytes(data)
        except OSError as error:
            raise CommandError(f"「{path}」に書き出せませんでした: {error.strerror or error}") from error
        worded = "" if language == "ja" else f"、{language_name(language)}"
        self.stdout.write(
            f"{publication.plan.title}（{fiscal_year_label(publication.fiscal_year)}末時点、"
            f"第{publication.number}版{worded}）の報告書を {path} に書き出しました。"
        )
