"""Languages: every string translated, compiled catalogues in step with their sources,
and no page that mixes English into Chinese or Uyghur."""

from __future__ import annotations

import ast
import gettext
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
TRANSLATED = ["zh_Hans", "ug"]
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdfr]|%%")


def read_po(path: Path) -> list[dict]:
    """Entries of a .po file: msgctxt, msgid, msgid_plural, msgstr (index → text), flags.

    Small on purpose (no polib dependency): handles what xgettext and msgmerge write.
    """
    entries: list[dict] = []
    current: dict | None = None
    key: tuple[str, int] | None = None

    def new() -> dict:
        return {"msgctxt": None, "msgid": None, "msgid_plural": None, "msgstr": {}, "flags": set()}

    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            if current and current["msgid"] is not None:
                entries.append(current)
            current, key = None, None
            continue
        if current is None:
            current = new()
        if line.startswith("#~"):
            current["obsolete"] = True
            continue
        if line.startswith("#,"):
            current["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        match = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(\".*\")$", line)
        if match:
            kind, index, text = match.group(1), match.group(2), ast.literal_eval(match.group(3))
            if kind == "msgstr":
                key = ("msgstr", int(index or 0))
                current["msgstr"][key[1]] = text
            else:
                key = (kind, 0)
                current[kind] = text
        elif line.startswith('"') and key is not None:
            text = ast.literal_eval(line)
            if key[0] == "msgstr":
                current["msgstr"][key[1]] += text
            else:
                current[key[0]] += text
    return [e for e in entries if not e.get("obsolete")]


