from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "熊本市地域福祉計画 進捗管理"
admin.site.site_title = "地域福祉計画 進捗管理"
admin.site.index_title = "管理メニュー"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("plans.urls")),
]
