from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from kumamoto_welfare import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path(settings.ADMIN_PATH, admin.site.urls),  # the admin speaks Japanese only
]
# The public site: Japanese at today's URLs, English under /en/.
urlpatterns += i18n_patterns(path("", include("publications.urls")), prefix_default_language=False)

handler404 = "kumamoto_welfare.views.page_not_found"
handler500 = "kumamoto_welfare.views.server_error"
