"""Texts casework writes itself, stored as codes (core.texts) and put into words in
the reader's language: the need a welfare check opens, "… paid." on a need's timeline
and in its owner's notification. Registered from CaseworkConfig.ready()."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from doorstep.casework.models import BenefitType
from doorstep.casework.questions import STANDARD_QUESTIONS, label_in_language
from doorstep.core.texts import register_text

WELFARE_NEED = "casework.welfare_need"
BENEFIT_PAID = "casework.benefit_paid"


def question_label(question) -> str:
    """A welfare question stored in a text's parameters: a standard question's key,
    a round's own question in each language ({"zh": …, "ug": …, "en": …}), or words."""
    if isinstance(question, dict):
        return label_in_language(question, fallback="?")
    standard = {q.key: q.label for q in STANDARD_QUESTIONS}
    return str(standard.get(question, question))


def register() -> None:
    register_text(
        WELFARE_NEED,
        gettext_noop("Welfare check: %(problems)s"),
        labels={"problems": question_label},
    )
    register_text(BENEFIT_PAID, gettext_noop("%(benefit)s paid."), labels={"benefit": BenefitType})
