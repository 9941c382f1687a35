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
from publications.exports import build_report
from publications.progress import load


class Command(BaseCommand):
    help = (
        "計画の進捗状況を、指定した年度末の時点で Excel ファイル（概要、成果指標一覧、基本方針ごとのシート）に"
        "書き出します。公表した内容から作ります。A4 横、1ページ幅で印刷できます。"
        "--lang en で英語の報告書（公開ページの en/ のものと同じ）を書き出します。"
    )

    def add_arguments(self, parser):
        add_publication_arguments(parser, "xlsx")
        add_language_argument(parser)

    def handle(self, *args, slug, fy, output, lang, **options):
        language = report_language(lang)
        publication = published(slug, fy)
        plan, year = publication.plan, publication.fiscal_year
        path = Path(output or default_name(plan.slug, year, language, "xlsx"))
        if not path.parent.is_dir():
            raise CommandError(f"書き出し先のフォルダ「{path.parent}」がありません。")
        with translation.override(language):  # the reasons of the rows, too, are worded in the language
            data = build_report(load(publication.document()), publication.published_at.date())
        try:
            path.write_bytes(data)
        except OSError as error:
            raise CommandError(f"「{path}」に書き出せませんでした: {error.strerror or error}") from error
        worded = "" if language == "ja" else f"、{language_name(language)}"
        self.stdout.write(
            f"{plan.title}（{fiscal_year_label(year)}末時点{worded}）を {path} に書き出しました。"
        )
