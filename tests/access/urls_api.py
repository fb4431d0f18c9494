"""The API (``api:``, by session here; tokens in test_api_tokens.py) and its management pages,
in the access matrix (format: matrix.py). Without a session the API answers 401."""

from .matrix import (
    ANY_AUDITOR,
    ANY_BROKER,
    ANYONE,
    BROKERS,
    NOBODY,
    NOT_ALLOWED,
    READERS,
    SIGNED_IN,
    Url,
)

INTEGRATORS = ANY_BROKER | ANY_AUDITOR  # members of a brokerage or an insurer

URLS = [
    #   name                       object      GET may          POST may
    Url("api_docs",                get=SIGNED_IN,   post=NOT_ALLOWED),
    Url("api_tokens",              get=INTEGRATORS, post=INTEGRATORS),
    Url("api_token_revoke",        "api_token", get=NOT_ALLOWED, post=BROKERS),
    Url("webhook_list",            get=INTEGRATORS, post=INTEGRATORS),
    Url("webhook_detail",          "webhook",   get=BROKERS,     post=NOT_ALLOWED),
    Url("webhook_test",            "webhook",   get=NOT_ALLOWED, post=BROKERS),
    Url("webhook_disable",         "webhook",   get=NOT_ALLOWED, post=BROKERS),
    # The schema is public and answers whatever the method.
    Url("api:openapi-json",        get=ANYONE,      post=ANYONE,      login=False),
    Url("api:incident_list",       get=SIGNED_IN,   post=NOT_ALLOWED),
    Url("api:incident_detail",     "incident",  get=READERS,     post=NOT_ALLOWED),
    Url("api:incident_steps",      "incident",  get=READERS,     post=NOT_ALLOWED),
    Url("api:incident_journal",    "incident",  get=READERS,     post=NOT_ALLOWED),
    Url("api:incident_claim_states", "incident", get=READERS,    post=NOT_ALLOWED),
    Url("api:incident_evidence",   "incident",  get=READERS,     post=NOT_ALLOWED),
    Url("api:incident_coverage",   "incident",  get=READERS,     post=NOT_ALLOWED),
    Url("api:incident_dossiers",   "incident",  get=READERS,     post=NOT_ALLOWED),
    # Ninja's root, without its interactive docs (the documentation page is api_docs).
    Url("api:api-root",            get=NOBODY,      post=NOBODY,      login=False),
]  # fmt: skip
