"""PROFO settings: one file, driven by environment variables.

Every value that differs between a laptop, CI and production is read from the environment
(see the README's table). Nothing here guesses a secret: with DEBUG off, a missing
SECRET_KEY stops the start with a clear message.
"""

import datetime
import importlib.util
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long random "
            "string (for development only, DEBUG=1 allows a built-in insecure key)."
        )
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "profo.admin.ProfoAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "csp",
    "axes",
    "simple_history",
    # Background jobs (e-mail, reminders, dues, digests) in PostgreSQL: see "Background jobs".
    "procrastinate.contrib.django",
    "networks",
]

MIDDLEWARE = [
    "profo.db_router.ReplicaRouterMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Records who made each change in the audit history (django-simple-history).
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its own response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "profo.urls"
WSGI_APPLICATION = "profo.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # The bell's unread count, counted only on pages that show it.
                "networks.views.notifications.bell",
            ],
        },
    },
]

# SQLite only for the quick start (`make run`); production and the tests use PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# Optional read replicas (comma-separated URLs) become replica1, replica2…. Only code that asks
# for one with profo.db_router.use_replica() reads from them (reports, exports); everything else,
# and every write, stays on the primary. In the tests a replica mirrors the test database.
DATABASE_REPLICAS = []
for _number, _url in enumerate(env_list("DATABASE_REPLICA_URLS"), start=1):
    DATABASES[f"replica{_number}"] = {
        **dj_database_url.parse(
            _url, conn_max_age=env_int("CONN_MAX_AGE", 60), conn_health_checks=True
        ),
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_REPLICAS.append(f"replica{_number}")
DATABASE_ROUTERS = ["profo.db_router.ReplicaRouter"]
# PostgreSQL's JIT compiles a query when its estimated cost is high, which the dashboards'
# aggregates over years of rows are: the compiling took longer than the query (1.2 s of a 2.4 s
# query at scale, docs/performance.md). Pages run short queries many times, so it stays off.
for _database in DATABASES.values():
    if _database["ENGINE"].endswith("postgresql"):
        _database.setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "networks.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses logins for a locked-out user or address before checking.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "networks:home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Español"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "America/Santiago")
USE_I18N = True
USE_TZ = True
# Dates and numbers as each language writes them (networks/formats/<lang>/formats.py): in Spanish
# 27-11-2026 and 1.234.567, in English Nov. 27, 2026 and 1,234,567. Grouping applies to every
# number a template prints, so ids in hand-built links need |unlocalize.
FORMAT_MODULE_PATH = ["networks.formats"]
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
# Hashed, compressed file names need `collectstatic`; development and tests skip that step.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", not DEBUG)

# Uploads must be reachable from every app server: a folder on a shared mount (MEDIA_ROOT, the
# default) or an S3-compatible bucket (STORAGE_BACKEND=s3, through django-storages, imported
# only when the storage is first used). Either way they are served only through access-checked
# views, never as static files.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "media")
STORAGE_BACKEND = os.environ.get("STORAGE_BACKEND", "filesystem").strip().lower()
if STORAGE_BACKEND == "filesystem":
    DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif STORAGE_BACKEND == "s3":
    if not os.environ.get("AWS_STORAGE_BUCKET_NAME"):
        raise ImproperlyConfigured(
            "STORAGE_BACKEND=s3 needs AWS_STORAGE_BUCKET_NAME (and credentials: "
            "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or an instance role)."
        )
    DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "location": os.environ.get("AWS_LOCATION", ""),
            # Private objects: downloads go through the app's access checks, never a public URL.
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    raise ImproperlyConfigured(
        f"STORAGE_BACKEND must be 'filesystem' or 's3', not {STORAGE_BACKEND!r}."
    )
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Sessions live in the database, so any app server can continue any session. Each row also
# names its user (networks.sessions), so that a new password or a deactivation can end them all.
SESSION_ENGINE = "networks.sessions"

# The cache holds the API's throttling counts (django-axes keeps its lock-outs in its own
# tables): with more than one app server, or worker process, it must be shared, or each process
# would count on its own. So production uses the database (`CACHE_BACKEND=db`, table made by
# `manage.py createcachetable`) or Redis; the per-process memory cache is for development and
# the tests only.
CACHE_BACKEND = os.environ.get("CACHE_BACKEND", "locmem").strip().lower()
# How long the agency home keeps its aggregates over every activity, attendance, due and payment
# (selectors.dashboard.aggregates.agency_figures); the page says how old they are.
DASHBOARD_FIGURES_SECONDS = env_int("DASHBOARD_FIGURES_SECONDS", 300)
_CACHE_OPTIONS = {
    "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "profo"),
    "TIMEOUT": env_int("CACHE_TIMEOUT", 300),
}
if CACHE_BACKEND == "locmem":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
elif CACHE_BACKEND == "db":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "profo_cache",
            **_CACHE_OPTIONS,
            # Django's default of 300 rows would cull live throttling counts with a few hundred
            # active users; each write also counts the rows, so this is not for huge caches.
            "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 20000)},
        }
    }
