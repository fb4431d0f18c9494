"""The incident pages: declaring, the step-by-step guide, evidence, the crisis cell, notifications."""

from django.urls import include, path

from .views import (
    account,
    app,
    calendar,
    crisis,
    declare,
    evidence,
    home,
    incident,
    invitations,
    notifications,
    reach,
    staff,
    status,
)

urlpatterns = [
    path("", home.home, name="home"),
    path("entreprise/", home.company_home, name="company_home"),
    # Declaring an attack and following it, step by step.
    path("incidents/declarer/", declare.declare, name="incident_declare"),
    path("incidents/<str:reference>/", incident.incident_detail, name="incident_detail"),
    path("incidents/<str:reference>/etapes/<str:key>/", incident.step_detail, name="step_detail"),
    path(
        "incidents/<str:reference>/etapes/<str:key>/faite/",
        incident.step_complete,
        name="step_complete",
    ),
    path(
        "incidents/<str:reference>/etapes/<str:key>/sans-objet/",
        incident.step_not_applicable,
        name="step_not_applicable",
    ),
    path(
        "incidents/<str:reference>/etapes/<str:key>/confier/",
        crisis.step_assign,
        name="step_assign",
    ),
    path("incidents/<str:reference>/faits/", incident.incident_facts, name="incident_facts"),
    path("incidents/<str:reference>/statut/", status.incident_status, name="incident_status"),
    path("incidents/<str:reference>/journal/", incident.journal_note, name="journal_note"),
    path("incidents/<str:reference>/preuves/", evidence.evidence_upload, name="evidence_upload"),
    path(
        "incidents/<str:reference>/preuves/<int:pk>/",
        evidence.evidence_download,
        name="evidence_download",
    ),
    path(
        "incidents/<str:reference>/preuves/<int:pk>/retirer/",
        evidence.evidence_withdraw,
        name="evidence_withdraw",
    ),
    path("incidents/<str:reference>/cellule/", crisis.crisis_cell, name="crisis_cell"),
    path(
        "incidents/<str:reference>/cellule/quitter/",
        invitations.crisis_leave,
        name="crisis_leave",
    ),
    path("invitations/<str:token>/", invitations.cell_invitation, name="cell_invitation"),
    path("incidents/<str:reference>/communication/", crisis.communication, name="communication"),
    path("incidents/<str:reference>/acces-equipe/", staff.staff_access, name="staff_access"),
    path("compte/login/", account.LoginView.as_view(), name="login"),
    path("compte/", include("django.contrib.auth.urls")),
    path("notifications/", notifications.notification_list, name="notifications"),
    path("notifications/cloche/", notifications.notification_bell, name="notification_bell"),
    path(
        "notifications/tout-lu/",
        notifications.notifications_read_all,
        name="notifications_read_all",
    ),
    path("notifications/<int:pk>/lue/", notifications.notification_read, name="notification_read"),
    path(
        "notifications/preferences/",
        notifications.notification_preferences,
        name="notification_preferences",
    ),
    path("calendrier/", calendar.calendar_settings, name="calendar"),
    path("calendrier/<str:token>.ics", calendar.calendar_feed, name="calendar_feed"),
    path("i18n/setlang/", account.set_language, name="set_language"),
    # Reaching people away from the office: SMS, the installed app and its notifications.
    path("compte/mobile/", reach.mobile_start, name="mobile_start"),
    path("compte/mobile/verifier/", reach.mobile_verify, name="mobile_verify"),
    path("compte/mobile/retirer/", reach.mobile_remove, name="mobile_remove"),
    path("notifications/appareils/", reach.push_subscribe, name="push_subscribe"),
    path("notifications/appareils/retirer/", reach.push_unsubscribe, name="push_unsubscribe"),
    path("sms/etat/<str:token>/", reach.sms_status, name="sms_status"),
    path("manifest.webmanifest", app.manifest, name="app_manifest"),
    path("sw.js", app.service_worker, name="service_worker"),
    path("carte-reflexe/", app.reflex_card_page, name="reflex_card"),
]
