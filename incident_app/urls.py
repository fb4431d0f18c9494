from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from .views import home

urlpatterns = [
    path("", home.home, name="home"),
    path("entreprise/", home.company_home, name="company_home"),
    path("courtier/", home.broker_home, name="broker_home"),
    path("assureur/", home.insurer_home, name="insurer_home"),
    path(
        "compte/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("compte/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
]
