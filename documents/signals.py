"""Events of the documents that packages above may act on.

- ``dossier_ready``: a claim dossier was rendered, stored and journaled; sent with
  ``dossier`` and ``incident`` inside the transaction that marks it ready.
"""

from django.dispatch import Signal

dossier_ready = Signal()
