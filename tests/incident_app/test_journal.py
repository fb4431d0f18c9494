import importlib

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from incident_app.models import Incident, JournalEntry, JournalIsAppendOnly, verify_chain

pytestmark = pytest.mark.django_db


def test_it_chains_each_entry_to_the_previous_one(incident, manager):
    first = incident.journal.get(seq=1)
    note = JournalEntry.append(
        incident, JournalEntry.Kind.NOTE, "Serveur débranché.", actor=manager
    )
    assert note.seq == first.seq + 1
    assert note.prev_hash == first.hash
    assert note.hash == note.compute_hash()
    assert verify_chain(incident) is None


def test_it_refuses_to_update_or_delete_entries(incident):
    entry = incident.journal.first()
    entry.text = "réécrit"
    with pytest.raises(JournalIsAppendOnly):
        entry.save()
    with pytest.raises(JournalIsAppendOnly):
        entry.delete()
    with pytest.raises(JournalIsAppendOnly):
        JournalEntry.objects.filter(pk=entry.pk).update(text="réécrit")
    with pytest.raises(JournalIsAppendOnly):
        JournalEntry.objects.filter(pk=entry.pk).delete()


def test_it_catches_an_entry_changed_in_the_database(incident, manager):
    JournalEntry.append(incident, JournalEntry.Kind.NOTE, "Appel à l'assistance.", actor=manager)
    JournalEntry.append(incident, JournalEntry.Kind.NOTE, "Plainte déposée.", actor=manager)
    tampered = incident.journal.get(seq=2)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {JournalEntry._meta.db_table} SET text = %s WHERE id = %s",
            ["Appel à l'assistance (modifié).", tampered.pk],
        )
    broken = verify_chain(incident)
    assert broken is not None and broken.seq == 2


def test_it_catches_a_removed_entry(incident, manager):
    for text in ("un", "deux", "trois"):
        JournalEntry.append(incident, JournalEntry.Kind.NOTE, text, actor=manager)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {JournalEntry._meta.db_table} WHERE incident_id = %s AND seq = 3",
            [incident.pk],
        )
    broken = verify_chain(incident)
    assert broken is not None and broken.gap and not broken.truncated
    assert (broken.seq, broken.last_missing, broken.missing, broken.entry.seq) == (3, 3, 1, 4)


def test_the_command_names_the_first_broken_entry(incident, other_incident, manager, capsys):
    JournalEntry.append(incident, JournalEntry.Kind.NOTE, "note", actor=manager)
    call_command("verify_journal")
    assert "OK" in capsys.readouterr().out
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {JournalEntry._meta.db_table} SET actor_label = %s WHERE incident_id = %s "
            "AND seq = 2",
            ["Quelqu'un d'autre", incident.pk],
        )
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_journal", incident.reference)
    assert exit_info.value.code == 1
    assert f"{incident.reference} #2" in capsys.readouterr().err
    call_command("verify_journal", other_incident.reference)


def delete_entries(incident, *, from_seq=1):
    """Remove entries behind the model's back, as someone with database access could."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {JournalEntry._meta.db_table} WHERE incident_id = %s AND seq >= %s",
            [incident.pk, from_seq],
        )


def test_it_keeps_the_head_of_the_chain_on_the_incident(incident, manager):
    note = JournalEntry.append(incident, JournalEntry.Kind.NOTE, "Box isolée.", actor=manager)
    stored = Incident.objects.get(pk=incident.pk)
    assert (stored.journal_head_seq, stored.journal_head_hash) == (note.seq, note.hash)
    assert verify_chain(stored) is None


def test_it_catches_the_newest_entry_removed(incident, manager):
    for text in ("un", "deux"):
        JournalEntry.append(incident, JournalEntry.Kind.NOTE, text, actor=manager)
    delete_entries(incident, from_seq=3)
    broken = verify_chain(incident)
    assert broken is not None and broken.truncated
    assert (broken.seq, broken.head_seq, broken.missing) == (3, 3, 1)


def test_it_catches_every_entry_removed(incident, manager):
    JournalEntry.append(incident, JournalEntry.Kind.NOTE, "un", actor=manager)
    delete_entries(incident)
    broken = verify_chain(incident)
    assert broken is not None and broken.truncated
    assert (broken.seq, broken.head_seq, broken.missing) == (1, 2, 2)


def test_it_still_catches_the_removed_entry_once_the_journal_goes_on(incident, manager):
    JournalEntry.append(incident, JournalEntry.Kind.NOTE, "Rançon demandée.", actor=manager)
    delete_entries(incident, from_seq=2)
    note = JournalEntry.append(incident, JournalEntry.Kind.NOTE, "Expert sur site.", actor=manager)
    # The chain goes on from the head, not from what remains: the gap stays visible, and
    # the genuine entry after it is not taken for an altered one.
    assert note.seq == 3
    broken = verify_chain(incident)
    assert broken is not None and broken.gap and not broken.truncated
    assert (broken.seq, broken.last_missing, broken.missing) == (2, 2, 1)
    assert broken.entry == note


def test_it_catches_the_newest_entry_rewritten_with_a_valid_chain(incident, manager):
    JournalEntry.append(incident, JournalEntry.Kind.NOTE, "Rançon refusée.", actor=manager)
    last = incident.journal.get(seq=2)
    delete_entries(incident, from_seq=2)
    forged = JournalEntry(
        incident=incident,
        seq=2,
        created_at=last.created_at,
        actor=manager,
        actor_label=last.actor_label,
        kind=last.kind,
        text="Rançon payée.",
        prev_hash=last.prev_hash,
    )
    forged.hash = forged.compute_hash()
    forged.save()
    broken = verify_chain(incident)
    assert broken is not None and not broken.truncated and broken.seq == 2


def test_an_incident_without_entries_is_intact(incident):
    Incident.objects.filter(pk=incident.pk).update(journal_head_seq=0, journal_head_hash="")
    delete_entries(incident)
    assert verify_chain(incident) is None


def test_the_command_says_the_tail_is_missing(incident, other_incident, manager, capsys):
    JournalEntry.append(incident, JournalEntry.Kind.NOTE, "note", actor=manager)
    delete_entries(incident, from_seq=2)
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_journal")
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert f"BROKEN {incident.reference}" in err
    assert "the tail is missing" in err and "ends at #1" in err
    assert other_incident.reference not in err


def test_the_journal_page_says_the_journal_was_truncated(client_for, manager, incident):
    for text in ("un", "deux", "trois"):
        JournalEntry.append(incident, JournalEntry.Kind.NOTE, text, actor=manager)
    delete_entries(incident, from_seq=3)
    response = client_for(manager).get(reverse("journal_note", args=[incident.reference]))
    assert response.status_code == 200
    assert "Le journal a été tronqué" in response.text
    assert "n° 3 à 4" in response.text
    assert "Journal intact" not in response.text


def test_a_full_save_of_a_stale_incident_keeps_the_head(incident, manager):
    stale = Incident.objects.get(pk=incident.pk)
    JournalEntry.append(incident, JournalEntry.Kind.NOTE, "Expert sur site.", actor=manager)
    stale.description = "Serveurs chiffrés."
    stale.save()
    assert verify_chain(incident) is None


def test_the_migration_sets_the_head_from_the_last_entry(incident, manager):
    migration = importlib.import_module("incident_app.migrations.0008_journal_head_from_last_entry")
    JournalEntry.append(incident, JournalEntry.Kind.NOTE, "note", actor=manager)
    Incident.objects.update(journal_head_seq=0, journal_head_hash="")
    migration.set_journal_heads(apps, None)
    assert verify_chain(incident) is None
    assert Incident.objects.get(pk=incident.pk).journal_head_seq == 2


def remove_middle_entries(incident, manager, *, first, last, after=1):
    """Write entries, remove ``first``..``last`` behind the model's back, then go on."""
    for number in range(2, last + 1):
        JournalEntry.append(incident, JournalEntry.Kind.NOTE, f"note {number}", actor=manager)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {JournalEntry._meta.db_table} "
            "WHERE incident_id = %s AND seq BETWEEN %s AND %s",
            [incident.pk, first, last],
        )
    for _ in range(after):
        JournalEntry.append(incident, JournalEntry.Kind.NOTE, "la suite", actor=manager)


