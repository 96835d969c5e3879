"""The authorization matrix: every page and API operation, generated from the URL
configuration (Django's resolver and the ninja API's schema), against every persona.

Each route must be classified in ROUTES below; a route that is not fails
`test_every_route_is_classified`, so a new endpoint cannot be forgotten. Kinds:

- public:   reachable without signing in (sign-in pages, API docs, Open311);
- staff:    any signed-in staff account; anonymous callers are turned away; shows
            no household or resident, or only the caller's own things;
- personal: shows personal data; GET is tried by every persona against a world in
            which household A (village A) has a need, a pairing and a referral
            (core/tests/conftest.py). Personas in `allow` get 200; the others get
            401/403/404 or a redirect to sign in, or a 200 that holds nothing of
            household A (its number, its head's name);
- list:     a list of personal records: personas outside household A's scope must
            not find household A in it (who may open it is the app's own rule);
- unseeded: personal, but the world has no such record yet: anonymous callers only;
- write:    a write (POST/PUT/PATCH/DELETE, or a page that only takes POST);
            anonymous callers are turned away; the scope of writes is tested by
            each app's own tests;
- resident: the resident portal: resident A (signed in to the portal) gets 200,
            staff, resident B and anonymous callers see nothing of household A;
- admin:    Django's admin site, for staff accounts only.

Personas: the staff personas of conftest.py, anonymous, and two residents with portal
sessions (one of household A, one of household B).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from doorstep.api import api
from doorstep.core.tests.api_clients import ApiClient

PERSONAS = [
    "anonymous",
    "worker_a",
    "worker_b",
    "team_leader",
    "supervisor",
    "analyst",
    "responder",
    "administrator",
    "resident_a",  # a resident of household A, signed in to the portal
    "resident_b",  # a resident of household B, signed in to the portal
]
# Household A is in village A: its worker, the team leader of its township, the
# county's supervisor and the region's administrator see it.
SCOPE_A = frozenset({"worker_a", "team_leader", "supervisor", "administrator"})
NOBODY = frozenset()
RESIDENTS = frozenset({"resident_a", "resident_b"})
STAFF = frozenset(PERSONAS) - {"anonymous"} - RESIDENTS
LEADERS = frozenset({"team_leader", "supervisor", "administrator"})


@dataclass(frozen=True)
class Rule:
    kind: str
    allow: frozenset = field(default=NOBODY)
    why: str = ""
    query: str = ""  # e.g. "area={area_id}", filled like the path


def public(why: str) -> Rule:
    return Rule("public", why=why)


def staff(why: str) -> Rule:
    return Rule("staff", why=why)


def personal(allow: frozenset = SCOPE_A, why: str = "", query: str = "") -> Rule:
    return Rule("personal", allow=allow, why=why, query=query)


def write(why: str = "") -> Rule:
    return Rule("write", why=why)


def resident(why: str = "", query: str = "") -> Rule:
    """The resident portal: resident A (household A) gets 200; nobody else sees
    household A there."""
    return Rule("resident", allow=frozenset({"resident_a"}), why=why, query=query)


def scoped_list(why: str = "", query: str = "") -> Rule:
    """A list of personal records: who may open it is the app's rule; nobody outside
    household A's scope may find household A in it."""
    return Rule("list", why=why, query=query)


def unseeded(why: str) -> Rule:
    """Personal, but the world below has no such record yet: only anonymous callers
    are tried. Seed it in core/tests/conftest.py `world` to test every persona."""
    return Rule("unseeded", why=why)


