from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LivelihoodsConfig(AppConfig):
    name = "doorstep.livelihoods"
    label = "livelihoods"
    verbose_name = _("livelihoods")
