import datetime as dt

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "doorstep.core"
    label = "core"

    def ready(self) -> None:
        # Periodic work, enqueued by `manage.py run_periodic` and run by `db_worker`.
        from doorstep.core import periodic, tasks

        periodic.register(
            "core.idempotency_keys_delete_expired",
            tasks.idempotency_keys_delete_expired,
            every=dt.timedelta(hours=1),
        )
