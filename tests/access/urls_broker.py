"""The broker's claim page, its requests to the client, and the outside experts, in the access
matrix (format: matrix.py)."""

from .matrix import ACTORS, AUDITORS, BROKERS, EXPERT_READERS, READERS, Url

GRANTORS = frozenset({"manager", "broker"})
CLAIM_HANDLERS = BROKERS | AUDITORS

URLS = [
    #   name                        object            GET may               POST may
    Url("broker_incident",          "incident",       get=BROKERS,          post=BROKERS),
    # Without POST these send back to the claim page.
    Url("request_create",           "incident",       get=BROKERS,          post=BROKERS),
    Url("request_review",           "client_request", get=BROKERS,          post=BROKERS),
    Url("broker_note_add",          "incident",       get=BROKERS,          post=BROKERS),
    Url("request_answer",           "client_request", get=READERS,          post=ACTORS),
    Url("claim_state",              "incident",       get=CLAIM_HANDLERS,   post=CLAIM_HANDLERS),
    Url("expert_grants",            "incident",       get=GRANTORS,         post=GRANTORS),
    Url("expert_revoke",            "expert_grant",   get=GRANTORS,         post=GRANTORS),
    Url("expert_incident",          "incident",       get={"expert"},       post={"expert"}),
    Url("expert_journal",           "incident",       get=EXPERT_READERS,   post=EXPERT_READERS),
    Url("expert_evidence",          "incident",       get=EXPERT_READERS,   post=EXPERT_READERS),
    Url("expert_evidence_download", "evidence",       get=EXPERT_READERS,   post=EXPERT_READERS),
    Url("expert_dossier",           "incident",       get=EXPERT_READERS,   post=EXPERT_READERS),
    Url("expert_dossier_download",  "dossier",        get=EXPERT_READERS,   post=EXPERT_READERS),
]  # fmt: skip
