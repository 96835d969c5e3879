from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from doorstep.privacy.models import ConsentMethod, ConsentPurpose, CorrectionStatus
from doorstep.registry.models import ProgrammeStatus

STAFF_METHODS = [(v, label) for v, label in ConsentMethod.choices if v != ConsentMethod.PORTAL]


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("purpose"), choices=ConsentPurpose.choices)
    given = forms.TypedChoiceField(
        label=_("answer"),
        choices=[("1", _("Given")), ("0", _("Withdrawn"))],
        coerce=lambda v: v == "1",
    )
    method = forms.ChoiceField(label=_("how"), choices=STAFF_METHODS)
    note = forms.CharField(label=_("note"), max_length=200, required=False)


class ProgrammeForm(forms.Form):
    programme_status = forms.ChoiceField(
        label=_("programme status"), choices=ProgrammeStatus.choices
    )
    left_on = forms.DateField(
        label=_("left the programme on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class CorrectionResolveForm(forms.Form):
    status = forms.ChoiceField(
        label=_("outcome"),
        choices=[
            (CorrectionStatus.CORRECTED, CorrectionStatus.CORRECTED.label),
            (CorrectionStatus.DECLINED, CorrectionStatus.DECLINED.label),
        ],
    )
    answer = forms.CharField(
        label=_("answer to the resident"), max_length=2000, required=False, widget=forms.Textarea
    )
