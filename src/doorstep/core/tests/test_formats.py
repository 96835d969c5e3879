"""Dates in inputs are ISO in every language; Uyghur times never say "p.m." (issue 17)."""

import datetime as dt

import pytest
from django import forms
from django.utils import formats, translation


class _DatesForm(forms.Form):
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    at = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))


@pytest.mark.parametrize("language", ["zh-hans", "ug", "en"])
def test_date_inputs_render_and_read_iso_in_every_language(language):
    with translation.override(language):
        form = _DatesForm(
            initial={"day": dt.date(2026, 12, 4), "at": dt.datetime(2026, 12, 4, 17, 5)}
        )
        html = str(form["day"]) + str(form["at"])
        assert 'value="2026-12-04"' in html
        assert 'value="2026-12-04T17:05"' in html
        bound = _DatesForm(data={"day": "2026-12-04", "at": "2026-12-04T17:05"})
        assert bound.is_valid(), bound.errors
        assert bound.cleaned_data["day"] == dt.date(2026, 12, 4)


def test_chinese_still_reads_its_own_written_dates():
    with translation.override("zh-hans"):
        bound = _DatesForm(data={"day": "2026/12/04", "at": "2026-12-04 17:05"})
        assert bound.is_valid(), bound.errors


def test_uyghur_timestamps_use_a_24_hour_clock():
    moment = dt.datetime(2026, 12, 4, 17, 5)
    with translation.override("ug"):
        shown = formats.date_format(moment, "DATETIME_FORMAT")
    assert "17:05" in shown
    assert "p.m." not in shown and "a.m." not in shown


def test_chinese_timestamps_keep_their_own_form():
    with translation.override("zh-hans"):
        assert formats.date_format(dt.datetime(2026, 12, 4, 17, 5), "DATETIME_FORMAT") == (
            "2026年12月4日 17:05"
        )
