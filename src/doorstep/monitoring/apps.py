from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "doorstep.monitoring"
    label = "monitoring"
    verbose_name = _("poverty monitoring")

    def ready(self) -> None:
        from doorstep.casework.due_items import register_due_items
        from doorstep.core import periodic
        from doorstep.monitoring import columns, due, retention, tasks, texts

        # Generated texts, stored as codes and shown in the reader's language.
        texts.register()
        from doorstep.privacy.retention import register_anonymiser
        from doorstep.registry.importing.extra import register_extra_columns
        from doorstep.registry.panels import register_household_panel

        # After the relapse watch (02:00): its open flags become proposals by morning.
        periodic.register(
            "monitoring.watch_propose_nightly", tasks.watch_propose_nightly, daily_at_hour=3
        )
        register_due_items(due.monitoring_reviews, probe=due.reviews_due)
        register_household_panel(due.household_panel)
        # Status changes, procedure decisions and reviews on the household page's timeline.
        from doorstep.monitoring.timeline import household_entries
        from doorstep.registry.timeline import register_timeline_provider

        register_timeline_provider(household_entries)
        register_anonymiser(retention.anonymise)
        # The status as optional columns of the household file (import and export).
        register_extra_columns(columns.POVERTY_COLUMNS)
