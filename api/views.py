"""Pages where a broker's or an insurer's people manage their organisation's API tokens and
webhooks, and read the API's documentation.

Only the broker and auditor members of an organisation manage its tokens and webhooks; a
token or webhook of another organisation is a 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from incident_app.models import Membership, Organisation

from .forms import TokenForm, WebhookForm
from .models import ApiToken, WebhookDelivery, WebhookEndpoint
from .services import webhooks

MANAGING_ROLES = {Membership.Role.BROKER, Membership.Role.AUDITOR}


def managed_organisations(user) -> list[Organisation]:
    ids = [m.organisation_id for m in user.current_memberships if m.role in MANAGING_ROLES]
    return list(Organisation.objects.filter(pk__in=ids))


def _managed_or_404(request) -> list[Organisation]:
    organisations = managed_organisations(request.user)
    if not organisations:
        raise Http404
    return organisations


@require_GET
@login_required
def api_docs(request):
    """How to call the API and check a webhook's signature; the OpenAPI description beside."""
    return render(request, "api/docs.html", {"events": WebhookEndpoint.Event.choices})


@login_required
def api_tokens(request):
    """The organisation's tokens; a new one (POST) is shown once, in this answer only."""
    organisations = _managed_or_404(request)
    form = TokenForm(request.POST or None, organisations=organisations)
    new_token = None
    if request.method == "POST" and form.is_valid():
        _token, new_token = ApiToken.issue(
            organisation=form.cleaned_data["organisation"],
            name=form.cleaned_data["name"].strip(),
            created_by=request.user,
        )
        form = TokenForm(organisations=organisations)
    tokens = ApiToken.objects.filter(organisation__in=organisations).select_related(
        "organisation", "created_by"
    )
    response = render(
        request,
        "api/tokens.html",
        {"form": form, "tokens": tokens, "new_token": new_token},
        status=400 if request.method == "POST" and new_token is None else 200,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@login_required
def api_token_revoke(request, pk):
    organisations = _managed_or_404(request)
    token = get_object_or_404(ApiToken, pk=pk, organisation__in=organisations)
    if token.revoked_at is None:
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        messages.success(request, _("Jeton « %(name)s » révoqué.") % {"name": token.name})
    return redirect("api_tokens")


@login_required
def webhook_list(request):
    """The organisation's webhooks; a new one (POST) shows its signing secret once."""
    organisations = _managed_or_404(request)
    form = WebhookForm(request.POST or None, organisations=organisations)
    created = None
    if request.method == "POST" and form.is_valid():
        created = WebhookEndpoint.objects.create(
            organisation=form.cleaned_data["organisation"],
            url=form.cleaned_data["url"],
            events=form.cleaned_data["events"],
            secret=WebhookEndpoint.new_secret(),
            created_by=request.user,
        )
        form = WebhookForm(organisations=organisations)
    endpoints = WebhookEndpoint.objects.filter(organisation__in=organisations).select_related(
        "organisation"
    )
    response = render(
        request,
        "api/webhooks.html",
        {"form": form, "endpoints": endpoints, "created": created},
        status=400 if request.method == "POST" and created is None else 200,
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _endpoint_or_404(request, pk) -> WebhookEndpoint:
    organisations = _managed_or_404(request)
    return get_object_or_404(
        WebhookEndpoint.objects.select_related("organisation"),
        pk=pk,
        organisation__in=organisations,
    )


@require_GET
@login_required
def webhook_detail(request, pk):
    """The delivery log of one webhook, newest first."""
    endpoint = _endpoint_or_404(request, pk)
    page = Paginator(
        WebhookDelivery.objects.filter(endpoint=endpoint).order_by("-created_at", "-pk"), 50
    ).get_page(request.GET.get("page"))
    return render(request, "api/webhook_detail.html", {"endpoint": endpoint, "page": page})


@require_POST
@login_required
def webhook_test(request, pk):
    """Send a signed ``ping`` now (through the worker) and show it in the log."""
    endpoint = _endpoint_or_404(request, pk)
    if not endpoint.active:
        raise Http404
    webhooks.send_test(endpoint)
    messages.info(request, _("Envoi de test demandé : son résultat s'affiche dans le journal."))
    return redirect("webhook_detail", pk=endpoint.pk)


@require_POST
@login_required
def webhook_disable(request, pk):
    endpoint = _endpoint_or_404(request, pk)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(active=False)
    messages.success(request, _("Webhook désactivé : plus rien ne lui sera envoyé."))
    return redirect("webhook_list")
