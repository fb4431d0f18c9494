"""Events of an incident that packages above may act on (the API's webhooks do).

Sent by the incident services inside their transaction, once the change is written: a
receiver that records something (an outbox row) is committed or rolled back with the change.
Every signal is sent with ``incident`` and ``now`` and the arguments named below.

- ``incident_declared``: an incident was opened (``open_incident``).
- ``step_done``: a step was recorded as done (``complete_step``); ``step``.
- ``deadline_missed``: the sweep sent a step's overdue notice; ``step``.
- ``claim_state_changed``: the claim moved from one state to another; ``previous`` and
  ``state`` (values of ``Incident.Status`` or of the claim states that replace them). Defined
  here for the claim's state machine to send; nothing sends it yet.
"""

from django.dispatch import Signal

incident_declared = Signal()
step_done = Signal()
deadline_missed = Signal()
claim_state_changed = Signal()