elif CACHE_BACKEND == "redis":
    if not os.environ.get("CACHE_URL"):
        raise ImproperlyConfigured("CACHE_BACKEND=redis needs CACHE_URL, e.g. redis://host:6379/0.")
    if importlib.util.find_spec("redis") is None:
        raise ImproperlyConfigured("CACHE_BACKEND=redis needs the redis package: pip install redis")
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["CACHE_URL"],
            **_CACHE_OPTIONS,
        }
    }
else:
    raise ImproperlyConfigured(
        f"CACHE_BACKEND must be 'locmem', 'db' or 'redis', not {CACHE_BACKEND!r}."
    )

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# A mail server that accepts the connection and never answers must not hold a worker forever.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "PROFO <no-reply@profo.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where people reach the app: the links in e-mails (an invitation) are made with it.
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000").rstrip("/")
# How long an invitation link works (days); it works once.
INVITATION_EXPIRY_DAYS = env_int("INVITATION_EXPIRY_DAYS", 7)
# How long the link in a "confirm that your firm took part" e-mail works (days); it answers once.
CONFIRMATION_LINK_DAYS = env_int("CONFIRMATION_LINK_DAYS", 30)

# The address e-mails link to (a worker has no request to take the host from).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- background jobs ------------------------------------------------------------------------
# No e-mail is sent inside a request: services defer a job (networks/tasks.py) into
# Procrastinate's tables, in the caller's transaction, and workers (`manage.py procrastinate
# worker`, any number, on any machine) run them, retry them with backoff and run the periodic
# ones once per schedule. The SQLite quick start has no job tables: there each job runs in the
# web process right after its transaction commits (console mail), which is for the demo only.
TASKS_INLINE = env_bool("TASKS_INLINE", DATABASES["default"]["ENGINE"].endswith("sqlite3"))
# Finished jobs are deleted after this many hours (a periodic job, networks.tasks).
JOBS_KEEP_HOURS = env_int("JOBS_KEEP_HOURS", 24 * 14)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Proxies in front of the app servers (the TLS proxy, a load balancer): the client's address is
# then the PROXY_COUNT-th entry from the right of X-Forwarded-For, the one our outermost proxy
# wrote; whatever the client sent itself sits further left. 0: REMOTE_ADDR, no header trusted.
PROXY_COUNT = env_int("PROXY_COUNT", 0)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: its WWW-Authenticate header makes "not logged in" a 401, not a 403.
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "networks.api.errors.exception_handler",
    # DRF's parsers, with a JSON parser that answers a deeply nested body with a 400.
    "DEFAULT_PARSER_CLASSES": [
        "networks.api.input.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "COERCE_DECIMAL_TO_STRING": True,
    # Per-user (and per-address when anonymous) limits: excess gets 429 with Retry-After.
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.UserRateThrottle",
        "rest_framework.throttling.AnonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": os.environ.get("API_USER_RATE", "3000/hour"),
        "anon": os.environ.get("API_ANON_RATE", "100/hour"),
        # Guessing the old password with a stolen token or session (networks.api.views.accounts).
        "password": os.environ.get("API_PASSWORD_RATE", "10/hour"),
    },
    # The anonymous limit counts per client address, the same entry of X-Forwarded-For that
    # profo.lockout.client_ip reads: without this, DRF would count per whole header, which a
    # client makes up at will (a new value, a new allowance).
    "NUM_PROXIES": PROXY_COUNT,
}
# API tokens (django-rest-knox): only a digest is stored, each login makes a new token, and a
# token expires API_TOKEN_DAYS after it was made (no sliding renewal). "Token <key>" as before.
KNOX_TOKEN_MODEL = "networks.ApiToken"
# Knox's migrations would still create its own token table (they predate swappable token
# models), unused and in the way of deleting users; networks.ApiToken has its own migration.
MIGRATION_MODULES = {"knox": None}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Procrastinate's job tables are PostgreSQL (PL/pgSQL functions, LISTEN/NOTIFY); the SQLite
    # quick start has none and runs its jobs in-process instead (TASKS_INLINE below).
    MIGRATION_MODULES["procrastinate"] = None
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 30)
REST_KNOX = {
    "TOKEN_TTL": datetime.timedelta(days=API_TOKEN_DAYS),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "PROFO API",
    "DESCRIPTION": "Business networks on the PROFO model.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # One name per shared choice set (the nine ratings, the phases of a network and a transition).
    "ENUM_NAME_OVERRIDES": {
        "RatingEnum": "networks.models.Rating",
        "PhaseEnum": "networks.models.Network.Phase",
        "ApplicationStatusEnum": "networks.models.Application.Status",
        "CertificationStatusEnum": "networks.models.Certification.Status",
        "MilestoneStatusEnum": "networks.models.Milestone.Status",
        "DiagnosisOccasionEnum": "networks.models.Diagnosis.Occasion",
        "JointProjectStatusEnum": "networks.models.JointProject.Status",
    },
}

