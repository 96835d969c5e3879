"""manage.py pair --area CODE [--continuity W] [--same-county] [--apply]

Computes a pairing plan for the area on this machine (two processes) with a progress
bar, prints the figures beside today's and the greedy baseline's, and with --apply
writes it in one transaction (pairing.services.plan_apply)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from doorstep.accounts.models import User
from doorstep.areas.models import Area
from doorstep.pairing import services
from doorstep.pairing.models import PairingPlan, PlanStatus

CHANNEL = "cli:pair"


class Command(BaseCommand):
    help = "Compute (and optionally apply) an optimal pairing plan for an area."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--area", required=True, help="area code, e.g. 652901")
        parser.add_argument("--continuity", type=int, default=2000, help="metres (default 2000)")
        parser.add_argument("--language-penalty", type=int, default=5000)
        parser.add_argument("--skill-penalty", type=int, default=1000)
        parser.add_argument("--capacity", type=int, default=None)
        parser.add_argument("--same-county", action="store_true")
        parser.add_argument(
            "--greedy", action="store_true", help="also compute the greedy baseline"
        )
        parser.add_argument("--processes", type=int, default=2)
        parser.add_argument("--apply", action="store_true", help="write the plan")
        parser.add_argument("--user", help="username recorded as the plan's author")

    def handle(self, *args, **options) -> None:
        area = Area.objects.filter(code=options["area"]).first()
        if area is None:
            raise CommandError(
                _("There is no area with code %(code)s.") % {"code": options["area"]}
            )
        actor = None
        if options["user"]:
            actor = User.objects.filter(username=options["user"], is_active=True).first()
            if actor is None:
                raise CommandError(
                    _("There is no active user %(name)s.") % {"name": options["user"]}
                )
        try:
            plan = services.plan_create(
                actor=actor,
                area=area,
                continuity_weight=options["continuity"],
                language_penalty=options["language_penalty"],
                skill_penalty=options["skill_penalty"],
                same_county=options["same_county"],
                capacity=options["capacity"],
                compare_greedy=options["greedy"],
                channel=CHANNEL,
                enqueue=False,
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        with tqdm(total=100, unit="%", desc=f"plan {plan.pk}", file=self.stderr) as bar:

            def progress(pct: int, stage: str) -> None:
                bar.set_postfix_str(stage)
                bar.update(max(0, pct - bar.n))

            try:
                services.plan_compute(
                    plan_id=plan.pk, processes=options["processes"], on_progress=progress
                )
            except Exception as exc:  # the plan is marked failed with the reason
                raise CommandError(str(exc)) from exc
        plan = PairingPlan.objects.get(pk=plan.pk)
        if plan.status != PlanStatus.READY:
            raise CommandError(plan.error or plan.status)
        f = plan.figures
        self.stdout.write(
            f"plan {plan.pk}: {f['stats']['seconds']} s, {f['stats']['components']} parts"
        )
        columns = [("today", f["before"]), ("plan", f["after"])]
        if f.get("greedy"):
            columns.append(("greedy", f["greedy"]))
        for key in (
            "served",
            "unserved",
            "vulnerable_unserved",
            "distance_m",
            "language_coverage",
            "skills_fit",
            "cost",
            "kept",
            "added",
            "moved",
            "ended",
        ):
            self.stdout.write(
                f"{key:>20} " + " ".join(f"{name}={col.get(key)}" for name, col in columns)
            )
        if f.get("certified"):
            self.stdout.write(
                f"certified optimal on the complete eligible graph: cost {f['objective']} "
                f"= lower bound {f['bound']}, gap 0 %"
            )
        else:
            self.stdout.write(
                f"not proved optimal: cost {f['objective']}, lower bound {f['bound']}, "
                f"certified gap {100 * f['gap']:.2f} %"
            )
        if f.get("greedy_gap") is not None:
            self.stdout.write(
                f"greedy baseline: cost {f['greedy_objective']}, "
                f"{100 * f['greedy_gap']:.2f} % above the lower bound"
            )
        tw = f.get("twinning") or {}
        if tw:
            self.stdout.write(
                f"twinned villages: {tw['kept']} pairings with unit officials kept; "
                f"{tw['to_unit']} of {tw['unpaired']} unpaired households to the unit's "
                f"officials, {tw['to_others']} to others (officials at capacity)"
            )
        for reason, n in f.get("reasons", {}).items():
            self.stdout.write(f"unserved ({reason}): {n}")
        if options["apply"]:
            try:
                counts = services.plan_apply(actor=actor, plan=plan, channel=CHANNEL)
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from None
            self.stdout.write(f"applied: {counts['ended']} ended, {counts['created']} started")
