from django.core.management.base import BaseCommand, CommandError

from plans.fiscal_years import requested_fiscal_year
from plans.models import Plan
from succession.successor import SuccessorError, start_successor


def fiscal_year(text: str) -> int:
    try:
        return requested_fiscal_year(text)
    except ValueError as error:
        raise CommandError(str(error)) from None


class Command(BaseCommand):
    help = (
        "計画の次期計画を下書きとして作ります。基本方針・取組・成果指標を写し、各指標を「継続」として、"
        "前の計画で最後に公表した実績値を基準値（現状値）にします。目標値と目標設定の考え方は、あとで設定します。"
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="引き継ぐ計画の識別子（例: kumamoto-welfare-4）")
        parser.add_argument(
            "--slug", dest="new_slug", required=True, help="次期計画の識別子（例: kumamoto-welfare-5）"
        )
        parser.add_argument("--start-fy", required=True, help="次期計画の開始年度（例: 2025、R7）")
        parser.add_argument("--end-fy", required=True, help="次期計画の終了年度（例: 2029、R11）")
        parser.add_argument("--title", default="", help="次期計画の名称（省略すると「…（次期計画）」）")

    def handle(self, *args, **options):
        plan = Plan.objects.filter(slug=options["slug"]).first()
        if plan is None:
            raise CommandError(f"計画「{options['slug']}」がありません。")
        try:
            started = start_successor(
                plan,
                options["new_slug"],
                fiscal_year(options["start_fy"]),
                fiscal_year(options["end_fy"]),
                options["title"],
            )
        except SuccessorError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"次期計画「{started.plan.title}」（{started.plan.slug}、{started.plan.period_label}）を下書きとして作りました: "
            f"成果指標 {started.indicators}件を「継続」として引き継ぎ、うち{started.with_baseline}件の基準値を"
            f"{plan.title}で最後に公表した実績値にしました。目標値と目標設定の考え方を設定してください。"
        )
