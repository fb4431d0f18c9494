"""Asking for a claim dossier: the next version, pending, its task sent once committed."""

import pytest
from django.utils import timezone

from documents.models import ClaimDossier
from documents.services import dossier as dossier_service

pytestmark = pytest.mark.django_db


def test_it_adds_a_pending_version_and_sends_the_task_after_commit(
    incident, manager, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        dossier, created = dossier_service.request_dossier(incident, manager)
        assert sent == []  # nothing leaves before the row is committed
    assert created is True
    assert (dossier.version, dossier.status, dossier.progress) == (1, "pending", 0)
    assert dossier.requested_by == manager
    assert len(callbacks) == 1
    callbacks[0]()
    assert sent == [dossier.pk]


def test_it_returns_the_dossier_under_way_instead_of_a_second(
    incident, manager, broker, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first, _ = dossier_service.request_dossier(incident, manager)
        again, created = dossier_service.request_dossier(incident, broker)
    assert created is False
    assert again == first
    assert ClaimDossier.objects.filter(incident=incident).count() == 1
    assert sent == [first.pk]


def test_it_numbers_versions_after_the_last_one(incident, manager, sent):
    first, _ = dossier_service.request_dossier(incident, manager)
    ClaimDossier.objects.filter(pk=first.pk).update(status="ready")
    second, created = dossier_service.request_dossier(incident, manager)
    ClaimDossier.objects.filter(pk=second.pk).update(status="failed")
    third, _ = dossier_service.request_dossier(incident, manager)
    assert created is True
    assert [first.version, second.version, third.version] == [1, 2, 3]


def test_it_sends_a_stuck_dossier_again_rather_than_a_new_version(
    incident, manager, sent, django_capture_on_commit_callbacks
):
    dossier, _ = dossier_service.request_dossier(incident, manager)
    later = timezone.now() + dossier_service.STALE_PENDING * 2
    with django_capture_on_commit_callbacks(execute=True):
        again, created = dossier_service.request_dossier(incident, manager, now=later)
    assert (again, created) == (dossier, False)
    assert sent == [dossier.pk]
    assert dossier_service.looks_stuck(dossier, later)
    assert not dossier_service.looks_stuck(dossier)
