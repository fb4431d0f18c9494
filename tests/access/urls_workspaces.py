"""The broker's and the insurer's workspaces, in the access matrix (format: matrix.py).

Both list what ``visible_to`` gives the user in that role: another role sees an empty list.
"""

from .matrix import ANY_BROKER, Url

URLS = [
    #   name            GET may         POST may
    Url("broker_home",  get=ANY_BROKER, post=ANY_BROKER),
]  # fmt: skip
