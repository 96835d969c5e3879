from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "doorstep.privacy"
    label = "privacy"
    verbose_name = _("privacy")

    def ready(self) -> None:
        # Periodic work, enqueued by `manage.py run_periodic` and run by `db_worker`.
        from doorstep.core import periodic
        from doorstep.privacy import tasks

        # At night, after the schedule recomputation (01:00): the retention rule
        # counts in days, so once a day is exact.
        periodic.register(
            "privacy.anonymise_expired", tasks.anonymise_expired_task, daily_at_hour=2
        )
