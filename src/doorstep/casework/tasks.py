"""Background work for casework. Tasks take primary keys (or nothing), never instances."""

from __future__ import annotations

from django_tasks import task

from doorstep.areas.models import Area


@task()
def escalate_breached_needs() -> dict[str, int]:
    """Every five minutes (core.periodic, registered in apps.py); safe to run twice or
    in parallel."""
    from doorstep.casework.services.escalation import needs_escalate

    return needs_escalate()


@task()
def remind_overdue_referrals() -> int:
    """Hourly (core.periodic): one in-app reminder a day per overdue referral and person."""
    from doorstep.casework.services.notifications import referral_reminders_send

    return referral_reminders_send()


@task()
def schedules_refresh_area_task(area_id: int) -> int:
    """After a visit policy or welfare-check round changes under `area_id`."""
    from doorstep.casework.services.schedule import schedules_refresh_area

    area = Area.objects.filter(pk=area_id).first()
    return schedules_refresh_area(area=area) if area is not None else 0


@task()
def schedules_recompute_nightly() -> int:
    """Nightly (core.periodic): vulnerabilities changed in the registry, rounds that
    started or ended. See docs/decisions/0002-schedule-recomputation.md."""
    from doorstep.casework.services.schedule import schedules_recompute_all

    return schedules_recompute_all()
