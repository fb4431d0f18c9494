"""The bell's count of unread notifications, kept in the cache until it changes.

Every page shows the bell and every open page asks for it again every 30 seconds: the count
is read from the database once, then from the cache until something changes it.

Each user has a generation number in the cache, and the count is kept with the generation
it was read in. Writing a notification or reading one moves its user to a new generation
once it is committed. A count read from the database before that commit carries the old
generation, which no longer matches: a stale count is never shown for longer than it takes
to ask again. The time limit bounds what the generations do not follow: a change of what a
user may see (a membership ended, a policy moved to another broker), or a generation lost
from a full cache. The notification list itself always reads the database.
"""

import time
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction

from ..access import visible_incidents
from ..models import Notification

KEPT_SECONDS = 300


def in_app(user):
    # Someone who left the company keeps no window on its incidents, not even a subject line.
    return Notification.objects.filter(
        user=user,
        channel=Notification.Channel.IN_APP,
        incident__in=visible_incidents(user),
    )


def _generation_key(user_id: int) -> str:
    return f"bell:{user_id}:generation"


def unread_count(user) -> int:
    generation_key, count_key = _generation_key(user.pk), f"bell:{user.pk}:count"
    # One round trip: the user's generation and the count with the generation it was read in.
    found = cache.get_many([generation_key, count_key])
    generation = found.get(generation_key, 0)
    kept = found.get(count_key)
    if kept is not None and kept[0] == generation:
        return kept[1]
    count = in_app(user).filter(read_at__isnull=True).count()
    cache.set(count_key, (generation, count), KEPT_SECONDS)
    return count


def counts_changed(user_ids: Iterable[int]) -> None:
    """The count of these users changes with the current transaction: once it is committed,
    the next bell reads it again."""
    keys = [_generation_key(user_id) for user_id in set(user_ids)]
    if keys:
        transaction.on_commit(lambda: _next_generation(keys))


def _next_generation(keys: list[str]) -> None:
    # The time of the change is the new generation: a value no count was kept under, written
    # in one round trip whatever the number of users.
    cache.set_many(dict.fromkeys(keys, time.time_ns()), None)
