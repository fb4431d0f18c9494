from django.urls import path

from . import views

urlpatterns = [
    path("courtier/", views.broker_home, name="broker_home"),
]
