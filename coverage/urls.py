"""What the policy pays and what keeps the cover."""

from django.urls import path

from . import views

urlpatterns = [
    path("incidents/<str:reference>/couverture/", views.coverage_summary, name="coverage_summary"),
    path(
        "incidents/<str:reference>/couverture/resume.json",
        views.coverage_summary_json,
        name="coverage_summary_json",
    ),
    path("incidents/<str:reference>/couverture/couts/", views.cost_add, name="cost_add"),
    path(
        "incidents/<str:reference>/couverture/couts/<int:pk>/facture/",
        views.cost_invoice,
        name="cost_invoice",
    ),
    path(
        "incidents/<str:reference>/couverture/couts/<int:pk>/retirer/",
        views.cost_withdraw,
        name="cost_withdraw",
    ),
    path(
        "incidents/<str:reference>/couverture/interruption/",
        views.interruption_edit,
        name="interruption_edit",
    ),
    path(
        "incidents/<str:reference>/couverture/conditions/<int:pk>/attester/",
        views.condition_attest,
        name="condition_attest",
    ),
]
