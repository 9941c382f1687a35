"""The public page cache: a rendered page is kept under its publication and its recognised parameters.

A publication never changes, so a kept page is never stale and nothing has to be cleared: a new publication
gives new keys. Each request still makes the one indexed lookup of which publication is current (in the
view's `page_cache_key`), so several workers, with or without Redis, all show a new publication at once.

The middleware sits just below SecurityMiddleware (and WhiteNoise): a page found is answered without running
the rest of the stack, with the headers the stack gave it when it was drawn (CSP, X-Frame-Options, ...).
Pages are kept in this process (the last PROCESS_PAGES pages, no round trip) and in the shared cache (Redis in
production). A request with a session cookie (staff) is never answered from it; a cache that does not answer
is an empty one.
"""

import logging
import threading
from collections import OrderedDict

import redis
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.urls import Resolver404, resolve
from django.utils.cache import has_vary_header

from publications.current import current_publications

logger = logging.getLogger(__name__)

PROCESS_PAGES = 512


class ProcessPages:
    """The last pages kept in this process, as (status, headers, body): a least-recently-used dict."""

    def __init__(self, size: int = PROCESS_PAGES):
        self.size = size
        self.pages: OrderedDict[str, tuple] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str):
        with self.lock:
            page = self.pages.get(key)
            if page is not None:
                self.pages.move_to_end(key)
            return page

    def put(self, key: str, page: tuple) -> None:
        with self.lock:
            self.pages[key] = page
            self.pages.move_to_end(key)
            while len(self.pages) > self.size:
                self.pages.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.pages.clear()


process_pages = ProcessPages()


def frozen(response: HttpResponse) -> tuple:
    return (response.status_code, list(response.items()), response.content)


def thawed(page: tuple) -> HttpResponse:
    status, headers, body = page
    response = HttpResponse(body, status=status)
    for name, value in headers:
        response[name] = value
    return response


def cacheable(response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not has_vary_header(response, "Cookie")
        and "private" not in response.get("Cache-Control", "")
    )


class PageKeys:
    """(key, ETag) of the pages asked for lately, by path and query, while the current publications stay the
    same (publications.current: only when PostgreSQL announces new ones). Finding a page's key resolves its
    URL and hashes what it shows, as long again as answering from the cache; most requests ask for a page
    already asked for. A flood of new queries empties it rather than growing it."""

    def __init__(self, size: int = 4096):
        self.size = size
        self.keys: dict[tuple, tuple[str, str] | None] = {}
        self.generation: int | None = None

    def find(self, request: HttpRequest, compute):
        generation = current_publications.generation_if_listening()
        if generation is None:
            return compute(request)
        meta = request.META
        memo = (request.path_info, meta.get("QUERY_STRING", ""), meta.get("HTTP_HOST", ""))
        if generation != self.generation:
            self.keys, self.generation = {}, generation
        elif memo in self.keys:
            return self.keys[memo]
        found = compute(request)
        if len(self.keys) >= self.size:
            self.keys = {}
        self.keys[memo] = found
        return found


page_keys = PageKeys()


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self.may_be_cached(request):
            return self.get_response(request)
        found = page_keys.find(request, self.page_key)
        if found is None:
            return self.get_response(request)
        key, etag = found
        if etag in request.META.get("HTTP_IF_NONE_MATCH", ""):
            response = HttpResponseNotModified()
            response["ETag"] = etag
            return response
        page = process_pages.get(key) or self.shared_get(key)
        if page is not None:
            process_pages.put(key, page)
            return thawed(page)
        response = self.get_response(request)
        if cacheable(response):
            page = frozen(response)
            process_pages.put(key, page)
            self.shared_set(key, page)
        return response

    @staticmethod
    def may_be_cached(request: HttpRequest) -> bool:
        return bool(
            settings.PUBLIC_PAGE_CACHE_SECONDS
            and request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
        )

    @staticmethod
    def page_key(request: HttpRequest) -> tuple[str, str] | None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        keyer = getattr(match.func, "page_cache_key", None)
        return keyer(request, *match.args, **match.kwargs) if keyer else None

    @staticmethod
    def shared_get(key: str):
        try:
            return cache.get(key)
        except redis.RedisError:
            logger.warning("The page cache does not answer; drawing the page.")
            return None

    @staticmethod
    def shared_set(key: str, page: tuple) -> None:
        try:
            cache.set(key, page, settings.PUBLIC_PAGE_CACHE_SECONDS)
        except redis.RedisError:
            logger.warning("The page cache does not answer; the page is not stored.")
