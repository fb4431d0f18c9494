"""The claim dossier, in the access matrix (format: matrix.py)."""

from .matrix import ACTORS, ANNOTATORS, NOT_ALLOWED, READERS, STAFF, Url

URLS = [
    #   name                object      GET may       POST may
    Url("dossier_list",     "incident", get=READERS,  post=ANNOTATORS),
    Url("dossier_status",   "dossier",  get=READERS,  post=NOT_ALLOWED),
    Url("dossier_download", "dossier",  get=READERS,  post=NOT_ALLOWED),
]  # fmt: skip

# The reflex sheet and its renderings follow who sees the company.
COMPANY_AND_BROKER = frozenset({"manager", "member", "broker"}) | STAFF

URLS += [
    #   name                        object                GET may       POST may
    Url("reflex_sheet",             "company",            get=COMPANY_AND_BROKER, post=COMPANY_AND_BROKER),
    Url("document_status",          "document",           get=COMPANY_AND_BROKER, post=NOT_ALLOWED),
    Url("document_download",        "document",           get=COMPANY_AND_BROKER, post=NOT_ALLOWED),
    Url("notification_list",        "incident",           get=READERS,     post=ACTORS),
    Url("notification_edit",        "breach_notification", get=READERS,    post=ACTORS),
    Url("notification_pdf",         "breach_notification", get=NOT_ALLOWED, post=ANNOTATORS,
        method_checked_for=READERS),
    Url("notification_acknowledge", "breach_notification", get=NOT_ALLOWED, post=ACTORS,
        method_checked_for=READERS),
    Url("complaint_letter",         "incident",           get=READERS,     post=ACTORS),
    Url("complaint_pdf",            "incident",           get=NOT_ALLOWED, post=ANNOTATORS,
        method_checked_for=READERS),
]  # fmt: skip
