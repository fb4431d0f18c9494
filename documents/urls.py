"""The papers: the claim dossier, the reflex sheet, the data-protection notification, the
complaint letter; asked for, rendered by the worker, downloaded."""

from django.urls import path

from . import paper_views, views

urlpatterns = [
    path("incidents/<str:reference>/dossier/", views.dossier_list, name="dossier_list"),
    path(
        "incidents/<str:reference>/dossier/<int:pk>/",
        views.dossier_status,
        name="dossier_status",
    ),
    path(
        "incidents/<str:reference>/dossier/<int:pk>/pdf/",
        views.dossier_download,
        name="dossier_download",
    ),
    path("documents/<int:pk>/", paper_views.document_status, name="document_status"),
    path("documents/<int:pk>/pdf/", paper_views.document_download, name="document_download"),
    path("entreprises/<int:pk>/fiche-reflexe/", paper_views.reflex_sheet, name="reflex_sheet"),
    path(
        "incidents/<str:reference>/notification/",
        paper_views.notification_list,
        name="notification_list",
    ),
    path(
        "incidents/<str:reference>/notification/<int:pk>/",
        paper_views.notification_edit,
        name="notification_edit",
    ),
    path(
        "incidents/<str:reference>/notification/<int:pk>/pdf/",
        paper_views.notification_pdf,
        name="notification_pdf",
    ),
    path(
        "incidents/<str:reference>/notification/<int:pk>/accuse/",
        paper_views.notification_acknowledge,
        name="notification_acknowledge",
    ),
    path(
        "incidents/<str:reference>/plainte/", paper_views.complaint_letter, name="complaint_letter"
    ),
    path(
        "incidents/<str:reference>/plainte/pdf/",
        paper_views.complaint_pdf,
        name="complaint_pdf",
    ),
]
