"""The site's middleware: the Content-Security-Policy of SVG images and the public page cache."""

import hashlib
import logging

import redis
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import has_vary_header

from kumamoto_welfare.cache import PAGES_VERSION_KEY, public_pages_version

logger = logging.getLogger(__name__)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's CONTENT_SECURITY_POLICY, and SVG_CONTENT_SECURITY_POLICY for SVG images (see settings)."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and response.get("Content-Type", "").startswith("image/svg+xml"):
            parts.config = settings.SVG_CONTENT_SECURITY_POLICY["DIRECTIVES"]
        return parts


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
