"""Existing generated sentences become codes with parameters (issue 17): the need a
welfare check opened ("探访发现问题：取暖, 所需药品") and "… paid." on timelines and in
notifications. The sentences were written in the actor's language, so each is read in
zh-hans, en and ug; a sentence that does not fit (edited by a person, a round's own
question) keeps its words and gets no code. The words stay as they were (exports and
search read them). Codes are those of casework/texts.py, written out here because a
migration does not import the app."""

import re

from django.db import migrations

BATCH = 2000

WELFARE = {
    "zh-hans": ("探访发现问题：", ""),
    "en": ("Welfare check: ", ""),
    "ug": ("ھال سوراش: ", ""),
}
PAID = {"zh-hans": ("", "已发放。"), "en": ("", " paid."), "ug": ("", " تارقىتىلدى.")}
QUESTIONS = {
    "食物和饮用水充足": "food_water",
    "所需药品": "medicines",
    "取暖": "heating",
    "能正常使用的电话": "phone",
    "有需要时可以联系的人": "someone_to_call",
    "Enough food and water": "food_water",
    "Medicines they need": "medicines",
    "Heating": "heating",
    "A working phone": "phone",
    "Someone to call in need": "someone_to_call",
    "يېمەك-ئىچمەك يېتەرلىك": "food_water",
    "كېرەكلىك دورىلىرى بار": "medicines",
    "ئىسسىتىش": "heating",
    "ئىشلەيدىغان تېلېفونى بار": "phone",
    "ھاجەت چۈشكەندە تېلېفون قىلالايدىغان ئادىمى بار": "someone_to_call",
}
BENEFITS = {
    "公租房": "public_housing",
    "大病救助": "serious_illness",
    "最低生活保障": "minimum_living",
    "残疾人补贴": "disability_subsidy",
    "助学金": "education_grant",
    "小额贷款": "micro_loan",
    "Public housing": "public_housing",
    "Serious-illness assistance": "serious_illness",
    "Minimum living allowance": "minimum_living",
    "Disability subsidy": "disability_subsidy",
    "Education grant": "education_grant",
    "Micro-loan": "micro_loan",
    "ئاممىۋى ئىجارە ئۆي": "public_housing",
    "ئېغىر كېسەللىك ياردىمى": "serious_illness",
    "ئەڭ تۆۋەن تۇرمۇش كاپالىتى": "minimum_living",
    "مېيىپلار ياردەم پۇلى": "disability_subsidy",
    "ئوقۇش ياردەم پۇلى": "education_grant",
    "كىچىك قەرز": "micro_loan",
}


def _inner(text, forms):
    for prefix, suffix in forms.values():
        if text.startswith(prefix) and text.endswith(suffix) and len(text) > len(prefix + suffix):
            return text[len(prefix) : len(text) - len(suffix)]
    return None


def welfare_params(title):
    inner = _inner(title, WELFARE)
    if inner is None:
        return None
    labels = [part.strip() for part in re.split(r",\s*", inner) if part.strip()]
    if not labels or any(label not in QUESTIONS for label in labels):
        return None  # a round's own question, or cut at 200 characters: keep the words
    return {"problems": [QUESTIONS[label] for label in labels]}


def paid_params(note):
    inner = _inner(note, PAID)
    if inner is None or inner not in BENEFITS:
        return None
    return {"benefit": BENEFITS[inner]}


def _convert(queryset, field, parse, code):
    """Rows whose `field` parses get `field_code` and `field_params`, in batches."""
    last = 0
    while True:
        rows = list(
            queryset.filter(pk__gt=last, **{f"{field}_code": ""})
            .order_by("pk")
            .values_list("pk", field)[:BATCH]
        )
        if not rows:
            return
        last = rows[-1][0]
        for pk, text in rows:
            params = parse(text or "")
            if params is not None:
                queryset.filter(pk=pk).update(
                    **{f"{field}_code": code, f"{field}_params": params}
                )


def forwards(apps, schema_editor):
    Need = apps.get_model("casework", "Need")
    NeedEvent = apps.get_model("casework", "NeedEvent")
    Notification = apps.get_model("casework", "Notification")
    welfare = Need.objects.filter(title__contains=":") | Need.objects.filter(
        title__contains="："
    )
    _convert(welfare, "title", welfare_params, "casework.welfare_need")
    for model in (NeedEvent, Notification):
        paid = model.objects.none()
        for _prefix, suffix in PAID.values():
            paid = paid | model.objects.filter(note__endswith=suffix)
        _convert(paid, "note", paid_params, "casework.benefit_paid")


def backwards(apps, schema_editor):
    # The words were never changed: dropping the codes is all there is to undo.
    for name, field in (("Need", "title"), ("NeedEvent", "note"), ("Notification", "note")):
        apps.get_model("casework", name).objects.exclude(**{f"{field}_code": ""}).update(
            **{f"{field}_code": "", f"{field}_params": {}}
        )


class Migration(migrations.Migration):
    dependencies = [("casework", "0012_generated_texts_as_codes")]

    operations = [migrations.RunPython(forwards, backwards)]
