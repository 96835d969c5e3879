import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "doorstep.registry"
    label = "registry"
    verbose_name = _("registry")

    def ready(self) -> None:
        # Periodic work, enqueued by `manage.py run_periodic` and run by `db_worker`.
        from doorstep.core import periodic
        from doorstep.registry import tasks

        periodic.register(
            "registry.import_files_delete_stale",
            tasks.import_files_delete_stale,
            every=dt.timedelta(hours=1),
        )
