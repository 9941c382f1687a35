"""Django's Redis cache backend without its cost per call."""

import redis
from django.core.cache.backends import redis as django_redis_backend
from django.core.cache.backends.redis import RedisCacheClient

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
