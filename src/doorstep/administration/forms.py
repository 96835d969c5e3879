"""Forms of the administration pages. They only shape input; every rule (roles a
caller may grant, areas of their own, duplicate user names) is the services'."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from doorstep.accounts.models import Role
from doorstep.core.languages import LanguagesField
from doorstep.hotline.models import CallCategory, ResponderKind


class StaffForm(forms.Form):
    family_name = forms.CharField(
        label=_("family name"),
        max_length=64,
        required=False,
        help_text=_("Leave empty for names without a family name."),
    )
    given_name = forms.CharField(
        label=_("given name"),
        max_length=64,
        required=False,
        help_text=_("For Uyghur names: given name·father's given name (艾力·买买提)."),
    )
    role = forms.ChoiceField(label=_("role"))
    area_code = forms.CharField(
        label=_("area code"),
        max_length=20,
        help_text=_("The account sees records in this area and below it."),
    )
    units = forms.MultipleChoiceField(
        label=_("units"), required=False, widget=forms.CheckboxSelectMultiple
    )
    languages = LanguagesField(label=_("languages spoken"))
    phone = forms.CharField(label=_("phone"), max_length=20, required=False)
    latitude = forms.FloatField(label=_("base latitude"), required=False)
    longitude = forms.FloatField(label=_("base longitude"), required=False)

    def __init__(self, *args, roles=(), units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(c, label) for c, label in Role.choices if c in roles]
        self.fields["units"].choices = [(str(pk), name) for pk, name in units]


class StaffCreateForm(StaffForm):
    username = forms.CharField(label=_("user name"), max_length=150)
    field_order = ["username"]


class StaffSearchForm(forms.Form):
    q = forms.CharField(label=_("name or user name"), max_length=64, required=False)
    inactive = forms.BooleanField(label=_("inactive accounts only"), required=False)


class StaffImportForm(forms.Form):
    file = forms.FileField(label=_("file (.csv or .xlsx)"))
    first_passwords = forms.BooleanField(
        label=_("Give each new account a first password (shown once, to print and hand over)"),
        required=False,
        initial=True,
    )


class OfficeForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=120)
    area_code = forms.CharField(label=_("area covered (code)"), max_length=20)
    phone = forms.CharField(label=_("duty phone"), max_length=20, required=False)
    categories = forms.MultipleChoiceField(
        label=_("service categories"),
        choices=CallCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every category."),
    )
    min_officers = forms.IntegerField(
        label=_("officers needed at every hour"), min_value=0, max_value=50, initial=1
    )
    is_active = forms.BooleanField(label=_("active"), required=False, initial=True)


class ResponderForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=120)
    kind = forms.ChoiceField(label=_("kind"), choices=ResponderKind.choices)
    contact_name = forms.CharField(label=_("contact"), max_length=64, required=False)
    phone = forms.CharField(label=_("phone"), max_length=20, required=False)
    categories = forms.MultipleChoiceField(
        label=_("categories handled"),
        choices=CallCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    members = forms.CharField(
        label=_("staff who record their own steps (user names)"),
        max_length=500,
        required=False,
        help_text=_("User names separated by commas."),
    )
    is_active = forms.BooleanField(label=_("active"), required=False, initial=True)


class ContactsForm(forms.Form):
    contacts = forms.CharField(
        label=_("on-call contacts"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One a line, in the order they are rung: name, role, phone."),
    )


class ServiceLevelForm(forms.Form):
    acknowledge_hours = forms.IntegerField(label=_("acknowledge within (hours)"))
    resolve_hours = forms.IntegerField(label=_("resolve within (hours)"))
    supervisor_after_hours = forms.IntegerField(label=_("escalate to the supervisor after (hours)"))
