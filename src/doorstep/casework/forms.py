"""Forms of the casework pages. They parse and check input only; rules live in services.

Each form that creates a row carries a `client_id` made when the form is shown, so a
double tap on a slow phone, or a resent POST, creates one row (services.common.replayed).
"""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from doorstep.casework.models import (
    BenefitStatus,
    BenefitType,
    ContactKind,
    MaterialType,
    NeedCategory,
    UnitKind,
    Urgency,
    VisitPolicy,
)
from doorstep.casework.services import NeedAction
from doorstep.core.validators import validate_not_negative


class _ClientIdForm(forms.Form):
    client_id = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("client_id", uuid.uuid4())
        super().__init__(*args, **kwargs)


class ContactForm(_ClientIdForm):
    kind = forms.ChoiceField(
        label=_("kind"), choices=ContactKind.choices, widget=forms.RadioSelect, initial="visit"
    )
    met_with = forms.CharField(label=_("who was met"), max_length=200, required=False)
    # When it happened: a visit yesterday is entered with yesterday's time (now when
    # left empty); a stay of several days in the village also gives its end.
    occurred_at = forms.DateTimeField(
        label=_("When it happened"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    ended_at = forms.DateTimeField(
        label=_("Until (a stay of several days)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    duration_minutes = forms.IntegerField(
        label=_("duration (minutes)"), min_value=0, max_value=1440, initial=20, required=False
    )
    notes = forms.CharField(
        label=_("notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    needs_found = forms.CharField(
        label=_("needs found"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class NeedForm(_ClientIdForm):
    category = forms.ChoiceField(label=_("category"), choices=NeedCategory.choices)
    urgency = forms.ChoiceField(label=_("urgency"), choices=Urgency.choices, initial="normal")
    title = forms.CharField(label=_("title"), max_length=200)
    description = forms.CharField(
        label=_("description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class TransitionForm(_ClientIdForm):
    action = forms.ChoiceField(choices=NeedAction.choices, widget=forms.HiddenInput)
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    note = forms.CharField(label=_("note"), max_length=4000, required=False)


class ReferralForm(_ClientIdForm):
    unit = forms.IntegerField(label=_("referred to"), min_value=1)
    note = forms.CharField(label=_("what is asked"), max_length=4000, required=False)
    resident_agreed = forms.BooleanField(label=_("the resident agreed"), required=False)


class ReferralAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        choices=[
            ("accept", "accept"),
            ("decline", "decline"),
            ("act", "act"),
            ("done", "done"),
            ("final", "final"),
        ]
    )
    note = forms.CharField(label=_("note"), max_length=4000, required=False)


class FeedbackForm(_ClientIdForm):
    satisfaction = forms.TypedChoiceField(
        label=_("satisfaction (1–5)"),
        choices=[(i, str(i)) for i in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("comment"), max_length=4000, required=False)


# --- pairing screen -------------------------------------------------------------------


# A county supervisor may pair tens of thousands of staff: a <select> of all of them
# took 19 s to build and weighed megabytes. Past this many, the worker is typed by
# user name and looked up in the same scoped queryset when the form is checked.
WORKER_SELECT_MAX = 200


class StaffChoiceField(forms.ModelChoiceField):
    """Staff listed by their names (王建国), the user name beside it to tell two
    people of one name apart; never the bare user name (demo_worker)."""

    def label_from_instance(self, obj) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.username})" if name else obj.username


class _WorkerForm(forms.Form):
    """`workers` is the queryset of staff the caller may pair (selectors)."""

    def __init__(self, *args, workers, **kwargs):
        super().__init__(*args, **kwargs)
        if workers[: WORKER_SELECT_MAX + 1].count() > WORKER_SELECT_MAX:
            self.fields["worker"] = forms.ModelChoiceField(
                label=_("worker"),
                queryset=workers,
                to_field_name="username",
                widget=forms.TextInput(attrs={"autocomplete": "off", "dir": "ltr"}),
                help_text=_("The worker's user name."),
            )
        else:
            self.fields["worker"] = StaffChoiceField(
                label=_("worker"), queryset=workers, empty_label=None
            )


class PairForm(_WorkerForm):
    started_on = forms.DateField(
        label=_("from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class BulkAssignForm(PairForm):
    household_ids = forms.TypedMultipleChoiceField(coerce=int, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any id: the service checks each against the caller's scope.
        ids = self.data.getlist("household_ids") if hasattr(self.data, "getlist") else []
        self.fields["household_ids"].choices = [(i, i) for i in ids]


class EndPairingForm(forms.Form):
    ended_on = forms.DateField(
        label=_("until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


# --- assistance -----------------------------------------------------------------------


class BenefitForm(_ClientIdForm):
    benefit_type = forms.ChoiceField(label=_("benefit"), choices=BenefitType.choices)
    amount = forms.DecimalField(
        label=_("amount or value (yuan)"),
        validators=[validate_not_negative],
        max_digits=12,
        decimal_places=2,
        required=False,
    )
    description = forms.CharField(label=_("description"), max_length=200, required=False)
    given_on = forms.DateField(
        label=_("date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class MaterialForm(_ClientIdForm):
    material_type = forms.ChoiceField(label=_("material help"), choices=MaterialType.choices)
    amount = forms.DecimalField(
        label=_("amount or value (yuan)"),
        validators=[validate_not_negative],
        max_digits=12,
        decimal_places=2,
        required=False,
    )
    description = forms.CharField(label=_("description"), max_length=200, required=False)
    given_on = forms.DateField(
        label=_("date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class AssistanceStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("status"), choices=BenefitStatus.choices)
    amount = forms.DecimalField(
        label=_("amount or value (yuan)"),
        validators=[validate_not_negative],
        max_digits=12,
        decimal_places=2,
        required=False,
    )


# --- units (administrator) ---------------------------------------------------------------


class UnitForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=120)
    kind = forms.ChoiceField(label=_("kind"), choices=UnitKind.choices)
    area_code = forms.CharField(label=_("based in (area code)"), max_length=20, required=False)
    accepts_referrals = forms.BooleanField(label=_("accepts referrals"), required=False)
    is_active = forms.BooleanField(label=_("active"), required=False, initial=True)


class TwinningForm(forms.Form):
    village_code = forms.CharField(label=_("village code"), max_length=20)
    started_on = forms.DateField(
        label=_("from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class MemberForm(forms.Form):
    username = forms.CharField(label=_("user name"), max_length=150)


# --- visit policies (supervisors) -------------------------------------------------------


class VisitPolicyForm(forms.Form):
    """The area (the picker of the registry pages, limited to the caller's scope; empty
    means their own area) and both intervals. The bounds are the service's rule
    (visit_policy_set); an empty or non-numeric box gets the service's message."""

    def __init__(self, *args, user, **kwargs):
        from doorstep.casework.services.schedule import (
            MAX_POLICY_INTERVAL_DAYS,
            policy_interval_error,
        )
        from doorstep.registry.forms import AreaField

        super().__init__(*args, **kwargs)
        self.fields["area"] = AreaField(user=user, label=_("area"), required=False)
        for name in ("interval_days", "vulnerable_interval_days"):
            message = policy_interval_error(name)
            self.fields[name] = forms.IntegerField(
                label=VisitPolicy._meta.get_field(name).verbose_name,
                widget=forms.NumberInput(attrs={"min": 1, "max": MAX_POLICY_INTERVAL_DAYS}),
                error_messages={"required": message, "invalid": message},
            )