def messages(language: str) -> list[dict]:
    return [e for e in read_po(LOCALE_DIR / language / "LC_MESSAGES" / "django.po") if e["msgid"]]


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated_and_none_is_fuzzy(language):
    entries = messages(language)
    assert len(entries) > 100
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"].values())]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert not untranslated, f"untranslated in {language}: {untranslated}"
    assert not fuzzy, f"fuzzy in {language}: {fuzzy}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_the_placeholders(language):
    wrong = []
    for entry in messages(language):
        source = PLACEHOLDER.findall(entry["msgid"])
        for text in entry["msgstr"].values():
            found = PLACEHOLDER.findall(text)
            if entry["msgid_plural"] is None:
                ok = sorted(found) == sorted(source)
            else:
                # A plural form may leave out the count ("One problem"), never invent one.
                ok = set(found) <= set(source + PLACEHOLDER.findall(entry["msgid_plural"]))
            if not ok:
                wrong.append(entry["msgid"])
    assert not wrong, f"placeholders differ in {language}: {wrong}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_compiled_catalogue_matches_its_source(language):
    """The committed .mo must say exactly what the .po says: run compilemessages."""
    folder = LOCALE_DIR / language / "LC_MESSAGES"
    with open(folder / "django.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    expected: dict = {}
    for entry in messages(language):
        msgid = entry["msgid"]
        if entry["msgctxt"] is not None:
            msgid = f"{entry['msgctxt']}\x04{msgid}"
        if entry["msgid_plural"] is not None:
            for index, text in entry["msgstr"].items():
                expected[(msgid, index)] = text
        else:
            expected[msgid] = entry["msgstr"][0]
    compiled = {k: v for k, v in compiled.items() if k != ""}
    stale = {k for k in expected if compiled.get(k) != expected[k]}
    extra = set(compiled) - set(expected)
    assert not stale and not extra, (
        f"{language}: django.mo is out of step with django.po "
        f"(differs: {sorted(map(str, stale))[:5]}, only in .mo: {sorted(map(str, extra))[:5]}); "
        "run `cd src/doorstep && ../../manage.py compilemessages`"
    )


# --- every message the code and templates use is in each catalogue -------------------
#
# What makemessages would extract, read without running it (it rewrites the catalogues):
# gettext calls in Python with literal text, and {% translate %}/{% blocktranslate %} in
# templates through Django's own templatize. A message missing from ug (or zh-hans),
# empty or fuzzy fails here, so nobody ships an English word on a Uyghur page because
# `make messages` was not run. Generated texts (core.texts) are gettext_noop calls.

_CALLS = {
    "_": (None, 0),
    "gettext": (None, 0),
    "gettext_lazy": (None, 0),
    "gettext_noop": (None, 0),
    "ngettext": (None, 0),
    "ngettext_lazy": (None, 0),
    "pgettext": (0, 1),
    "pgettext_lazy": (0, 1),
    "npgettext": (0, 1),
    "npgettext_lazy": (0, 1),
}
_TEMPLATE_CALL = re.compile(
    r"\b(npgettext|pgettext|ngettext|gettext)\(((?:\s*u?'(?:[^'\\]|\\.)*'\s*,?)+)"
)
_TEMPLATE_STRING = re.compile(r"u?'(?:[^'\\]|\\.)*'")


def python_messages(source: str, where: str) -> list[tuple[str | None, str, str]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = getattr(func, "id", None) or getattr(func, "attr", None)
        if name not in _CALLS:
            continue
        context_at, msgid_at = _CALLS[name]
        texts = [
            a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None
            for a in node.args
        ]
        msgid = texts[msgid_at] if msgid_at < len(texts) else None
        context = texts[context_at] if context_at is not None and context_at < len(texts) else None
        if msgid and (context_at is None or context):
            found.append((context, msgid, f"{where}:{node.lineno}"))
    return found


def template_messages(source: str, where: str) -> list[tuple[str | None, str, str]]:
    from django.utils.translation.template import templatize

    code = templatize(source, origin=where)
    found = []
    for match in _TEMPLATE_CALL.finditer(code):
        texts = [ast.literal_eval(t) for t in _TEMPLATE_STRING.findall(match.group(2))]
        context = texts.pop(0) if match.group(1).startswith(("p", "np")) else None
        if texts and texts[0]:
            found.append(
                (context, texts[0], f"{where}:{code.count(chr(10), 0, match.start()) + 1}")
            )
    return found


def used_messages() -> list[tuple[str | None, str, str]]:
    root = Path(settings.PACKAGE_DIR)
    found = []
    for path in sorted(root.rglob("*.py")):
        if {"tests", "migrations"} & set(path.parts):
            continue
        found += python_messages(path.read_text(encoding="utf-8"), str(path.relative_to(root)))
    for path in sorted(root.rglob("templates/**/*")):
        if path.suffix in (".html", ".txt") and "tests" not in path.parts:
            text = path.read_text(encoding="utf-8")
            found += template_messages(text, str(path.relative_to(root)))
    return found


def test_the_extraction_finds_messages_as_makemessages_does():
    python = (
        "from django.utils.translation import gettext_noop, pgettext_lazy\n"
        "A = _('Plain %(n)s')\nB = pgettext_lazy('ctx', 'With context')\n"
        "C = gettext_noop('Stored ' 'as a code')\nD = _(variable)\n"
    )
    assert {(c, m) for c, m, _ in python_messages(python, "x.py")} == {
        (None, "Plain %(n)s"),
        ("ctx", "With context"),
        (None, "Stored as a code"),
    }
    template = (
        '{% load i18n %}<h1>{% translate "Households" %}</h1>'
        '{% translate "Unit" context "part of a building" %}'
        "{% blocktranslate count n=k %}{{ n }} visit{% plural %}{{ n }} visits"
        "{% endblocktranslate %}{% blocktranslate with who=x %}By {{ who }}{% endblocktranslate %}"
    )
    assert {(c, m) for c, m, _ in template_messages(template, "x.html")} == {
        (None, "Households"),
        ("part of a building", "Unit"),
        (None, "%(n)s visit"),
        (None, "By %(who)s"),
    }


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_of_the_code_and_templates_is_translated(language):
    translated = {
        (e["msgctxt"], e["msgid"])
        for e in messages(language)
        if all(e["msgstr"].values()) and "fuzzy" not in e["flags"]
    }
    used = used_messages()
    assert len(used) > 2000
    missing = sorted(
        {
            f"{where}: {msgid!r}"
            for context, msgid, where in used
            if (context, msgid) not in translated
        }
    )
    assert not missing, f"{language} lacks {len(missing)} messages: {missing[:20]}"


@pytest.mark.parametrize(
    ("language", "work_unit", "building_unit"),
    [("zh-hans", "单位", "单元"), ("ug", "ئورۇن", "بۆلەك")],
)
def test_unit_is_one_word_per_meaning(language, work_unit, building_unit):
    """A work unit (单位: bureaus, schools) and a building's unit (单元) were both
    "Unit", translated either way by chance (issue 17)."""
    from django.utils import translation

    with translation.override(language):
        assert translation.gettext("Unit") == translation.gettext("unit") == work_unit
        assert translation.pgettext("part of a building", "Unit") == building_unit
        assert translation.pgettext("part of a building", "unit") == building_unit


# --- no page mixes languages ---------------------------------------------------------


class _VisibleText(HTMLParser):
    """Text a reader sees or hears: text nodes and a few attributes, not scripts, and
    not an element marked as written in another language (the language switcher's
    "English" option is English on purpose: `<option lang="en">`)."""

    ATTRIBUTES = {"placeholder", "title", "aria-label", "alt", "value", "data-any-label"}

    def __init__(self) -> None:
        super().__init__()
        self.chunks: list[str] = []
        self._skip = 0
        self._page_language = ""
        self._foreign: list[str] = []  # open elements in another language, by tag

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "html":
            self._page_language = attributes.get("lang", "")
        elif attributes.get("lang") and attributes["lang"] != self._page_language:
            self._foreign.append(tag)
            self._skip += 1
            return
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in self.ATTRIBUTES and value:
                # An <input type=submit>'s value is its label; a <button>'s is not shown.
                if name == "value" and (
                    tag != "input" or attributes.get("type") not in ("submit", "button")
                ):
                    continue
                self.chunks.append(value)

    def handle_endtag(self, tag):
        if self._foreign and tag == self._foreign[-1]:
            self._foreign.pop()
            self._skip -= 1
        elif tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.chunks.append(data)


def english_leftovers(html: str, catalogue: list[str]) -> list[str]:
    parser = _VisibleText()
    parser.feed(html)
    chunks = [" ".join(chunk.split()) for chunk in parser.chunks]
    found = []
    for source in catalogue:
        # Fill placeholders with nothing: what stays is the English around them.
        words = [part.strip() for part in PLACEHOLDER.split(source) if part.strip(" .,:;()")]
        for part in words:
            if " " in part:
                if any(part in chunk for chunk in chunks):
                    found.append(part)
            elif any(chunk.strip(" .,:;()") == part.strip(" .,:;()") for chunk in chunks):
                found.append(part)
    return sorted(set(found))


@pytest.fixture
def catalogue():
    return [e["msgid"] for e in messages("zh_Hans")]


def _main_pages(household):
    head = household.residents.get(relationship="head")
    return [
        reverse("registry:home"),
        reverse("registry:households"),
        reverse("registry:households") + "?q=zzz-nothing",
        reverse("registry:household", args=[household.pk]),
        reverse("registry:household_edit", args=[household.pk]),
        reverse("registry:household_create"),
        reverse("registry:resident_create", args=[household.pk]),
        reverse("registry:resident_edit", args=[household.pk, head.pk]),
        reverse("registry:resident_delete", args=[household.pk, head.pk]),
        "/households/999999/",  # the 404 page
        "/households/?cursor=forged",  # the 400 page
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "ug"])
def test_no_page_mixes_english_into_the_chosen_language(
    client, language, catalogue, worker_a, analyst, areas
):
    from doorstep.core.testing import make_household

    household = make_household(
        area=areas["village_a"],
        latitude=41.17,
        longitude=80.26,
        phone="13800138000",
        vulnerabilities=("elderly_alone",),
        members=2,
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(worker_a)
    pages = _main_pages(household)
    problems = {}
    for url in pages:
        response = client.get(url)
        assert response.status_code in (200, 400, 404), url
        leftovers = english_leftovers(response.content.decode(), catalogue)
        if leftovers:
            problems[url] = leftovers
    # A failed form and a conflict page draw their messages too.
    response = client.post(reverse("registry:household_create"), {"phone": "1"})
    if leftovers := english_leftovers(response.content.decode(), catalogue):
        problems["POST new household"] = leftovers
    client.force_login(analyst)
    if leftovers := english_leftovers(client.get("/").content.decode(), catalogue):
        problems["analyst home"] = leftovers
    client.logout()
    if leftovers := english_leftovers(
        client.get(reverse("accounts:login")).content.decode(), catalogue
    ):
        problems["sign in"] = leftovers
    assert not problems, problems


@pytest.mark.django_db
def test_the_check_would_notice_english(client, catalogue, worker_a):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(worker_a)
    assert "Households" in english_leftovers(client.get("/households/").content.decode(), catalogue)


@pytest.mark.django_db
def test_uyghur_pages_are_right_to_left(client, worker_a, household_a):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ug"
    client.force_login(worker_a)
    for url in ["/", "/households/", f"/households/{household_a.pk}/", reverse("accounts:login")]:
        body = client.get(url).content.decode()
        assert '<html lang="ug" dir="rtl" data-theme="light">' in body, url


@pytest.mark.django_db
def test_chinese_is_the_default_and_left_to_right(client, worker_a):
    client.force_login(worker_a)
    body = client.get("/").content.decode()
    assert '<html lang="zh-hans" dir="ltr" data-theme="light">' in body
    assert "我的住户" in body


@pytest.mark.django_db
def test_switching_language_keeps_the_page(client, worker_a, household_a):
    client.force_login(worker_a)
    url = f"/households/{household_a.pk}/"
    response = client.post(reverse("set_language"), {"language": "ug", "next": url})
    assert response.status_code == 302 and response.url == url
    assert 'dir="rtl"' in client.get(url).content.decode()


def test_stylesheet_uses_logical_properties_only():
    css = (Path(settings.BASE_DIR) / "src/doorstep/core/static/doorstep/doorstep.css").read_text()
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    physical = re.findall(
        r"(?:margin|padding|border)-(?:left|right)|(?<![-\w])(?:left|right)\s*:|text-align:\s*(?:left|right)|float:\s*(?:left|right)",
        css,
    )
    assert not physical, physical


def _casework_and_duty_room_data(areas, worker_a, team_leader, administrator, responder):
    """A paired household with a referred need and an overdue-referral notification; a
    duty-room office with a dispatched lift call, a shift on now, a coming holiday and a
    hazard. Built with the casework and hotline tests' own factories and services."""
    import datetime as dt

    from django.utils import timezone

    from doorstep.casework.services import (
        pairing_create,
        referral_create,
        referral_reminders_send,
    )
    from doorstep.casework.services.units import twinning_add
    from doorstep.casework.tests.factories import make_responder as make_unit_responder
    from doorstep.casework.tests.factories import make_unit, open_need
    from doorstep.core.testing import make_household
    from doorstep.hotline import services as hotline
    from doorstep.hotline.models import Holiday, HolidayKind, ResponderKind, ShiftRole
    from doorstep.hotline.tests.factories import make_office, make_responder

    household = make_household(area=areas["village_a"], members=2)
    pairing_create(actor=team_leader, worker=worker_a, household=household, channel="t")
    need = open_need(actor=worker_a, household=household)
    bureau = make_unit(accepts_referrals=True, area=areas["county"])
    unit_responder = make_unit_responder(unit=bureau, area=areas["county"], username="hr_resp")
    twinning_add(actor=administrator, unit=bureau, village=areas["village_a"], channel="t")
    referral = referral_create(actor=worker_a, need=need, unit=bureau, channel="t")
    referral_reminders_send(now=referral.due_at + dt.timedelta(hours=1))

    office = make_office(areas["village_a"])
    lift = make_responder(office, kind=ResponderKind.LIFT_MAINTENANCE, members=[responder])
    lift.name = "电梯维保公司"
    lift.save(update_fields=["name"])
    call = hotline.call_take(actor=worker_a, office=office, category="lift_entrapment", channel="t")
    hotline.call_dispatch(actor=worker_a, call=call, responder=lift, channel="t")
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    hotline.shift_plan(
        actor=team_leader,
        office=office,
        officer=worker_a,
        starts_at=now,
        ends_at=now + dt.timedelta(hours=8),
        role=ShiftRole.OFFICER,
        channel="t",
    )
    today = dt.date.today()
    Holiday.objects.create(
        kind=HolidayKind.SPRING_FESTIVAL,
        starts_on=today + dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=32),
    )
    hotline.hazard_record(
        actor=worker_a, office=office, kind="broken_light", address="5号楼", channel="t"
    )
    return {
        "household": household,
        "need": need,
        "unit": bureau,
        "unit_responder": unit_responder,
        "call": call,
        "office": office,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "ug"])
