"""Forms of the livelihoods pages. They parse input only; the rules live in services,
whose ValidationErrors are put back on the fields they name (views._add_errors)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doorstep.core.languages import LanguagesField
from doorstep.core.validators import validate_not_negative
from doorstep.livelihoods.models import (
    Certification,
    EmployerKind,
    IncomeSource,
    LifeEventKind,
    Premises,
    Repayment,
    SalesChannel,
    TrainingOutcome,
    WorkType,
)
from doorstep.registry.forms import AreaField

DATE = forms.DateInput(attrs={"type": "date"})


def _today():
    return timezone.localdate()


class _SkillsMixin:
    def set_skills(self, skills) -> None:
        self.fields["skills"].choices = [(s.pk, s.label) for s in skills]


class SkillForm(forms.Form):
    code = forms.SlugField(label=_("code"), max_length=40)
    name = forms.CharField(label=_("name"), max_length=80)


class EmployerForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=120)
    kind = forms.ChoiceField(label=_("kind"), choices=EmployerKind.choices)
    area = forms.Field(label=_("area"))
    address = forms.CharField(label=_("address"), max_length=200, required=False)
    latitude = forms.FloatField(label=_("latitude"), required=False)
    longitude = forms.FloatField(label=_("longitude"), required=False)
    contact_name = forms.CharField(label=_("contact person"), max_length=64, required=False)
    contact_phone = forms.CharField(label=_("contact phone"), max_length=20, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"] = AreaField(user=user, label=_("area"), required=False)


class OpeningForm(_SkillsMixin, forms.Form):
    employer = forms.ChoiceField(label=_("employer"))
    title = forms.CharField(label=_("title"), max_length=120)
    work_type = forms.ChoiceField(label=_("kind of work"), choices=WorkType.choices)
    skills = forms.MultipleChoiceField(
        label=_("skills required"), required=False, widget=forms.CheckboxSelectMultiple
    )
    languages = LanguagesField(label=_("working languages"))
    area = forms.Field(label=_("place"))
    wage_monthly = forms.DecimalField(
        label=_("monthly wage (yuan)"),
        validators=[validate_not_negative],
        max_digits=12,
        decimal_places=2,
    )
    posts = forms.IntegerField(label=_("number of posts"), initial=1)
    starts_on = forms.DateField(label=_("work starts on"), widget=DATE, initial=_today)
    ends_on = forms.DateField(label=_("work ends on"), widget=DATE, required=False)
    closes_on = forms.DateField(label=_("applications close on"), widget=DATE)
    description = forms.CharField(
        label=_("description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, user, employers, skills, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"] = AreaField(user=user, label=_("place"), required=False)
        self.fields["employer"].choices = [(e.pk, e.name) for e in employers]
        self.set_skills(skills)


class SeekerForm(_SkillsMixin, forms.Form):
    skills = forms.MultipleChoiceField(
        label=_("skills"), required=False, widget=forms.CheckboxSelectMultiple
    )
    languages = LanguagesField(label=_("languages spoken"))
    work_types = forms.MultipleChoiceField(
        label=_("kinds of work wanted"),
        choices=WorkType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    min_wage = forms.DecimalField(
        label=_("lowest monthly wage wanted (yuan)"),
        validators=[validate_not_negative],
        max_digits=12,
        decimal_places=2,
        initial=0,
    )
    max_distance_km = forms.IntegerField(label=_("furthest distance (km)"), initial=30)
    is_looking = forms.BooleanField(label=_("looking for work"), required=False, initial=True)
    notes = forms.CharField(
        label=_("notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, skills, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_skills(skills)


class ProposeForm(forms.Form):
    opening = forms.IntegerField(widget=forms.HiddenInput)
    seeker = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("note"), max_length=2000, required=False)


class AcceptForm(forms.Form):
    started_on = forms.DateField(label=_("started on"), widget=DATE, initial=_today)
    wage_monthly = forms.DecimalField(
        label=_("monthly wage (yuan)"),
        validators=[validate_not_negative],
        max_digits=12,
        decimal_places=2,
        required=False,
    )


class FollowUpForm(forms.Form):
    still_employed = forms.TypedChoiceField(
        label=_("still employed"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    wage_monthly = forms.DecimalField(
        label=_("monthly wage now (yuan)"),
        validators=[validate_not_negative],
        max_digits=12,
        decimal_places=2,
        required=False,
    )
    done_on = forms.DateField(label=_("done on"), widget=DATE, initial=_today)
    notes = forms.CharField(
        label=_("notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class CourseForm(forms.Form):
    skill = forms.ChoiceField(label=_("skill taught"))
    title = forms.CharField(label=_("title"), max_length=120)
    provider = forms.CharField(label=_("training provider"), max_length=120, required=False)
    hours = forms.IntegerField(label=_("hours"), initial=0)
    description = forms.CharField(
        label=_("description"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, skills, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skill"].choices = [(s.pk, s.label) for s in skills]


class SessionForm(forms.Form):
    course = forms.ChoiceField(label=_("course"))
    trainer = forms.CharField(label=_("trainer"), max_length=80)
    area = forms.Field(label=_("place"))
    venue = forms.CharField(label=_("venue"), max_length=200, required=False)
    starts_on = forms.DateField(label=_("starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("ends on"), widget=DATE)
    capacity = forms.IntegerField(label=_("places"), initial=20)

    def __init__(self, *args, user, courses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"] = AreaField(user=user, label=_("place"), required=False)
        self.fields["course"].choices = [(c.pk, c.title) for c in courses]


class EnrolForm(forms.Form):
    session = forms.ChoiceField(label=_("course session"))
    resident = forms.ChoiceField(label=_("resident"))
    resident_agreed = forms.BooleanField(
        label=_("The resident was asked and agreed (training is voluntary)"), required=False
    )

    def __init__(self, *args, sessions, residents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].choices = [
            (s.pk, f"{s.course.title} · {s.starts_on}–{s.ends_on} · {s.trainer}") for s in sessions
        ]
        self.fields["resident"].choices = [(r.pk, r.name) for r in residents]


class CompleteForm(forms.Form):
    completed_on = forms.DateField(label=_("completed on"), widget=DATE, initial=_today)
    certificate_no = forms.CharField(label=_("certificate number"), max_length=40, required=False)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("outcome within 6 months"), choices=TrainingOutcome.choices)


class AttendanceForm(forms.Form):
    day = forms.DateField(label=_("day"), widget=DATE, initial=_today)
    present = forms.MultipleChoiceField(
        label=_("present"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, enrolments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [(e.pk, e.resident.name) for e in enrolments]


class IncomeForm(forms.Form):
    year = forms.IntegerField(label=_("year"), initial=lambda: _today().year)
    source = forms.ChoiceField(label=_("source"), choices=IncomeSource.choices)
    amount = forms.DecimalField(
        label=_("amount (yuan)"),
        validators=[validate_not_negative],
        max_digits=14,
        decimal_places=2,
    )


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("year"), initial=lambda: _today().year)
    members = forms.IntegerField(label=_("members"), required=False)
    medical_spending = forms.DecimalField(
        label=_("medical spending (yuan)"), max_digits=14, decimal_places=2, required=False
    )


class LifeEventForm(forms.Form):
    kind = forms.ChoiceField(label=_("what happened"), choices=LifeEventKind.choices)
    occurred_on = forms.DateField(label=_("when"), widget=DATE, initial=_today)
    note = forms.CharField(
        label=_("note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ClearFlagForm(forms.Form):
    note = forms.CharField(label=_("how the family was helped"), max_length=2000)


class BusinessForm(forms.Form):
    owner = forms.ChoiceField(label=_("owner"))
    name = forms.CharField(label=_("name"), max_length=120)
    trade = forms.CharField(label=_("trade"), max_length=80, required=False)
    started_on = forms.DateField(label=_("started on"), widget=DATE)
    licence_no = forms.CharField(label=_("business licence number"), max_length=40, required=False)
    premises = forms.ChoiceField(label=_("premises"), choices=Premises.choices)
    premises_address = forms.CharField(label=_("premises address"), max_length=200, required=False)

    def __init__(self, *args, residents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [(r.pk, r.name) for r in residents]


class LoanForm(forms.Form):
    amount = forms.DecimalField(
        label=_("amount (yuan)"),
        validators=[validate_not_negative],
        max_digits=14,
        decimal_places=2,
    )
    bank = forms.CharField(label=_("bank"), max_length=80)
    term_months = forms.IntegerField(label=_("term (months)"))
    disbursed_on = forms.DateField(label=_("disbursed on"), widget=DATE)
    repayment = forms.ChoiceField(label=_("repayment"), choices=Repayment.choices)


class CooperativeForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=120)
    area = forms.Field(label=_("area"))
    products = forms.CharField(label=_("products"), max_length=200)
    founded_on = forms.DateField(label=_("founded on"), widget=DATE)
    certifications = forms.MultipleChoiceField(
        label=_("certifications"),
        choices=Certification.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sales_channels = forms.MultipleChoiceField(
        label=_("sales channels"),
        choices=SalesChannel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"] = AreaField(user=user, label=_("area"), required=False)


class MemberForm(forms.Form):
    household_no = forms.CharField(label=_("household number"), max_length=32)
    resident_name = forms.CharField(label=_("name"), max_length=64)
    joined_on = forms.DateField(label=_("joined on"), widget=DATE, initial=_today)


class RuleForm(forms.Form):
    is_active = forms.BooleanField(label=_("active"), required=False)
    threshold = forms.DecimalField(
        label=_("threshold (yuan per person a year)"),
        max_digits=14,
        decimal_places=2,
        required=False,
    )
    share = forms.DecimalField(
        label=_("share (0–1)"), max_digits=6, decimal_places=3, required=False
    )
    lookback_days = forms.IntegerField(label=_("events of the last (days)"), required=False)


class FindHouseholdForm(forms.Form):
    household_no = forms.CharField(label=_("household number"), max_length=32)
