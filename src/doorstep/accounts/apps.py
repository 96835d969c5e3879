import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "doorstep.accounts"
    label = "accounts"
    verbose_name = _("accounts")

    def ready(self) -> None:
        from doorstep.accounts import tasks
        from doorstep.core import periodic

        periodic.register(
            "accounts.throttle_counts_delete_expired",
            tasks.throttle_counts_delete_expired,
            every=dt.timedelta(hours=1),
        )
