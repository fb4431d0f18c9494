from django.urls import path

from . import views

urlpatterns = [
    path("assureur/", views.insurer_home, name="insurer_home"),
]