# Pages: the route as Django prints it. API: "METHOD /api/path/{param}".
ROUTES: dict[str, Rule] = {
    # --- framework and sign-in ----------------------------------------------------
    "i18n/setlang/": public("language switch"),
    "accounts/login/": public("sign-in"),
    "accounts/logout/": write("sign-out"),
    "accounts/password/": staff("choose a new password, own account"),
    "accounts/two-factor/": staff("second sign-in step, own account"),
    "accounts/two-factor/enrol/": staff("authenticator set-up, own account"),
    "api/openapi.json": public("the schema"),
    "api/docs": public("the schema, rendered"),
    "api/": public("ninja's root, 404"),
    "^static/(?P<path>.*)$": public("static files (DEBUG only)"),
    # --- registry -------------------------------------------------------------------
    "": staff("home: counts of the caller's scope"),
    "households/": personal(why="list, scoped"),
    "households/new/": staff("empty form"),
    "households/<int:household_id>/": personal(),
    "households/<int:household_id>/timeline/": personal(why="the timeline's next page"),
    "households/<int:household_id>/edit/": personal(),
    "households/<int:household_id>/residents/new/": personal(),
    "households/<int:household_id>/residents/<int:resident_id>/edit/": personal(),
    "households/<int:household_id>/residents/<int:resident_id>/remove/": write(),
    "households/export/": personal(why="file of the caller's scope"),
    "imports/": staff("upload form; roles that import"),
    "imports/<int:job_id>/": staff("the uploader's own job"),
    "imports/<int:job_id>/progress/": staff("the uploader's own job"),
    "imports/<int:job_id>/run/": write(),
    "areas/children/": staff("area tree, not personal"),
    # --- the field app ------------------------------------------------------------------
    "field/": personal(
        frozenset({"worker_a", "worker_b", "team_leader"}),
        "the app's shell, for workers and team leaders; its data comes from the sync API",
    ),
    "field/sw.js": public("the service worker's script: no data"),
    "field/manifest.webmanifest": public("the web app manifest: no data"),
    "field/signout/": write("sign-out, clearing the phone"),
    # --- casework pages ---------------------------------------------------------------
    "casework/": personal(STAFF, "the caller's own due list"),
    "casework/households/<int:household_id>/visit/": personal(
        SCOPE_A, "contact form names the household"
    ),
    "casework/households/<int:household_id>/needs/new/": personal(SCOPE_A),
    "casework/households/<int:household_id>/pairing/": personal(LEADERS, "for leaders"),
    "casework/needs/<int:need_id>/": personal(SCOPE_A),
    "casework/needs/<int:need_id>/transition/": write(),
    "casework/needs/<int:need_id>/refer/": write(),
    "casework/needs/<int:need_id>/feedback/": write(),
    "casework/needs/<int:need_id>/assistance/": write(),
    "casework/assistance/<int:assistance_id>/status/": write(),
    "casework/referrals/": personal(STAFF, "referrals of the caller's unit or scope"),
    "casework/referrals/<int:referral_id>/answer/": write(),
    "casework/pairings/": personal(LEADERS, "scoped list, for leaders"),
    "casework/pairings/assign/": write(),
    "casework/pairings/<int:pairing_id>/end/": write(),
    "casework/overdue/": personal(LEADERS, "scoped list, for leaders"),
    "casework/policies/": staff("visit policies of areas"),
    "casework/units/": staff("units, not households"),
    "casework/units/<int:unit_id>/": staff("a unit, its staff"),
    "casework/units/<int:unit_id>/twinnings/": write(),
    "casework/units/<int:unit_id>/twinnings/<int:twinning_id>/end/": write(),
    "casework/units/<int:unit_id>/members/": write(),
    "casework/units/<int:unit_id>/members/<int:member_id>/remove/": write(),
    "casework/notifications/": staff("the caller's own notifications"),
    "casework/notifications/count/": staff("the caller's own count"),
    "casework/notifications/<int:notification_id>/read/": write(),
    "casework/notifications/read/": write(),
    # --- hotline pages ---------------------------------------------------------------
    "hotline/": staff("duty board; calls are tested in hotline/tests"),
    "hotline/board/rows/": staff("duty board rows"),
    "hotline/on-duty/": staff("who is on duty"),
    "hotline/calls/new/": staff("intake form"),
    "hotline/callers/": staff("caller lookup by phone; duty only (hotline tests)"),
    "hotline/calls/<int:call_id>/": staff("a call; duty scope (hotline tests)"),
    "hotline/calls/<int:call_id>/act/": write(),
    "hotline/dispatches/<int:dispatch_id>/step/": write(),
    "hotline/responder/": staff("the responder's own dispatches"),
    "hotline/roster/": staff("duty roster"),
    "hotline/roster/holidays/": staff("holiday roster"),
    "hotline/hazards/": staff("hazard reports"),
    "hotline/hazards/<int:hazard_id>/photo/": staff("a hazard photo"),
    "hotline/hazards/<int:hazard_id>/act/": write(),
    "hotline/patrols/start/": write(),
    "hotline/patrols/<int:patrol_id>/end/": write(),
    # --- Open311 (public by its specification; never returns personal fields) ---------
    "open311/v2/^services\\.(?P<fmt>[a-z]+)$": public("Open311 service list"),
    "open311/v2/^services/(?P<code>[^/.]+)\\.(?P<fmt>[a-z]+)$": public("Open311 definition"),
    "open311/v2/^requests\\.(?P<fmt>[a-z]+)$": public("Open311 requests, no personal fields"),
    "open311/v2/^requests/(?P<request_id>[^/.]+)\\.(?P<fmt>[a-z]+)$": public("Open311 request"),
    "open311/v2/^tokens/(?P<token>[^/.]+)\\.(?P<fmt>[a-z]+)$": public("Open311 token"),
    # --- API: accounts and areas --------------------------------------------------------
    "GET /api/v1/me": staff("the caller"),
    "GET /api/v1/tokens": staff("the caller's tokens"),
    "POST /api/v1/tokens": write(),
    "DELETE /api/v1/tokens/{token_id}": write(),
    "GET /api/v1/areas": staff("area tree"),
    "GET /api/v1/areas/by-code/{code}": staff("area tree"),
    "GET /api/v1/areas/{area_id}": staff("area tree"),
    # --- API: registry ------------------------------------------------------------------
    "GET /api/v1/households": personal(why="list, scoped"),
    "POST /api/v1/households": write(),
    "GET /api/v1/households/by-number/{household_no}": personal(),
    "GET /api/v1/households/{household_id}": personal(),
    "PATCH /api/v1/households/{household_id}": write(),
    "POST /api/v1/households/{household_id}/residents": write(),
    "PATCH /api/v1/households/{household_id}/residents/{resident_id}": write(),
    "DELETE /api/v1/households/{household_id}/residents/{resident_id}": write(),
    "POST /api/v1/imports": write(),
    "GET /api/v1/imports/{job_id}": staff("the uploader's own job"),
    "GET /api/v1/exports/households": personal(why="file of the caller's scope"),
    # --- API: casework -------------------------------------------------------------------
    "GET /api/v1/casework/units": staff("units"),
    "GET /api/v1/casework/pairings": personal(STAFF - {"analyst", "responder"}),
    "POST /api/v1/casework/pairings": write(),
    "POST /api/v1/casework/pairings/bulk": write(),
    "POST /api/v1/casework/pairings/{pairing_id}/end": write(),
    "GET /api/v1/casework/contacts": personal(STAFF - {"analyst", "responder"}),
    "POST /api/v1/casework/contacts": write(),
    "GET /api/v1/casework/due": personal(STAFF, "the caller's own due list"),
    "GET /api/v1/field/sync": personal(
        frozenset({"worker_a"}), "the caller's caseload only (worker A is paired with A)"
    ),
    "GET /api/v1/field/me": staff("the caller's own account and the app's settings"),
    "GET /api/v1/casework/overdue-summary": staff("counts per area"),
    "GET /api/v1/casework/overdue-households": personal(LEADERS, query="area={area_id}"),
    "GET /api/v1/casework/needs": personal(STAFF - {"analyst"}),
    "POST /api/v1/casework/needs": write(),
    "GET /api/v1/casework/needs/{need_id}": personal(),
    "PATCH /api/v1/casework/needs/{need_id}": write(),
    "POST /api/v1/casework/needs/{need_id}/transitions": write(),
    "POST /api/v1/casework/needs/{need_id}/notes": write(),
    "POST /api/v1/casework/needs/{need_id}/referrals": write(),
    "POST /api/v1/casework/needs/{need_id}/assistance": write(),
    "POST /api/v1/casework/assistance/{assistance_id}/status": write(),
    "POST /api/v1/casework/needs/{need_id}/feedback": write(),
    "GET /api/v1/casework/referrals": personal(STAFF - {"analyst"}),
    "GET /api/v1/casework/referrals/{referral_id}": personal(),
    "POST /api/v1/casework/referrals/{referral_id}/accept": write(),
    "POST /api/v1/casework/referrals/{referral_id}/decline": write(),
    "POST /api/v1/casework/referrals/{referral_id}/actions": write(),
    "GET /api/v1/casework/notifications": staff("the caller's own notifications"),
    "POST /api/v1/casework/notifications/{notification_id}/read": write(),
    "GET /api/v1/casework/visit-policies": staff("policies of areas"),
    "PUT /api/v1/casework/visit-policies/{area_id}": write(),
    # --- API: hotline ----------------------------------------------------------------------
    "GET /api/v1/hotline/on-duty": staff("who is on duty"),
    "GET /api/v1/hotline/callers": staff("caller lookup; duty only (hotline tests)"),
    "POST /api/v1/hotline/calls": write(),
    "GET /api/v1/hotline/calls": staff("duty board (hotline tests)"),
    "GET /api/v1/hotline/calls/{call_id}": staff("a call (hotline tests)"),
    "POST /api/v1/hotline/calls/{call_id}/dispatch": write(),
    "POST /api/v1/hotline/calls/{call_id}/safety-steps": write(),
    "POST /api/v1/hotline/dispatches/{dispatch_id}/steps": write(),
    "POST /api/v1/hotline/calls/{call_id}/callback": write(),
    "POST /api/v1/hotline/calls/{call_id}/reopen": write(),
    "POST /api/v1/hotline/shifts": write(),
    "GET /api/v1/hotline/offices/{office_id}/gaps": staff("roster gaps"),
    "POST /api/v1/hotline/shifts/{shift_id}/swaps": write(),
    "POST /api/v1/hotline/swaps/{swap_id}/decision": write(),
    "GET /api/v1/hotline/hazards": staff("hazard reports"),
    "POST /api/v1/hotline/hazards": write(),
    "GET /api/v1/hotline/hazards/{hazard_id}": staff("a hazard report"),
    "POST /api/v1/hotline/hazards/{hazard_id}/call": write(),
    "GET /api/v1/hotline/patrols": staff("patrols of the caller's offices"),
    "POST /api/v1/hotline/patrols": write(),
    "GET /api/v1/hotline/patrols/{patrol_id}": staff("a patrol"),
    "POST /api/v1/hotline/patrols/{patrol_id}/end": write(),
    # --- monitoring (the poverty-monitoring procedure; refusals in monitoring/tests) ------
    "monitoring/": scoped_list("proposals in progress in scope"),
    "monitoring/households/": scoped_list("households by poverty status"),
    "monitoring/households/<int:household_id>/": personal(why="status, figures, help"),
    "monitoring/households/<int:household_id>/propose/": write(),
    "monitoring/households/<int:household_id>/help/": write(),
    "monitoring/households/<int:household_id>/review/": write(),
    "monitoring/households/<int:household_id>/status/": write(),
    "monitoring/proposals/<int:proposal_id>/": personal(SCOPE_A, "a monitoring proposal"),
    "monitoring/proposals/<int:proposal_id>/step/": write(),
    "monitoring/proposals/<int:proposal_id>/objection/": write(),
    "monitoring/proposals/<int:proposal_id>/resubmit/": write(),
    "monitoring/notices/<int:area_id>/": personal(why="a village's notice: heads' names"),
    "monitoring/figures/": staff("counts per area, suppressed for analysts"),
    "monitoring/settings/": staff("a county's settings; supervisors only"),
    "resident/monitoring/apply/": resident("the household's own application"),
    "GET /api/v1/monitoring/households/{household_id}": personal(),
    "PUT /api/v1/monitoring/households/{household_id}/status": write(),
    "POST /api/v1/monitoring/households/{household_id}/proposals": write(),
    "POST /api/v1/monitoring/households/{household_id}/help": write(),
    "POST /api/v1/monitoring/households/{household_id}/reviews": write(),
    "GET /api/v1/monitoring/proposals": scoped_list("proposals in scope"),
    "GET /api/v1/monitoring/proposals/{proposal_id}": personal(SCOPE_A, "a monitoring proposal"),
    "POST /api/v1/monitoring/proposals/{proposal_id}/steps": write(),
    "POST /api/v1/monitoring/proposals/{proposal_id}/objections": write(),
    "POST /api/v1/monitoring/proposals/{proposal_id}/resubmit": write(),
    "GET /api/v1/monitoring/counties/{county_id}/settings": staff("not personal"),
    "PUT /api/v1/monitoring/counties/{county_id}/settings": write(),
    "PUT /api/v1/monitoring/counties/{county_id}/lines": write(),
    "GET /api/v1/monitoring/figures": staff("counts, suppressed for analysts"),
    # --- insights (dashboards and reports; per-persona scope in insights/tests) --------
    "insights/": staff("redirects to the caller's own dashboard"),
    "insights/areas/<int:area_id>/": personal(
        LEADERS | {"analyst"}, "area dashboard; analysts get suppressed counts, no record"
    ),
    "insights/workers/<int:worker_id>/": personal(NOBODY, "own or a leader's workers"),
    "insights/teams/<int:area_id>/reports/<int:year>/q<int:quarter>/": personal(
        NOBODY, "a team's report (village A has no team leader)"
    ),
    "insights/teams/<int:area_id>/reports/<int:year>/": personal(NOBODY, "a team's report"),
    "GET /api/v1/insights/areas/{area_id}/dashboard": personal(LEADERS | {"analyst"}),
    "GET /api/v1/insights/workers/{worker_id}/dashboard": personal(NOBODY, "own or leaders'"),
    "GET /api/v1/insights/areas/{area_id}/map": personal(LEADERS | {"analyst"}, "areas only"),
    "GET /api/v1/insights/areas/{area_id}/household-counts": personal(
        LEADERS | {"analyst"}, "counts only; analysts' suppressed"
    ),
    "GET /api/v1/insights/areas/{area_id}/teams": staff("team areas and leaders' names"),
    "GET /api/v1/insights/teams/{area_id}/reports/{year}": personal(NOBODY, "a team's report"),
    "GET /api/v1/insights/teams/{area_id}/reports/{year}/file": personal(NOBODY, "the same"),
    # --- welfare-check rounds (casework) ------------------------------------------------
    "casework/welfare/": staff("rounds of the caller's area"),
    "casework/welfare/new/": staff("a form"),
    "casework/welfare/<int:round_id>/": personal(
        LEADERS, "rounds are managed by leaders; a round: its checks name residents"
    ),
    "casework/welfare/<int:round_id>/coverage/": personal(
        LEADERS, "rounds are managed by leaders; a round's coverage"
    ),
    "casework/welfare/<int:round_id>/map/": personal(
        LEADERS, "rounds are managed by leaders; a round's map"
    ),
    "casework/welfare/<int:round_id>/close/": write(),
    "casework/welfare/<int:round_id>/reassign/": write(),
    "casework/welfare/checks/<int:check_id>/": personal(SCOPE_A, "a check of one resident"),
    "GET /api/v1/casework/welfare/checks/mine": scoped_list("the caller's own checks"),
    "GET /api/v1/casework/welfare/checks/{check_id}": personal(SCOPE_A, "a check of one resident"),
    "GET /api/v1/casework/welfare/rounds": staff("rounds of the caller's area"),
    "GET /api/v1/casework/welfare/rounds/{round_id}": personal(
        LEADERS, "rounds are managed by leaders; a round"
    ),
    "GET /api/v1/casework/welfare/rounds/{round_id}/checks": personal(
        LEADERS, "rounds are managed by leaders; a round's checks"
    ),
    "POST /api/v1/casework/welfare/checks/{check_id}/record": write(),
    "POST /api/v1/casework/welfare/rounds": write(),
    "POST /api/v1/casework/welfare/rounds/{round_id}/close": write(),
    "POST /api/v1/casework/welfare/rounds/{round_id}/reassign": write(),
    "GET /api/v1/casework/question-templates": staff("question templates: not personal"),
    "GET /api/v1/casework/question-templates/changes": staff("template changes: not personal"),
    "POST /api/v1/casework/question-templates": write(),
    "PATCH /api/v1/casework/question-templates/{template_id}": write(),
    # --- livelihoods ------------------------------------------------------------------------
    "livelihoods/": staff("start page"),
    "livelihoods/find/": scoped_list("search for seekers and households"),
    "livelihoods/households/<int:household_id>/": personal(why="a household's work and income"),
    "livelihoods/households/<int:household_id>/businesses/": write(),
    "livelihoods/households/<int:household_id>/enrol/": write(),
    "livelihoods/households/<int:household_id>/events/": write(),
    "livelihoods/households/<int:household_id>/income/": write(),
    "livelihoods/households/<int:household_id>/year/": write(),
    "livelihoods/residents/<int:resident_id>/seeker/": personal(why="a resident's profile form"),
    "livelihoods/seekers/<int:seeker_id>/": personal(SCOPE_A, "a job seeker"),
    "livelihoods/placements/<int:placement_id>/": personal(SCOPE_A, "a placement"),
    "livelihoods/placements/<int:placement_id>/needs/": write(),
    "livelihoods/placements/<int:placement_id>/end/": write(),
    "livelihoods/placements/<int:placement_id>/change/": write(),
    "livelihoods/households/<int:household_id>/income-months/": write(),
    "livelihoods/proposals/": scoped_list("proposals in scope"),
    "livelihoods/proposals/<int:proposal_id>/<slug:action>/": write(),
    "livelihoods/enrolments/<int:enrolment_id>/<slug:action>/": write(),
    "livelihoods/businesses/<int:business_id>/loans/": write(),
    "livelihoods/flags/<int:flag_id>/clear/": write(),
    "livelihoods/relapse/": scoped_list("relapse flags in scope"),
    "livelihoods/relapse/rules/<int:rule_id>/": write(),
    "livelihoods/outcomes/": staff("figures per area"),
    "livelihoods/employers/": staff("employers are not personal (architecture.md)"),
    "livelihoods/openings/": staff("openings are not personal"),
    "livelihoods/openings/new/": staff("a form"),
    "livelihoods/openings/<int:opening_id>/": personal(SCOPE_A, "an opening with its proposals"),
    "livelihoods/openings/<int:opening_id>/close/": write(),
    "livelihoods/openings/<int:opening_id>/matches/": personal(
        SCOPE_A, "seekers matched to an opening"
    ),
    "livelihoods/courses/": staff("courses are not personal"),
    "livelihoods/sessions/<int:session_id>/": personal(SCOPE_A, "a session with its enrolments"),
    "livelihoods/cooperatives/": staff("cooperatives are not personal"),
    "livelihoods/cooperatives/<int:cooperative_id>/": personal(SCOPE_A, "a cooperative's members"),
    "livelihoods/skills/": staff("the skills catalogue"),
    "GET /api/v1/livelihoods/businesses": scoped_list("residents' businesses"),
    "GET /api/v1/livelihoods/cooperatives": staff("not personal"),
    "GET /api/v1/livelihoods/courses": staff("not personal"),
    "GET /api/v1/livelihoods/employers": staff("not personal"),
    "GET /api/v1/livelihoods/flags": scoped_list("relapse flags"),
    "GET /api/v1/livelihoods/households/{household_id}/income": personal(),
    "GET /api/v1/livelihoods/openings": staff("not personal"),
    "GET /api/v1/livelihoods/openings/{opening_id}": personal(SCOPE_A, "an opening"),
    "GET /api/v1/livelihoods/openings/{opening_id}/matches": personal(SCOPE_A, "matched seekers"),
    "GET /api/v1/livelihoods/outcomes": staff("figures"),
    "GET /api/v1/livelihoods/placements": scoped_list("placements"),
    "GET /api/v1/livelihoods/placements/{placement_id}": personal(SCOPE_A, "a placement"),
    "GET /api/v1/livelihoods/proposals": scoped_list("proposals"),
    "GET /api/v1/livelihoods/relapse/summary": staff("figures"),
    "GET /api/v1/livelihoods/rules": staff("rules, not personal"),
    "GET /api/v1/livelihoods/seekers": scoped_list("job seekers"),
    "GET /api/v1/livelihoods/seekers/{seeker_id}": personal(SCOPE_A, "a job seeker"),
    "GET /api/v1/livelihoods/seekers/{seeker_id}/matches": personal(SCOPE_A, "a seeker's matches"),
    "GET /api/v1/livelihoods/sessions/{session_id}": personal(SCOPE_A, "a session's enrolments"),
    "GET /api/v1/livelihoods/skills": staff("the catalogue"),
    "POST /api/v1/livelihoods/businesses": write(),
    "POST /api/v1/livelihoods/businesses/{business_id}/loans": write(),
    "POST /api/v1/livelihoods/cooperatives": write(),
    "POST /api/v1/livelihoods/cooperatives/{cooperative_id}/members": write(),
    "POST /api/v1/livelihoods/courses": write(),
    "POST /api/v1/livelihoods/employers": write(),
    "POST /api/v1/livelihoods/enrolments/{enrolment_id}/complete": write(),
    "POST /api/v1/livelihoods/enrolments/{enrolment_id}/outcome": write(),
    "POST /api/v1/livelihoods/flags/{flag_id}/clear": write(),
    "POST /api/v1/livelihoods/follow-ups/{follow_up_id}": write(),
    "POST /api/v1/livelihoods/households/{household_id}/events": write(),
    "POST /api/v1/livelihoods/loans/{loan_id}/repayment": write(),
    "POST /api/v1/livelihoods/openings": write(),
    "POST /api/v1/livelihoods/openings/{opening_id}/close": write(),
    "POST /api/v1/livelihoods/proposals": write(),
    "POST /api/v1/livelihoods/proposals/{proposal_id}/accept": write(),
    "POST /api/v1/livelihoods/proposals/{proposal_id}/agree": write(),
    "POST /api/v1/livelihoods/proposals/{proposal_id}/decline": write(),
    "POST /api/v1/livelihoods/sessions": write(),
    "POST /api/v1/livelihoods/sessions/{session_id}/attendance": write(),
    "POST /api/v1/livelihoods/sessions/{session_id}/enrolments": write(),
    "POST /api/v1/livelihoods/skills": write(),
    "PUT /api/v1/livelihoods/households/{household_id}/income": write(),
    "PUT /api/v1/livelihoods/households/{household_id}/years/{year}": write(),
    "PUT /api/v1/livelihoods/residents/{resident_id}/seeker": write(),
    "POST /api/v1/livelihoods/help-links": write(),
    "POST /api/v1/livelihoods/placements/{placement_id}/end": write(),
    "POST /api/v1/livelihoods/placements/{placement_id}/change": write(),
    "POST /api/v1/livelihoods/households/{household_id}/income-months": write(),
    "PUT /api/v1/livelihoods/rules/{rule_id}": write(),
    # --- administration (scoping of each route: administration/tests) -------------------
    "administration/": staff("administration home; administrators and supervisors"),
    "administration/staff/": staff("staff accounts the caller manages (no household)"),
    "administration/staff/new/": staff("a form"),
    "administration/staff/import/": staff("upload form; the caller's staff only"),
    "administration/staff/export/": staff("file of the staff the caller manages"),
    "administration/staff/<int:staff_id>/": staff("a staff account the caller manages"),
    "administration/staff/<int:staff_id>/deactivate/": write(),
    "administration/staff/<int:staff_id>/reactivate/": write(),
    "administration/staff/<int:staff_id>/password/": write(),
    "administration/staff/<int:staff_id>/two-factor/": write(),
    "administration/offices/": staff("duty offices; administrators"),
    "administration/offices/<int:office_id>/": staff("a duty office; administrators"),
    "administration/offices/<int:office_id>/responders/": write(),
    "administration/responders/<int:responder_id>/": staff("a responder; administrators"),
    "administration/responders/<int:responder_id>/contacts/": write(),
    "administration/service-levels/": staff("service levels; region administrators"),
    "administration/service-levels/<int:level_id>/": write(),
    "GET /api/v1/staff": staff("staff accounts the caller manages"),
    "POST /api/v1/staff": write(),
    "GET /api/v1/staff/export": staff("file of the staff the caller manages"),
    "POST /api/v1/staff/import": write(),
    "GET /api/v1/staff/{staff_id}": staff("a staff account the caller manages"),
    "PUT /api/v1/staff/{staff_id}": write(),
    "POST /api/v1/staff/{staff_id}/deactivate": write(),
    "POST /api/v1/staff/{staff_id}/reactivate": write(),
    "POST /api/v1/staff/{staff_id}/password-reset": write(),
    "POST /api/v1/staff/{staff_id}/two-factor-reset": write(),
    "GET /api/v1/setup/units": staff("units; administrators"),
    "POST /api/v1/setup/units": write(),
    "GET /api/v1/setup/units/{unit_id}": staff("a unit; administrators"),
    "PUT /api/v1/setup/units/{unit_id}": write(),
    "POST /api/v1/setup/units/{unit_id}/members": write(),
    "DELETE /api/v1/setup/units/{unit_id}/members/{user_id}": write(),
    "POST /api/v1/setup/units/{unit_id}/twinnings": write(),
    "POST /api/v1/setup/units/{unit_id}/twinnings/{twinning_id}/end": write(),
    "GET /api/v1/setup/offices": staff("duty offices; administrators"),
    "POST /api/v1/setup/offices": write(),
    "GET /api/v1/setup/offices/{office_id}": staff("a duty office; administrators"),
    "PUT /api/v1/setup/offices/{office_id}": write(),
    "POST /api/v1/setup/offices/{office_id}/responders": write(),
    "PUT /api/v1/setup/responders/{responder_id}": write(),
    "PUT /api/v1/setup/responders/{responder_id}/contacts": write(),
    "GET /api/v1/setup/service-levels": staff("service levels; region administrators"),
    "PUT /api/v1/setup/service-levels/{level_id}": write(),
    # --- pairing optimizer --------------------------------------------------------------------
    "pairing/": staff("plans of the caller's area; for leaders"),
    "pairing/plans/<int:plan_id>/": personal(
        LEADERS, "plans are for leaders; a plan's proposed pairings"
    ),
    "pairing/plans/<int:plan_id>/progress/": personal(
        LEADERS, "plans are for leaders; a plan's progress"
    ),
    "pairing/plans/<int:plan_id>/apply/": write(),
    "pairing/plans/<int:plan_id>/discard/": write(),
    "pairing/route/": scoped_list("the caller's visit route"),
    "pairing/route/<int:worker_id>/": personal(SCOPE_A, "a worker's route, for leaders"),
    "pairing/teams/": staff("work-team proposals for villages"),
    "GET /api/v1/pairing/plans": staff("plans"),
    "GET /api/v1/pairing/plans/{plan_id}": personal(LEADERS, "plans are for leaders; a plan"),
    "GET /api/v1/pairing/plans/{plan_id}/changes": personal(
        LEADERS, "plans are for leaders; a plan's changes"
    ),
    "GET /api/v1/pairing/route": scoped_list("the caller's route"),
    "GET /api/v1/pairing/teams": staff("work-team proposals"),
    "POST /api/v1/pairing/plans": write(),
    "POST /api/v1/pairing/plans/{plan_id}/apply": write(),
    "POST /api/v1/pairing/plans/{plan_id}/discard": write(),
    # --- privacy (staff side) ---------------------------------------------------------------
    "privacy/households/<int:household_id>/": personal(why="consent, programme, audit"),
    "privacy/corrections/": scoped_list("residents' correction requests"),
    "privacy/corrections/<int:request_id>/": personal(SCOPE_A, "one correction request"),
    "GET /api/v1/privacy/households/{household_id}": personal(why="consent, programme"),
    "GET /api/v1/privacy/corrections": scoped_list("correction requests"),
    "POST /api/v1/privacy/corrections/{request_id}/resolve": write(),
    "POST /api/v1/privacy/households/{household_id}/consent": write(),
    "PUT /api/v1/privacy/households/{household_id}/programme": write(),
    # --- the resident portal ------------------------------------------------------------------
    "resident/sign-in/": public("portal sign-in: phone"),
    "resident/sign-in/code/": public("portal sign-in: code (POST)"),
    "resident/sign-out/": public("ends the portal session, if any"),
    "resident/": resident("the resident's own record"),
    "resident/consent/": write(),
    "resident/correction/": resident("a correction request form"),
    "resident/needs/new/": resident("a new need form"),
    "resident/needs/<int:need_id>/": resident("one of the household's needs"),
    "resident/needs/<int:need_id>/answer/": write(),
    "POST /api/v1/portal/codes": public("asks for a sign-in code"),
    "POST /api/v1/portal/sessions": public("signs in with the code"),
    "DELETE /api/v1/portal/sessions/current": write(),
    "GET /api/v1/portal/household": resident(),
    "GET /api/v1/portal/needs": resident(),
    "GET /api/v1/portal/needs/{need_id}": resident(),
    "GET /api/v1/portal/contacts": resident(),
    "GET /api/v1/portal/corrections": resident(),
    "GET /api/v1/portal/consent": resident(),
    "GET /api/v1/portal/record-openings": resident(),
    "POST /api/v1/portal/corrections": write(),
    "POST /api/v1/portal/needs": write(),
    "POST /api/v1/portal/needs/{need_id}/feedback": write(),
    "POST /api/v1/portal/needs/{need_id}/confirm": write(),
    "POST /api/v1/portal/needs/{need_id}/dispute": write(),
    "PUT /api/v1/portal/consent": write(),
    "GET /api/v1/portal/monitoring": resident("the household's own monitoring status"),
    "POST /api/v1/portal/monitoring/applications": write(),
}

