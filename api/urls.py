"""The API (its own namespace ``api``, from django-ninja) and its management pages."""

from django.urls import path

from . import views
from .api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("api/documentation/", views.api_docs, name="api_docs"),
    path("api/jetons/", views.api_tokens, name="api_tokens"),
    path("api/jetons/<int:pk>/revoquer/", views.api_token_revoke, name="api_token_revoke"),
    path("api/webhooks/", views.webhook_list, name="webhook_list"),
    path("api/webhooks/<int:pk>/", views.webhook_detail, name="webhook_detail"),
    path("api/webhooks/<int:pk>/test/", views.webhook_test, name="webhook_test"),
    path("api/webhooks/<int:pk>/desactiver/", views.webhook_disable, name="webhook_disable"),
]
