from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from plans.models import Plan
from publications.planfile import PlanFileError, import_plan_file, read_plan_file
from publications.publishing import publish_years_with_actuals


class Command(BaseCommand):
    help = (
        "計画ファイル（YAML）を読み込み、同じ slug の計画を作成または更新します（下書きとして。市民に表示されるのは"
        "公表した後です）。--publish を付けると、実績値のある年度を公表します。問題があれば何も変更しません。"
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="計画ファイルのパス（例: fixtures/kumamoto_4th_plan.yaml）")
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="同じ slug の計画がすでにあれば読み込まない（管理画面で入力した内容を上書きしないため）",
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help="読み込んだ後、実績値または取組内容のある年度をすべて公表する（備考「計画ファイルから読み込み」）",
        )

    def handle(self, *args, path, if_missing, publish, **options):
        try:
            if if_missing:
                slug = read_plan_file(path).slug
                if Plan.objects.filter(slug=slug).exists():
                    self.stdout.write(f"計画「{slug}」はすでにあるので読み込みませんでした。")
                    return
            with transaction.atomic():  # the plan and its publications, or nothing
                plan, created = import_plan_file(path)
                published = publish_years_with_actuals(plan) if publish else []
        except PlanFileError as error:
            raise CommandError(f"{error} 何も変更していません。") from None
        verb = "作成しました" if created else "更新しました"
        counts = (
            f"基本方針 {plan.policies.count()}件、取組 {sum(p.measures.count() for p in plan.policies.all())}件、"
            f"成果指標 {plan.indicators.count()}件"
        )
        self.stdout.write(self.style.SUCCESS(f"計画「{plan.title}」（{plan.slug}）を{verb}: {counts}"))
        for publication in published:
            self.stdout.write(f"{publication.label}を公表しました。")