# Django's admin: every page of it turns away accounts that are not staff.
ADMIN_PREFIX = "admin/"
DENIED = {401, 403, 404}
LOGIN_PATHS = ("/accounts/login/", "/accounts/two-factor/", "/resident/sign-in/", "/admin/login/")


# --- discovering the routes ------------------------------------------------------------
def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def page_routes() -> list[str]:
    return sorted(
        {
            route
            for route in _walk(get_resolver().url_patterns)
            if not route.startswith((ADMIN_PREFIX, "api/v1/"))
        }
    )


def api_routes() -> list[str]:
    paths = api.get_openapi_schema()["paths"]
    return sorted(f"{method.upper()} {path}" for path, ops in paths.items() for method in ops)


@functools.cache
def all_routes() -> list[str]:
    # Cached: building the API schema takes seconds, and collection asks five times.
    return page_routes() + api_routes()


def test_every_route_is_classified():
    missing = [route for route in all_routes() if route not in ROUTES]
    assert not missing, (
        "classify these routes in core/tests/test_authz_matrix.py ROUTES "
        "(who may see them?):\n  " + "\n  ".join(missing)
    )


def test_the_table_names_no_route_that_is_gone():
    routes = set(all_routes())
    stale = [route for route in ROUTES if route not in routes]
    assert not stale, "routes no longer in the URL configuration:\n  " + "\n  ".join(stale)


