import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "doorstep.insights"
    label = "insights"
    verbose_name = _("insights")

    def ready(self) -> None:
        from doorstep.core import periodic
        from doorstep.insights import tasks

        # Dashboards read summaries; these keep them fresh (the page shows their age).
        periodic.register(
            "insights.refresh_recent_rollups",
            tasks.refresh_recent_rollups,
            every=dt.timedelta(minutes=15),
        )
        # Contacts entered since the last refresh (a phone back in signal sends a
        # morning of visits): their days only, so the dashboards show them soon.
        periodic.register(
            "insights.refresh_changed_rollups",
            tasks.refresh_changed_rollups,
            every=dt.timedelta(minutes=1),
        )
        periodic.register(
            "insights.refresh_all_rollups", tasks.refresh_all_rollups, daily_at_hour=3
        )
