"""What the policy pays, in the access matrix (format: matrix.py)."""

from .matrix import ANNOTATORS, MANAGERS, NOT_ALLOWED, READERS, Url

URLS = [
    #   name                     object       GET may       POST may
    Url("coverage_summary",      "incident",  get=READERS,  post=READERS),
    Url("coverage_summary_json", "incident",  get=READERS,  post=NOT_ALLOWED),
    Url("cost_add",              "incident",  get=READERS,  post=ANNOTATORS),
    Url("cost_invoice",          "cost",      get=READERS,  post=NOT_ALLOWED),
    Url("cost_withdraw",         "cost",      get=READERS,  post=ANNOTATORS),
    Url("interruption_edit",     "incident",  get=READERS,  post=ANNOTATORS),
    Url("condition_attest",      "guarantee", get=READERS,  post=MANAGERS),
]  # fmt: skip
