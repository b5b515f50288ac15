"""Whether the broker still holds a task's message.

A report marked "queued" whose message is gone (Redis restarted without
persistence, a queue purged) would wait for ever. With a Redis broker the
message is looked for where kombu keeps it: the queue's lists (one per
priority step) while it waits, the ``unacked`` hash once a worker has taken
it (tasks acknowledge late). Any other broker answers "cannot tell" (None),
and the callers fall back on the time limits.
"""

import logging

import redis
from celery import current_app

log = logging.getLogger(__name__)

# kombu's Redis transport: a message of priority p waits in "<queue>\x06\x16<p>"
# (priority 0 in "<queue>"), and a delivered one in the hash "unacked".
PRIORITY_SEPARATOR = "\x06\x16"
PRIORITY_STEPS = (0, 3, 6, 9)
UNACKED_KEY = "unacked"


def _redis_client():
    url = current_app.conf.broker_url or ""
    if current_app.conf.task_always_eager or not url.startswith(("redis://", "rediss://")):
        return None
    return redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2)


def _queue_keys(queue: str) -> list[str]:
    return [queue if step == 0 else f"{queue}{PRIORITY_SEPARATOR}{step}" for step in PRIORITY_STEPS]


def message_present(task_id: str, *, queue: str | None = None) -> bool | None:
    """True if the broker holds the message of ``task_id`` (waiting or taken),
    False if it surely does not, None if that cannot be told."""
    if not task_id:
        return False
    client = _redis_client()
    if client is None:
        return None
    needle = task_id.encode()
    queue = queue or current_app.conf.task_default_queue
    try:
        with client.pipeline(transaction=False) as pipe:
            for key in _queue_keys(queue):
                pipe.lrange(key, 0, -1)
            pipe.hvals(UNACKED_KEY)
            found = pipe.execute()
    except Exception as error:  # noqa: BLE001 - a broker outage: cannot tell
        log.warning("broker not reachable to look for task %s: %s", task_id, type(error).__name__)
        return None
    finally:
        client.close()
    return any(needle in message for messages in found for message in messages)
