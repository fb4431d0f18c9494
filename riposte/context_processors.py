from django.conf import settings


def riposte(request):
    return {"SITE_URL": settings.SITE_URL}
