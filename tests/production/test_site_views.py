"""kumamoto_welfare in-process: health check, error pages, public page cache, client address, CSP."""

from unittest import mock

import pytest
from django.core.cache import cache
from django.db import OperationalError
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import path

from kumamoto_welfare import cache as site_cache
from kumamoto_welfare import middleware, views
from plans.models import Plan

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


@pytest.mark.parametrize(
    ("remote", "real_ip", "expected"),
    [
        ("127.0.0.1", "203.0.113.5", "203.0.113.5"),  # through nginx on the same host
        (
            "198.51.100.9",
            "203.0.113.5",
            "198.51.100.9",
        ),  # straight from the internet: the header is not believed
        ("127.0.0.1", "not an address", "127.0.0.1"),
        ("127.0.0.1", "", "127.0.0.1"),
    ],
)
def test_the_client_address_comes_from_x_real_ip_only_through_a_trusted_proxy(remote, real_ip, expected):
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_REAL_IP=real_ip)

    assert views.client_ip(request) == expected


def test_the_user_name_axes_records_is_cut_to_the_length_of_a_user_name():
    request = RequestFactory().post("/admin/login/", {"username": "A" * 5000})

    assert views.sign_in_username(request, None) == "A" * 150
    assert views.sign_in_username(request, {"username": "a\x00b"}) == "ab"
    assert views.sign_in_username(RequestFactory().post("/"), None) is None


def test_pages_and_svg_images_carry_their_own_content_security_policies(client, kumamoto_plan):
    page = client.get(f"/plans/{SLUG}/")
    chart = client.get(f"/plans/{SLUG}/indicators/1-1-1/chart.svg")

    assert "style-src 'self'" in page["Content-Security-Policy"]
    assert "unsafe-inline" not in page["Content-Security-Policy"]
    policy = chart["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "style-src 'unsafe-inline'" in policy
    assert (
        "script-src" not in policy
    )  # falls back to default-src 'none': no script in an SVG opened on its own


def test_a_public_page_is_served_from_the_cache_until_plan_data_is_saved(client, kumamoto_plan, page_cache):
    url = f"/plans/{SLUG}/"
    assert kumamoto_plan.title in client.get(url).content.decode()
    Plan.objects.filter(pk=kumamoto_plan.pk).update(title="新しい計画名")

    assert kumamoto_plan.title in client.get(url).content.decode()

    site_cache.clear_public_pages()

    assert "新しい計画名" in client.get(url).content.decode()


def test_the_cached_pages_go_stale_again_when_the_transaction_commits(
    kumamoto_plan, page_cache, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        site_cache.clear_public_pages()
        during = site_cache.public_pages_version()

    assert site_cache.public_pages_version() != during


def test_the_cache_keeps_each_url_apart(client, kumamoto_plan, page_cache):
    first = client.get(f"/plans/{SLUG}/?fy=2020").content.decode()
    second = client.get(f"/plans/{SLUG}/?fy=2021").content.decode()

    assert "令和2年度（2020年度）末時点" in first
    assert "令和3年度（2021年度）末時点" in second


def test_answers_other_than_200_are_not_cached(client, kumamoto_plan, page_cache):
    assert client.get(f"/plans/{SLUG}/?fy=2030").status_code == 400
    assert client.get("/plans/no-such-plan/").status_code == 404
    Plan.objects.filter(pk=kumamoto_plan.pk).update(start_fy=2020, end_fy=2030)

    assert client.get(f"/plans/{SLUG}/?fy=2030").status_code == 200


def test_a_signed_in_staff_member_always_gets_a_freshly_drawn_page(
    client, kumamoto_plan, page_cache, admin_user
):
    url = f"/plans/{SLUG}/"
    client.get(url)  # cached for citizens
    Plan.objects.filter(pk=kumamoto_plan.pk).update(title="新しい計画名")
    client.force_login(admin_user)

    assert "新しい計画名" in client.get(url).content.decode()


def test_responses_that_set_a_cookie_or_vary_by_it_are_not_cached(rf, page_cache):
    cache_middleware = middleware.PublicPageCacheMiddleware(lambda request: HttpResponse("x"))
    request = rf.get(f"/plans/{SLUG}/")
    request.resolver_match = mock.Mock(namespace="public")
    with_cookie, varying, private = HttpResponse("x"), HttpResponse("x"), HttpResponse("x")
    with_cookie.set_cookie("csrftoken", "t")
    varying["Vary"] = "Cookie"
    private["Cache-Control"] = "private, no-store"

    assert cache_middleware.cacheable(request, HttpResponse("x"))
    assert not cache_middleware.cacheable(request, with_cookie)
    assert not cache_middleware.cacheable(request, varying)
    assert not cache_middleware.cacheable(request, private)


@pytest.mark.django_db
def test_pages_outside_the_public_site_are_not_cached(admin_client, page_cache):
    admin_client.get("/admin/")
    admin_client.get("/healthz")

    assert not [key for key in cache._cache if "public-page" in key]  # LocMemCache's own store


def test_with_no_cache_time_the_middleware_does_nothing(client, kumamoto_plan, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    url = f"/plans/{SLUG}/"
    client.get(url)
    Plan.objects.filter(pk=kumamoto_plan.pk).update(title="新しい計画名")

    assert "新しい計画名" in client.get(url).content.decode()


def test_the_redis_cache_keeps_one_client_per_connection_pool():
    backend = site_cache.RedisCache("redis://127.0.0.1:6379/0", {"KEY_PREFIX": "client-reuse-test"})
    try:
        backend.set("key", {"a": 1}, 10)

        assert backend.get("key") == {"a": 1}
        assert backend._cache.get_client() is backend._cache.get_client(write=True)
    finally:
        backend.delete("key")
