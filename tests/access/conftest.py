import pytest


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Ten accounts per case: hashing their passwords at full strength would be most of it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
