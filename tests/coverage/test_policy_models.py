from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from coverage.models import Guarantee, Policy

pytestmark = pytest.mark.django_db


def test_it_stores_the_hotline_in_e164_and_formats_it(other_policy):
    other_policy.refresh_from_db()
    assert str(other_policy.hotline) == "+35247614444"
    assert other_policy.hotline.as_international == "+352 47 61 44 44"
    assert other_policy.hotline.as_national == "47 61 44 44"
    assert other_policy.hotline_tel_uri == "tel:+35247614444"


def test_it_rejects_a_hotline_that_is_not_a_phone_number(policy):
    policy.hotline = "12"
    with pytest.raises(ValidationError) as error:
        policy.full_clean()
    assert "hotline" in error.value.message_dict


def test_it_refuses_a_declaration_delay_under_five_working_days(policy):
    policy.claim_declaration_days = 3
    with pytest.raises(ValidationError) as error:
        policy.full_clean()
    assert "claim_declaration_days" in error.value.message_dict
    with pytest.raises(IntegrityError):
        Policy.objects.filter(pk=policy.pk).update(claim_declaration_days=3)


def test_it_refuses_an_end_before_the_start(policy):
    policy.ends_on = date(2025, 12, 31)
    with pytest.raises(ValidationError):
        policy.full_clean()


def test_it_refuses_a_sublimit_above_the_limit(policy):
    guarantee = policy.guarantees.get(kind=Guarantee.Kind.FORENSIC)
    guarantee.sublimit = guarantee.limit + 1
    with pytest.raises(ValidationError) as error:
        guarantee.full_clean()
    assert "sublimit" in error.value.message_dict
