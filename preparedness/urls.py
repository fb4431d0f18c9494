"""Before any attack: the preparedness page, and each client's readiness for its broker."""

from django.urls import path

from . import views

urlpatterns = [
    path("preparation/", views.preparedness, name="preparedness"),
    path(
        "preparation/<str:part>/",
        views.preparedness_save,
        name="preparedness_save",
    ),
    path(
        "preparation/<str:part>/<int:pk>/retirer/",
        views.preparedness_remove,
        name="preparedness_remove",
    ),
    path("clients/preparation/", views.client_list, name="client_list"),
    path("clients/<int:pk>/preparation/", views.client_readiness, name="client_readiness"),
]
