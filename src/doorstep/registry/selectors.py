"""Every read of households and residents goes through here, scoped to the caller.

A record outside the caller's scope is indistinguishable from one that does not
exist: 404, never 403. Single-record reads are written to the audit log.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from doorstep.areas.models import Area
from doorstep.core.pagination import Page, keyset_page
from doorstep.privacy.models import AuditAction
from doorstep.privacy.services import audit_record
from doorstep.registry.models import (
    Household,
    HouseholdVulnerability,
    Relationship,
    Resident,
    households_under,
)
from doorstep.registry.search_keys import name_query
from doorstep.registry.validators import normalize_phone

# --- extension point: reach beyond the area subtree -------------------------------
# Registry must not depend on the apps built on it, yet one of them (casework) gives
# staff a reach the area tree does not: a unit's staff are paired with households of
# twinned villages far from where they work, and must open those households' records.
# Such an app registers a function here from its AppConfig.ready(). It takes the user
# and returns a Q over Household or None when it adds nothing for that user. Return
# literal ids (`Q(pk__in=[...])`), never a subquery: OR-ed with the area range a
# subquery stops PostgreSQL from using the scope index (see casework/scope.py), and
# return None when there is nothing to add, so most users' scope stays a pure range.
# Registry itself registers nothing.
ScopeExtension = Callable[[Any], Q | None]
_SCOPE_EXTENSIONS: list[ScopeExtension] = []


def register_scope_extension(extension: ScopeExtension) -> None:
    """Called from an AppConfig.ready(); registering the same function twice is a no-op."""
    if extension not in _SCOPE_EXTENSIONS:
        _SCOPE_EXTENSIONS.append(extension)


def households_visible_to(user) -> QuerySet[Household]:
    if not getattr(user, "is_authenticated", False) or not user.can_read_registry:
        return Household.objects.none()
    scope = households_under(user.area)
    for extension in _SCOPE_EXTENSIONS:
        extra = extension(user)
        if extra is not None:
            scope |= extra
    return Household.objects.filter(scope)


def residents_visible_to(user) -> QuerySet[Resident]:
    return Resident.objects.filter(household__in=households_visible_to(user).values("pk"))


def household_for(user, household_id: int, *, channel: str) -> Household:
    household = (
        households_visible_to(user)
        .select_related("area")
        .prefetch_related(
            Prefetch("residents", queryset=Resident.objects.order_by("id")),
            # Each member's own categories (issue #13), and the household's.
            Prefetch(
                "residents__vulnerabilities",
                queryset=HouseholdVulnerability.objects.order_by("category"),
            ),
            Prefetch(
                "vulnerabilities", queryset=HouseholdVulnerability.objects.order_by("category")
            ),
        )
        .filter(pk=household_id)
        .first()
    )
    if household is None:
        raise Http404
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        object_type="household",
        object_id=household.pk,
        household_id=household.pk,
        channel=channel,
    )
    return household


def household_by_number_for(user, household_no: str, *, channel: str) -> Household:
    pk = (
        households_visible_to(user)
        .filter(household_no=household_no)
        .values_list("pk", flat=True)
        .first()
    )
    if pk is None:
        raise Http404
    return household_for(user, pk, channel=channel)


def resident_for(user, resident_id: int, *, channel: str) -> Resident:
    resident = residents_visible_to(user).select_related("household").filter(pk=resident_id).first()
    if resident is None:
        raise Http404
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        object_type="resident",
        object_id=resident.pk,
        household_id=resident.household_id,
        channel=channel,
    )
    return resident


def household_head(household) -> Resident | None:
    """The head of a household that a selector has already read (so scoped and audited):
    from its prefetched residents when household_for prefetched them, else one query.
    Pages name a household by its head, with the household number secondary."""
    if "residents" in getattr(household, "_prefetched_objects_cache", {}):
        return next(
            (r for r in household.residents.all() if r.relationship == Relationship.HEAD), None
        )
    return (
        Resident.objects.filter(household_id=household.pk, relationship=Relationship.HEAD)
        .order_by("pk")
        .first()
    )


# --- lists and search ------------------------------------------------------------

_PHONEISH = re.compile(r"^\+?[\d\- ]{3,}$")


def resident_name_q(q: str) -> Q | None:
    """The one way to match residents by name (None when `q` holds nothing to match).

    Any part of the name, its pinyin (full, toneless, spaces optional) or initials for
    a Han name, its Latin (ULY) spelling for a Uyghur one: see registry.search_keys.
    A LIKE on `name_search`, trigram-indexed on PostgreSQL (migration 0010); a query
    in Han characters also needs its pinyin to match, which is what drives the index.
    Unscoped: callers combine it with households_visible_to / residents_visible_to.
    """
    match = name_query(q)
    if match is None:
        return None
    if match.word_start:
        # A key starts the column or follows a space (keys hold no spaces).
        cond = Q(name_search__startswith=match.key) | Q(name_search__contains=" " + match.key)
    else:
        cond = Q(name_search__contains=match.key)
    if match.also:
        cond &= Q(name_search__contains=match.also)
    return cond


def residents_named(user, q: str) -> QuerySet[Resident]:
    """Residents in the caller's scope whose name matches `q` (resident_name_q); none
    for a query with nothing to match. Not audited: callers audit what they show."""
    cond = resident_name_q(q)
    if cond is None:
        return Resident.objects.none()
    return residents_visible_to(user).filter(cond)


def household_search_ids(q: str) -> QuerySet:
    """Ids of households matching `q`, as one UNION subquery that the database can
    drive from its indexes (prefix matches on B-trees; address and names by trigram
    on PostgreSQL).

    What a search matches: household number prefix; any part of a resident's name,
    its pinyin or initials, or its Latin spelling (resident_name_q); phone prefix
    (household or resident); a resident ID number exactly; and, for three characters
    or more, any part of the address.
    """
    q = q.strip()
    parts: list[QuerySet] = [Household.objects.filter(household_no__startswith=q).values("pk")]
    if _PHONEISH.match(q):
        digits = normalize_phone(q)
        parts.append(Household.objects.filter(phone__startswith=digits).values("pk"))
        parts.append(
            Resident.objects.order_by().filter(phone__startswith=digits).values("household_id")
        )
    if len(q) == 18:
        parts.append(Resident.objects.order_by().filter(id_number=q.upper()).values("household_id"))
    if (name_cond := resident_name_q(q)) is not None:
        parts.append(Resident.objects.order_by().filter(name_cond).values("household_id"))
    if len(q) >= 3:
        parts.append(Household.objects.filter(address__contains=q).values("pk"))
    first, *rest = parts
    return first.union(*rest) if rest else first


def households_filtered(
    user,
    *,
    q: str = "",
    area: Area | None = None,
    vulnerability: str = "",
) -> QuerySet[Household]:
    """The scoped household list with the list page's and the API's filters.

    `area` must already come from areas.selectors (so it is inside the caller's scope).
    """
    qs = households_visible_to(user)
    if area is not None:
        qs = qs.filter(households_under(area))
    if vulnerability:
        qs = qs.filter(
            pk__in=HouseholdVulnerability.objects.filter(category=vulnerability).values(
                "household_id"
            )
        )
    if q.strip():
        qs = qs.filter(pk__in=household_search_ids(q))
    return qs


def household_page(
    user,
    *,
    q: str = "",
    area: Area | None = None,
    vulnerability: str = "",
    cursor: str | None = None,
    size: int | None = None,
    channel: str = "",
) -> Page[Household]:
    """One keyset page of the filtered list, in tree order (area path, then household
    number), so any scope's first page is a range walk of one index; no COUNT(*).

    With a `channel` (every page and endpoint passes one), the page's household ids
    are written to the audit log as one "household_list" event: a list shows heads'
    names too. It names no single household, so it is not among the "who opened my
    record" lines a resident sees.

    Raises core.pagination.BadCursor on a cursor that was not made by this function.
    """
    qs = households_filtered(user, q=q, area=area, vulnerability=vulnerability).select_related(
        "area"
    )
    page = keyset_page(
        qs,
        key=("area_path", "household_no"),
        cursor=cursor,
        size=size or settings.DOORSTEP_PAGE_SIZE,
    )
    # Heads and vulnerabilities for the page's rows: two queries, whatever the page size.
    ids = [h.pk for h in page.items]
    heads = {
        r.household_id: r
        for r in Resident.objects.filter(household_id__in=ids, relationship=Relationship.HEAD)
    }
    vulns: dict[int, list[str]] = {}
    for hid, category in HouseholdVulnerability.objects.filter(household_id__in=ids).values_list(
        "household_id", "category"
    ):
        vulns.setdefault(hid, []).append(category)
    for household in page.items:
        household.head = heads.get(household.pk)
        # The household's and its members' categories, each once.
        household.vulnerability_list = sorted(set(vulns.get(household.pk, [])))
    if channel and ids:
        audit_record(
            actor=user,
            action=AuditAction.VIEW,
            object_type="household_list",
            channel=channel,
            detail={"households": ids},
        )
    return page