def test_casework_and_duty_room_pages_do_not_mix_english_in(
    client, language, catalogue, areas, worker_a, team_leader, administrator, responder
):
    data = _casework_and_duty_room_data(areas, worker_a, team_leader, administrator, responder)
    household, office = data["household"], data["office"]
    duty_room = [
        "/hotline/",
        "/hotline/board/rows/",
        f"/hotline/calls/new/?office={office.pk}",
        f"/hotline/calls/{data['call'].pk}/",
        f"/hotline/roster/?office={office.pk}",
        f"/hotline/roster/holidays/?office={office.pk}",
        f"/hotline/hazards/?office={office.pk}",
        "/hotline/on-duty/",
    ]
    visits = {
        worker_a: [
            reverse("casework:home"),
            reverse("casework:need", args=[data["need"].pk]),
            reverse("casework:need_create", args=[household.pk]),
            reverse("casework:contact_create", args=[household.pk]),
            reverse("casework:notifications"),
            reverse("casework:notification_count"),
            *duty_room,
        ],
        team_leader: [
            reverse("casework:home"),
            reverse("casework:pairings"),
            reverse("casework:household_pairing", args=[household.pk]),
            reverse("casework:overdue"),
            *duty_room,
        ],
        administrator: [
            reverse("casework:units"),
            reverse("casework:unit", args=[data["unit"].pk]),
        ],
        data["unit_responder"]: [reverse("casework:referrals"), reverse("casework:notifications")],
        responder: ["/hotline/responder/"],
    }
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    problems = {}
    for user, urls in visits.items():
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (user.username, url)
            if leftovers := english_leftovers(response.content.decode(), catalogue):
                problems[f"{user.username} {url}"] = leftovers
    assert not problems, problems
