"""Counting requests in a window of time, in the cache (Redis when configured)."""

from django.core.cache import cache


def over_limit(scope: str, key: str, limit: int, window_seconds: int) -> bool:
    """Count one more request for ``key``; True once more than ``limit`` were made in the
    window that began with the first of them."""
    name = f"throttle:{scope}:{key}"
    # add() starts the window only if none is running; incr() is atomic in Redis.
    if cache.add(name, 1, timeout=window_seconds):
        return limit < 1
    try:
        return cache.incr(name) > limit
    except ValueError:  # the window ended between add() and incr()
        cache.add(name, 1, timeout=window_seconds)
        return limit < 1
