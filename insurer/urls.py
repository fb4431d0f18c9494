from django.urls import path

from . import views

urlpatterns = [
    path("assureur/", views.insurer_home, name="insurer_home"),
    path("assureur/incidents/", views.insurer_incidents, name="insurer_incidents"),
    path("assureur/export.csv", views.insurer_export_csv, name="insurer_export_csv"),
    path("assureur/rapport/", views.insurer_report, name="insurer_report"),
    path("assureur/verification/", views.insurer_verify, name="insurer_verify"),
    path("assureur/taches/<int:pk>/", views.insurer_task, name="insurer_task"),
    path(
        "assureur/taches/<int:pk>/pdf/", views.insurer_task_download, name="insurer_task_download"
    ),
]
