from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from plans.commands import fiscal_year_option
from plans.models import Plan
from publications import publishing


class Command(BaseCommand):
    help = (
        "計画の1年度分を公表します（管理画面の「公表する」と同じ）。公表済みの年度を公表し直すと訂正になり、"
        "--reason で理由が必要です。問題があれば何も変更しません。"
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="計画の slug（例: kumamoto-welfare-4）")
        parser.add_argument("--fy", required=True, help="公表する年度（例: 2021、R3、令和3年度）")
        parser.add_argument("--reason", default="", help="訂正の理由（公表済みの年度を公表し直すときは必須）")
        parser.add_argument(
            "--user", help="公表する承認者のユーザー名（省略するとコマンドによる公表として記録）"
        )

    def handle(self, *args, slug, fy, reason, user, **options):
        plan = Plan.objects.filter(slug=slug).first()
        if plan is None:
            raise CommandError(f"slug「{slug}」の計画はありません。")
        year = fiscal_year_option(fy)
        publisher = None
        if user:
            publisher = get_user_model().objects.filter(username=user).first()
            if publisher is None:
                raise CommandError(f"ユーザー「{user}」はいません。")
        try:
            publication = publishing.publish(publisher, plan, year, reason=reason)
        except (ValidationError, PermissionDenied) as error:
            message = " ".join(getattr(error, "messages", [str(error)]))
            raise CommandError(f"{message} 何も変更していません。") from None
        kind = "（訂正）" if publication.is_correction else ""
        self.stdout.write(self.style.SUCCESS(f"{plan.title} {publication.label}{kind}を公表しました。"))
