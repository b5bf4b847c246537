"""One environment-driven settings module. It fails closed: DEBUG is off unless asked for,
and a production start without a secret key or allowed hosts stops with a clear message."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def env_list(name: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, "").split(",") if part.strip()]


DEBUG = env_bool("DEBUG")
# Demo mode seeds made-up families and shows a banner on every page; only `make run` turns it on.
DEMO_MODE = env_bool("DEMO_MODE")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if DEBUG:
    # A local development key: never used when DEBUG is off (see the check below).
    SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-not-for-production-use-0123456789"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]"]
else:
    missing = [
        name
        for name, value in (("SECRET_KEY", SECRET_KEY), ("ALLOWED_HOSTS", ALLOWED_HOSTS))
        if not value
    ]
    if missing:
        raise ImproperlyConfigured(
            f"Refusing to start in production without {', '.join(missing)}. "
            "Set them in the environment (or set DEBUG=1 for local development)."
        )
    if DEMO_MODE:
        # Demo mode seeds accounts with a published password and published MFA secrets.
        raise ImproperlyConfigured(
            "Refusing to start: DEMO_MODE is for `make run` on your own machine only (it needs "
            "DEBUG=1). Unset DEMO_MODE in production."
        )

# Keys the stored hashes of parents' link tokens and codes. Changing it invalidates every link,
# so it is separate from SECRET_KEY (which may be rotated).
CREDENTIAL_HASH_KEY = os.environ.get("CREDENTIAL_HASH_KEY", SECRET_KEY)
INVITATION_VALID_DAYS = env_int("INVITATION_VALID_DAYS", 28)
# A group's room code stops at the end of the day it was opened, or sooner if this many hours
# are set (e.g. 3 for a morning session).
ROOM_CODE_HOURS = env_int("ROOM_CODE_HOURS", 0)
# LINK-5: failed link or code look-ups per client (portal.security.client_address): a token
# bucket of CODE_FAILURE_LIMIT that refills in CODE_FAILURE_WINDOW_MINUTES (one back a minute);
# an empty bucket gets 429 for every look-up, a valid one included.
CODE_FAILURE_LIMIT = env_int("CODE_FAILURE_LIMIT", 10)
CODE_FAILURE_WINDOW_MINUTES = env_int("CODE_FAILURE_WINDOW_MINUTES", 10)
# LINK-10: joins and details attempts at one room code, per client and per code: token buckets
# of these sizes that refill in GROUP_JOIN_WINDOW_MINUTES.
# A shared tablet serves a whole room, so the per-client figure allows a group's worth of
# parents; the per-code figure caps a flood from a leaked code (rotating the code resets it).
GROUP_JOINS_PER_CLIENT = env_int("GROUP_JOINS_PER_CLIENT", 12)
GROUP_JOINS_PER_CODE = env_int("GROUP_JOINS_PER_CODE", 60)
GROUP_JOIN_WINDOW_MINUTES = env_int("GROUP_JOIN_WINDOW_MINUTES", 60)
# RET-1, DATA-8: how long each kind of record is kept (questionnaires.retention holds the table,
# with each rule's reason; docs/retention.md). `manage.py purge --apply` removes what is older.
RETENTION_ABANDONED_DAYS = env_int("RETENTION_ABANDONED_DAYS", 90)
RETENTION_DECLINED_DAYS = env_int("RETENTION_DECLINED_DAYS", 365)
RETENTION_UNOPENED_LINK_DAYS = env_int("RETENTION_UNOPENED_LINK_DAYS", 90)
RETENTION_UNLINKED_JOIN_DAYS = env_int("RETENTION_UNLINKED_JOIN_DAYS", 180)
RETENTION_SESSION_DAYS = env_int("RETENTION_SESSION_DAYS", 0)
RETENTION_RATE_LIMIT_DAYS = env_int("RETENTION_RATE_LIMIT_DAYS", 1)
RETENTION_SIGN_IN_LOG_DAYS = env_int("RETENTION_SIGN_IN_LOG_DAYS", 90)
# Eight years: the PostgreSQL trigger (migration 0010) refuses to delete a younger event, so a
# shorter period cannot be configured; a longer one can.
AUDIT_MINIMUM_DAYS = 2922
RETENTION_AUDIT_DAYS = env_int("RETENTION_AUDIT_DAYS", AUDIT_MINIMUM_DAYS)
if RETENTION_AUDIT_DAYS < AUDIT_MINIMUM_DAYS:
    raise ImproperlyConfigured(
        f"RETENTION_AUDIT_DAYS must be at least {AUDIT_MINIMUM_DAYS} (eight years): the audit "
        "trail is kept at least that long (docs/retention.md)."
    )
for _name, _value in list(globals().items()):
    if _name.startswith("RETENTION_") and _value < 0:
        raise ImproperlyConfigured(f"{_name} must be 0 or more.")
# Clinical records of a closed episode are kept until the child is this old (26 if they were 17
# when care ended): the NHS Records Management Code of Practice 2021 for children's records.
RETENTION_CLINICAL_AGE_YEARS = env_int("RETENTION_CLINICAL_AGE_YEARS", 25)
# LINK-9: where "Exit this page" takes a parent: a neutral page that gives nothing away
# (the GOV.UK "Exit this page" component's default).
EXIT_PAGE_URL = os.environ.get("EXIT_PAGE_URL", "https://www.bbc.co.uk/weather")

# The public address parents' links and QR codes point at, e.g. https://portal.example.nhs.uk
SITE_BASE_URL = os.environ.get("SITE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
SERVICE_NAME = os.environ.get("SERVICE_NAME", "Parent and baby questionnaires")
ADMIN_PATH = os.environ.get("ADMIN_PATH", "staff-admin/").strip("/") + "/"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "formtools",
    "csp",
    "axes",
    # AUTH-3: multi-factor authentication for every staff account (TOTP and recovery codes).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "questionnaires",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # LOG-3: every audit event carries the request's hashed session and client identifiers.
    "portal.security.audit_context.AuditContextMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # SES-1: staff sessions end after an idle time and an absolute lifetime.
    "portal.security.staff_sessions.StaffSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "portal.security.headers.NoStoreMiddleware",
    # LINK-5, LINK-10: gives back the parent-side attempts a request took and did not use.
    "portal.security.ratelimit.RateLimitMiddleware",
    # Axes last, as its documentation asks, so it sees the final authentication result.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A room of parents saving at once: writers wait for the lock instead of failing, and
    # take it at the start of a transaction so two writers cannot deadlock on an upgrade.
    # WAL lets pages that only read carry on while an answer is being written
    # (bench/bench_group_room.py: p95 roughly halved for a room of 40 parents).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "questionnaires.StaffUser"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# AUTH-1: length and common-password checks, no composition rules.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
LOGIN_URL = "staff:login"
# The name authenticator apps show beside the code.
OTP_TOTP_ISSUER = SERVICE_NAME
# AUTH-3: passkeys belong to the site's host name (the relying party). WebAuthn refuses an IP
# address as one, so a local http://127.0.0.1 base URL means "localhost" (open the site there).
# Passwordless sign-in is off: a passkey is a second factor after the password, never instead.
_SITE_HOST = urlsplit(SITE_BASE_URL).hostname or "localhost"
OTP_WEBAUTHN_RP_ID = "localhost" if _SITE_HOST == "127.0.0.1" else _SITE_HOST
OTP_WEBAUTHN_RP_NAME = SERVICE_NAME
OTP_WEBAUTHN_ALLOWED_ORIGINS = [SITE_BASE_URL.replace("//127.0.0.1", "//localhost", 1)]
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
LOGIN_REDIRECT_URL = "staff:home"
LOGOUT_REDIRECT_URL = "staff:login"

# AUTH-5: how many reverse proxies stand in front of the app, each appending the address it saw
# to X-Forwarded-For; the client is the address the outermost one appended. 0: the socket peer
# (REMOTE_ADDR). Only portal.security.client_address reads it (lockout and parent limits alike).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT is a number of proxies: 0 or more.")
if os.environ.get("CLIENT_IP_HEADERS"):
    raise ImproperlyConfigured(
        "CLIENT_IP_HEADERS is replaced by TRUSTED_PROXY_COUNT (the number of proxies in front of "
        "the app, e.g. 1 for nginx). Unset CLIENT_IP_HEADERS."
    )
if env_bool("BEHIND_TLS_PROXY") and TRUSTED_PROXY_COUNT == 0:
    raise ImproperlyConfigured(
        "BEHIND_TLS_PROXY is set but TRUSTED_PROXY_COUNT is 0: every client would have the "
        "proxy's address and share one sign-in lockout and one code limit. Set "
        "TRUSTED_PROXY_COUNT to the number of proxies in front of the app (e.g. 1)."
    )

# AUTH-2: lockout on the (username, client) pair with a cool-off, never permanent; failures
# during the lock do not extend it. `manage.py axes_reset_username NAME` lifts it at once.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 30) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "portal.security.client_address.axes_client_address"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "staff/locked_out.html"

# SES-1: idle timeout through a rolling cookie age; the session ends with the browser.
# SES-1: a staff session ends after SESSION_IDLE_MINUTES without a request of the user's own (a
# page polling in the background does not count) and, however busy, SESSION_ABSOLUTE_HOURS after
# sign-in (portal.security.staff_sessions). The stored session lives as long as the longest.
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
SESSION_ABSOLUTE_HOURS = env_int("SESSION_ABSOLUTE_HOURS", 10)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_HOURS * 3600
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "portal.views.csrf_failure"

# DEP-3 / DEP-4: secure transport and cookies unless explicitly running locally over plain HTTP.
SECURE_TRANSPORT = env_bool("SECURE_TRANSPORT", default=not DEBUG)
SESSION_COOKIE_SECURE = SECURE_TRANSPORT
CSRF_COOKIE_SECURE = SECURE_TRANSPORT
SECURE_SSL_REDIRECT = SECURE_TRANSPORT and env_bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = 31_536_000 if SECURE_TRANSPORT else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
# "same-origin" sends nothing to other sites. Plain "no-referrer" makes Chromium send
# `Origin: null` on form posts, which defeats Django's CSRF origin check; responses that carry
# a link token set "no-referrer" themselves (LINK-2, DEP-3).
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_TLS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
    }
}

# INJ-5: bounded request sizes.
DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # LOG-2: Django's request log writes the path of every 4xx ("Not Found: /p/<token>"); the
    # filter redacts credentials in paths on every logger that writes request paths, and on the
    # handler for anything else.
    "filters": {"redact_credentials": {"()": "portal.security.log_redaction.RedactCredentials"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_credentials"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Filters on these loggers act before any handler, whoever attached it.
        "django.request": {"filters": ["redact_credentials"]},
        "django.security": {"filters": ["redact_credentials"]},
        # LINK-2 / LOG-2: the development server's request lines stay quiet as well.
        "django.server": {
            "handlers": ["console"],
            "level": "WARNING",
            "propagate": False,
            "filters": ["redact_credentials"],
        },
    },
}

# --- Messaging (issue 14): GOV.UK Notify, email, the outbox worker, reminders -----------------
# GOV.UK Notify is used when NOTIFY_API_KEY and the template ids are set; otherwise invitations
# and reminders go by email through Django's email backend (SMTP), and texts cannot be sent.
NOTIFY_API_KEY = os.environ.get("NOTIFY_API_KEY", "")
NOTIFY_BASE_URL = os.environ.get("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
NOTIFY_TEMPLATES = {
    "sms_invitation": os.environ.get("NOTIFY_TEMPLATE_SMS_INVITATION", ""),
    "sms_reminder": os.environ.get("NOTIFY_TEMPLATE_SMS_REMINDER", ""),
    "email_invitation": os.environ.get("NOTIFY_TEMPLATE_EMAIL_INVITATION", ""),
    "email_reminder": os.environ.get("NOTIFY_TEMPLATE_EMAIL_REMINDER", ""),
    "email_alert": os.environ.get("NOTIFY_TEMPLATE_EMAIL_ALERT", ""),
}
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "no-reply@localhost")
# Reminders after these days when a link is not opened or not finished (at most two), sent
# only between these local hours.
MESSAGE_REMINDER_DAYS = tuple(
    int(day) for day in os.environ.get("MESSAGE_REMINDER_DAYS", "3,7").split(",") if day.strip()
)[:2]
MESSAGE_SEND_FROM_HOUR = env_int("MESSAGE_SEND_FROM_HOUR", 9)
MESSAGE_SEND_UNTIL_HOUR = env_int("MESSAGE_SEND_UNTIL_HOUR", 20)
# Psychotherapy's end (T2) is planned this many weeks after the episode opens (editable).
T2_DEFAULT_WEEKS = env_int("T2_DEFAULT_WEEKS", 20)
# The worker: attempts before a message is given up, seconds between loops, lease length.
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 8)
OUTBOX_POLL_SECONDS = env_int("OUTBOX_POLL_SECONDS", 5)
OUTBOX_LEASE_SECONDS = env_int("OUTBOX_LEASE_SECONDS", 120)
# /healthz/worker says "not alive" after this many seconds without a heartbeat.
WORKER_STALE_SECONDS = env_int("WORKER_STALE_SECONDS", 120)

# --- Messaging settings and Notify callbacks (issue 14, second part) ---------------------------
# The bearer token GOV.UK Notify sends with its delivery receipts to /notify/callback (set the
# same value in Notify's "Callbacks" settings). Empty: every receipt is refused (401) and the
# worker's polling alone keeps statuses up to date.
NOTIFY_CALLBACK_TOKEN = os.environ.get("NOTIFY_CALLBACK_TOKEN", "")

# --- Performance and scaling out (PERF-1 … PERF-5, docs/benchmarks.md) -------------------------
# PERF-3: nothing shared lives in a process. Sessions, rate limits and lockouts are in the
# database; with REDIS_URL (e.g. redis://127.0.0.1:6379/0) the cache is Redis, through Django's own
# backend, and sessions are read from it first (written through to the database, so a Redis
# restart signs no one out). Unset by default: `make run` needs no Redis.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "portal",
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# PERF-5: static files under content-hashed names with compressed copies made by collectstatic;
# whitenoise serves a hashed name as immutable with far-future caching.
STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}

# --- Languages (issue 16: translatable interface, parents' language choice) -------------------
# I18N-9: every interface string goes through Django's translation system; catalogues live in
# locale/ and are compiled by `make` (compilemessages). I18N-4: a catalogue not reviewed by a
# qualified translator is usable only in demo mode until listed here (comma-separated codes).
from portal.languages import DJANGO_LANGUAGES  # noqa: E402

LANGUAGES = DJANGO_LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
APPROVED_INTERFACE_LANGUAGES = [
    code.strip()
    for code in os.environ.get("APPROVED_INTERFACE_LANGUAGES", "").split(",")
    if code.strip()
]
# After sessions: the parent's choice is kept in their session.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware") + 1,
    "portal.languages.LanguageMiddleware",
)
TEMPLATES[0]["OPTIONS"]["context_processors"].append("portal.context_processors.languages")  # type: ignore[index]

# --- Service outcomes (issue 13) ---------------------------------------------------------------
# The service's own goal for the paired-score rate (finished episodes with both a start and an
# end score), as a fraction; NHS Talking Therapies reaches 0.98 by scoring every session.
OUTCOMES_PAIRED_GOAL = float(os.environ.get("OUTCOMES_PAIRED_GOAL", "0.9"))

# --- Messages in the family's language (issue 16, MSG-8) ---------------------------------------
# Invitations and reminders are composed in the invitation's language when its catalogue may be
# used (the rules above). Notify keeps each template's own words: a service that has made a
# template in another language names it NOTIFY_TEMPLATE_<NAME>_<LANG> (for example
# NOTIFY_TEMPLATE_SMS_INVITATION_PT); without one the English template is used.
from questionnaires.languages import LANGUAGES as _message_languages  # noqa: E402

for _template in list(NOTIFY_TEMPLATES):
    for _code in _message_languages:
        _variable = f"NOTIFY_TEMPLATE_{_template.upper()}_{_code.upper()}"
        if os.environ.get(_variable):
            NOTIFY_TEMPLATES[f"{_template}_{_code}"] = os.environ[_variable]
