"""Settings for factcheck, read from the environment (see .env.example for every variable).

Nothing here is a secret: SECRET_KEY and database credentials come from the environment, and the
app refuses to serve without a SECRET_KEY unless DEBUG is on (the demo) or the test suite runs;
one-off management commands (see manage.py) run with a throwaway key.
"""

import re
import secrets
import sys
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env file is a convenience for development; real deployments set the environment.
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    """Like env.bool, but a junk value ("perhaps") stops the app instead of meaning False."""
    raw = env.str(name, default=None)
    if raw is None:
        return default
    if raw.strip().lower() in _TRUE:
        return True
    if raw.strip().lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean; use 1 or 0.")


# The test suite runs with DEBUG off (as in production) but must not need secrets or HTTPS.
TESTING = "pytest" in sys.modules or sys.argv[1:2] == ["test"]

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-key-for-debug-and-tests-only"  # noqa: S105 - never used in production
    elif env_bool("FACTCHECK_ONE_OFF_COMMAND", False):
        SECRET_KEY = secrets.token_urlsafe(50)  # dies with the command
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off "
            "(for local work: DEBUG=1, or use `./dev demo`)."
        )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
if TESTING:
    ALLOWED_HOSTS += ["testserver"]
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "annotations",
]

MIDDLEWARE = [
    # /healthz/ and /readyz/ first: probes get their answer whatever the host or scheme.
    "factcheck.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "annotations.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "annotations.middleware.PermissionsPolicyMiddleware",
    # Last, as django-axes requires: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "factcheck.urls"
WSGI_APPLICATION = "factcheck.wsgi.application"

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
                "annotations.context_processors.roles",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the demo server read while an import writes; IMMEDIATE avoids "database is locked"
    # on upgrades from read to write transactions.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"}
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# A read replica for the reads that may lag a little (exports, dashboards, stats): see
# annotations/replica.py. In tests it mirrors the primary.
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **env.db("DATABASE_REPLICA_URL"),
        "CONN_MAX_AGE": env.int("CONN_MAX_AGE", default=60),
        "CONN_HEALTH_CHECKS": True,
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["annotations.replica.ReplicaRouter"]
# Processes that build a large export at once on PostgreSQL (annotations/exports/parallel.py);
# 1 builds every export in the process that serves it. They are forked, which only Linux makes
# safe in a process with threads (macOS's system libraries may crash in a forked child).
EXPORT_WORKERS = env.int("FACTCHECK_EXPORT_WORKERS", default=2 if sys.platform == "linux" else 1)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Covering indexes (Index.include) serve the dashboards on PostgreSQL; SQLite builds the same
# indexes without the included columns, which is all this warning says.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where `manage.py collectstatic` gathers them for production (hashed names, served by WhiteNoise).
STATIC_ROOT = env.path("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Without collectstatic (demo, tests) WhiteNoise serves files straight from the finders.
WHITENOISE_USE_FINDERS = DEBUG or TESTING
if not (DEBUG or TESTING):
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# Sign-in throttling (django-axes), for the site's and the admin's sign-in forms alike: after
# AXES_FAILURE_LIMIT wrong passwords for one username from one address, that pair is locked
# for AXES_COOLOFF_MINUTES (each further try starts the wait again). Keying on the pair means
# an attacker cannot lock a colleague out from elsewhere. Unlock early in the admin
# ("Access attempts") or with `manage.py axes_reset_username <name>`.
AUTHENTICATION_BACKENDS = [
    "annotations.signin.SignInThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
_COOLOFF_MINUTES = env.int("AXES_COOLOFF_MINUTES", default=15)
AXES_COOLOFF_TIME = timedelta(minutes=_COOLOFF_MINUTES)
if min(AXES_FAILURE_LIMIT, _COOLOFF_MINUTES) < 1:
    raise ImproperlyConfigured("AXES_FAILURE_LIMIT and AXES_COOLOFF_MINUTES must be at least 1.")
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Behind N proxies that each append to X-Forwarded-For, the client is the Nth address from
# the right (nginx's $proxy_add_x_forwarded_for); 0 trusts no header and uses the peer.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "annotations.signin.client_ip"
# Lockouts and failures are still logged; this drops the banner every command would print.
AXES_VERBOSE = False

# Mail, for password resets only: a URL such as smtp+tls://user:password@mail.example.org:587
# (django-environ's EMAIL_URL schemes). The demo prints mail to the console. Without mail
# the sign-in page offers no reset and /accounts/password_reset/ says it is not available,
# instead of claiming to have sent an email that was never sent.
EMAIL_URL = env.str("EMAIL_URL", default="consolemail://" if DEBUG else "")
if EMAIL_URL:
    globals().update(env.email_url_config(EMAIL_URL))  # EMAIL_BACKEND, EMAIL_HOST, ...
PASSWORD_RESET_AVAILABLE = bool(EMAIL_URL)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="factcheck@localhost")

# Redis when REDIS_URL is set (shared by every app server: the dashboard's figures, see
# annotations.selectors.stats, and sessions), else this process's memory. Tests always use
# local memory.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL and not TESTING:
    CACHES = {
        "default": {
            # Django's Redis cache, except that Redis being down is a cache miss, not a 500.
            "BACKEND": "factcheck.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "factcheck",
            # Give up quickly on a Redis that does not answer: the page goes on without it.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    # Sessions are read from Redis and written through to the database, so a Redis restart
    # signs nobody out and a page costs no session query.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Security: strict unless DEBUG. Behind a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not (DEBUG or TESTING))
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts only from our own files, never inline. Styles
# may be inline because label colours and bar widths are data (style="background: ..."),
# and the API docs page carries drf-spectacular's small <style> block.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],  # the admin's and Swagger UI's icons are data: URLs
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
if env_bool("USE_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Request size limit: a whole request, so a maximal article body still fits after JSON escaping.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=5 * 1024 * 1024)
# The files of one import (the import page, POST /api/imports/), zips counted unpacked.
FACTCHECK_MAX_UPLOAD_BYTES = env.int("FACTCHECK_MAX_UPLOAD_BYTES", default=200 * 1024 * 1024)
# Uploads above this size go to a temporary file while the request is read, not to memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Celery runs long work (import jobs) on workers: `celery -A factcheck worker`, with the broker
# at CELERY_BROKER_URL (Redis). Without one, tasks run in the web process as they are asked
# for (eagerly), so a single process needs nothing else. See docs/deploy.md.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True  # a job's state is in the database (ImportJob)
# A task is acknowledged when it ends, so one whose worker dies is delivered again (the job
# resumes); one at a time per worker process, since each is long.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis redelivers an unacknowledged task after this long: longer than any import.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 6 * 3600}
# A broker that does not answer fails the request quickly instead of hanging it.
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_TASK_PUBLISH_RETRY = False
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous API client then gets 401 with WWW-Authenticate.
        "annotations.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # DRF's JSON parser, except that JSON nested too deeply for Python answers 400.
    "DEFAULT_PARSER_CLASSES": [
        "annotations.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "EXCEPTION_HANDLER": "annotations.api.errors.exception_handler",
    # Token clients (scripts) are throttled per user; browsers using the API with their session
    # are not (they sign in through the throttled sign-in form).
    "DEFAULT_THROTTLE_CLASSES": ["annotations.api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": env.str("API_TOKEN_THROTTLE_RATE", default="100/second")},
}
if not re.fullmatch(
    r"[1-9]\d*/(s|sec|second|m|min|minute|h|hour|d|day)",
    REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["token"],
):
    raise ImproperlyConfigured(
        "API_TOKEN_THROTTLE_RATE must look like 100/second (per second, minute, hour or day)."
    )

SPECTACULAR_SETTINGS = {
    "TITLE": "factcheck API",
    "DESCRIPTION": "Import news articles, review their sentences, export the results.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Only signed-in users see anything but the public claim pages, the API's description too.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# --- factcheck's own settings -------------------------------------------------------------
# Largest article body accepted, in UTF-8 bytes.
FACTCHECK_MAX_BODY_BYTES = env.int("FACTCHECK_MAX_BODY_BYTES", default=1_000_000)
# Name of the organisation that publishes ClaimReview data.
FACTCHECK_ORGANISATION = env.str("FACTCHECK_ORGANISATION", default="factcheck")
# Its home page and logo (absolute URLs), for the public pages and ClaimReview's author.
FACTCHECK_ORGANISATION_URL = env.str("FACTCHECK_ORGANISATION_URL", default="")
FACTCHECK_ORGANISATION_LOGO = env.str("FACTCHECK_ORGANISATION_LOGO", default="")
# Team workflow (see README "Roles and workflow").
# Reviewers may rate any article; off: only the articles assigned to them.
FACTCHECK_OPEN_REVIEWING = env_bool("FACTCHECK_OPEN_REVIEWING", True)
# Reviewers see others' reviews of a sentence only after saving their own.
FACTCHECK_BLIND_REVIEW = env_bool("FACTCHECK_BLIND_REVIEW", True)
# This many agreeing reviews (and none disagreeing) set the verdict automatically; 0: never.
FACTCHECK_CONSENSUS_REVIEWERS = env.int("FACTCHECK_CONSENSUS_REVIEWERS", default=2)
