"""The broker's portfolio: the incidents under the policies the broker placed, filtered,
searched and sorted, "what needs the broker first" unless asked otherwise."""

import django_filters
from django import forms
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coverage.models import Policy
from incident_app.access import visible_incidents
from incident_app.models import Incident, Membership, Organisation, Step


def broker_orgs(user) -> list[int]:
    """The brokerages the user works for."""
    if not user.is_authenticated:
        return []
    return [m.organisation_id for m in user.current_memberships if m.role == Membership.Role.BROKER]


def portfolio(user):
    """The incidents under the policies the user's brokerages placed, and only those.

    The policies are read first and named by id: the incidents' index on their policy then
    finds a brokerage's few thousand incidents among all, where the join with the policies
    that ``visible_to`` alone implies reads every incident of the platform.
    """
    policies = list(
        Policy.objects.filter(broker_id__in=broker_orgs(user)).values_list("pk", flat=True)
    )
    return visible_incidents(user).filter(policy_id__in=policies)


SORTS = {
    # Overdue steps first, then answers waiting for review, then the nearest deadline.
    "priority": None,
    "discovered": ("-discovered_at", "-pk"),
    "discovered_asc": ("discovered_at", "pk"),
    "deadline": (F("claim_summary__next_due_at").asc(nulls_last=True), "-pk"),
    "completeness": (F("claim_summary__percent").asc(nulls_first=True), "-discovered_at", "-pk"),
    "state": ("status", "-discovered_at", "-pk"),
}


def by_priority(queryset, now):
    overdue = Case(
        When(claim_summary__next_due_at__lte=now, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    return queryset.annotate(overdue_first=overdue).order_by(
        "-overdue_first",
        F("claim_summary__answered_requests").desc(nulls_last=True),
        F("claim_summary__next_due_at").asc(nulls_last=True),
        "-discovered_at",
        "-pk",
    )


YES = [("1", _("Oui"))]


class DateInput(forms.DateInput):
    input_type = "date"


ALL = _("Tous")


class PortfolioFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Entreprise ou référence"))
    state = django_filters.ChoiceFilter(
        field_name="status",
        choices=Incident.Status.choices,
        label=_("État du sinistre"),
        empty_label=ALL,
    )
    kind = django_filters.ChoiceFilter(
        method="of_kind", choices=Incident.Kind.choices, label=_("Nature"), empty_label=ALL
    )
    country = django_filters.ChoiceFilter(
        field_name="company__country",
        choices=Organisation.Country.choices,
        label=_("Pays"),
        empty_label=ALL,
    )
    company = django_filters.ModelChoiceFilter(
        queryset=Organisation.objects.none(), label=_("Entreprise"), empty_label=ALL
    )
    overdue = django_filters.ChoiceFilter(
        method="with_overdue", choices=YES, label=_("Étapes en retard"), empty_label=ALL
    )
    incomplete = django_filters.ChoiceFilter(
        method="incomplete_only", choices=YES, label=_("Dossier incomplet"), empty_label=ALL
    )
    requests = django_filters.ChoiceFilter(
        method="with_requests", choices=YES, label=_("Demandes en cours"), empty_label=ALL
    )
    discovered_from = django_filters.DateFilter(
        field_name="discovered_at",
        lookup_expr="date__gte",
        label=_("Découvert du"),
        widget=DateInput,
    )
    discovered_to = django_filters.DateFilter(
        field_name="discovered_at", lookup_expr="date__lte", label=_("au"), widget=DateInput
    )
    sort = django_filters.ChoiceFilter(
        method="sorted_by",
        label=_("Trier par"),
        empty_label=_("Ce qui m'attend d'abord"),
        choices=[
            ("discovered", _("Découverte, récentes d'abord")),
            ("discovered_asc", _("Découverte, anciennes d'abord")),
            ("deadline", _("Prochaine échéance")),
            ("completeness", _("Complétude, la plus faible d'abord")),
            ("state", _("État du sinistre")),
        ],
    )

    class Meta:
        model = Incident
        fields: list[str] = []

    def __init__(self, *args, user, now=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = now or timezone.now()
        # The broker's clients, without a join that would need DISTINCT.
        clients = Policy.objects.filter(broker_id__in=broker_orgs(user)).values("company_id")
        self.filters["company"].queryset = Organisation.objects.filter(
            kind=Organisation.Kind.COMPANY, pk__in=clients
        ).only("pk", "name")

    def controls(self) -> list[dict]:
        """The form's fields as the page draws them: Django's widget templates render each
        option of each list through the template engine, which costs more than the rest of
        the page with a hundred clients in the list."""
        result = []
        for field in self.form:
            value = field.value()
            value = "" if value is None else str(value)
            control = {
                "name": field.html_name,
                "id": field.id_for_label,
                "label": field.label,
                "value": value,
                "type": "select",
            }
            if hasattr(field.field, "choices"):
                control["options"] = [
                    (str(key), str(label), str(key) == value) for key, label in field.field.choices
                ]
            else:
                control["type"] = getattr(field.field.widget, "input_type", "text")
            result.append(control)
        return result

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(company__name__icontains=value) | Q(reference__icontains=value))

    def of_kind(self, queryset, name, value):
        # The kinds are a JSON list: match the quoted code, which works on every database.
        return queryset.filter(kinds__icontains=f'"{value}"')

    def with_overdue(self, queryset, name, value):
        return queryset.filter(claim_summary__next_due_at__lte=self.now)

    def incomplete_only(self, queryset, name, value):
        return queryset.filter(claim_summary__percent__lt=100)

    def with_requests(self, queryset, name, value):
        return queryset.filter(claim_summary__open_requests__gt=0)

    def sorted_by(self, queryset, name, value):
        # Applied in ``filter_queryset`` after the filters, whatever their order.
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        sort = self.form.cleaned_data.get("sort") or "priority"
        if SORTS.get(sort) is None:
            return by_priority(queryset, self.now)
        return queryset.order_by(*SORTS[sort])


def overdue_counts(incident_ids: list[int], now) -> dict[int, int]:
    """How many steps are overdue, for the incidents of one page."""
    from django.db.models import Count

    rows = (
        Step.objects.filter(
            incident_id__in=incident_ids, status="todo", applicable=True, due_at__lte=now
        )
        # No default ordering: it would join the incidents to order by their discovery.
        .order_by()
        .values("incident_id")
        .annotate(n=Count("pk"))
    )
    return {row["incident_id"]: row["n"] for row in rows}
