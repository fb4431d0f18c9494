"""Events of the incident domain that packages above may act on without being imported here.

``claim_state_changed``: sent once the change is committed, with ``incident``, ``change``
(the ``ClaimStateChange`` row) and ``user``.
"""

from django.dispatch import Signal

claim_state_changed = Signal()
