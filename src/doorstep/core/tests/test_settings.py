"""Configuration: typed environment readers fail fast; production mode is deploy-clean."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from doorstep.env import ConfigError, env_bool, env_int, env_list, parse_database_url

ROOT = Path(__file__).resolve().parents[4]


def test_env_bool_rejects_a_value_that_is_not_a_boolean(monkeypatch):
    monkeypatch.setenv("DOORSTEP_X", "maybe")
    with pytest.raises(ConfigError, match="DOORSTEP_X"):
        env_bool("DOORSTEP_X", False)


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("yes", True), ("off", False), ("", False)]
)
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("DOORSTEP_X", raw)
    assert env_bool("DOORSTEP_X", not expected) is expected


def test_env_int_names_the_variable_on_a_bad_value(monkeypatch):
    monkeypatch.setenv("DOORSTEP_N", "12a")
    with pytest.raises(ConfigError, match="DOORSTEP_N"):
        env_int("DOORSTEP_N", 1)


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("DOORSTEP_L", "a.example, b.example,,")
    assert env_list("DOORSTEP_L", []) == ["a.example", "b.example"]


def test_postgres_url_becomes_a_django_database():
    config = parse_database_url(
        "postgres://u:p%40ss@db.internal:5433/doorstep?sslmode=require", base_dir="/srv"
    )
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"], config["HOST"], config["PORT"]) == (
        "doorstep",
        "u",
        "p@ss",
        "db.internal",
        "5433",
    )
    assert config["OPTIONS"] == {"sslmode": "require"}


def test_relative_sqlite_path_is_taken_from_the_checkout():
    config = parse_database_url("sqlite:///var/x.sqlite3", base_dir="/srv/doorstep")
    assert config["NAME"] == "/srv/doorstep/var/x.sqlite3"


@pytest.mark.parametrize("url", ["mysql://x/y", "postgres://host/", "sqlite://"])
def test_unsupported_or_incomplete_database_urls_fail_fast(url):
    with pytest.raises(ConfigError):
        parse_database_url(url, base_dir="/srv")


# A deployment has none of these; the test process sets DJANGO_ALLOW_ASYNC_UNSAFE for Playwright.
_NOT_INHERITED = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DATABASE_URL",
}


def _manage(*args, **env):
    full_env = {k: v for k, v in os.environ.items() if k not in _NOT_INHERITED}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_mode_passes_check_deploy_with_no_warnings(tmp_path):
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DOORSTEP_MODE="production",
        DEBUG="0",
        ALLOWED_HOSTS="doorstep.example",
        SECRET_KEY="k" * 20 + "-production-secret-for-the-test-only-XYZ123456789",
        DOORSTEP_SMS_BACKEND="doorstep.portal.sms.LocmemBackend",
        DOORSTEP_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_mode_refuses_to_start_without_a_secret_key(tmp_path):
    result = _manage("check", DOORSTEP_MODE="production", DEBUG="0", DOORSTEP_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_mode_refuses_the_console_sms_backend(tmp_path):
    """Issue 18, defect 12: sign-in codes printed to a log are not for production."""
    result = _manage(
        "check",
        DOORSTEP_MODE="production",
        DEBUG="0",
        ALLOWED_HOSTS="doorstep.example",
        SECRET_KEY="k" * 20 + "-production-secret-for-the-test-only-XYZ123456789",
        DOORSTEP_VAR_DIR=str(tmp_path),
    )
    assert result.returncode != 0
    assert "DOORSTEP_SMS_BACKEND" in result.stderr


def test_production_mode_refuses_debug(tmp_path):
    result = _manage(
        "check",
        DOORSTEP_MODE="production",
        DEBUG="1",
        SECRET_KEY="x" * 60,
        DOORSTEP_VAR_DIR=str(tmp_path),
    )
    assert result.returncode != 0
    assert "DEBUG" in result.stderr


def test_production_collects_every_static_file_into_the_manifest(tmp_path):
    # The manifest storage follows url() and sourceMappingURL references and refuses
    # a missing target; a vendored library whose map was not copied breaks deployment.
    result = _manage(
        "collectstatic",
        "--noinput",
        DOORSTEP_MODE="production",
        DEBUG="0",
        ALLOWED_HOSTS="doorstep.example",
        SECRET_KEY="k" * 20 + "-production-secret-for-the-test-only-XYZ123456789",
        DOORSTEP_SMS_BACKEND="doorstep.portal.sms.LocmemBackend",
        DOORSTEP_VAR_DIR=str(tmp_path),
        STATIC_ROOT=str(tmp_path / "static"),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "static" / "staticfiles.json").exists()
