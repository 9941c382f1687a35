from django.core.management.base import BaseCommand

from publications.artifacts import run_build
from publications.models import ArtifactBuild


class Command(BaseCommand):
    help = (
        "公表のファイル（グラフ・CSV・JSON・Excel）を作ります。既定では、まだ作っていないもの・失敗したものだけ。"
        "移行の後や、バックグラウンドの処理が止まっていたときに使います。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="作成済みのものも作り直す")

    def handle(self, *args, all, **options):
        builds = ArtifactBuild.objects.select_related("publication__plan").order_by("publication_id")
        if not all:
            builds = builds.exclude(status=ArtifactBuild.Status.DONE)
        count = 0
        for build in builds:
            run_build(build)
            count += 1
            self.stdout.write(f"{build.publication}: 作成しました。")
        self.stdout.write(self.style.SUCCESS(f"{count}件の公表のファイルを作りました。"))
