"""Shared fixtures: an area tree and one persona per role (house style: every new
endpoint is tried by all of them)."""

from __future__ import annotations

import os
import threading

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread

from doorstep.accounts.models import Role
from doorstep.core.testing import make_area_tree, make_household, make_user

# Playwright's sync API runs an event loop in the test thread; live_server needs this.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


class _OneRequestAtATime:
    """The live server's application, one request at a time. On SQLite in memory the
    test thread and every server thread share one connection: two requests at once (a
    page and the fragments it loads) deadlocked inside it, and the browser tour hung
    until CI's limit. Keep-alive connections still get their own threads."""

    def __init__(self, app):
        self.app = app
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        with self.lock:
            return list(self.app(environ, start_response))


class _SerialLiveServer(ThreadedWSGIServer):
    def set_app(self, application):
        super().set_app(_OneRequestAtATime(application))


@pytest.fixture(scope="session", autouse=True)
def _serialized_rollback_after_a_flush():
    """A test with serialized_rollback reloads the database as migrations left it. If
    the test before it was an ordinary transactional one, the flush after that test
    re-created the content types and permissions (post_migrate), and reloading them
    failed on their unique keys. They are cleared first: the reload puts them back
    with the same keys."""
    from django.db.backends.base.creation import BaseDatabaseCreation

    original = BaseDatabaseCreation.deserialize_db_from_string

    def deserialize(self, data):
        from django.contrib.auth.models import Permission
        from django.contrib.contenttypes.models import ContentType

        Permission.objects.using(self.connection.alias).all().delete()
        ContentType.objects.using(self.connection.alias).all().delete()
        ContentType.objects.clear_cache()
        return original(self, data)

    BaseDatabaseCreation.deserialize_db_from_string = deserialize
    yield
    BaseDatabaseCreation.deserialize_db_from_string = original


@pytest.fixture(scope="session", autouse=True)
def _serial_live_server_on_sqlite():
    from django.db import connection

    if connection.vendor != "sqlite":
        yield
        return
    original = LiveServerThread.server_class
    LiveServerThread.server_class = _SerialLiveServer
    yield
    LiveServerThread.server_class = original


# The data migrations that seed rows the product relies on (service levels, holidays,
# skills and relapse rules, targets); all idempotent.
SEED_MIGRATIONS = (
    "doorstep.casework.migrations.0002_seed_service_levels",
    "doorstep.hotline.migrations.0002_seed_holidays_and_service_levels",
    "doorstep.insights.migrations.0002_seed_default_targets",
    "doorstep.livelihoods.migrations.0002_seed_skills_and_rules",
)


