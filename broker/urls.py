from django.urls import path

from .views import claim, experts, portfolio

urlpatterns = [
    path("courtier/", portfolio.broker_home, name="broker_home"),
    path("courtier/incidents/<str:reference>/", claim.broker_incident, name="broker_incident"),
    path(
        "courtier/incidents/<str:reference>/demandes/",
        claim.request_create,
        name="request_create",
    ),
    path(
        "courtier/incidents/<str:reference>/demandes/<int:pk>/verifier/",
        claim.request_review,
        name="request_review",
    ),
    path("courtier/incidents/<str:reference>/notes/", claim.note_add, name="broker_note_add"),
    # The company's side, from its incident page.
    path(
        "incidents/<str:reference>/demandes/<int:pk>/repondre/",
        claim.request_answer,
        name="request_answer",
    ),
    path("incidents/<str:reference>/etat-du-sinistre/", claim.claim_state, name="claim_state"),
    path("incidents/<str:reference>/experts/", experts.expert_grants, name="expert_grants"),
    path(
        "incidents/<str:reference>/experts/<int:pk>/retirer/",
        experts.expert_revoke,
        name="expert_revoke",
    ),
    # What an outside expert opens.
    path("expert/<str:reference>/", experts.expert_incident, name="expert_incident"),
    path("expert/<str:reference>/journal/", experts.expert_journal, name="expert_journal"),
    path("expert/<str:reference>/preuves/", experts.expert_evidence, name="expert_evidence"),
    path(
        "expert/<str:reference>/preuves/<int:pk>/",
        experts.expert_evidence_download,
        name="expert_evidence_download",
    ),
    path("expert/<str:reference>/dossier/", experts.expert_dossier, name="expert_dossier"),
    path(
        "expert/<str:reference>/dossier/<int:pk>/",
        experts.expert_dossier_download,
        name="expert_dossier_download",
    ),
]
