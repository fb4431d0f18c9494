from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Riposte"

    def ready(self):
        from django.contrib.auth import signals

        from . import security

        def signed_in(sender, request, user, **kwargs):
            security.record(security.Kind.SIGN_IN, request, user=user)

        def sign_in_failed(sender, credentials, request=None, **kwargs):
            # Django masks the password in ``credentials``; only the typed address is kept.
            username = credentials.get("username") or credentials.get("email") or ""
            security.record(security.Kind.SIGN_IN_FAILED, request, username=str(username))

        def signed_out(sender, request, user, **kwargs):
            security.record(security.Kind.SIGN_OUT, request, user=user)

        signals.user_logged_in.connect(signed_in, dispatch_uid="security-sign-in")
        signals.user_login_failed.connect(sign_in_failed, dispatch_uid="security-sign-in-failed")
        signals.user_logged_out.connect(signed_out, dispatch_uid="security-sign-out")
