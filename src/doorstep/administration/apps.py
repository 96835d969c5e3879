from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdministrationConfig(AppConfig):
    """Running an office inside the product: staff accounts, units and their members,
    duty offices and responders. No models of its own: it sits above accounts,
    casework and hotline and writes their rows through services (see
    docs/architecture.md, "Administration")."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "doorstep.administration"
    verbose_name = _("Administration")
