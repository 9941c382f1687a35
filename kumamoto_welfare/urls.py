from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from kumamoto_welfare import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path(settings.ADMIN_PATH, admin.site.urls),
    path("", include("publications.urls")),
]

handler404 = "kumamoto_welfare.views.page_not_found"
handler500 = "kumamoto_welfare.views.server_error"
