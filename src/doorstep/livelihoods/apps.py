from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LivelihoodsConfig(AppConfig):
    name = "doorstep.livelihoods"
    label = "livelihoods"
    verbose_name = _("livelihoods")

    def ready(self) -> None:
        from doorstep.casework.due_items import register_due_items
        from doorstep.core import periodic
        from doorstep.livelihoods import due, tasks, texts

        # Generated texts, stored as codes and shown in the reader's language.
        texts.register()

        # After the casework sweep at 01:00: a family whose income was recorded as
        # fallen today is flagged, with a need on its worker's list, by morning.
        periodic.register(
            "livelihoods.relapse_watch_nightly", tasks.relapse_watch_nightly, daily_at_hour=2
        )
        # Placement follow-ups at 1, 3 and 6 months on the worker's due list.
        register_due_items(due.placement_follow_ups, probe=due.open_follow_ups)
        # Placements, training, businesses, loans, income and flags on the household page.
        from doorstep.livelihoods.timeline import household_entries
        from doorstep.registry.timeline import register_timeline_provider

        register_timeline_provider(household_entries)

        # A need of the relapse watch resolved: its flags are re-evaluated at once
        # (cleared as resolved), not at the next nightly run.
        from doorstep.casework.services.needs import register_transition_listener
        from doorstep.livelihoods.services.relapse import on_need_transition

        register_transition_listener(on_need_transition)
