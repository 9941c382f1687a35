"""What the management commands that export a publication share: finding it from a slug and a year, and the
language of a report."""

from django.conf import settings
from django.core.management.base import CommandError

from plans.commands import fiscal_year_option
from plans.fiscal_years import fiscal_year_label
from plans.models import Plan
from publications.models import Publication

# The site's languages as a Japanese sentence names them (settings.LANGUAGES names each in itself).
LANGUAGE_NAMES = {"ja": "日本語", "en": "英語"}


def add_publication_arguments(parser, extension: str) -> None:
    """The arguments of a command that exports one publication: the plan, the year and the file to write."""
    parser.add_argument("slug", help="計画の slug（例: kumamoto-welfare-4）")
    parser.add_argument("--fy", help="年度（例: 2021、R3、令和3年度）。省略すると公表している最新の年度")
    parser.add_argument(
        "-o",
        "--output",
        help=f"書き出すファイルのパス（省略すると「slug_年度.{extension}」を現在のフォルダに作ります）",
    )


def published(slug: str, fy: str | None) -> Publication:
    """The current publication of plan `slug` for fy (the latest published year when None), or CommandError
    saying in Japanese what is missing."""
    plan = Plan.objects.filter(slug=slug).first()
    if plan is None:
        known = "、".join(Plan.objects.values_list("slug", flat=True)) or "なし"
        raise CommandError(f"slug「{slug}」の計画はありません（登録済み: {known}）。")
    years = sorted(set(Publication.objects.filter(plan=plan).values_list("fiscal_year", flat=True)))
    if not years:
        raise CommandError(f"計画「{plan.title}」はまだ公表されていません。先に公表してください。")
    year = fiscal_year_option(fy) or years[-1]
    if not plan.contains_fiscal_year(year):
        raise CommandError(
            f"{year}年度は計画期間（{plan.start_fy}～{plan.end_fy}年度）の外です。"
            f"{plan.start_fy}～{plan.end_fy}の年度を指定してください。"
        )
    if year not in years:
        listed = "、".join(fiscal_year_label(y) for y in years)
        raise CommandError(f"{fiscal_year_label(year)}はまだ公表されていません（公表済み: {listed}）。")
    return Publication.objects.current(plan, year)


def add_language_argument(parser) -> None:
    """--lang: the language a report is written in (the site's languages; Japanese unless asked)."""
    codes = "、".join(code for code, _ in settings.LANGUAGES)
    parser.add_argument(
        "--lang",
        default=settings.LANGUAGE_CODE,
        help=f"報告書の言語（{codes}。省略すると {settings.LANGUAGE_CODE}）。"
        "ja 以外では、-o を省略すると「slug_年度_言語」のファイル名にします",
    )


def language_name(code: str) -> str:
    """The name of a language in Japanese: en → 英語."""
    return LANGUAGE_NAMES.get(code) or dict(settings.LANGUAGES).get(code, code)


def report_language(value: str) -> str:
    """A command's --lang, or CommandError saying in Japanese which languages there are."""
    if value not in dict(settings.LANGUAGES):
        listed = "、".join(f"{code}（{language_name(code)}）" for code, _ in settings.LANGUAGES)
        raise CommandError(
            f"言語「{value}」の報告書は作れません。--lang には {listed} のいずれかを指定してください。"
        )
    return value


def default_name(slug: str, year: int, language: str, extension: str) -> str:
    """「slug_2021.xlsx」, or for another language than Japanese 「slug_2021_en.xlsx」."""
    suffix = "" if language == settings.LANGUAGE_CODE else f"_{language}"
    return f"{slug}_{year}{suffix}.{extension}"
