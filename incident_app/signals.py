"""Events of the incident domain that packages above may act on (the API's webhooks do)
without being imported here.

Every signal is sent with ``incident`` and ``now`` and the arguments named below.

- ``incident_declared``: an incident was opened (``open_incident``), inside its transaction.
- ``step_done``: a step was recorded as done (``complete_step``), inside its transaction;
  ``step``.
- ``deadline_missed``: the sweep sent a step's overdue notice, inside its transaction; ``step``.
- ``claim_state_changed``: the claim moved from one state to another
  (``change_claim_state``), inside its transaction; ``change`` (the ``ClaimStateChange`` row, with the previous and new state),
  ``user``, ``previous`` and ``state``.
"""

from django.dispatch import Signal

incident_declared = Signal()
step_done = Signal()
deadline_missed = Signal()
claim_state_changed = Signal()
