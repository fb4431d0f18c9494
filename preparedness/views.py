"""The preparedness page: the company profile, the crisis cell roster, the emergency directory,
the crisis message templates and the readiness checklist; the broker's read-only view of it.

Every form posts normally (no JavaScript needed) and comes back to the page; a form with
errors is shown again with them, and nothing is saved.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from incident_app import access
from incident_app.models import Membership

from . import services
from .forms import CompanyProfileForm, DirectoryEntryForm, MessageTemplateForm, RosterEntryForm
from .models import DirectoryEntry, MessageTemplate, RosterEntry

FORMS = {
    "profile": CompanyProfileForm,
    "roster": RosterEntryForm,
    "directory": DirectoryEntryForm,
    "template": MessageTemplateForm,
}
ENTRIES = {"roster": RosterEntry, "directory": DirectoryEntry, "template": MessageTemplate}


def _own_company(user):
    """The company the user belongs to (manager or member), else 404."""
    membership = next(
        (m for m in user.current_memberships if m.role in Membership.COMPANY_ROLES), None
    )
    if membership is None:
        raise Http404
    return membership.organisation


def _context(company, user, **bound):
    can_edit = access.company_role(user, company) == Membership.Role.MANAGER
    forms = {
        "profile": CompanyProfileForm(instance=company, prefix="profile"),
        "roster": RosterEntryForm(prefix="roster"),
        "directory": DirectoryEntryForm(prefix="directory"),
        "template": MessageTemplateForm(prefix="template"),
    }
    forms.update(bound)
    return {
        "company": company,
        "can_edit": can_edit,
        "forms": forms,
        "roster": RosterEntry.objects.filter(company=company),
        "directory": DirectoryEntry.objects.filter(company=company),
        "templates": MessageTemplate.objects.filter(company=company),
        "readiness": services.readiness(company),
        "policy": services.current_policy(company),
    }


@require_GET
@login_required
def preparedness(request):
    company = _own_company(request.user)
    return render(request, "preparedness/page.html", _context(company, request.user))


@require_POST
@login_required
def preparedness_save(request, part):
    """Save the profile, or add a roster, directory or template entry: the manager only."""
    company = _own_company(request.user)
    access.require(access.company_role(request.user, company) == Membership.Role.MANAGER)
    if part not in FORMS:
        raise Http404
    if part == "profile":
        form = CompanyProfileForm(request.POST, instance=company, prefix="profile")
    else:
        form = FORMS[part](request.POST, prefix=part)
    if not form.is_valid():
        context = _context(company, request.user, **{part: form})
        return render(request, "preparedness/page.html", context, status=400)
    if part == "profile":
        form.save()
        messages.success(request, _("Profil de l'entreprise enregistré."))
    else:
        entry = form.save(commit=False)
        entry.company = company
        entry.save()
        messages.success(request, _("« %(entry)s » ajouté.") % {"entry": entry})
    return redirect(reverse("preparedness") + f"#{part}")


@require_POST
@login_required
def preparedness_remove(request, part, pk):
    company = _own_company(request.user)
    access.require(access.company_role(request.user, company) == Membership.Role.MANAGER)
    if part not in ENTRIES:
        raise Http404
    entry = get_object_or_404(ENTRIES[part], company=company, pk=pk)
    entry.delete()
    messages.success(request, _("« %(entry)s » retiré.") % {"entry": entry})
    return redirect("preparedness")


@require_GET
@login_required
def client_list(request):
    """The broker's clients, least prepared first: whom to call before an attack does."""
    companies = access.visible_companies(request.user).order_by("name")
    if not request.user.is_staff:
        # A company's own people have the preparedness page; this list is the broker's.
        companies = companies.filter(policies__broker__memberships__user=request.user).distinct()
    rows = sorted(
        ({"company": company, "readiness": services.readiness(company)} for company in companies),
        key=lambda row: (row["readiness"].percent, row["company"].name),
    )
    return render(request, "preparedness/clients.html", {"rows": rows})


@require_GET
@login_required
def client_readiness(request, pk):
    """A client's readiness, read-only: for the company's broker (and staff)."""
    company = get_object_or_404(access.visible_companies(request.user), pk=pk)
    context = _context(company, request.user)
    context["can_edit"] = False
    return render(request, "preparedness/client.html", context)
