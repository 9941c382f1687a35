from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from kumamoto_welfare import views

admin.site.site_header = "熊本市地域福祉計画 進捗管理"
admin.site.site_title = "地域福祉計画 進捗管理"
admin.site.index_title = "管理メニュー"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path(settings.ADMIN_PATH, admin.site.urls),
    path("", include("publications.urls")),
]

handler404 = "kumamoto_welfare.views.page_not_found"
handler500 = "kumamoto_welfare.views.server_error"
