import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Life-safety calls (someone trapped in a lift must be reached within 30 minutes): a
# breach should reach the duty leader within a minute or so, not five.
ESCALATE_EVERY = dt.timedelta(minutes=1)


class HotlineConfig(AppConfig):
    name = "doorstep.hotline"
    label = "hotline"
    verbose_name = _("Duty room")

    def ready(self) -> None:
        # Enqueued by `manage.py run_periodic`, run by `db_worker`; calls_escalate is
        # idempotent, so an overlapping run does nothing twice.
        from doorstep.core import periodic
        from doorstep.hotline import tasks

        periodic.register(
            "hotline.escalate_breached_calls", tasks.escalate_breached_calls, every=ESCALATE_EVERY
        )
