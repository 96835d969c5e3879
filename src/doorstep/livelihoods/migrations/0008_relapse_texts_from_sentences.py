"""Existing sentences of the relapse watch become codes with parameters (issue 17),
so a need it opened reads in the reader's language: its title ("返贫监测：人均收入低于
标准", "返贫监测：2 项风险"), its description (written again from the facts of the
flags it holds, never parsed from the words), "Relapse watch added: …" on its timeline,
and the life event of a placement that ended. The watch wrote in zh-hans; the other
texts were written in the actor's language, so all three are read. What does not fit
keeps its words and gets no code. Codes are those of livelihoods/texts.py."""

import re

from django.db import migrations

BATCH = 1000

RULES = {
    "人均收入低于标准": "income_below",
    "人均收入下降": "income_drop",
    "医疗支出超过收入的一定比例": "medical_share",
    "新发重病或残疾": "illness_disability",
    "失业": "job_lost",
    "灾害": "disaster",
    "Income per person below a threshold": "income_below",
    "Income per person dropped": "income_drop",
    "Medical spending above a share of income": "medical_share",
    "New serious illness or disability": "illness_disability",
    "Lost a job": "job_lost",
    "Disaster": "disaster",
    "كىشى بېشىغا كىرىم چەك سىزىقىدىن تۆۋەن": "income_below",
    "كىشى بېشىغا كىرىم تۆۋەنلىدى": "income_drop",
    "داۋالىنىش چىقىمى كىرىمنىڭ مەلۇم نىسبىتىدىن ئېشىپ كەتتى": "medical_share",
    "يېڭىدىن ئېغىر كېسەل ياكى مېيىپلىك": "illness_disability",
    "ئىشتىن ئايرىلدى": "job_lost",
    "ئاپەت": "disaster",
}
ONE = ("返贫监测：", "Relapse watch: ", "قايتا نامراتلىشىشنى كۆزىتىش: ")
MANY = (
    re.compile(r"^返贫监测：(\d+) 项风险$"),
    re.compile(r"^Relapse watch: (\d+) risks$"),
    re.compile(r"^قايتا نامراتلىشىش كۆزىتىشى: (\d+) خەتەر$"),
)
ADDED = ("返贫监测新增：", "Relapse watch added: ", "قايتا نامراتلىشىش كۆزىتىشى قوشتى: ")
ENDED = (
    re.compile(r"^(.+) 的就业安置已结束。$"),
    re.compile(r"^Placement at (.+) ended\.$"),
    re.compile(r"^(.+) دىكى ئىشقا ئورۇنلاشتۇرۇش ئاخىرلاشتى\.$"),
)


def title_text(title):
    for pattern in MANY:
        if match := pattern.match(title):
            return "livelihoods.relapse_many", {"count": int(match.group(1))}
    for prefix in ONE:
        if title.startswith(prefix) and title[len(prefix) :] in RULES:
            return "livelihoods.relapse_one", {"rule": RULES[title[len(prefix) :]]}
    return None


def added_text(note):
    for prefix in ADDED:
        if note.startswith(prefix):
            labels = [part.strip() for part in note[len(prefix) :].split(";")]
            if labels and all(label in RULES for label in labels):
                return "livelihoods.relapse_added", {"flags": [RULES[label] for label in labels]}
    return None


def ended_text(note):
    for pattern in ENDED:
        if match := pattern.match(note):
            return "livelihoods.placement_ended", {"opening": match.group(1)}
    return None


def _plain(value):
    return None if value is None else str(value)


def facts(flag, rule_kind, event):
    return {
        "rule": rule_kind,
        "year": flag.year,
        "value": _plain(flag.value),
        "reference": _plain(flag.reference),
        "limit": _plain(flag.rule_limit),
        "event": event.kind if event is not None else None,
        "on": event.occurred_on.isoformat() if event is not None else None,
    }


def forwards(apps, schema_editor):
    Need = apps.get_model("casework", "Need")
    NeedEvent = apps.get_model("casework", "NeedEvent")
    RelapseFlag = apps.get_model("livelihoods", "RelapseFlag")
    RelapseRule = apps.get_model("livelihoods", "RelapseRule")
    LifeEvent = apps.get_model("livelihoods", "LifeEvent")
    kinds = dict(RelapseRule.objects.values_list("pk", "kind"))
    need_ids = sorted(
        set(RelapseFlag.objects.exclude(need_id=None).values_list("need_id", flat=True))
    )
    for start in range(0, len(need_ids), BATCH):
        chunk = need_ids[start : start + BATCH]
        flags = {}
        for flag in RelapseFlag.objects.filter(need_id__in=chunk).order_by("pk"):
            flags.setdefault(flag.need_id, []).append(flag)
        events = LifeEvent.objects.in_bulk(
            {f.event_id for fs in flags.values() for f in fs if f.event_id}
        )
        for need in Need.objects.filter(pk__in=chunk, title_code="", description_code=""):
            columns = {}
            if found := title_text(need.title):
                columns["title_code"], columns["title_params"] = found
            lines = [line for line in need.description.splitlines() if line.strip()]
            # Only the watch's own description ("• rule: figures" per flag), never a
            # description a person rewrote.
            if lines and all(line.startswith("• ") for line in lines):
                columns["description_code"] = "livelihoods.relapse_flags"
                columns["description_params"] = {
                    "flags": [
                        facts(f, kinds.get(f.rule_id, ""), events.get(f.event_id))
                        for f in flags.get(need.pk, [])
                    ]
                }
            if columns:
                Need.objects.filter(pk=need.pk).update(**columns)
    for model, parse in ((NeedEvent, added_text), (LifeEvent, ended_text)):
        candidates = model.objects.none()
        for prefix in ADDED if parse is added_text else ():
            candidates = candidates | model.objects.filter(note__startswith=prefix)
        if parse is ended_text:
            candidates = (
                model.objects.filter(note__endswith="的就业安置已结束。")
                | model.objects.filter(note__startswith="Placement at ")
                | model.objects.filter(note__endswith=" ئاخىرلاشتى.")
            )
        for pk, note in candidates.filter(note_code="").values_list("pk", "note").iterator():
            if found := parse(note or ""):
                model.objects.filter(pk=pk).update(note_code=found[0], note_params=found[1])


def backwards(apps, schema_editor):
    Need = apps.get_model("casework", "Need")
    Need.objects.filter(title_code__startswith="livelihoods.").update(
        title_code="", title_params={}
    )
    Need.objects.filter(description_code__startswith="livelihoods.").update(
        description_code="", description_params={}
    )
    for model in (apps.get_model("casework", "NeedEvent"), apps.get_model("livelihoods", "LifeEvent")):
        model.objects.filter(note_code__startswith="livelihoods.").update(
            note_code="", note_params={}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("livelihoods", "0007_life_event_note_as_code"),
        ("casework", "0013_generated_texts_from_sentences"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
