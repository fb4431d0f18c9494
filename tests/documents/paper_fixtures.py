"""Fixtures of the printable papers: a prepared company, hostile text, the rendering task."""

import pytest

from documents import tasks
from preparedness.models import DirectoryEntry, MessageTemplate, RosterEntry

# Text a victim or an attacker could type, which must print as text and fetch nothing.
HOSTILE = (
    '<img src="file:///etc/passwd"><link rel="stylesheet" href="http://127.0.0.1:9/x.css">'
    "<script>alert(1)</script>{{ 7|add:7 }}"
)


@pytest.fixture
def papers_sent(monkeypatch):
    """The primary keys the paper rendering task was sent, instead of a broker."""
    calls = []
    monkeypatch.setattr(tasks.render_document, "delay", calls.append)
    monkeypatch.setattr(tasks.render_document, "delay_on_commit", calls.append)
    return calls


@pytest.fixture
def prepared_company(company, policy):
    company.legal_name = "Menuiserie Lefèvre SARL"
    company.registration_number = "123 456 789"
    company.address = "4 rue des Tanneurs\n67000 Strasbourg"
    company.department = "67"
    company.legal_representative = "Claire Lefèvre, gérante"
    company.dpo_contact = "Karim Benali, dpo@lefevre.example, 03 88 00 00 00"
    company.sector = "Menuiserie"
    company.save()
    RosterEntry.objects.create(
        company=company,
        name="Claire Lefèvre",
        role="Direction",
        mobile="+33612345678",
        may_call_hotline=True,
    )
    RosterEntry.objects.create(
        company=company, name="Karim Benali", role="Informatique", mobile="+33698765432"
    )
    for kind, name, phone in [
        ("it_provider", "Alsace Info", "+33388112233"),
        ("hosting", "Hébergeur Est", "+33388112234"),
        ("bank_fraud", "Banque du Rhin fraude", "+33388112235"),
        ("lawyer", "Maître Weiss", "+33388112236"),
        ("dpo", "Karim Benali", "+33698765432"),
        ("broker", "Durand Courtage", "+33388112237"),
    ]:
        DirectoryEntry.objects.create(company=company, kind=kind, name=name, phone=phone)
    for audience in ("staff", "clients"):
        MessageTemplate.objects.create(
            company=company, audience=audience, title=f"Message {audience}", body="Texte prêt."
        )
    return company


@pytest.fixture
def fetched(monkeypatch):
    """Every URL the PDF renderer asked its fetcher for."""
    from documents.services.pdf import StaticFilesFetcher

    urls = []
    original = StaticFilesFetcher.fetch

    def recording(self, url, headers=None):
        urls.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(StaticFilesFetcher, "fetch", recording)
    return urls


def only_static(urls) -> bool:
    from documents.services.dossier import STATIC_ORIGIN

    return bool(urls) and all(url.startswith(f"{STATIC_ORIGIN}/static/css/") for url in urls)
