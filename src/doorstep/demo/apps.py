from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Synthetic regions and the demo data set (no models)."""

    name = "doorstep.demo"
    verbose_name = _("Demo and synthetic data")
