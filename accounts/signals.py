"""Sign-in remembers whether a second factor is due; a new role that requires one signs the
account out everywhere."""

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save
from django.dispatch import receiver

from incident_app.models import Membership

from . import two_factor
from .sessions import sign_out_everywhere


@receiver(user_logged_in, dispatch_uid="accounts.two_factor_at_sign_in")
def remember_whether_two_factor_is_due(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[two_factor.SESSION_KEY] = two_factor.needs_two_factor(user)


@receiver(post_save, sender=Membership, dispatch_uid="accounts.role_requiring_two_factor")
def sign_out_on_a_role_requiring_two_factor(sender, instance, created, **kwargs):
    # Sessions opened before the role did not need a second factor and say so: they end.
    if instance.role in two_factor.ROLES_REQUIRING and not kwargs.get("raw"):
        sign_out_everywhere(instance.user)