def test_the_walk_finds_pages_and_api_operations():
    assert "households/<int:household_id>/" in page_routes()
    assert "GET /api/v1/households/{household_id}" in api_routes()


# The world the matrix runs in is the `world` fixture of core/tests/conftest.py.


def _fill(route: str, values: dict) -> str:
    def value(name: str) -> str:
        return str(values.get(name, 999_999))

    if route.startswith(("GET ", "POST ", "PUT ", "PATCH ", "DELETE ")):
        path = route.split(" ", 1)[1]
        return re.sub(r"\{(\w+)\}", lambda m: value(m.group(1)), path)
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: value(m.group(1)), route)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: value(m.group(1)), path)
    path = path.replace("^", "").replace("$", "").replace("\\.", ".")
    return "/" + path


def _client(persona: str, request, *, api: bool):
    if persona == "anonymous":
        return Client()
    if persona in RESIDENTS:
        from doorstep.portal.auth import COOKIE_NAME

        token = request.getfixturevalue("world")[0]["portal_tokens"][persona]
        client = Client()
        if api:
            client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        else:
            client.cookies[COOKIE_NAME] = token
        return client
    user = request.getfixturevalue(persona)
    if api:
        return ApiClient(user).client
    client = Client()
    client.force_login(user)
    return client


def _turned_away(response) -> bool:
    if response.status_code in DENIED:
        return True
    if response.status_code == 302:
        return response["Location"].split("?")[0].endswith(LOGIN_PATHS)
    return False


