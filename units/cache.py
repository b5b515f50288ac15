"""A shared cache that is down behaves as an empty one.

With ``CACHE_URL`` set the web workers share Redis; when it is unreachable,
Django's RedisCache raises on every call and the dashboard became a 500.
Here a read is a miss and a write is skipped; the outage is logged once
(then again only after the cache came back and failed anew).
"""

import functools
import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

log = logging.getLogger("fengqiao.cache")

# What each method answers while the cache is down.
_ON_FAILURE = {
    "get": lambda args, kwargs: kwargs.get("default", args[1] if len(args) > 1 else None),
    "get_many": lambda args, kwargs: {},
    "has_key": lambda args, kwargs: False,
    "add": lambda args, kwargs: False,
    "set": lambda args, kwargs: None,
    "set_many": lambda args, kwargs: list(args[0]) if args else [],
    "touch": lambda args, kwargs: False,
    "delete": lambda args, kwargs: False,
    "delete_many": lambda args, kwargs: None,
    "clear": lambda args, kwargs: None,
    "incr": None,  # raises ValueError: the key is as good as missing
    "decr": None,
    "get_or_set": None,  # falls back below
}


class ForgivingRedisCache(RedisCache):
    _down = False

    def _guard(self, name, call, args, kwargs):
        try:
            result = call(*args, **kwargs)
        except (RedisError, ConnectionError, OSError) as error:
            if not ForgivingRedisCache._down:
                ForgivingRedisCache._down = True
                log.warning("cache unavailable, answering as a miss: %s", type(error).__name__)
            on_failure = _ON_FAILURE.get(name)
            if on_failure is None:
                if name in ("incr", "decr"):
                    raise ValueError("Key not found (cache unavailable)") from error
                raise
            return on_failure(args, kwargs)
        if ForgivingRedisCache._down:
            ForgivingRedisCache._down = False
            log.info("cache available again")
        return result

    def get_or_set(self, key, default, timeout=None, version=None):
        value = self.get(key, version=version)
        if value is None:
            value = default() if callable(default) else default
            self.add(key, value, timeout=timeout, version=version)
        return value


def _wrap(name):
    original = getattr(RedisCache, name)

    @functools.wraps(original)
    def method(self, *args, **kwargs):
        return self._guard(name, functools.partial(original, self), args, kwargs)

    return method


for _name in _ON_FAILURE:
    if _name != "get_or_set":
        setattr(ForgivingRedisCache, _name, _wrap(_name))
