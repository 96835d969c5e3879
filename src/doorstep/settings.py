"""Doorstep settings: one module, driven by environment variables (README lists them)."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from doorstep.env import ConfigError, env_bool, env_int, env_list, env_str, parse_database_url

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent.parent  # the checkout: var/, node_modules/ live here
VAR_DIR = Path(env_str("DOORSTEP_VAR_DIR", str(BASE_DIR / "var")))
# The embedded SQLite database, uploads and collected static files live here.
VAR_DIR.mkdir(parents=True, exist_ok=True)

# "production" turns on every transport and cookie protection; "development" is the default
# so that `make run` works on a laptop with no configuration at all.
MODE = env_str("DOORSTEP_MODE", "development")
if MODE not in {"development", "production"}:
    raise ConfigError("DOORSTEP_MODE must be 'development' or 'production'")
PRODUCTION = MODE == "production"

DEBUG = env_bool("DEBUG", not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ConfigError("DEBUG must be off in production mode")

_DEV_SECRET = "dev-only-insecure-key-never-used-in-production-0123456789abcdef"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", None if PRODUCTION else _DEV_SECRET)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "doorstep.core",
    "doorstep.areas",
    "doorstep.accounts",
    "doorstep.registry",
    "doorstep.privacy",
    "doorstep.demo",
    "doorstep.casework",
    "doorstep.hotline",
    "doorstep.livelihoods",
    "doorstep.pairing",
    "doorstep.insights",
    "doorstep.monitoring",
    "doorstep.portal",
    "doorstep.fieldapp",
    "doorstep.administration",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "doorstep.core.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # htmx requests sent to the sign-in page get HX-Redirect instead (core.htmx).
    "doorstep.core.htmx.HtmxSignInMiddleware",
    # After authentication: a session that owes its second factor counts as none.
    "doorstep.accounts.middleware.TwoFactorMiddleware",
    "doorstep.accounts.middleware.PasswordChangeDueMiddleware",
    "doorstep.core.ratelimit.RateLimitMiddleware",
    # After the rate limit (a refused request parses nothing): NUL and control
    # characters in any parameter, form field or JSON string, malformed multipart.
    "doorstep.core.inputpolicy.InputPolicyMiddleware",
    # Writes audit events of refused writes after the view's transactions rolled back.
    "doorstep.privacy.deferred.DeferredAuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Innermost: our 404 page even under DEBUG (core.errors).
    "doorstep.core.errors.FriendlyErrorsMiddleware",
]

ROOT_URLCONF = "doorstep.urls"
WSGI_APPLICATION = "doorstep.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "doorstep.core.context_processors.doorstep",
            ],
        },
    },
]

DATABASES = {
    "default": parse_database_url(
        env_str("DATABASE_URL", "sqlite:///var/doorstep.sqlite3"), base_dir=str(BASE_DIR)
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
# Staff land on their day's work: contacts overdue and due, their open needs, escalations.
LOGIN_REDIRECT_URL = "casework:home"
LOGOUT_REDIRECT_URL = "accounts:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# ModelBackend behind the sign-in throttle (accounts.throttle): failures are counted
# per username and per address in the database, shared by every worker.
AUTHENTICATION_BACKENDS = ["doorstep.accounts.backends.ThrottledModelBackend"]
DOORSTEP_LOGIN_MAX_FAILURES = env_int("DOORSTEP_LOGIN_MAX_FAILURES", 5)
DOORSTEP_LOGIN_MAX_FAILURES_PER_IP = env_int("DOORSTEP_LOGIN_MAX_FAILURES_PER_IP", 50)
DOORSTEP_LOGIN_WINDOW_SECONDS = env_int("DOORSTEP_LOGIN_WINDOW_SECONDS", 15 * 60)
DOORSTEP_LOGIN_LOCKOUT_SECONDS = env_int("DOORSTEP_LOGIN_LOCKOUT_SECONDS", 15 * 60)
# Behind the office's proxy: the header it sets with the client's address (e.g.
# X-Real-IP); empty uses the connection's address.
DOORSTEP_CLIENT_IP_HEADER = env_str("DOORSTEP_CLIENT_IP_HEADER", "")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: Simplified Chinese is the default; Uyghur is right-to-left (Django knows it).
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [
    ("zh-hans", "简体中文"),
    ("en", "English"),
    ("ug", "ئۇيغۇرچە"),
]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
# ISO dates first in every language's input formats; Uyghur's date-and-time on a
# 24-hour clock (doorstep/formats/__init__.py says why).
FORMAT_MODULE_PATH = ["doorstep.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Uploads: imports stream from a temporary file, never from memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DOORSTEP_IMPORT_MAX_BYTES = env_int("DOORSTEP_IMPORT_MAX_BYTES", 1024 * 1024 * 1024)
# The upload policy of registry.importing.reader (every importer reads through it): an
# XLSX is a zip, so its unpacked size and packing ratio are capped too (zip bombs), and
# the rows of any file. The defaults hold the 1.69-million-household benchmark file.
DOORSTEP_IMPORT_MAX_UNCOMPRESSED_BYTES = env_int(
    "DOORSTEP_IMPORT_MAX_UNCOMPRESSED_BYTES", 2 * 1024 * 1024 * 1024
)
DOORSTEP_IMPORT_MAX_RATIO = env_int("DOORSTEP_IMPORT_MAX_RATIO", 100)
DOORSTEP_IMPORT_MAX_ROWS = env_int("DOORSTEP_IMPORT_MAX_ROWS", 7_000_000)
# A running import job writes a heartbeat with its progress (at least every batch);
# housekeeping fails one silent for longer than this (its worker was killed).
DOORSTEP_IMPORT_STALE_SECONDS = env_int("DOORSTEP_IMPORT_STALE_SECONDS", 900)

# Background work. Tests and `DOORSTEP_TASKS=immediate` run tasks in the request;
# otherwise they go to the database queue drained by `manage.py db_worker`.
TASKS_MODE = env_str("DOORSTEP_TASKS", "database")
if TASKS_MODE not in {"database", "immediate"}:
    raise ConfigError("DOORSTEP_TASKS must be 'database' or 'immediate'")
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_db.DatabaseBackend"
            if TASKS_MODE == "database"
            else "django_tasks.backends.immediate.ImmediateBackend"
        ),
        "QUEUES": ["default"],
    }
}

# Map tiles: an offline deployment points this at its own tile server, or leaves it
# empty, and maps still show households and needs on a plain background.
DOORSTEP_TILE_URL = env_str("DOORSTEP_TILE_URL", "")
DOORSTEP_TILE_ATTRIBUTION = env_str("DOORSTEP_TILE_ATTRIBUTION", "")

DOORSTEP_PAGE_SIZE = env_int("DOORSTEP_PAGE_SIZE", 50)

# Privacy: households that left the programme, and closed cases, are anonymised this
# many days later (privacy.retention, nightly).
DOORSTEP_RETENTION_DAYS = env_int("DOORSTEP_RETENTION_DAYS", 5 * 365)
if DOORSTEP_RETENTION_DAYS < 1:
    raise ConfigError("DOORSTEP_RETENTION_DAYS must be at least 1")
# Contacts are logged with when they happened: a visit may be entered up to this many
# days later (a day offline, a week in the mountains), never in the future; a stay in a
# village (a contact with an end) lasts at most DOORSTEP_CONTACT_MAX_STAY_DAYS.
DOORSTEP_CONTACT_MAX_AGE_DAYS = env_int("DOORSTEP_CONTACT_MAX_AGE_DAYS", 30)
DOORSTEP_CONTACT_MAX_STAY_DAYS = env_int("DOORSTEP_CONTACT_MAX_STAY_DAYS", 31)
if DOORSTEP_CONTACT_MAX_AGE_DAYS < 1 or DOORSTEP_CONTACT_MAX_STAY_DAYS < 1:
    raise ConfigError("DOORSTEP_CONTACT_MAX_AGE_DAYS and _MAX_STAY_DAYS must be at least 1")
# The field app (doorstep.fieldapp) removes what it keeps on a phone after this many
# days without a successful sign-in (and always at sign-out).
DOORSTEP_FIELD_WIPE_DAYS = env_int("DOORSTEP_FIELD_WIPE_DAYS", 14)
if DOORSTEP_FIELD_WIPE_DAYS < 1:
    raise ConfigError("DOORSTEP_FIELD_WIPE_DAYS must be at least 1")
# Resident portal sign-in codes go out through this backend (doorstep.core.sms):
# "console" prints them (development), "locmem" keeps them in memory (tests), or the
# dotted path of a class with send(phone, message) for the office's SMS gateway.
DOORSTEP_SMS_BACKEND = env_str("DOORSTEP_SMS_BACKEND", "console")
if PRODUCTION and DOORSTEP_SMS_BACKEND == "console":
    # Sign-in codes printed to a log would let anyone who reads the log sign in as a
    # resident: production names the office's SMS gateway ("locmem" sends nothing and
    # leaks nothing: benches use it).
    raise ConfigError(
        "DOORSTEP_SMS_BACKEND must name the office's SMS gateway in production "
        "(the dotted path of a class with send(phone, message)), not 'console'"
    )
# Staff notifications (a referral answered, help to resolve, a resident's dispute) are
# in-app and also go out through this channel: "sms" (DOORSTEP_SMS_BACKEND, to the
# account's phone), "off", or the dotted path of a class with send(user, message).
DOORSTEP_NOTIFY_CHANNEL = env_str("DOORSTEP_NOTIFY_CHANNEL", "sms")
# Monthly income counts towards a year (annualised) only from this many months on.
DOORSTEP_INCOME_MIN_MONTHS = env_int("DOORSTEP_INCOME_MIN_MONTHS", 6)
if not 1 <= DOORSTEP_INCOME_MIN_MONTHS <= 12:
    raise ConfigError("DOORSTEP_INCOME_MIN_MONTHS must be between 1 and 12")

# A shared cache: Redis when DOORSTEP_CACHE_URL names one (redis://127.0.0.1:6379/1),
# else each process's own memory, which must not hold counts that workers share.
CACHE_URL = env_str("DOORSTEP_CACHE_URL", "")
if CACHE_URL and not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ConfigError("DOORSTEP_CACHE_URL must be a redis:// URL or empty")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# API rate limits (core.ratelimit): requests per window per caller (token or user)
# and per client address; 0 turns a limit off. Counted in the database, or in the
# cache when it is Redis (DOORSTEP_API_RATE_BACKEND=cache).
DOORSTEP_API_RATE_BACKEND = env_str("DOORSTEP_API_RATE_BACKEND", "database")
if DOORSTEP_API_RATE_BACKEND not in {"database", "cache"}:
    raise ConfigError("DOORSTEP_API_RATE_BACKEND must be 'database' or 'cache'")
if DOORSTEP_API_RATE_BACKEND == "cache" and not CACHE_URL:
    raise ConfigError(
        "DOORSTEP_API_RATE_BACKEND=cache needs DOORSTEP_CACHE_URL: a per-process cache "
        "would let each worker count alone"
    )
DOORSTEP_API_RATE_WINDOW_SECONDS = env_int("DOORSTEP_API_RATE_WINDOW_SECONDS", 60)
DOORSTEP_API_RATE_PER_CALLER = env_int("DOORSTEP_API_RATE_PER_CALLER", 600)
DOORSTEP_API_RATE_PER_IP = env_int("DOORSTEP_API_RATE_PER_IP", 6000)
DOORSTEP_API_RATE_PREFIXES = ["/api/v1/", "/open311/"]

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # Behind a TLS-terminating proxy on the office network.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

DOORSTEP_SITE_NAME = _("Doorstep")