def _shows(response, markers) -> bool:
    if response.status_code != 200 or response.get("Content-Disposition"):
        body = b"".join(response) if response.streaming else response.content
    else:
        body = response.content
    text = body.decode("utf-8", errors="replace")
    return any(marker in text for marker in markers)


def _method_and_path(route: str, values: dict) -> tuple[str, str]:
    rule = ROUTES.get(route, Rule("?"))
    method = route.split(" ", 1)[0]
    if method not in {"GET", "POST", "PUT", "PATCH", "DELETE"}:
        method = "GET"
    path = _fill(route, values)
    if rule.query:
        path += "?" + re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), rule.query)
    return method, path


# --- the matrix ---------------------------------------------------------------------------
def _routes_of(*kinds: str) -> list[str]:
    return [route for route in all_routes() if ROUTES.get(route, Rule("?")).kind in kinds]


@pytest.mark.django_db
@pytest.mark.parametrize("route", _routes_of("personal", "resident", "list"))
def test_personal_data_only_for_the_personas_allowed(request, world, route):
    values, markers = world
    method, path = _method_and_path(route, values)
    rule = ROUTES[route]
    wrong = []
    for persona in PERSONAS:
        client = _client(persona, request, api=path.startswith("/api/"))
        response = getattr(client, method.lower())(path)
        if rule.kind == "list" and persona in SCOPE_A:
            continue  # may or may not open the list; household A is theirs to see
        if persona in rule.allow:
            if response.status_code != 200:
                wrong.append(f"{persona}: {response.status_code}, expected 200")
        elif not _turned_away(response) and _shows(response, markers):
            wrong.append(f"{persona}: {response.status_code} showing household A")
    assert not wrong, f"{route}:\n  " + "\n  ".join(wrong)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "route",
    _routes_of("staff", "write", "personal", "list", "unseeded", "resident"),
)
def test_anonymous_callers_are_turned_away(world, route):
    values, _ = world
    method, path = _method_and_path(route, values)
    rule = ROUTES[route]
    if rule.kind == "write" and not path.startswith("/api/"):
        method = "POST"  # pages that take only POST
    client = Client()
    if method == "GET":
        response = client.get(path)
    else:
        response = getattr(client, method.lower())(path, data="{}", content_type="application/json")
    assert _turned_away(response), f"{route}: {response.status_code}"


@pytest.mark.django_db
@pytest.mark.parametrize("route", _routes_of("public"))
def test_public_routes_show_no_household(world, route):
    values, markers = world
    method, path = _method_and_path(route, values)
    response = Client().get(path)
    assert response.status_code < 500
    if response.status_code == 200:
        assert not _shows(response, markers), route


@pytest.mark.django_db
@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "administrator"])
def test_the_admin_site_turns_away_everyone_but_staff_accounts(request, persona, world):
    client = _client(persona, request, api=False)
    for path in ["/admin/", "/admin/registry/household/", "/admin/accounts/user/"]:
        response = client.get(path)
        assert _turned_away(response), (persona, path, response.status_code)
