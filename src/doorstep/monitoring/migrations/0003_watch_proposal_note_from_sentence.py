"""The relapse watch's proposals keep their reason as a code (issue 17): "由返贫预警根据
未关闭的预警自动提出。" (or its en/ug words) becomes monitoring.watch_proposal
(monitoring/texts.py) and reads in the reader's language; other notes are a person's."""

from django.db import migrations

SENTENCES = (
    "由返贫预警根据未关闭的预警自动提出。",
    "Proposed by the relapse watch from its open flags.",
    "قايتا نامراتلىشىش ئاگاھلاندۇرۇشى ئوچۇق بەلگىلىرىگە ئاساسەن تەكلىپ قىلدى.",
)


def forwards(apps, schema_editor):
    apps.get_model("monitoring", "Proposal").objects.filter(
        note__in=SENTENCES, note_code=""
    ).update(note_code="monitoring.watch_proposal", note_params={})


def backwards(apps, schema_editor):
    apps.get_model("monitoring", "Proposal").objects.filter(
        note_code="monitoring.watch_proposal"
    ).update(note_code="", note_params={})


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0002_proposal_note_as_code")]

    operations = [migrations.RunPython(forwards, backwards)]