@pytest.fixture(autouse=True)
def _migration_seeds(request):
    """A transactional test (a live server, a kill test, a flush) empties every table
    when it ends, the rows the data migrations seeded included; tests after it then
    found no service levels or holidays, depending on the order they ran in. Put the
    seeds back before a database test when they are gone."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None and not {"db", "transactional_db"} & set(request.fixturenames):
        return
    transactional = "transactional_db" in request.fixturenames or (
        marker is not None
        and (marker.kwargs.get("transaction") or (marker.args and marker.args[0]))
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    import importlib

    from django.apps import apps

    from doorstep.casework.models import ServiceLevel

    if ServiceLevel.objects.exists():
        return
    for name in SEED_MIGRATIONS:
        importlib.import_module(name).seed(apps, None)


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default"],
        }
    }


@pytest.fixture(autouse=True)
def _english_outside_requests():
    # Tests that call services and commands directly read the English source strings;
    # a request still picks its language (cookie, Accept-Language, else Chinese), so
    # the page and i18n tests see Chinese and Uyghur as users do.
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    # Argon2 is for production; tests sign in hundreds of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _api_rate_limits_off(settings):
    # Tests send hundreds of API requests a second from one address; core/tests/
    # test_ratelimit.py turns the limits back on.
    settings.DOORSTEP_API_RATE_PER_CALLER = 0
    settings.DOORSTEP_API_RATE_PER_IP = 0


@pytest.fixture(autouse=True)
def _two_factor_passed_on_sign_in(request):
    """Supervisors and administrators need a second factor (accounts.two_factor). In
    tests, signing in (force_login, client.login, the sign-in page in a browser)
    counts as having given it, the way an authenticator would; a test that asks for
    the `real_two_factor` fixture goes through the real step instead."""
    if "real_two_factor" in request.fixturenames:
        yield
        return
    from django.contrib.auth.signals import user_logged_in

    from doorstep.accounts import two_factor

    def passed(sender, request, user, **kwargs):
        if request is not None and hasattr(request, "session"):
            request.session[two_factor.SESSION_KEY] = user.pk

    user_logged_in.connect(passed, dispatch_uid="tests-two-factor-passed")
    yield
    user_logged_in.disconnect(dispatch_uid="tests-two-factor-passed")


@pytest.fixture
def real_two_factor():
    """Sign-ins in this test must pass the real second step (see above)."""


@pytest.fixture
def areas(db):
    return make_area_tree()


@pytest.fixture
def worker_a(areas):
    return make_user(role=Role.WORKER, area=areas["village_a"], username="worker_a")


@pytest.fixture
def worker_b(areas):
    return make_user(role=Role.WORKER, area=areas["village_b"], username="worker_b")


@pytest.fixture
def team_leader(areas):
    return make_user(role=Role.TEAM_LEADER, area=areas["township"], username="team_leader")


@pytest.fixture
def supervisor(areas):
    return make_user(role=Role.SUPERVISOR, area=areas["county"], username="supervisor")


@pytest.fixture
def analyst(areas):
    return make_user(role=Role.ANALYST, area=areas["county"], username="analyst")


@pytest.fixture
def responder(areas):
    return make_user(role=Role.RESPONDER, area=areas["county"], username="responder")


@pytest.fixture
def administrator(areas):
    return make_user(role=Role.ADMIN, area=areas["region"], username="administrator")


@pytest.fixture
def household_a(areas):
    return make_household(area=areas["village_a"], household_no="652901001001-0001", members=3)


@pytest.fixture
def household_b(areas):
    return make_household(
        area=areas["village_b"], household_no="652901001002-0001", head_name="张伟"
    )


RESIDENT_A_PHONE = "13912345678"


@pytest.fixture
def resident_a(household_a):
    """The resident persona: household_a's head, who signs in to the portal with this
    phone (portal/tests use it; a resident has no staff account)."""
    head = household_a.residents.get(relationship="head")
    head.phone = RESIDENT_A_PHONE
    head.save(update_fields=["phone"])
    return head


@pytest.fixture(scope="session", autouse=True)
def _audit_log_allows_test_flush():
    # The audit log refuses DELETE/TRUNCATE (privacy migration 0003); only the flush
    # that empties the database after a transactional test may pass.
    from doorstep.privacy.testing import allow_test_flush

    with allow_test_flush():
        yield


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    import shutil

    return {
        **browser_type_launch_args,
        "executable_path": shutil.which("chromium") or "/usr/bin/chromium",
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


# --- browser tests: skip without Debian's chromium, unless CI demands them -------------
CHROMIUM = "/usr/bin/chromium"


def _browser_required() -> bool:
    return os.environ.get("DOORSTEP_REQUIRE_BROWSER") == "1"


def pytest_collection_modifyitems(config, items):
    if os.path.exists(CHROMIUM) or _browser_required():
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing (apt-get install chromium)")
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(skip)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    # CI sets DOORSTEP_REQUIRE_BROWSER=1: a missing browser is then a failure, never a skip.
    missing = not os.path.exists(CHROMIUM)
    if item.get_closest_marker("browser") and missing and _browser_required():
        pytest.fail(f"DOORSTEP_REQUIRE_BROWSER=1 but {CHROMIUM} is missing", pytrace=False)
