from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plans.models import Plan
from publications.planfile import dump_plan


class Command(BaseCommand):
    help = "計画を計画ファイル（YAML）の形式で標準出力または -o のファイルに書き出します。"

    def add_arguments(self, parser):
        parser.add_argument("slug", help="計画の slug（例: kumamoto-welfare-4）")
        parser.add_argument("-o", "--output", help="書き出すファイルのパス（省略すると標準出力）")

    def handle(self, *args, slug, output, **options):
        plan = Plan.objects.filter(slug=slug).first()
        if plan is None:
            known = "、".join(Plan.objects.values_list("slug", flat=True)) or "なし"
            raise CommandError(f"slug「{slug}」の計画はありません（登録済み: {known}）。")
        text = dump_plan(plan)
        if output:
            Path(output).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
