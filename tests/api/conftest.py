"""Tokens of each organisation, and a way to call the API with one."""

import uuid

import pytest

from api.models import ApiToken


@pytest.fixture
def token_for(db):
    """``token_for(organisation)``: the secret of a new token of that organisation."""

    def issue(organisation, user=None):
        from tests.conftest import make_user

        creator = user or make_user(f"it-{uuid.uuid4().hex[:8]}@{organisation.kind}.example")
        _token, raw = ApiToken.issue(organisation=organisation, name="SI", created_by=creator)
        return raw

    return issue


@pytest.fixture
def bearer():
    return lambda raw: {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