# How long an Idempotency-Key (API) or a form's one-time token keeps its first answer.
IDEMPOTENCY_KEY_HOURS = env_int("IDEMPOTENCY_KEY_HOURS", 24)

# Reasons for changing a record others rely on may be longer than simple-history's 100 characters.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Procrastinate says at INFO what it registers at every start of every command; a worker
    # still logs each job's start, end and failure at INFO with PROCRASTINATE_LOG_LEVEL=INFO.
    "loggers": {
        "procrastinate": {"level": os.environ.get("PROCRASTINATE_LOG_LEVEL", "WARNING")},
    },
}

# Uploads (activity attachments, goal evidence): checked by content in networks/files/uploads.py.
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# --- security -------------------------------------------------------------------------------

# Failed logins (the login page and the token endpoint alike) lock the pair (username, address)
# after AXES_FAILURE_LIMIT tries: a stranger's mistakes never lock out a colleague behind the
# same office address, and a user locked at one address can still log in from another. An
# address as a whole is stopped after AXES_ADDRESS_FAILURE_LIMIT failures (password spraying),
# except for people who logged in from it in the last AXES_KNOWN_ADDRESS_DAYS days. Both
# lock-outs end by themselves after the cool-off. See profo/lockout.py.
AXES_HANDLER = "profo.lockout.PairThenAddressHandler"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_ADDRESS_FAILURE_LIMIT = env_int("AXES_ADDRESS_FAILURE_LIMIT", 50)
AXES_KNOWN_ADDRESS_DAYS = env_int("AXES_KNOWN_ADDRESS_DAYS", 90)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "profo.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "profo.lockout.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = env_bool("AXES_VERBOSE", False)

# A content security policy with only the app's own origin: no inline scripts or styles, and
# nothing from another host (static assets are vendored).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