def test_the_journal_page_says_which_entries_were_removed(client_for, manager, incident):
    remove_middle_entries(incident, manager, first=2, last=4)
    response = client_for(manager).get(reverse("journal_note", args=[incident.reference]))
    assert response.status_code == 200
    assert "Des entrées ont été retirées du journal : n° 2 à 4." in response.text
    assert "rompue à l’entrée" not in response.text
    assert "tronqué" not in response.text
    assert "Journal intact" not in response.text


def test_the_journal_page_says_which_entry_was_removed(client_for, manager, incident):
    remove_middle_entries(incident, manager, first=2, last=2)
    response = client_for(manager).get(reverse("journal_note", args=[incident.reference]))
    assert "L’entrée n° 2 a été retirée du journal." in response.text
    assert "rompue à l’entrée" not in response.text


def test_the_command_says_which_entries_were_removed(incident, other_incident, manager, capsys):
    remove_middle_entries(incident, manager, first=2, last=3)
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_journal")
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert f"BROKEN {incident.reference}: entries #2 to #3 are missing before #4" in err
    assert other_incident.reference not in err


def test_the_dossier_says_which_entries_were_removed(eventful_incident, manager, sent):
    from documents.services import dossier as dossier_service
    from tests.documents.dossier_fixtures import pdf_bytes, pdf_text

    head = Incident.objects.get(pk=eventful_incident.pk).journal_head_seq
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {JournalEntry._meta.db_table} WHERE incident_id = %s AND seq = %s",
            [eventful_incident.pk, head - 1],
        )
    dossier, _ = dossier_service.request_dossier(eventful_incident, manager)
    text = pdf_text(pdf_bytes(dossier_service.render_dossier(dossier.pk)))
    assert "Vérification du journal : chaîne rompue." in text
    assert f"L’entrée n° {head - 1} a été retirée du journal." in text
    assert "modifié après coup" not in text


def test_it_goes_on_after_an_entry_written_without_moving_the_head(incident, manager):
    # During an upgrade, a worker still running the release from before the head existed
    # appends as it always did: after the last entry, leaving the head behind.
    last = incident.journal.order_by("-seq").first()
    old_release = JournalEntry(
        incident=incident,
        seq=last.seq + 1,
        created_at=timezone.now(),
        actor_label="Riposte",
        kind=JournalEntry.Kind.REMINDER_SENT,
        text="Rappel envoyé.",
        prev_hash=last.hash,
    )
    old_release.hash = old_release.compute_hash()
    old_release.save()
    assert Incident.objects.get(pk=incident.pk).journal_head_seq == last.seq
    # Not tampering: it chains on from the head.
    assert verify_chain(incident) is None

    note = JournalEntry.append(incident, JournalEntry.Kind.NOTE, "Expert sur site.", actor=manager)

    assert (note.seq, note.prev_hash) == (old_release.seq + 1, old_release.hash)
    stored = Incident.objects.get(pk=incident.pk)
    assert (stored.journal_head_seq, stored.journal_head_hash) == (note.seq, note.hash)
    assert verify_chain(incident) is None
