"""Django's admin as a last resort for administrators (no task needs it).

The admin knows nothing of area scope, so only administrators of a top-level area
(the region) become `is_staff` there, and only with the permissions of the group
below: configuration tables their role may change in the product anyway (units,
twinnings, service levels, visit policies, offices, responders, holidays, targets,
development needs and skills), sign-in lock-outs and authenticators (view and
delete), and the audit log (view). Never staff accounts, households or residents:
those go through the product's scoped pages. The group is made on first use
(permissions exist only after migrate, so no data migration can name them)."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from doorstep.accounts.models import Role, User

GROUP_NAME = "Doorstep administrators"
CONFIGURATION = {
    "casework": ["unit", "twinning", "unitmember", "servicelevel", "visitpolicy"],
    "hotline": ["office", "responder", "respondercontact", "holiday", "callservicelevel"],
    "insights": ["target"],
    "pairing": ["villageneed", "memberskill"],
}
VIEW_DELETE = {"accounts": ["loginthrottle", "twofactordevice"]}
VIEW_ONLY = {"privacy": ["auditevent"]}


def _codenames(actions: tuple[str, ...], models: dict[str, list[str]]) -> Q:
    query = Q(pk__in=[])
    for app, names in models.items():
        codenames = [f"{a}_{m}" for a in actions for m in names]
        query |= Q(content_type__app_label=app, codename__in=codenames)
    return query


def administrators_group() -> Group:
    group, _created = Group.objects.get_or_create(name=GROUP_NAME)
    wanted = Permission.objects.filter(
        _codenames(("add", "change", "view"), CONFIGURATION)
        | _codenames(("view", "delete"), VIEW_DELETE)
        | _codenames(("view",), VIEW_ONLY)
    )
    group.permissions.set(wanted)
    return group


def reaches_django_admin(user: User) -> bool:
    return (
        user.is_active
        and user.role == Role.ADMIN
        and user.area_id is not None
        and user.area.parent_id is None
    )


def django_admin_sync(user: User) -> None:
    """Make `is_staff` and the group follow the account's role and area."""
    should = reaches_django_admin(user)
    if user.is_superuser:
        return
    group = administrators_group() if should else Group.objects.filter(name=GROUP_NAME).first()
    if user.is_staff != should:
        User.objects.filter(pk=user.pk).update(is_staff=should)
        user.is_staff = should
    if group is not None:
        if should:
            user.groups.add(group)
        else:
            user.groups.remove(group)
