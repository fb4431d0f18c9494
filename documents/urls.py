"""The claim dossier: asked for, rendered by the worker, downloaded."""

from django.urls import path

from . import views

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
]
