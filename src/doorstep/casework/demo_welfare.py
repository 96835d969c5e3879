"""A welfare-check round for the demo data set (`manage.py demo`): the demo supervisor's
cold-snap round over the elderly living alone of their county, a fifth of its checks
already recorded (a few not reached, a few with a problem that opened a need), so the
round page has something to show. Written through the services, like real use."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from doorstep.accounts.models import User
from doorstep.casework.models import WelfareCheck, WelfareRound
from doorstep.casework.questions import QuestionKind
from doorstep.casework.services.questions import question_template_create
from doorstep.casework.services.welfare import (
    PRESETS,
    STANDARD_KEYS,
    welfare_check_record,
    welfare_round_start,
)

CHANNEL = "demo"


@transaction.atomic
def welfare_demo_load() -> int:
    """Start the demo round; returns its number of checks (0 if there is nothing to do)."""
    supervisor = User.objects.filter(username="demo_supervisor").select_related("area").first()
    if supervisor is None or supervisor.area is None or WelfareRound.objects.exists():
        return 0
    # Questions beyond the standard five come from templates the supervisor writes,
    # screened against the line (casework.services.questions): one for the round, one
    # for every visit's check-list.
    question_template_create(
        actor=supervisor,
        area=supervisor.area,
        key="enough_blankets",
        kind=QuestionKind.WELFARE,
        text_zh="棉被和冬衣够用吗？",
        text_ug="يوتقان ۋە قىشلىق كىيىم يېتەرلىكمۇ؟",
        text_en="Enough blankets and winter clothes?",
        channel=CHANNEL,
    )
    question_template_create(
        actor=supervisor,
        area=supervisor.area,
        key="stove_safe",
        kind=QuestionKind.CONTACT,
        text_zh="炉子和烟囱安全吗？",
        text_ug="مەش ۋە مورا بىخەتەرمۇ؟",
        text_en="Are the stove and chimney safe?",
        channel=CHANNEL,
    )
    started = welfare_round_start(
        actor=supervisor,
        area=supervisor.area,
        name="寒潮入户检查",
        deadline=timezone.localdate() + dt.timedelta(days=3),
        criteria=PRESETS["elderly_alone"][1],
        extra_questions=("enough_blankets",),
        channel=CHANNEL,
    )
    checks = list(
        WelfareCheck.objects.filter(round=started.welfare_round, worker__isnull=False)
        .select_related("worker", "round", "household")
        .order_by("pk")
    )
    for i, check in enumerate(checks[: len(checks) // 5]):
        if i % 7 == 3:
            outcome, answers = "not_reached", None
        else:
            outcome = "done"
            answers = {key: not (i % 9 == 4 and key == "heating") for key in STANDARD_KEYS}
            answers["enough_blankets"] = i % 11 != 6
        welfare_check_record(
            actor=check.worker,
            check=check,
            outcome=outcome,
            answers=answers,
            expected_version=check.version,
            channel=CHANNEL,
        )
    return started.checks
