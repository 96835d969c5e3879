"""Question templates: the only questions a contact's check-list or a welfare round may
ask (issue 18: no free JSON, no free-text question). Supervisors and administrators
manage them for their area; each text is screened against the line (core.line) in
Chinese, Uyghur and English when written; every change is audited and shown to the
supervisors above (selectors.question_template_changes_for). Imported by models.py, so
Django sees the model in this app."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

KEY_PATTERN = r"^[a-z][a-z0-9_]{2,39}$"
MAX_TEXT = 120


class QuestionKind(models.TextChoices):
    CONTACT = "contact", _("contact check-list")
    WELFARE = "welfare", _("welfare round")


class AnswerKind(models.TextChoices):
    YES_NO = "yes_no", _("yes or no")
    NOTE = "note", _("a short note")


class QuestionTemplate(models.Model):
    area = models.ForeignKey(
        "areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    key = models.CharField(
        _("key"),
        max_length=40,
        unique=True,
        validators=[RegexValidator(KEY_PATTERN)],
        help_text=_("Lower-case letters, digits and _, starting with a letter."),
    )
    kind = models.CharField(_("used in"), max_length=10, choices=QuestionKind.choices)
    answer = models.CharField(
        _("answer"), max_length=10, choices=AnswerKind.choices, default=AnswerKind.YES_NO
    )
    text_zh = models.CharField(_("question in Chinese"), max_length=MAX_TEXT, blank=True)
    text_ug = models.CharField(_("question in Uyghur"), max_length=MAX_TEXT, blank=True)
    text_en = models.CharField(_("question in English"), max_length=MAX_TEXT, blank=True)
    # The need a "no" opens in a welfare round (casework.NeedCategory).
    need_category = models.CharField(_("need category"), max_length=32, default="other")
    active = models.BooleanField(_("in use"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "key"]
        verbose_name = _("question template")

    def __str__(self) -> str:
        return self.label()

    def texts(self) -> dict[str, str]:
        return {"zh": self.text_zh, "ug": self.text_ug, "en": self.text_en}

    def label(self) -> str:
        return label_in_language(self.texts(), fallback=self.key)


def label_in_language(texts: dict[str, str], *, fallback: str) -> str:
    """The text in the current language, else the first one written."""
    language = (translation.get_language() or "zh").lower()
    code = "zh" if language.startswith("zh") else language[:2]
    return texts.get(code) or next((t for t in texts.values() if t), fallback)


@dataclass(frozen=True)
class Question:
    key: str
    label: Any  # lazy translation for standard questions, text for the round's own
    need_category: str


# The standard check-list (issue #7); every round starts from it and may drop any.
# Need categories as their codes (casework.models.NeedCategory, which imports this).
STANDARD_QUESTIONS: tuple[Question, ...] = (
    Question("food_water", _("Enough food and water"), "other"),
    Question("medicines", _("Medicines they need"), "medical_costs"),
    Question("heating", _("Heating"), "housing"),
    Question("phone", _("A working phone"), "other"),
    Question("someone_to_call", _("Someone to call in need"), "elderly_care"),
)
