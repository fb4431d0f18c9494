"""The claim dossier, in the access matrix (format: matrix.py)."""

from .matrix import ANNOTATORS, NOT_ALLOWED, READERS, Url

URLS = [
    #   name                object      GET may       POST may
    Url("dossier_list",     "incident", get=READERS,  post=ANNOTATORS),
    Url("dossier_status",   "dossier",  get=READERS,  post=NOT_ALLOWED),
    Url("dossier_download", "dossier",  get=READERS,  post=NOT_ALLOWED),
]  # fmt: skip
