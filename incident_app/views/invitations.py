"""Answering an invitation to a crisis cell: the invited person accepts or declines.

The link is the only key: whoever holds it sees who invites them and to which company. A
person with no account chooses a password here; one with an account signs in first. Nobody
joins a cell without saying yes here.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import access
from ..models import User
from ..services import crisis as crisis_service


class NewAccountForm(forms.Form):
    first_name = forms.CharField(label=gettext_lazy("Prénom"), max_length=150, required=False)
    password = forms.CharField(
        label=gettext_lazy("Mot de passe"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        max_length=128,
    )

    def clean_password(self):
        password = self.cleaned_data["password"]
        validate_password(password)
        return password


def cell_invitation(request, token):
    invitation = crisis_service.invitation_from_token(token)
    if invitation is None:
        return render(request, "incident_app/invitation.html", {"closed": True}, status=404)
    user = request.user
    has_account = User.objects.filter(email__iexact=invitation.email).exists()
    form = NewAccountForm(request.POST or None)
    error = ""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "decline":
            crisis_service.decline_invitation(invitation)
            messages.info(request, _("Invitation déclinée."))
            return redirect("login")
        if user.is_authenticated:
            try:
                crisis_service.accept_invitation(invitation, user=user)
            except ValidationError as refusal:
                error = " ".join(refusal.messages)
            else:
                messages.success(request, _("Vous avez rejoint la cellule de crise."))
                return redirect("incident_detail", reference=invitation.incident.reference)
        elif not has_account and form.is_valid():
            new_user = crisis_service.create_invited_account(
                invitation,
                password=form.cleaned_data["password"],
                first_name=form.cleaned_data["first_name"],
            )
            crisis_service.accept_invitation(invitation, user=new_user)
            login(request, new_user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Vous avez rejoint la cellule de crise."))
            return redirect("incident_detail", reference=invitation.incident.reference)
    context = {
        "invitation": invitation,
        "has_account": has_account,
        "form": form,
        "error": error,
        "login_url": reverse("login") + "?" + urlencode({"next": request.get_full_path()}),
    }
    return render(
        request,
        "incident_app/invitation.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


@login_required
def crisis_leave(request, reference):
    """A member leaves the company's crisis cell (a manager hands over first)."""
    incident = access.get_visible_incident(request.user, reference)
    if request.method != "POST":
        return redirect("crisis_cell", reference=incident.reference)
    access.require(access.incident_role(request.user, incident) == "member")
    crisis_service.leave_cell(incident, user=request.user)
    messages.success(
        request,
        _("Vous avez quitté la cellule de crise de %(company)s.")
        % {"company": incident.company.name},
    )
    return redirect("home")
