"""The poverty status as optional columns of the household file (registry's
importing.extra): imported with households, exported with them. A county moving its
records into Doorstep brings households already monitored or whose risk was removed;
the file's Chinese vocabulary is fixed here, not by the UI catalogue."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from django.utils.translation import gettext as _

from doorstep.core.bulk import bulk_insert
from doorstep.monitoring.models import (
    HouseholdPoverty,
    MonitoringType,
    PovertyStatus,
    RiskKind,
    StatusChange,
)
from doorstep.registry.importing.extra import ExtraColumns

COLUMNS = (
    ("poverty_status", "poverty_status", "贫困状态"),
    ("lifted_year", "lifted_year", "脱贫年份"),
    ("monitored_since", "monitored_since", "纳入监测日期"),
    ("monitoring_type", "monitoring_type", "监测类型"),
    ("risk_kinds", "risk_kinds", "风险类型"),
    ("risk_removed_on", "risk_removed_on", "风险消除日期"),
)
STATUS_ZH = {
    PovertyStatus.NEVER: "未建档",
    PovertyStatus.LIFTED: "脱贫户",
    PovertyStatus.MONITORED: "监测对象",
    PovertyStatus.RISK_REMOVED: "风险已消除",
}
TYPE_ZH = {
    MonitoringType.UNSTABLE: "脱贫不稳定户",
    MonitoringType.EDGE: "边缘易致贫户",
    MonitoringType.SUDDEN: "突发严重困难户",
}
RISK_ZH = {
    RiskKind.ILLNESS: "疾病",
    RiskKind.DISABILITY: "残疾",
    RiskKind.ACCIDENT: "意外事故",
    RiskKind.UNEMPLOYMENT: "失业",
    RiskKind.INCOME_DROP: "收入骤减",
    RiskKind.DISASTER: "自然灾害",
    RiskKind.EDUCATION: "教育支出",
    RiskKind.HOUSING: "住房",
    RiskKind.OTHER: "其他",
}
_STATUSES = {str(k): str(k) for k in STATUS_ZH} | {v: str(k) for k, v in STATUS_ZH.items()}
_TYPES = {str(k): str(k) for k in TYPE_ZH} | {v: str(k) for k, v in TYPE_ZH.items()}
_RISKS = {str(k): str(k) for k in RISK_ZH} | {v: str(k) for k, v in RISK_ZH.items()}
_SPLIT = re.compile(r"[;；,，、]")


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.replace("/", "-"))
    except ValueError:
        return None


def check(values: list[str]) -> tuple[dict | None, list[tuple[int, str]]]:
    status, year, since, mtype, risks, removed = (v.strip() for v in values)
    if not any((status, year, since, mtype, risks, removed)):
        return None, []
    errors: list[tuple[int, str]] = []
    code = _STATUSES.get(status)
    if code is None:
        errors.append((0, _("Unknown poverty status “%(value)s”.") % {"value": status}))
    parsed: dict = {"status": code or "", "lifted_year": None, "monitored_since": None}
    if year:
        if not year.isdigit() or not 2013 <= int(year) <= timezone.localdate().year:
            errors.append((1, _("Give the year the household was lifted out of poverty.")))
        else:
            parsed["lifted_year"] = int(year)
    if since:
        parsed["monitored_since"] = _date(since)
        if parsed["monitored_since"] is None:
            errors.append((2, _("Write the date as YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD.")))
    parsed["monitoring_type"] = _TYPES.get(mtype, "") if mtype else ""
    if mtype and not parsed["monitoring_type"]:
        errors.append((3, _("Choose a monitoring type from the list.")))
    codes = [_RISKS.get(r.strip()) for r in _SPLIT.split(risks) if r.strip()]
    if any(c is None for c in codes):
        errors.append((4, _("Choose risk kinds from the list.")))
    parsed["risk_kinds"] = ",".join(c for c in codes if c)
    parsed["risk_removed_on"] = _date(removed) if removed else None
    if removed and parsed["risk_removed_on"] is None:
        errors.append((5, _("Write the date as YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD.")))
    if code == PovertyStatus.LIFTED and parsed["lifted_year"] is None and not errors:
        errors.append((1, _("Give the year the household was lifted out of poverty.")))
    if code in (PovertyStatus.MONITORED, PovertyStatus.RISK_REMOVED) and not errors:
        if not parsed["monitored_since"]:
            errors.append((2, _("Give the date.")))
        if not parsed["monitoring_type"]:
            errors.append((3, _("Choose the monitoring type.")))
    if code == PovertyStatus.RISK_REMOVED and not parsed["risk_removed_on"] and not errors:
        errors.append((5, _("Give the date.")))
    return (None if errors else parsed), errors


def write(rows: list[tuple[int, dict]], user) -> None:
    """Inside the import's transaction: the status and its first history row."""
    now = timezone.now()
    today = timezone.localdate()
    bulk_insert(
        HouseholdPoverty,
        [
            "household",
            "status",
            "lifted_year",
            "monitored_since",
            "monitoring_type",
            "risk_kinds",
            "risk_removed_on",
            "risk_removed_reason",
            "next_review_on",
            "updated_at",
        ],
        (
            (
                pk,
                p["status"],
                p["lifted_year"],
                p["monitored_since"],
                p["monitoring_type"],
                p["risk_kinds"],
                p["risk_removed_on"],
                "",
                # Monitored households come onto their worker's due list at once.
                today if p["status"] == PovertyStatus.MONITORED else None,
                now,
            )
            for pk, p in rows
        ),
    )
    bulk_insert(
        StatusChange,
        [
            "household",
            "status",
            "lifted_year",
            "monitoring_type",
            "risk_kinds",
            "effective_on",
            "reason",
            "changed_by",
            "changed_at",
        ],
        (
            (
                pk,
                p["status"],
                p["lifted_year"],
                p["monitoring_type"],
                p["risk_kinds"],
                p["risk_removed_on"] or p["monitored_since"] or today,
                "import",
                getattr(user, "pk", None),
                now,
            )
            for pk, p in rows
        ),
    )


def export(ids: list[int], chinese: bool) -> dict[int, list]:
    out = {}
    for row in HouseholdPoverty.objects.filter(household_id__in=ids).values_list(
        "household_id",
        "status",
        "lifted_year",
        "monitored_since",
        "monitoring_type",
        "risk_kinds",
        "risk_removed_on",
    ):
        pk, status, year, since, mtype, risks, removed = row
        out[pk] = [
            STATUS_ZH.get(status, status) if chinese else status,
            year or "",
            since.isoformat() if since else "",
            (TYPE_ZH.get(mtype, mtype) if chinese else mtype) if mtype else "",
            ";".join(RISK_ZH.get(r, r) if chinese else r for r in risks.split(",") if r),
            removed.isoformat() if removed else "",
        ]
    return out


POVERTY_COLUMNS = ExtraColumns(columns=COLUMNS, check=check, write=write, export=export)
