from django.core.management.base import BaseCommand, CommandError

from kumamoto_welfare.cache import clear_public_pages
from plans.models import Plan
from plans.planfile import PlanFileError, import_plan_file, read_plan_file


class Command(BaseCommand):
    help = "計画ファイル（YAML）を読み込み、同じ slug の計画を作成または更新します。問題があれば何も変更しません。"

    def add_arguments(self, parser):
        parser.add_argument("path", help="計画ファイルのパス（例: fixtures/kumamoto_4th_plan.yaml）")
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="同じ slug の計画がすでにあれば読み込まない（管理画面で入力した内容を上書きしないため）",
        )

    def handle(self, *args, path, if_missing, **options):
        try:
            if if_missing:
                slug = read_plan_file(path).slug
                if Plan.objects.filter(slug=slug).exists():
                    self.stdout.write(f"計画「{slug}」はすでにあるので読み込みませんでした。")
                    return
            plan, created = import_plan_file(path)
            clear_public_pages()
        except PlanFileError as error:
            raise CommandError(f"{error} 何も変更していません。") from None
        verb = "作成しました" if created else "更新しました"
        counts = (
            f"基本方針 {plan.policies.count()}件、取組 {sum(p.measures.count() for p in plan.policies.all())}件、"
            f"成果指標 {plan.indicators.count()}件"
        )
        self.stdout.write(self.style.SUCCESS(f"計画「{plan.title}」（{plan.slug}）を{verb}: {counts}"))
