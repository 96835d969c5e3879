from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from doorstep.casework.models import NeedCategory


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("Your mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel", "dir": "ltr"}),
    )


class CodeForm(forms.Form):
    phone = forms.CharField(max_length=20, widget=forms.HiddenInput)
    code = forms.CharField(
        label=_("The 6-digit code we sent you"),
        max_length=6,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "dir": "ltr"}
        ),
    )


class NeedForm(forms.Form):
    category = forms.ChoiceField(label=_("What is it about?"), choices=NeedCategory.choices)
    title = forms.CharField(label=_("In a few words"), max_length=200)
    description = forms.CharField(
        label=_("More details (optional)"), required=False, max_length=4000, widget=forms.Textarea
    )


class CorrectionForm(forms.Form):
    message = forms.CharField(
        label=_("What is wrong in your record, and what is right?"),
        max_length=2000,
        widget=forms.Textarea,
    )


class FeedbackForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=_("How satisfied are you with the help?"),
        choices=[(str(n), str(n)) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"), required=False, max_length=2000, widget=forms.Textarea
    )


class NeedAnswerForm(forms.Form):
    """Solved, or not: the words are required for a dispute (services say so)."""

    answer = forms.ChoiceField(choices=[("confirm", "confirm"), ("dispute", "dispute")])
    words = forms.CharField(
        label=_("If it is not solved, what is still wrong?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
