"""The site's cache: the version of the public pages, and Django's Redis backend without its cost per call."""

import time

import redis
from django.core.cache import cache
from django.core.cache.backends import redis as django_redis_backend
from django.core.cache.backends.redis import RedisCacheClient
from django.db import transaction

# --- The version of the public pages ------------------------------------------------------------------------

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
    """

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _OneClientPerPool
