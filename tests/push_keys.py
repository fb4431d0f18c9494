"""Keys for Web Push tests: the server's VAPID pair and a device's encryption keys."""

import base64
import os

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _public(key) -> str:
    return b64url(
        key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
    )


def vapid_pair() -> tuple[str, str]:
    """(public key for the browser, private key PEM for the server)."""
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return _public(key), pem


def device_keys() -> dict:
    """What a browser's PushSubscription.toJSON() gives as keys."""
    return {
        "p256dh": _public(ec.generate_private_key(ec.SECP256R1())),
        "auth": b64url(os.urandom(16)),
    }
