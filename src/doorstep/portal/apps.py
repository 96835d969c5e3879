from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "doorstep.portal"
    label = "portal"
    verbose_name = _("resident portal")

    def ready(self) -> None:
        # The portal is where residents' rights meet casework, so it wires the two:
        # privacy (below registry) cannot call casework, and casework need not know
        # about consent beyond the schedule's one check.
        import datetime as dt

        from doorstep.casework.due_items import register_due_items
        from doorstep.core import periodic
        from doorstep.portal import due, tasks
        from doorstep.privacy.services import register_consent_listener

        periodic.register(
            "portal.housekeeping", tasks.portal_housekeeping_task, every=dt.timedelta(hours=1)
        )

        register_consent_listener(_refresh_schedule)
        register_due_items(due.consent_withdrawn_items, probe=due.withdrawn_consents)
        register_due_items(due.correction_request_items, probe=due.open_corrections)


def _refresh_schedule(household_id: int, purpose: str, given: bool) -> None:
    """A change of consent to contacts adds or drops the household's schedule row, in
    the consent's transaction."""
    from doorstep.casework.services.schedule import schedule_refresh
    from doorstep.privacy.models import ConsentPurpose

    if purpose == ConsentPurpose.CONTACTS:
        schedule_refresh(household_ids=[household_id])
