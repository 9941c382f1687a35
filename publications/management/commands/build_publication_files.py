from django.core.management.base import BaseCommand

from publications.artifacts import build_missing, run_build
from publications.models import ArtifactBuild


class Command(BaseCommand):
    help = (
        "公表のファイル（グラフ・CSV・JSON・Excel・PDF）を作ります。既定では、まだ作っていないもの・失敗したものと、"
        "作成済みの公表に足りないファイル（後から加わった PDF の報告書など）だけ。"
        "移行や更新の後や、バックグラウンドの処理が止まっていたときに使います。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="作成済みのものも作り直す")

    def handle(self, *args, all, **options):
        builds = ArtifactBuild.objects.select_related("publication__plan").order_by("publication_id")
        count = 0
        for build in builds if all else builds.exclude(status=ArtifactBuild.Status.DONE):
            run_build(build)
            count += 1
            self.stdout.write(f"{build.publication}: 作成しました。")
        added = 0
        for build in [] if all else builds.filter(status=ArtifactBuild.Status.DONE):
            names = build_missing(build.publication)
            added += len(names)
            if names:
                self.stdout.write(f"{build.publication}: {'、'.join(names)} を作りました。")
        self.stdout.write(
            self.style.SUCCESS(
                f"{count}件の公表のファイルを作り、作成済みの公表に{added}件のファイルを足しました。"
            )
        )
