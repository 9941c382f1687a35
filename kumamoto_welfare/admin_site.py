"""The admin site: its index leads with the yearly tasks and where each plan's year stands.

Installed as the default site by kumamoto_welfare.apps.AdminConfig (Django's documented way to replace it).
"""

from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

# The sign-in records of django-axes, in Japanese and after the plan's own apps.
AXES_APP_NAME = "サインインの記録（django-axes）"
AXES_MODEL_NAMES = {
    "AccessAttempt": "サインインの失敗（制限の状態）",
    "AccessFailureLog": "サインインの失敗の記録",
    "AccessLog": "サインインの記録",
}


class WelfareAdminSite(admin.AdminSite):
    site_header = "熊本市地域福祉計画 進捗管理"
    site_title = "地域福祉計画 進捗管理"
    index_title = "管理メニュー"
    index_template = "admin/welfare_index.html"

    def index(self, request, extra_context=None):
        from publications.status import (
            plan_statuses,
        )  # the apps are loaded by the time the index is asked for

        user = request.user
        tasks = []
        if user.has_perm("indicators.change_indicatorvalue"):
            tasks += [
                (
                    reverse("admin:indicators_indicatorvalue_bulk"),
                    "年度ごとの一括入力",
                    "実績値と評価の補足を、年度ごとに画面で入力します",
                ),
                (
                    reverse("admin:indicators_indicatorvalue_import"),
                    "Excel で入力",
                    "入力用の Excel ファイルを書き出し、記入したものを読み込みます",
                ),
            ]
        if user.has_perm("indicators.publish_indicatorvalue"):
            tasks.append(
                (
                    reverse("admin:publications_publication_publish"),
                    "下書きの確認と公表",
                    "下書きと公表中の内容の違いを確かめて、年度を公表します",
                )
            )
        context = {
            "yearly_tasks": tasks,
            "plan_statuses": plan_statuses(timezone.localdate()),
            **(extra_context or {}),
        }
        return super().index(request, context)

    def year_work(self) -> dict:
        """Each plan's pk → where its yearly work is (publications.status.YearWork), for the year choosers."""
        from plans.models import Plan
        from publications.status import year_work

        return {plan.pk: year_work(plan) for plan in Plan.objects.all()}

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        for app in apps:
            if app["app_label"] == "axes":
                app["name"] = AXES_APP_NAME
                for model in app["models"]:
                    model["name"] = AXES_MODEL_NAMES.get(model["object_name"], model["name"])
        return sorted(apps, key=lambda app: app["app_label"] == "axes")
