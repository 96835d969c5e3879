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
        # A job whose worker was killed stays "running" with no heartbeat: fail it, so
        # that it can be run again and its upload is deleted on schedule.
        periodic.register(
            "registry.import_jobs_fail_stale",
            tasks.import_jobs_fail_stale_task,
            every=dt.timedelta(minutes=5),
        )
