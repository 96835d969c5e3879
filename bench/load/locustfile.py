"""A day at the office, compressed: the load mix for bench/load/run.sh (loopback only).

- field workers (API token, the phone app): their due list, logging a contact with an
  Idempotency-Key, opening a paired household;
- workers at a desk (session): the due-list page, the household list and a household;
- supervisors (password, then an authenticator code): the dashboard, the overdue
  list, the household list;
- residents (portal): sign in with phone and code, read their record, sign out.

Accounts come from bench/load/prepare.py (LOAD_ACCOUNTS names its JSON); residents'
codes from the file that bench/load/sms_file.py writes (DOORSTEP_LOAD_SMS_FILE).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import sys
import threading
import time
import uuid
from pathlib import Path

from locust import HttpUser, between, task

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
from doorstep.accounts import totp  # noqa: E402 - stdlib only, no Django set-up

ACCOUNTS = json.loads(Path(os.environ["LOAD_ACCOUNTS"]).read_text())
SMS_FILE = Path(os.environ["DOORSTEP_LOAD_SMS_FILE"])
_lock = threading.Lock()
_workers = itertools.cycle(ACCOUNTS["workers"])
_supervisors = iter(ACCOUNTS["supervisors"])  # each once: a code is accepted once per step
_phones = iter(ACCOUNTS["phones"])  # each once: a phone gets one code a minute
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _next(iterator):
    with _lock:
        return next(iterator)


SIGN_IN_PAGES = ("/accounts/login/", "/accounts/two-factor/", "/resident/sign-in/")


def _form_post(client, page: str, data: dict, name: str, *, lands: str | None = None):
    """GET the form for its CSRF token, POST it; with `lands`, the answer must end on a
    page whose path starts so (else locust counts a failure)."""
    form = client.get(page, name=f"{name} (form)")
    match = CSRF.search(form.text)
    data = data | {"csrfmiddlewaretoken": match.group(1) if match else ""}
    with client.post(
        page, data=data, name=name, headers={"Referer": page}, catch_response=True
    ) as response:
        path = "/" + response.url.split("/", 3)[-1] if response.url else ""
        if response.status_code >= 400:
            response.failure(f"{response.status_code}")
        elif lands is not None and not path.startswith(lands):
            response.failure(f"landed on {path}")
        else:
            response.success()
        return response


def _page(client, url: str, name: str):
    """A page that must not send the caller back to a sign-in page."""
    with client.get(url, name=name, catch_response=True) as response:
        if response.status_code >= 400:
            response.failure(f"{response.status_code}")
        elif any(part in response.url for part in SIGN_IN_PAGES):
            response.failure("sent back to sign in")
        else:
            response.success()


class FieldWorker(HttpUser):
    weight = 8
    wait_time = between(2, 5)

    def on_start(self):
        account = _next(_workers)
        self.client.headers["Authorization"] = f"Bearer {account['token']}"
        self.households = account["households"]

    @task(4)
    def due_list(self):
        self.client.get("/api/v1/casework/due", name="API due list")

    @task(3)
    def log_contact(self):
        body = {
            "household": random.choice(self.households),
            "kind": random.choice(["visit", "call"]),
            "duration_minutes": random.randint(5, 60),
            "met_with": "户主",
            "notes": "负载测试走访记录",
            "checklist": {"food": True, "medicine": random.random() < 0.9},
        }
        self.client.post(
            "/api/v1/casework/contacts",
            json=body,
            headers={"Idempotency-Key": str(uuid.uuid4())},
            name="API log contact",
        )

    @task(2)
    def household(self):
        self.client.get(
            f"/api/v1/households/{random.choice(self.households)}", name="API household"
        )


class DeskWorker(HttpUser):
    weight = 2
    wait_time = between(3, 8)

    def on_start(self):
        account = _next(_workers)
        self.households = account["households"]
        _form_post(
            self.client,
            "/accounts/login/",
            {"username": account["username"], "password": ACCOUNTS["password"]},
            "sign in (worker)",
            lands="/casework/",
        )

    @task(3)
    def due_page(self):
        _page(self.client, "/casework/", "page due list")

    @task(1)
    def household_list(self):
        _page(self.client, "/households/", "page household list")

    @task(2)
    def household_page(self):
        _page(self.client, f"/households/{random.choice(self.households)}/", "page household")


class Supervisor(HttpUser):
    weight = 1
    wait_time = between(5, 10)

    def on_start(self):
        account = _next(_supervisors)
        response = _form_post(
            self.client,
            "/accounts/login/",
            {"username": account["username"], "password": ACCOUNTS["password"]},
            "sign in (supervisor)",
        )
        # The second step: a code from the authenticator (the same algorithm as the app).
        _form_post(
            self.client,
            response.url if "/two-factor/" in response.url else "/accounts/two-factor/",
            {"code": totp.totp(account["totp_secret"])},
            "sign in: authenticator code",
            lands="/casework/",
        )

    @task(2)
    def dashboard(self):
        _page(self.client, "/insights/", "page dashboard")

    @task(1)
    def overdue(self):
        _page(self.client, "/casework/overdue/", "page overdue list")

    @task(1)
    def households(self):
        _page(self.client, "/households/", "page household list")

    # Not the pairing list: at county scope on region_full it takes tens of seconds
    # (benchmarks.md, "Load"), which would measure that page and nothing else.


def _code_for(phone: str, timeout: float = 15) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if SMS_FILE.exists():
            for line in reversed(SMS_FILE.read_text(encoding="utf-8").splitlines()):
                if line.startswith(phone + "\t"):
                    found = re.search(r"\b(\d{6})\b", line.split("\t", 1)[1])
                    if found:
                        return found.group(1)
        time.sleep(0.2)
    raise RuntimeError(f"no code for {phone}")


class Resident(HttpUser):
    weight = 2
    wait_time = between(3, 8)

    def on_start(self):
        self.sign_in()

    def sign_in(self):
        phone = _next(_phones)
        response = _form_post(
            self.client, "/resident/sign-in/", {"phone": phone}, "resident: phone"
        )
        match = CSRF.search(response.text)
        with self.client.post(
            "/resident/sign-in/code/",
            data={
                "phone": phone,
                "code": _code_for(phone),
                "csrfmiddlewaretoken": match.group(1) if match else "",
            },
            headers={"Referer": "/resident/sign-in/"},
            name="resident: code",
            catch_response=True,
        ) as answer:
            if answer.status_code != 200 or "/sign-in/" in answer.url:
                answer.failure(f"{answer.status_code} {answer.url}")
            else:
                answer.success()

    @task(4)
    def home(self):
        _page(self.client, "/resident/", "resident: record")

    @task(1)
    def sign_out_and_in(self):
        page = self.client.get("/resident/", name="resident: record")
        match = CSRF.search(page.text)
        self.client.post(
            "/resident/sign-out/",
            data={"csrfmiddlewaretoken": match.group(1) if match else ""},
            headers={"Referer": "/resident/"},
            name="resident: sign out",
        )
        self.sign_in()
