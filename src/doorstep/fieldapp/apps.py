from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldappConfig(AppConfig):
    name = "doorstep.fieldapp"
    label = "fieldapp"
    verbose_name = _("Field app")
    default_auto_field = "django.db.models.BigAutoField"
