"""What the management commands that export a publication share: finding it from a slug and a year."""

from django.core.management.base import CommandError

from plans.commands import fiscal_year_option
from plans.fiscal_years import fiscal_year_label
from plans.models import Plan
from publications.models import Publication


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
