"""The broker's portfolio page: one address for the page and, through htmx, its results."""

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..portfolio import PortfolioFilter, broker_orgs, overdue_counts, portfolio

PER_PAGE = 25
PLACEHOLDER = "__reference__"
# A deadline closer than this shows as urgent.
SOON = timedelta(hours=24)


def _page(request, queryset):
    """The asked page and a notice: a page that does not exist says so and shows the
    nearest one."""
    paginator = Paginator(queryset, PER_PAGE)
    number = request.GET.get("page") or 1
    try:
        return paginator.page(number), ""
    except PageNotAnInteger:
        return paginator.page(1), _("Ce numéro de page n'est pas valable : voici la première.")
    except EmptyPage:
        notice = _("La page %(n)s n'existe pas : voici la dernière.") % {"n": number}
        return paginator.page(paginator.num_pages), notice


def requests_text(summary) -> str:
    """Open requests, and how many of them wait for the broker's review."""
    if summary is None or not summary.open_requests:
        return "0"
    if not summary.answered_requests:
        return str(summary.open_requests)
    return ngettext(
        "%(open)d, dont %(n)d à vérifier",
        "%(open)d, dont %(n)d à vérifier",
        summary.answered_requests,
    ) % {"open": summary.open_requests, "n": summary.answered_requests}


@login_required
def broker_home(request):
    if not broker_orgs(request.user):
        raise Http404
    now = timezone.now()
    incidents = (
        portfolio(request.user)
        # The companies of the page only, read after the sort rather than joined to every
        # incident of the portfolio before it.
        .select_related("claim_summary")
        .prefetch_related("company")
        .defer("playbook_snapshot", "description")
    )
    # Always bound, even to nothing: the default order is the filter set's too.
    filters = PortfolioFilter(request.GET, queryset=incidents, user=request.user, now=now)
    # An unknown value shows nothing rather than everything: no surprise in a shared link.
    invalid = not filters.is_valid()
    results = incidents.none() if invalid else filters.qs
    page, notice = _page(request, results)
    rows = list(page.object_list)
    late = overdue_counts([incident.pk for incident in rows], now)
    # Two addresses per row, built from one reversed pattern each (reversing per row costs
    # more than the row).
    page_url = reverse("broker_incident", args=[PLACEHOLDER])
    dossier_url = reverse("dossier_list", args=[PLACEHOLDER])
    for incident in rows:
        incident.url = page_url.replace(PLACEHOLDER, incident.reference)
        incident.dossier_url = dossier_url.replace(PLACEHOLDER, incident.reference)
        incident.overdue_steps = late.get(incident.pk, 0)
        incident.summary = getattr(incident, "claim_summary", None)
        due = incident.summary.next_due_at if incident.summary else None
        incident.next_due_at = due
        incident.requests_text = requests_text(incident.summary)
        incident.urgency = (
            "" if due is None else "late" if due <= now else "soon" if due - now < SOON else "ok"
        )
    query = request.GET.copy()
    query.pop("page", None)
    unsorted = query.copy()
    unsorted.pop("sort", None)
    context = {
        "filters": filters,
        "page": page,
        "notice": notice,
        "rows": rows,
        "now": now,
        "query": query.urlencode(),
        "unsorted": unsorted.urlencode(),
        "sort": request.GET.get("sort", ""),
    }
    template = "broker/home.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#results"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response
