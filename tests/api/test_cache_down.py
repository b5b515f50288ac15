"""A shared cache that is down (CACHE_URL set, Redis unreachable) behaves as
a miss: pages answer 200, the outage is logged once (issue 12). Before: the
dashboard answered 500 (ConnectionError from RedisCache)."""

import logging

from django.core.cache import cache
from django.test import override_settings

from tests.conftest import login

DOWN = {"default": {"BACKEND": "units.cache.ForgivingRedisCache",
                    "LOCATION": "redis://127.0.0.1:1/0"}}


@override_settings(CACHES=DOWN)
def test_pages_work_with_the_cache_down_and_the_outage_is_logged_once(client, world, caplog):
    login(client, world.supervisor)
    with caplog.at_level(logging.WARNING, logger="fengqiao.cache"):
        for path in ["/reports/dashboard/", "/", "/disputes/", "/reports/dashboard/"]:
            assert client.get(path).status_code == 200, path
    warnings = [r for r in caplog.records if r.name == "fengqiao.cache"]
    assert len(warnings) == 1
    assert cache.get("anything", "fallback") == "fallback"
    assert cache.get_or_set("k", lambda: 7) == 7
