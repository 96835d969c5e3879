"""Real server processes for fault tests: gunicorn and manage.py commands run against
the test database, so that they can be killed with SIGKILL in the middle of work.

The test must commit what the process needs to see (django_db(transaction=True)).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

from django.db import connection

ROOT = Path(__file__).resolve().parents[4]
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def database_url() -> str:
    s = connection.settings_dict
    assert connection.vendor == "postgresql"
    auth = quote(s["USER"] or "postgres", safe="")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"], safe="")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def process_env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "DOORSTEP_MODE", "DEBUG"}
    }
    env.update(
        DATABASE_URL=database_url(),
        DOORSTEP_TASKS="immediate",
        DOORSTEP_API_RATE_PER_CALLER="0",
        DOORSTEP_API_RATE_PER_IP="0",
        PYTHONPATH=str(ROOT / "src"),
        LOG_LEVEL="WARNING",
    )
    env.update(extra)
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """gunicorn in its own process group: kill() is a SIGKILL to master and workers."""

    def __init__(self, *, workers: int = 2, threads: int = 4) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.workers, self.threads = workers, threads
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> Gunicorn:
        self.process = subprocess.Popen(  # noqa: S603 - our own gunicorn and app
            [
                GUNICORN,
                "doorstep.wsgi",
                "--worker-class",
                "gthread",
                "--workers",
                str(self.workers),
                "--threads",
                str(self.threads),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--graceful-timeout",
                "1",
                # The app is imported once, in the master, then forked: a start costs
                # one import instead of one per worker.
                "--preload",
            ],
            cwd=ROOT,
            env=process_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.base}/accounts/login/", timeout=2)  # noqa: S310
                return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if self.process.poll() is not None:
                    raise RuntimeError("gunicorn exited at start") from None
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer in time")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def request(self, method: str, path: str, body=None, headers=None, timeout: float = 30):
        """(status, headers, parsed JSON or None)."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(  # noqa: S310 - loopback only
            self.base + path, data=data, method=method, headers=headers or {}
        )
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                raw = response.read()
                return response.status, dict(response.headers), json.loads(raw or b"null")
        except urllib.error.HTTPError as error:
            raw = error.read()
            try:
                parsed = json.loads(raw)
            except ValueError:
                parsed = None
            return error.code, dict(error.headers), parsed
