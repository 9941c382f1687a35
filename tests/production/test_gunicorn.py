"""The production setup end to end: gunicorn, the production settings, PostgreSQL and Redis (conftest.py)."""

import re

import pytest
import redis

from tests.production.conftest import ADMIN_PATH, REDIS, manage

SLUG = "kumamoto-welfare-4"
PUBLIC_PAGES = {
    "/": "text/html",
    f"/plans/{SLUG}/": "text/html",
    f"/plans/{SLUG}/policies/1/": "text/html",
    f"/plans/{SLUG}/indicators/": "text/html",
    f"/plans/{SLUG}/indicators/1-1-1/": "text/html",
    f"/plans/{SLUG}/indicators/1-1-1/chart.svg": "image/svg+xml",
    f"/plans/{SLUG}/indicators/1-1-1/mini.svg": "image/svg+xml",
    f"/plans/{SLUG}/indicators/1-1-1/data.csv": "text/csv",
    f"/plans/{SLUG}/grades.svg": "image/svg+xml",
    f"/plans/{SLUG}/data.csv": "text/csv",
    f"/plans/{SLUG}/report.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "/api/plans/": "application/json",
    f"/api/plans/{SLUG}/": "application/json",
}


def test_check_deploy_reports_nothing_with_the_production_settings(production_site):
    output = manage(production_site.env, "check", "--deploy", "--fail-level", "DEBUG")

    assert "System check identified no issues (0 silenced)." in output


def test_every_public_page_answers_through_gunicorn(production_site):
    for path, content_type in PUBLIC_PAGES.items():
        response = production_site.get(path)
        if path.endswith(".svg"):  # a chart's old address leads to the current publication's file
            assert response.status == 302, path
            response = production_site.get(response.headers["Location"])

        assert response.status == 200, (path, response.text[:500])
        assert response.headers["Content-Type"].startswith(content_type), path
    assert "民生委員・児童委員、主任児童委員の定員充足率" in production_site.get(f"/plans/{SLUG}/").text


def test_pages_carry_the_security_headers(production_site):
    response = production_site.get(f"/plans/{SLUG}/")
    headers = response.headers

    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";"))
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert "unsafe-eval" not in headers["Content-Security-Policy"]


def test_the_pages_have_no_inline_script_or_style_that_the_policy_would_block(production_site):
    for path, content_type in PUBLIC_PAGES.items():
        if content_type != "text/html":
            continue
        html = production_site.get(path).text

        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert "<style" not in html, path
        assert not re.search(r"\sstyle=", html), path
        assert not re.search(r"\son[a-z]+=", html), path


def test_plain_http_is_redirected_to_https_but_the_health_check_is_not(production_site):
    response = production_site.get(f"/plans/{SLUG}/", X_Forwarded_Proto=None)

    assert response.status == 301
    assert response.headers["Location"] == f"https://127.0.0.1/plans/{SLUG}/"
    assert production_site.get("/healthz", X_Forwarded_Proto=None).status == 200


def test_healthz_answers_200_while_the_database_answers(production_site):
    response = production_site.get("/healthz")

    assert response.status == 200
    assert response.text == "ok\n"
    assert "no-cache" in response.headers["Cache-Control"]


def test_without_the_database_healthz_and_pages_answer_503_without_a_stack_trace(site_without_database):
    health = site_without_database.get("/healthz")
    page = site_without_database.get(f"/plans/{SLUG}/")
    api = site_without_database.get(f"/api/plans/{SLUG}/")

    assert health.status == 503
    assert page.status == 503
    assert page.headers["Retry-After"] == "30"
    assert "しばらくしてから、もう一度お試しください" in page.text
    for text in (page.text, api.text):
        assert "Traceback" not in text
        assert "OperationalError" not in text
        assert "psycopg2" not in text
    assert api.status == 503
    assert api.headers["Content-Type"].startswith("application/json")


def test_without_redis_pages_are_drawn_from_the_database_and_healthz_answers_200(site_without_redis):
    page = site_without_redis.get(f"/plans/{SLUG}/")
    chart = site_without_redis.get(f"/plans/{SLUG}/indicators/1-1-1/chart.svg")
    chart = site_without_redis.get(chart.headers["Location"])

    assert page.status == 200
    assert "民生委員・児童委員、主任児童委員の定員充足率" in page.text
    assert site_without_redis.get("/healthz").status == 200
    # indicators/charts.py reads its cache without a fallback: a chart is a 503 until Redis is back.
    assert chart.status in (200, 503)
    assert "Traceback" not in chart.text


def test_static_files_have_hashed_names_are_compressed_and_cached_for_a_year(production_site):
    html = production_site.get(f"/plans/{SLUG}/").text
    stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', html)
    assert stylesheet, "the page links the stylesheet under its hashed name"

    plain = production_site.get(stylesheet[1])
    compressed = production_site.get(stylesheet[1], Accept_Encoding="gzip")

    assert plain.status == 200
    assert plain.headers["Content-Type"].startswith("text/css")
    assert "immutable" in plain.headers["Cache-Control"]
    assert "max-age=315360000" in plain.headers["Cache-Control"]
    assert compressed.headers["Content-Encoding"] == "gzip"
    assert len(compressed.body) < len(plain.body)


def test_unknown_pages_get_the_friendly_404_page(production_site):
    response = production_site.get("/no-such-page/")

    assert response.status == 404
    assert "ページが見つかりません" in response.text
    assert "Traceback" not in response.text and "urlpatterns" not in response.text


