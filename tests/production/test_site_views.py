"""kumamoto_welfare in-process: health check, error pages, public page cache, client address, CSP."""

from unittest import mock

import pytest
from django.core.cache import cache
from django.db import OperationalError
from django.test import Client, RequestFactory
from django.urls import path

from indicators.models import IndicatorValue
from kumamoto_welfare import cache as site_cache
from kumamoto_welfare import views
from plans.models import Plan
from tests.factories import publish

SLUG = "kumamoto-welfare-4"


def database_down(request):
    raise OperationalError("connection refused")


def broken(request):
    raise ValueError("a bug")


# The URLconf of the error-page tests: views that fail as a stopped database and as a bug do.
urlpatterns = [
    path("page/", database_down),
    path("api/page/", database_down),
    path("bug/", broken),
]
handler500 = "kumamoto_welfare.views.server_error"


@pytest.fixture
def page_cache(settings):
    """The public page cache switched on, as in production, in an empty cache."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db
def test_healthz_answers_ok_while_the_database_answers(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_does_not():
    with mock.patch.object(views.connection, "cursor", side_effect=OperationalError("refused")):
        response = views.healthz(RequestFactory().get("/healthz"))

    assert response.status_code == 503


@pytest.mark.urls("tests.production.test_site_views")
def test_a_stopped_database_gives_the_503_page_with_retry_after_and_no_details():
    response = Client(raise_request_exception=False).get("/page/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "しばらくしてから、もう一度お試しください" in response.content.decode()
    assert "connection refused" not in response.content.decode()


@pytest.mark.urls("tests.production.test_site_views")
def test_the_api_answers_503_in_json():
    response = Client(raise_request_exception=False).get("/api/page/")

    assert response.status_code == 503
    assert response.json() == {"error": views.UNAVAILABLE_MESSAGE}


@pytest.mark.urls("tests.production.test_site_views")
def test_a_bug_is_still_a_500():
    response = Client(raise_request_exception=False).get("/bug/")

    assert response.status_code == 500
    assert "Retry-After" not in response
    assert "a bug" not in response.content.decode()


@pytest.mark.django_db
def test_an_unknown_api_url_answers_404_in_json(client):
    response = client.get("/api/no-such-thing/")

    assert response.status_code == 404
    assert response.json() == {"error": "このURLのデータはありません。"}


def test_pages_and_svg_images_carry_their_own_content_security_policies(client, kumamoto_plan):
    page = client.get(f"/plans/{SLUG}/")
    chart = client.get(f"/plans/{SLUG}/indicators/1-1-1/chart.svg", follow=True)

    assert "style-src 'self'" in page["Content-Security-Policy"]
    assert "unsafe-inline" not in page["Content-Security-Policy"]
    policy = chart["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "unsafe-inline" not in policy
    assert (
        "script-src" not in policy
    )  # falls back to default-src 'none': no script in an SVG opened on its own


def test_a_cached_page_shows_the_publication_not_the_working_data(client, kumamoto_plan, page_cache):
    url = f"/plans/{SLUG}/"
    assert kumamoto_plan.title in client.get(url).content.decode()
    Plan.objects.filter(pk=kumamoto_plan.pk).update(title="新しい計画名")
    cache.clear()

    assert kumamoto_plan.title in client.get(url).content.decode()  # drawn again, from the publication


def test_a_new_publication_shows_at_once_although_the_old_page_is_cached(
    client, kumamoto_plan, page_cache, django_capture_on_commit_callbacks
):
    url = f"/plans/{SLUG}/indicators/1-1-1/?fy=2021"
    assert "92.43％" in client.get(url).content.decode()
    IndicatorValue.objects.filter(indicator__code="1-1-1", fiscal_year=2021).update(value="93.5")
    with django_capture_on_commit_callbacks(execute=True):
        publish(kumamoto_plan, 2021, reason="令和3年度の実績値の誤りを訂正")

    assert "93.5％" in client.get(url).content.decode()


def test_the_cache_keeps_each_url_apart(client, kumamoto_plan, page_cache):
    first = client.get(f"/plans/{SLUG}/?fy=2020").content.decode()
    second = client.get(f"/plans/{SLUG}/?fy=2021").content.decode()

    assert "令和2年度（2020年度）末時点" in first
    assert "令和3年度（2021年度）末時点" in second


def test_answers_other_than_200_are_not_cached(client, kumamoto_plan, page_cache):
    assert client.get(f"/plans/{SLUG}/?fy=2030").status_code == 404
    assert client.get(f"/plans/{SLUG}/?fy=20x0").status_code == 400
    assert client.get("/plans/no-such-plan/").status_code == 404

    assert not [key for key in cache._cache if "public-page" in key]  # LocMemCache's own store


def test_a_staff_preview_is_drawn_for_each_request_and_never_cached(
    client, kumamoto_plan, page_cache, admin_user
):
    url = f"/plans/{SLUG}/?preview=1"
    client.get(f"/plans/{SLUG}/")  # cached for citizens
    Plan.objects.filter(pk=kumamoto_plan.pk).update(title="新しい計画名")
    client.force_login(admin_user)

    response = client.get(url)

    assert "新しい計画名" in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"
    client.logout()
    assert kumamoto_plan.title in client.get(f"/plans/{SLUG}/").content.decode()


@pytest.mark.django_db
def test_pages_outside_the_public_site_are_not_cached(admin_client, page_cache):
    admin_client.get("/admin/")
    admin_client.get("/healthz")

    assert not [key for key in cache._cache if "public-page" in key]  # LocMemCache's own store


def test_with_no_cache_time_no_page_is_stored(client, kumamoto_plan, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    cache.clear()
    client.get(f"/plans/{SLUG}/")

    assert not [key for key in cache._cache if "public-page" in key]


def test_the_redis_cache_keeps_one_client_per_connection_pool():
    backend = site_cache.RedisCache("redis://127.0.0.1:6379/0", {"KEY_PREFIX": "client-reuse-test"})
    try:
        backend.set("key", {"a": 1}, 10)

        assert backend.get("key") == {"a": 1}
        assert backend._cache.get_client() is backend._cache.get_client(write=True)
    finally:
        backend.delete("key")
