"""What the site does for every app: the health check, the page shown when a service is down, the client's
address behind the reverse proxy, the Content-Security-Policy of SVG images, and the public page cache.
"""

import hashlib
import ipaddress
import logging
import sys
import time

import redis
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.cache.backends import redis as django_redis_backend
from django.core.cache.backends.redis import RedisCacheClient
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.cache import has_vary_header, patch_cache_control
from django.views import defaults
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)

UNAVAILABLE_MESSAGE = "ただいまサービスを利用できません。しばらくしてから、もう一度お試しください。"
RETRY_AFTER_SECONDS = 30
# A database or cache that does not answer: the request fails as a whole (its transaction rolled back) and
# the next one may succeed, so the citizen is told to try again rather than shown an error.
SERVICE_UNAVAILABLE = (OperationalError, InterfaceError, redis.ConnectionError, redis.TimeoutError)


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers a query, 503 when it does not: for the load balancer and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.warning("Health check: the database does not answer (%s).", " ".join(str(error).split()))
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain; charset=utf-8")
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: the open data API answers in JSON, as its clients expect; pages get the 404 page."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"error": "このURLのデータはありません。"}, status=404, json_dumps_params={"ensure_ascii": False}
        )
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a 503 with Retry-After while the database or the cache is down, else the 500 page.

    Django calls it inside the `except` that caught the exception, so sys.exception() is that exception. Both
    pages are static templates, which render without the database.
    """
    unavailable = isinstance(sys.exception(), SERVICE_UNAVAILABLE)
    status = 503 if unavailable else 500
    if request.path.startswith("/api/"):
        message = UNAVAILABLE_MESSAGE if unavailable else "サーバーでエラーが発生しました。"
        response = JsonResponse({"error": message}, status=status, json_dumps_params={"ensure_ascii": False})
    else:
        response = HttpResponse(loader.get_template("500.html").render(), status=status)
    if unavailable:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    patch_cache_control(response, no_store=True)
    return response


def client_ip(request: HttpRequest) -> str:
    """The citizen's address: nginx's X-Real-IP when the request came through a trusted proxy.

    For django-axes, which counts failed sign-ins per address. The header is believed only from the proxies
    in TRUSTED_PROXIES, since anyone else could write it.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_REAL_IP", "").strip()
    if remote in settings.TRUSTED_PROXIES and forwarded:
        try:
            return str(ipaddress.ip_address(forwarded))
        except ValueError:
            pass
    return remote


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's CONTENT_SECURITY_POLICY, and SVG_CONTENT_SECURITY_POLICY for SVG images (see settings)."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and response.get("Content-Type", "").startswith("image/svg+xml"):
            parts.config = settings.SVG_CONTENT_SECURITY_POLICY["DIRECTIVES"]
        return parts


def sign_in_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """The user name django-axes records for a failed sign-in, cut to what a user name can be.

    Django's sign-in form does not limit the length it passes on, and axes stores it in a column of 255
    characters, which PostgreSQL enforces: a 5,000-character name would otherwise be a 500.
    """
    username = (credentials or request.POST).get(settings.AXES_USERNAME_FORM_FIELD)
    if username is None:
        return None
    user_model = get_user_model()
    longest = user_model._meta.get_field(user_model.USERNAME_FIELD).max_length
    return str(username).replace("\x00", "")[:longest]


# --- Public pages from the cache ------------------------------------------------------------------------

PAGES_VERSION_KEY = "public-pages:version"


def public_pages_version() -> int:
    return cache.get_or_set(PAGES_VERSION_KEY, time.time_ns, timeout=None)


def clear_public_pages() -> None:
    """Make every cached public page stale, in every process: call it where plan data is saved.

    Each cached page carries the data version it was drawn under and is served only while that is the current
    one. The version changes at once and again when the transaction commits (at once outside one): a page drawn
    in between, from the data as it was before the commit, is then never served. A fresh timestamp rather than
    a counter, so that a version lost from the cache (evicted, Redis restarted) is never reused.
    """
    _new_pages_version()
    transaction.on_commit(_new_pages_version)


def _new_pages_version() -> None:
    cache.set(PAGES_VERSION_KEY, time.time_ns(), timeout=None)


class PublicPageCacheMiddleware:
    """Serves the public GET pages from the cache for PUBLIC_PAGE_CACHE_SECONDS, keyed by full URL.

    The same data gives the same page to every citizen, so a council session's thousands of requests for the
    plan page draw it once. What is cached: 200 answers to GET from the `plans` URLs (pages, charts, CSV, JSON,
    Excel) that set no cookie, do not vary by cookie and are not marked private, asked without a session cookie
    (a signed-in staff member always sees a freshly drawn page). A page is stored with the data version read
    before it was drawn and served while that version is current; both are read in one round trip. Should the
    cache fail, pages are drawn as if it were empty. With PUBLIC_PAGE_CACHE_SECONDS = 0 (development, tests)
    it does nothing.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.timeout = settings.PUBLIC_PAGE_CACHE_SECONDS

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            not self.timeout
            or request.method not in ("GET", "HEAD")
            or settings.SESSION_COOKIE_NAME in request.COOKIES
        ):
            return self.get_response(request)
        url = request.build_absolute_uri()  # scheme and host too: the JSON API writes absolute URLs
        key = f"public-page:{hashlib.sha256(url.encode()).hexdigest()}"
        try:
            found = cache.get_many([PAGES_VERSION_KEY, key])
            version = found.get(PAGES_VERSION_KEY) or public_pages_version()
        except redis.RedisError:
            logger.warning("The public page cache does not answer; drawing %s.", request.path, exc_info=True)
            return self.get_response(request)
        if key in found and found[key][0] == version:
            return found[key][1]
        response = self.get_response(request)
        if request.method == "GET" and self.cacheable(request, response):
            try:
                cache.set(key, (version, response), self.timeout)
            except redis.RedisError:
                logger.warning("The public page cache does not answer; %s not stored.", request.path)
        return response

    @staticmethod
    def cacheable(request: HttpRequest, response: HttpResponse) -> bool:
        match = request.resolver_match
        return (
            response.status_code == 200
            and not response.streaming
            and match is not None
            and match.namespace == "plans"
            and not response.cookies
            and not has_vary_header(response, "Cookie")
            and "private" not in response.get("Cache-Control", "")
        )


# --- Django's Redis cache, without its cost per call -------------------------------------------------------


class _OneClientPerPool(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, redis.Redis] = {}

    def get_client(self, key=None, *, write=False) -> redis.Redis:
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis_backend.RedisCache):
    """django.core.cache.backends.redis.RedisCache, keeping one redis.Redis client per connection pool.

    Django makes a new client for every cache call, and redis-py fills some 170 response callbacks into each:
    about 0.2 ms a call, a third of the time of a page served from the cache (docs/benchmarks.md). A client
    is safe to share between threads (its pool hands each command a connection of its own).
    (This and the middleware above would sit better in kumamoto_welfare/cache.py and middleware.py.)
    """

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _OneClientPerPool
