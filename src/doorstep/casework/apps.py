import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "doorstep.casework"
    label = "casework"
    verbose_name = _("casework")

    def ready(self) -> None:
        # Periodic work, enqueued by `manage.py run_periodic` and run by `db_worker`.
        from doorstep.casework import scope, selectors_welfare, tasks, texts

        # Generated texts, stored as codes and shown in the reader's language.
        texts.register()
        from doorstep.casework.due_items import register_due_items
        from doorstep.core import periodic
        from doorstep.registry.selectors import register_scope_extension

        # Households paired with a worker outside their area (see casework/scope.py).
        register_scope_extension(scope.paired_households)
        # Visits, calls, needs, referrals and help on the household page's timeline.
        from doorstep.casework.timeline import household_entries
        from doorstep.registry.timeline import register_timeline_provider

        register_timeline_provider(household_entries)
        # Welfare checks, pinned at the top of the worker's due list.
        register_due_items(
            selectors_welfare.welfare_due_items, probe=selectors_welfare.welfare_due_probe
        )

        periodic.register(
            "casework.escalate_breached_needs",
            tasks.escalate_breached_needs,
            every=dt.timedelta(minutes=5),
        )
        periodic.register(
            "casework.remind_overdue_referrals",
            tasks.remind_overdue_referrals,
            every=dt.timedelta(hours=1),
        )
        # After midnight, so that a welfare-check round starts on its first day and
        # stops the day after its last.
        periodic.register(
            "casework.schedules_recompute_nightly",
            tasks.schedules_recompute_nightly,
            daily_at_hour=1,
        )
