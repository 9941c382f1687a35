import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "ローカルで試すための管理者アカウントを作り、ランダムなパスワードを一度だけ表示します。"
        "すでにあれば何も変更しません。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username, **options):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            self.stdout.write(
                f"管理者アカウント「{username}」はすでにあります。パスワードを忘れた場合は "
                f"`.venv/bin/python manage.py changepassword {username}` で変更できます。"
            )
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(
            "管理画面: http://127.0.0.1:8000/admin/\n"
            f"  ユーザー名: {username}\n"
            f"  パスワード: {password}\n"
            "  （このパスワードは今回だけ表示されます。控えておいてください。）"
        )