def test_the_admin_site_is_served_only_at_the_configured_path(production_site):
    assert production_site.get(f"/{ADMIN_PATH}login/").status == 200
    assert production_site.get("/admin/login/").status == 404


def test_public_pages_are_kept_in_redis(production_site):
    production_site.get(f"/plans/{SLUG}/")
    prefix = production_site.env["CACHE_KEY_PREFIX"]
    client = redis.Redis.from_url(REDIS)

    assert list(client.scan_iter(match=f"{prefix}:*:public-page:*", count=1000))


def test_working_data_saved_in_the_database_changes_no_public_page_in_any_worker(production_site):
    path = f"/plans/{SLUG}/"
    (title,) = production_site.sql("SELECT title FROM plans_plan WHERE slug = %s", (SLUG,))[0]
    assert title in production_site.get(path).text
    try:
        production_site.sql("UPDATE plans_plan SET title = %s WHERE slug = %s", ("新しい計画名", SLUG))
        production_site.manage("shell", "-c", "from django.core.cache import cache; cache.clear()")

        assert all(title in production_site.get(path).text for _ in range(6))  # drawn again: still published
    finally:
        production_site.sql("UPDATE plans_plan SET title = %s WHERE slug = %s", (title, SLUG))


@pytest.mark.parametrize("listening", ["listening", "listening connections cut"])
def test_a_correction_shows_in_every_worker_at_once(production_site, listening):
    """Each worker keeps which publication is current and is told of a new one by PostgreSQL
    (publications/current.py); one whose listening connection was cut asks the database instead."""
    path = f"/plans/{SLUG}/indicators/1-1-1/?fy=2021"
    assert all("92.43％" in production_site.get(path).text for _ in range(8))  # warm in each worker
    listeners = production_site.sql(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query = %s",
        ("LISTEN kumamoto_publications",),
    )
    assert listeners  # the workers listen
    if listening != "listening":
        production_site.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
                            "current_database() AND query = %s", ("LISTEN kumamoto_publications",))  # fmt: skip
    production_site.sql(
        "UPDATE indicators_indicatorvalue SET value = 93.5 WHERE fiscal_year = 2021 AND indicator_id = "
        "(SELECT id FROM indicators_indicator WHERE code = '1-1-1' AND plan_id = "
        "(SELECT id FROM plans_plan WHERE slug = %s))",
        (SLUG,),
    )
    try:
        production_site.manage("publish", SLUG, "--fy", "2021", "--reason", "試験のための訂正")

        assert all("93.5％" in production_site.get(path).text for _ in range(8))
    finally:
        production_site.sql(
            "UPDATE indicators_indicatorvalue SET value = 92.43 WHERE fiscal_year = 2021 AND indicator_id = "
            "(SELECT id FROM indicators_indicator WHERE code = '1-1-1' AND plan_id = "
            "(SELECT id FROM plans_plan WHERE slug = %s))",
            (SLUG,),
        )
        production_site.manage("publish", SLUG, "--fy", "2021", "--reason", "試験のための訂正を元に戻す")


def sign_in(site, username: str, password: str, address: str):
    """POST the admin's sign-in form as a browser at `address` would, through nginx (X-Real-IP)."""
    form = site.get(f"/{ADMIN_PATH}login/", X_Real_IP=address)
    csrf_cookie = form.cookies()["csrftoken"]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)[1]
    return site.post_form(
        f"/{ADMIN_PATH}login/",
        {"csrfmiddlewaretoken": token, "username": username, "password": password, "next": f"/{ADMIN_PATH}"},
        {
            "Cookie": csrf_cookie.split(";", 1)[0],
            "Origin": "https://127.0.0.1",
            "Referer": f"https://127.0.0.1/{ADMIN_PATH}login/",
            "X-Real-IP": address,
        },
    )


def test_signing_in_sets_secure_http_only_cookies(production_site):
    production_site.manage("shell", "-c", STAFF_USER)

    response = sign_in(production_site, "staff", "correct horse battery staple", "192.0.2.1")

    assert response.status == 302, response.text[:500]
    assert response.headers["Location"] == f"/{ADMIN_PATH}"
    session = response.cookies()["sessionid"]
    assert "Secure" in session and "HttpOnly" in session and "SameSite=Lax" in session
    assert "Secure" in response.cookies()["csrftoken"]


STAFF_USER = (
    "from django.contrib.auth import get_user_model; "
    "get_user_model().objects.filter(username='staff').exists() or "
    "get_user_model().objects.create_user('staff', password='correct horse battery staple', is_staff=True)"
)


def test_failed_sign_ins_lock_the_account_from_every_address_but_not_a_colleague(production_site):
    production_site.manage("shell", "-c", STAFF_USER)
    statuses = [sign_in(production_site, "someone", "wrong", "198.51.100.7").status for _ in range(10)]

    assert statuses == [200] * 9 + [429]  # the form again, with its error, until the tenth
    locked = sign_in(production_site, "someone", "wrong", "198.51.100.8")  # the address comes from X-Real-IP
    assert locked.status == 429
    assert "しばらくサインインできません" in locked.text
    # A colleague behind the same address is not locked out by these failures.
    assert sign_in(production_site, "staff", "correct horse battery staple", "198.51.100.7").status == 302
