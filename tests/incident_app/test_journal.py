import pytest
from django.core.management import call_command
from django.db import connection

from incident_app.models import JournalEntry, JournalIsAppendOnly, verify_chain

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
    assert verify_chain(incident).seq == 4


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
