"""Signing in and choosing a language, which a signed-in user keeps on their account."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.views import i18n


def set_language(request):
    """Django's language switch; a signed-in user's choice is also kept on their account.

    Pages follow the language cookie, but e-mails, in-app notifications and the calendar
    feed are made away from any request and read ``User.language``.
    """
    response = i18n.set_language(request)
    language = request.POST.get(i18n.LANGUAGE_QUERY_PARAMETER)
    if (
        request.method == "POST"
        and request.user.is_authenticated
        and language in dict(settings.LANGUAGES)
        and request.user.language != language
    ):
        request.user.language = language
        request.user.save(update_fields=["language"])
    return response


class LoginView(auth_views.LoginView):
    """Signing in brings back a language chosen on the account, on whatever device.

    French is everyone's language until they choose another: an account still on French
    follows the browser, as before signing in. A language chosen otherwise wins over a cookie
    left on the device, which may be someone else's choice.
    """

    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        if self.request.user.language == settings.LANGUAGE_CODE:
            return response
        # LocaleMiddleware reads the cookie before Accept-Language: the next page follows it.
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            self.request.user.language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
        return response
