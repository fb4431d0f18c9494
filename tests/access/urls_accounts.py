"""The second factor and the account's security, in the access matrix (format: matrix.py).
None takes an object: each acts on the signed-in account."""

from .matrix import NOT_ALLOWED, SIGNED_IN, Url

URLS = [
    #   name                  GET may          POST may
    Url("two_factor_verify",  get=SIGNED_IN,   post=SIGNED_IN),
    Url("two_factor_setup",   get=SIGNED_IN,   post=SIGNED_IN),
    Url("recovery_codes",     get=NOT_ALLOWED, post=SIGNED_IN),
    # Brokers, auditors and staff must keep it: they are sent back to the security page with
    # a message and nothing changes (tests/accounts); an access matter for nobody else.
    Url("two_factor_off",     get=NOT_ALLOWED, post=SIGNED_IN),
    Url("security",           get=SIGNED_IN,   post=NOT_ALLOWED),
    Url("sign_out_everywhere", get=NOT_ALLOWED, post=SIGNED_IN),
]  # fmt: skip
