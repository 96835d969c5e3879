"""Residents' small businesses (licence, premises, micro-loans) and cooperatives."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from doorstep.livelihoods.models import (
    Business,
    Certification,
    Cooperative,
    CooperativeMember,
    MicroLoan,
    Premises,
    Repayment,
    SalesChannel,
    Skill,
)
from doorstep.livelihoods.services.common import (
    FIELD_ROLES,
    OFFICE_ROLES,
    audit,
    check_amount,
    check_choice,
    check_codes,
    check_text,
    require_role,
)
from doorstep.privacy.models import AuditAction
from doorstep.registry.models import Resident

MAX_LOAN = 10_000_000
MAX_TERM_MONTHS = 360


def _not_future(day: dt.date | None, *, field: str) -> dt.date:
    if day is None:
        raise ValidationError({field: _("This field is required.")})
    if day > timezone.localdate():
        raise ValidationError({field: _("This date is in the future.")})
    return day


@transaction.atomic
def business_create(
    *,
    actor,
    owner: Resident,
    name: str,
    started_on: dt.date,
    trade: str = "",
    skill: Skill | None = None,
    licence_no: str = "",
    premises: str = Premises.HOME,
    premises_address: str = "",
    channel: str,
) -> Business:
    """`owner` comes from registry.selectors."""
    require_role(actor, FIELD_ROLES)
    business = Business.objects.create(
        household_id=owner.household_id,
        owner=owner,
        name=check_text(name, field="name", max_length=120),
        trade=check_text(trade, field="trade", required=False, max_length=80),
        skill=skill,
        started_on=_not_future(started_on, field="started_on"),
        licence_no=check_text(licence_no, field="licence_no", required=False, max_length=40),
        premises=check_choice(premises, Premises, field="premises"),
        premises_address=check_text(premises_address, field="premises_address", required=False),
        created_by=actor,
    )
    audit(
        actor,
        action=AuditAction.CREATE,
        obj=business,
        household_id=owner.household_id,
        channel=channel,
    )
    return business


@transaction.atomic
def loan_create(
    *,
    actor,
    business: Business,
    amount,
    bank: str,
    term_months: int,
    disbursed_on: dt.date,
    repayment: str = Repayment.ON_TRACK,
    channel: str,
) -> MicroLoan:
    require_role(actor, FIELD_ROLES)
    if term_months is None or not 1 <= int(term_months) <= MAX_TERM_MONTHS:
        raise ValidationError(
            {
                "term_months": _("Give a term between 1 and %(max)s months.")
                % {"max": MAX_TERM_MONTHS}
            }
        )
    disbursed_on = _not_future(disbursed_on, field="disbursed_on")
    if disbursed_on < business.started_on - dt.timedelta(days=366):
        raise ValidationError(
            {"disbursed_on": _("The loan comes long before the business started.")}
        )
    loan = MicroLoan.objects.create(
        business=business,
        amount=check_amount(amount, field="amount", allow_zero=False, maximum=MAX_LOAN),
        bank=check_text(bank, field="bank", max_length=80),
        term_months=int(term_months),
        disbursed_on=disbursed_on,
        repayment=check_choice(repayment, Repayment, field="repayment"),
    )
    audit(
        actor,
        action=AuditAction.CREATE,
        obj=loan,
        household_id=business.household_id,
        channel=channel,
    )
    return loan


@transaction.atomic
def loan_set_repayment(*, actor, loan: MicroLoan, repayment: str, channel: str) -> MicroLoan:
    require_role(actor, FIELD_ROLES)
    loan.repayment = check_choice(repayment, Repayment, field="repayment")
    loan.save(update_fields=["repayment"])
    audit(
        actor,
        action=AuditAction.UPDATE,
        obj=loan,
        household_id=loan.business.household_id,
        channel=channel,
        repayment=repayment,
    )
    return loan


@transaction.atomic
def cooperative_create(
    *,
    actor,
    name: str,
    area,
    products: str,
    founded_on: dt.date,
    certifications=(),
    sales_channels=(),
    channel: str,
) -> Cooperative:
    """`area` comes from areas.selectors."""
    require_role(actor, OFFICE_ROLES)
    cooperative = Cooperative.objects.create(
        name=check_text(name, field="name", max_length=120),
        area=area,
        area_path=area.path,
        products=check_text(products, field="products"),
        founded_on=_not_future(founded_on, field="founded_on"),
        certifications=check_codes(certifications, Certification, field="certifications"),
        sales_channels=check_codes(sales_channels, SalesChannel, field="sales_channels"),
        created_by=actor,
    )
    audit(actor, action=AuditAction.CREATE, obj=cooperative, household_id=None, channel=channel)
    return cooperative


@transaction.atomic
def cooperative_add_member(
    *, actor, cooperative: Cooperative, resident: Resident, joined_on: dt.date, channel: str
) -> CooperativeMember:
    """`resident` comes from registry.selectors."""
    require_role(actor, FIELD_ROLES)
    joined_on = _not_future(joined_on, field="joined_on")
    if joined_on < cooperative.founded_on:
        raise ValidationError(
            {"joined_on": _("Nobody can join before the cooperative was founded.")}
        )
    try:
        with transaction.atomic():
            member = CooperativeMember.objects.create(
                cooperative=cooperative,
                resident=resident,
                household_id=resident.household_id,
                joined_on=joined_on,
            )
    except IntegrityError:
        raise ValidationError({"resident": _("This resident is a member already.")}) from None
    audit(
        actor,
        action=AuditAction.CREATE,
        obj=member,
        household_id=resident.household_id,
        channel=channel,
    )
    return member
