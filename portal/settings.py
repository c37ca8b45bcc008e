"""Settings for the RMA portal, read from the environment only (12-factor).

Defaults serve a laptop: SQLite under var/, no Redis (Celery uses an embedded filesystem
broker), email written to files under var/mail. Production (PORTAL_ENV=production) refuses to
start without a real SECRET_KEY.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))
# The laptop defaults (SQLite, mail files, the filesystem broker) live here.
VAR_DIR.mkdir(parents=True, exist_ok=True)

PORTAL_ENV = env.str("PORTAL_ENV", default="development")
if PORTAL_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("PORTAL_ENV must be 'development' or 'production'.")
PRODUCTION = PORTAL_ENV == "production"

DEBUG = env.bool("DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    # DEBUG pages show settings, SQL and stack traces to anyone who triggers an error.
    raise ImproperlyConfigured("DEBUG=true is refused with PORTAL_ENV=production; unset DEBUG.")

_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET_KEY)
if PRODUCTION and (
    SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50 or SECRET_KEY.startswith("change-me")
):
    raise ImproperlyConfigured(
        "PORTAL_ENV=production needs SECRET_KEY set to a random value of at least 50 characters "
        "(python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The public base URL is what emails link to (a customer's mail client has no request to read).
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_countries",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    # Admin sign-in throttling and lockout (settings under "security" below).
    "axes",
    "tenancy",
    "portal",
    "rma",
    "api",
    "notifications",
]

MIDDLEWARE = [
    "portal.logging.RequestIdMiddleware",
    # The client's address from X-Forwarded-For, only when a TRUSTED_PROXIES proxy sent it.
    "portal.security.TrustedProxyMiddleware",
    # Oversized bodies are refused before any middleware or parser reads them.
    "portal.security.RequestSizeLimitMiddleware",
    # Probes next: they must not meet the HTTPS redirect, the host check or the session.
    "portal.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # A vendor's own host name picks its urlconf before anything resolves a path.
    "portal.hosts.VendorHostMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "portal.security.PortalHeadersMiddleware",
    "tenancy.middleware.VendorScopeMiddleware",
    # Staff sessions end after ADMIN_IDLE_SECONDS without a request.
    "portal.security.StaffIdleTimeoutMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into its lockout answer.
    "axes.middleware.AxesMiddleware",
]
if PRODUCTION:
    # Static files from the web process itself, right after the HTTPS redirect.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )

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
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The laptop's web server, worker and beat share one file: wait for the write lock instead
    # of failing, take it at the start of a transaction, and let readers run beside a writer.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Connections persist across requests (a new PostgreSQL connection costs more than a page's
# queries); each is checked before a request reuses it, so one the server dropped is replaced
# instead of failing the request. Behind PgBouncer in transaction mode set DB_CONN_MAX_AGE=0
# and DB_DISABLE_SERVER_SIDE_CURSORS=true (README, "PostgreSQL connections").
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that went away must fail a request (and /readyz) quickly, not hang it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DB_CONNECT_TIMEOUT", default=5)
    )
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool(
        "DB_DISABLE_SERVER_SIDE_CURSORS", default=False
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
# -- cache and sessions: Redis is an optimisation, never a single point of failure ----------
# The cache holds only rate-limit counters and lockouts. portal.cache.ResilientRedisCache
# answers from this process's memory while Redis is down or frozen (short socket timeouts,
# then Redis is skipped for CACHE_RETRY_SECONDS); docs/portal.md says what each limit does then.
CACHE_SOCKET_TIMEOUT = env.float("CACHE_SOCKET_TIMEOUT", default=0.25)
CACHE_RETRY_SECONDS = env.float("CACHE_RETRY_SECONDS", default=5)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "portal.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_timeout": CACHE_SOCKET_TIMEOUT,
                "socket_connect_timeout": CACHE_SOCKET_TIMEOUT,
                "retry_seconds": CACHE_RETRY_SECONDS,
            },
        }
    }
else:
    # A file cache is shared by the web server's processes, which rate limits need.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
# Sessions live in the database only (one primary-key read a request): a cached copy in Redis
# would come back stale after an outage, undoing a sign-out or a password re-issue.
SESSION_ENGINE = "portal.sessions"
# Each web process keeps a vendor (name, colours, policy settings) this long before reading it
# again (portal.customer.branding); a change made elsewhere shows within this many seconds.
PORTAL_VENDOR_CACHE_SECONDS = env.int("PORTAL_VENDOR_CACHE_SECONDS", default=30)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("de", _("German")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Outside VAR_DIR in the container image, so a volume on var/ never hides the built files.
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))

# Evidence and logos are private: never served from a public URL, only through views that
# check who is asking. With EVIDENCE_BUCKET set, files live in S3 (or an S3-compatible store)
# and browsers get short-lived presigned links (rma.storage.evidence_response).
MEDIA_ROOT = VAR_DIR / "media"
EVIDENCE_BUCKET = env.str("EVIDENCE_BUCKET", default="")
S3_ENDPOINT_URL = env.str("S3_ENDPOINT_URL", default="")
# What browsers reach when it differs from what the servers reach (MinIO inside compose).
S3_PUBLIC_ENDPOINT_URL = env.str("S3_PUBLIC_ENDPOINT_URL", default="") or S3_ENDPOINT_URL
S3_REGION = env.str("S3_REGION", default="")
S3_URL_EXPIRE_SECONDS = env.int("S3_URL_EXPIRE_SECONDS", default=300)
if EVIDENCE_BUCKET:
    _default_storage = {
        "BACKEND": "rma.storage.EvidenceS3Storage",
        "OPTIONS": {
            "bucket_name": EVIDENCE_BUCKET,
            "endpoint_url": S3_ENDPOINT_URL or None,
            "public_endpoint_url": S3_PUBLIC_ENDPOINT_URL or None,
            "region_name": S3_REGION or None,
            "access_key": env.str("S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("S3_SECRET_ACCESS_KEY", default="") or None,
            "signature_version": "s3v4",
            # MinIO and most S3-compatible stores want path-style; AWS prefers virtual hosts.
            "addressing_style": env.str(
                "S3_ADDRESSING_STYLE", default="path" if S3_ENDPOINT_URL else "virtual"
            ),
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": S3_URL_EXPIRE_SECONDS,
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT), "base_url": "/private-media-not-served/"},
    }
STORAGES = {
    "default": _default_storage,
    # Production serves collectstatic's output: compressed files with hashed names, cached
    # for a year. Tests and `make run` read app folders directly, without collectstatic.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Request-size caps by path (portal.security.RequestSizeLimitMiddleware): uploads of evidence
# (a vendor's video limit is 200 MB by default), the admin (logos), everything else.
UPLOAD_REQUEST_MAX_BYTES = env.int("UPLOAD_REQUEST_MAX_BYTES", default=210 * 1024 * 1024)
ADMIN_REQUEST_MAX_BYTES = env.int("ADMIN_REQUEST_MAX_BYTES", default=20 * 1024 * 1024)
REQUEST_MAX_BYTES = env.int("REQUEST_MAX_BYTES", default=DATA_UPLOAD_MAX_MEMORY_SIZE + 65_536)

# EMAIL_URL picks any Django email backend: smtp://user:pass@host:587, smtp+tls://...,
# consolemail://, filemail:// (files under EMAIL_FILE_PATH, the laptop default).
_email = env.email_url_config(env.str("EMAIL_URL", default="filemail://"))
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="RMA Portal <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: Redis when REDIS_URL is set, otherwise kombu's filesystem transport under var/.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
CELERY_FILESYSTEM_DIR = VAR_DIR / "celery"
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_FILESYSTEM_DIR / "queue"),
        "data_folder_out": str(CELERY_FILESYSTEM_DIR / "queue"),
        "processed_folder": str(CELERY_FILESYSTEM_DIR / "processed"),
        "control_folder": str(CELERY_FILESYSTEM_DIR / "control"),
        "store_processed": False,
    }
    # Tasks are published on commit, possibly before any worker ran (`make run` seeds first).
    for _folder in ("queue", "processed"):
        (CELERY_FILESYSTEM_DIR / _folder).mkdir(parents=True, exist_ok=True)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Deadlines are columns swept by beat, never ETA tasks (Redis redelivers those past its
# visibility timeout). Each sweep touches only due rows, through partial indexes.
DEADLINE_SWEEP_SECONDS = env.int("DEADLINE_SWEEP_SECONDS", default=60)
OUTBOX_SWEEP_SECONDS = env.int("OUTBOX_SWEEP_SECONDS", default=15)
CELERY_BEAT_SCHEDULE = {
    "outbox-requeue-due": {
        "task": "notifications.requeue_due",
        "schedule": OUTBOX_SWEEP_SECONDS,
    },
    **{
        f"deadline-{name}": {"task": f"rma.sweep_{name}", "schedule": DEADLINE_SWEEP_SECONDS}
        for name in (
            "solution_reminders",
            "solution_expiry",
            "ship_reminders",
            "unshipped_returns",
            "review_sla",
        )
    },
}

# -- outbox: hand-over to the broker and delivery guarantees (docs/emails.md) ---------------
# A queued email or webhook not sent this many seconds after it was handed to Celery or after
# a worker began sending it (worker crash, broker down at commit time) is handed over again by
# the sweep above, which runs every OUTBOX_SWEEP_SECONDS.
OUTBOX_REQUEUE_AFTER_SECONDS = env.int("OUTBOX_REQUEUE_AFTER_SECONDS", default=60)
# Publishing a task from a request waits at most this long for the broker; after a failure the
# thread stops trying for OUTBOX_PUBLISH_RETRY_SECONDS and leaves the rows to the sweep.
OUTBOX_PUBLISH_TIMEOUT_SECONDS = env.float("OUTBOX_PUBLISH_TIMEOUT_SECONDS", default=0.5)
OUTBOX_PUBLISH_RETRY_SECONDS = env.float("OUTBOX_PUBLISH_RETRY_SECONDS", default=5)
OUTBOX_RETRY_BASE_SECONDS = env.int("OUTBOX_RETRY_BASE_SECONDS", default=30)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)
# Emails a send task claims, renders and sends over one SMTP connection. Larger batches cost
# fewer broker round trips and commits (two a batch: the claim and the results; at 25 they
# cost about as much as rendering, at 100 a quarter of that); a worker killed mid-batch
# repeats at most the messages of its batch that the server had accepted (each with its own
# Message-ID).
OUTBOX_BATCH_SIZE = env.int("OUTBOX_BATCH_SIZE", default=100)
# Webhooks: private and loopback targets are refused unless allowed (tests, a local receiver).
WEBHOOK_ALLOW_PRIVATE_TARGETS = env.bool("WEBHOOK_ALLOW_PRIVATE_TARGETS", default=False)
WEBHOOK_REQUIRE_HTTPS = env.bool("WEBHOOK_REQUIRE_HTTPS", default=PRODUCTION)
WEBHOOK_TIMEOUT_SECONDS = env.int("WEBHOOK_TIMEOUT_SECONDS", default=10)
WEBHOOK_RETRY_HOURS = env.int("WEBHOOK_RETRY_HOURS", default=24)

# -- security: client addresses, request size, sessions ------------------------------------
# Load balancers whose X-Forwarded-For is believed (addresses or networks, e.g. 10.0.0.0/8);
# empty means REMOTE_ADDR is the client. Per-address limits depend on this behind a proxy.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
# Admin sign-in: django-axes counts failures per username and address (so a stranger cannot
# lock a colleague out from everywhere) in the database (never Redis), 5 then a 15-minute lock.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("ADMIN_LOGIN_MAX_FAILURES", default=5)
AXES_COOLOFF_TIME = timedelta(seconds=env.int("ADMIN_LOGIN_LOCKOUT_SECONDS", default=15 * 60))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "portal.security.admin_lockout_response"
# REMOTE_ADDR is already the client (TrustedProxyMiddleware); axes must not re-read headers.
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
AXES_VERBOSE = False
# Staff sessions: ended after this long without a request, and in any case after the maximum.
ADMIN_IDLE_SECONDS = env.int("ADMIN_IDLE_SECONDS", default=30 * 60)
ADMIN_SESSION_MAX_AGE_SECONDS = env.int("ADMIN_SESSION_MAX_AGE_SECONDS", default=12 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    LANGUAGE_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
# Customer pages (/v/...) send no referrer at all: portal.security.PortalHeadersMiddleware.
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): scripts only from here or with the request's nonce
# (``{{ request.csp_nonce }}``); no plugins, no <base>, and no framing except on views marked
# with portal.security.embeddable, which admit this site and EMBED_FRAME_ANCESTORS.
EMBED_FRAME_ANCESTORS = env.list("EMBED_FRAME_ANCESTORS", default=[])
if EVIDENCE_BUCKET and S3_PUBLIC_ENDPOINT_URL:
    _evidence_origins = ["/".join(S3_PUBLIC_ENDPOINT_URL.split("/")[:3])]
elif EVIDENCE_BUCKET:
    _evidence_origins = [f"https://{EVIDENCE_BUCKET}.s3.amazonaws.com", "https://*.amazonaws.com"]
else:
    _evidence_origins = []
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        # Inline style attributes remain in the admin's screens; styles cannot run code.
        "style-src": [SELF, "'unsafe-inline'"],
        # Evidence previews are redirects to presigned URLs of the bucket. Product pictures
        # come from each vendor's own CDN (any https origin, validated as https on the API;
        # shown with referrerpolicy="no-referrer"): an image cannot run code.
        "img-src": [SELF, "data:", "https:", *_evidence_origins],
        "media-src": [SELF, *_evidence_origins],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
    },
}

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "RMA Portal vendor API",
    "VERSION": "1",
    "DESCRIPTION": "Orders, warranty solutions, return requests, evidence and webhooks of one "
    "vendor, authenticated by that vendor's API key. Guide: docs/api.md.",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "TAGS": [
        {"name": "orders", "description": "Send orders first; cases refer to them by number."},
        {"name": "warranty solutions", "description": "Proposals customers confirm (REO)."},
        {"name": "returns", "description": "Return requests and RMAs (MKT, AQA)."},
        {"name": "evidence", "description": "Files customers uploaded, by signed link."},
        {"name": "webhooks", "description": "Signed POSTs of every case event."},
    ],
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_INCLUDE_SCHEMA": False,
    # The docs page's assets come from the drf-spectacular-sidecar package, never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "SolutionStatusEnum": "rma.models.solutions.SolutionStatus",
        "ReturnStatusEnum": "rma.models.returns.ReturnStatus",
        "SolutionKindEnum": "rma.models.solutions.SolutionKind",
        "ResolutionKindEnum": "rma.models.resolutions.ResolutionKind",
        "ResolutionStateEnum": "rma.models.resolutions.ResolutionState",
        "ResolutionStepEnum": "rma.models.resolutions.ResolutionStep",
    },
}
# Vendor API: requests per minute per key, how long Idempotency-Keys are remembered, and how
# long a signed evidence download link works.
API_RATE_LIMIT_PER_MINUTE = env.int("API_RATE_LIMIT_PER_MINUTE", default=300)
API_IDEMPOTENCY_TTL_HOURS = env.int("API_IDEMPOTENCY_TTL_HOURS", default=24)
API_EVIDENCE_LINK_SECONDS = env.int("API_EVIDENCE_LINK_SECONDS", default=300)

# Logs go to stdout: one JSON object a line in production (LOG_FORMAT=json), readable text on a
# laptop. Every line carries the request id, also inside Celery tasks (portal.logging).
LOG_FORMAT = env.str("LOG_FORMAT", default="json" if PRODUCTION else "text")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured("LOG_FORMAT must be 'json' or 'text'.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "portal.logging.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "portal.logging.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
# Celery keeps the handlers above instead of installing its own plain-text ones.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
