"""Signing in safely: the second factor, the account's security, the password reset."""

from django.urls import path

from . import views

urlpatterns = [
    # Before django.contrib.auth's own (riposte/urls.py includes this file first).
    path("compte/password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("compte/double-authentification/", views.two_factor_verify, name="two_factor_verify"),
    path(
        "compte/double-authentification/application/",
        views.two_factor_setup,
        name="two_factor_setup",
    ),
    path(
        "compte/double-authentification/codes-de-secours/",
        views.recovery_codes,
        name="recovery_codes",
    ),
    path(
        "compte/double-authentification/desactiver/",
        views.two_factor_off,
        name="two_factor_off",
    ),
    path("compte/securite/", views.security, name="security"),
    path("compte/deconnexion-partout/", views.sign_out_everywhere, name="sign_out_everywhere"),
]
