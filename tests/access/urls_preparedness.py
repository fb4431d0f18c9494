"""Before any attack: the preparedness page and the clients' readiness (format: matrix.py)."""

from .matrix import COMPANY_PEOPLE, MANAGERS, NOT_ALLOWED, SIGNED_IN, STAFF, Url

# The company's own people, its broker, and staff (who see every company).
COMPANY_AND_BROKER = frozenset({"manager", "member", "broker"}) | STAFF

URLS = [
    #   name                   object          GET may              POST may
    Url("preparedness",        get=COMPANY_PEOPLE, post=NOT_ALLOWED),
    Url("preparedness_save",   "part",         get=NOT_ALLOWED,     post={"manager", "outsider"}),
    Url("preparedness_remove", "roster_entry", get=NOT_ALLOWED,     post=MANAGERS),
    Url("client_list",         get=SIGNED_IN,  post=NOT_ALLOWED),
    Url("client_readiness",    "company",      get=COMPANY_AND_BROKER, post=NOT_ALLOWED),
]  # fmt: skip
