"""Hub settings, read from the environment (see the Configuration table in README.md).

With no environment at all Hub runs embedded: SQLite, a filesystem Celery broker and
filesystem blob storage, all under HUB_DATA_DIR.
"""

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url

from hub.env import env_bool, env_int, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("HUB_DATA_DIR", str(BASE_DIR / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

HUB_BIND = env_str("HUB_BIND", "127.0.0.1:8000")
PUBLIC_URL = env_str("HUB_PUBLIC_URL", f"http://{HUB_BIND}").rstrip("/")
PUBLIC_HOST = urlsplit(PUBLIC_URL).netloc

DEBUG = env_bool("DEBUG", False)


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept in the data dir."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        # O_EXCL: two processes starting together must not write two different keys.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = [h.strip() for h in env_str("HUB_ALLOWED_HOSTS", "*").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [PUBLIC_URL] if PUBLIC_URL.startswith("http") else []

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "hub",
    "hub.accounts",
    "images",
]

MIDDLEWARE = [
    # Rate limits of /token and anonymous pulls, ahead of the registry's short way in.
    "images.registry.ratelimit.RegistryRateLimitMiddleware",
    # /v2/ and /token leave the chain here (images/registry/middleware.py says why).
    "images.registry.middleware.RegistryMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A NUL in the address is a 400 here, not a server error from PostgreSQL in a view.
    "images.web.middleware.RejectNulMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "hub.urls"
WSGI_APPLICATION = "hub.wsgi.application"
ASGI_APPLICATION = "hub.asgi.application"

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
                "hub.context_processors.hub",
                "hub.accounts.context_processors.accounts",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
SQLITE_PATH = DATA_DIR / "hub.sqlite3"
DATABASES = {"default": dj_database_url.parse(env_str("DATABASE_URL", f"sqlite:///{SQLITE_PATH}"))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web and worker write to one file: WAL lets readers run beside the writer, IMMEDIATE
    # transactions take the write lock up front (no lock upgrade deadlock), and the busy
    # timeout waits for a lock instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;",
    }
    # Keep connections between requests: opening one (and its PRAGMAs) costs more than a registry read.
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("HUB_DB_CONN_MAX_AGE", 60)
else:
    # Keep connections between requests here too (dj_database_url's parse says 0: a new connection per
    # request, whose server process starts with cold caches, cost a search page 15-20 ms at 1M repositories).
    # The health check replaces a connection the server dropped.
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("HUB_DB_CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # No JIT compilation: Hub's queries are short, but search queries' cost estimates pass
        # jit_above_cost, and compiling took longer than running them.
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Broker, results, cache -----------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "")
BROKER_DIR = DATA_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
    CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", REDIS_URL)
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    # kombu's filesystem transport: a broker that needs no server, shared by every process
    # that sees the data dir.
    for sub in ("in", "processed", "results", "control"):
        (BROKER_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "in"),
        "data_folder_out": str(BROKER_DIR / "in"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "store_processed": False,
        "control_folder": str(BROKER_DIR / "control"),
    }
    CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", f"file://{BROKER_DIR / 'results'}")
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    }

CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
CELERY_TASK_DEFAULT_QUEUE = "default"
# Periodic tasks run by `celery beat` (each entry: "task", "schedule" in seconds, optional "options").
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    # Registry upkeep (images/tasks.py): pull counters into the database, then GC.
    "registry-pull-flush": {"task": "images.pull_flush_task", "schedule": 60.0},
    "registry-gc": {"task": "images.gc_run_task", "schedule": 3600.0},
}
# Named queues so indexing, mirroring, vulnerability matching and upkeep can get their own workers.
HUB_QUEUES = ["default", "index", "mirror", "vulns", "maintenance"]
CELERY_TASK_ROUTES = {
    "images.manifest_index_task": {"queue": "index"},
    "images.mirror_sync_task": {"queue": "mirror"},
    "images.vulnerabilities_refresh_task": {"queue": "vulns"},
    "images.manifest_index_recover_task": {"queue": "maintenance"},
    "images.mirrors_sync_due_task": {"queue": "maintenance"},
    "images.pull_flush_task": {"queue": "maintenance"},
    "images.gc_run_task": {"queue": "maintenance"},
    "images.webhook_delivery_attempt_task": {"queue": "default"},
    "images.verification_check_task": {"queue": "default"},
    "images.verification_reminders_send_task": {"queue": "maintenance"},
    "images.trusted_content_refresh_task": {"queue": "maintenance"},
}
# A worker that has not written a heartbeat for this long is reported down by /healthz.
HUB_WORKER_HEARTBEAT_SECONDS = env_int("HUB_WORKER_HEARTBEAT_SECONDS", 10)
HUB_WORKER_STALE_SECONDS = env_int("HUB_WORKER_STALE_SECONDS", 60)
# An indexing run that shows no sign of life for this long is taken to have died and is re-run.
HUB_INDEX_LEASE_SECONDS = env_int("HUB_INDEX_LEASE_SECONDS", 300)
# OSV advisory sources (directories, zips, JSON/YAML files or URLs to them) the beat re-imports.
HUB_VULN_SOURCES = [s.strip() for s in env_str("HUB_VULN_SOURCES", "").split(",") if s.strip()]
HUB_VULN_REFRESH_HOURS = env_int("HUB_VULN_REFRESH_HOURS", 6)
CELERY_BEAT_SCHEDULE.update(
    {
        "index-recover": {"task": "images.manifest_index_recover_task", "schedule": 60.0},
        "mirrors-sync-due": {"task": "images.mirrors_sync_due_task", "schedule": 60.0},
        "vulnerabilities-refresh": {
            "task": "images.vulnerabilities_refresh_task",
            "schedule": HUB_VULN_REFRESH_HOURS * 3600.0,
        },
    }
)

# Webhooks (images/services/webhooks.py): timeouts of each request, attempts before giving up, and
# the first retry delay (doubled each time, at most an hour).
HUB_WEBHOOK_CONNECT_TIMEOUT = env_int("HUB_WEBHOOK_CONNECT_TIMEOUT", 5)
HUB_WEBHOOK_READ_TIMEOUT = env_int("HUB_WEBHOOK_READ_TIMEOUT", 10)
HUB_WEBHOOK_MAX_ATTEMPTS = env_int("HUB_WEBHOOK_MAX_ATTEMPTS", 6)
HUB_WEBHOOK_RETRY_BASE_SECONDS = env_int("HUB_WEBHOOK_RETRY_BASE_SECONDS", 30)
# Networks webhook deliveries never go to (comma-separated CIDRs; default: link-local, where cloud
# metadata services answer). Add private ranges when publishers are not trusted with the LAN.
HUB_WEBHOOK_DENY_NETWORKS = env_str("HUB_WEBHOOK_DENY_NETWORKS", "169.254.0.0/16,fe80::/10").split(",")
# Verified Publisher (images/services/curation.py): the DNS resolver the TXT check asks ("host" or
# "host:port"; empty: the system's), how long an approval lasts, when owners are reminded.
HUB_VERIFICATION_DNS_RESOLVER = env_str("HUB_VERIFICATION_DNS_RESOLVER", "")
HUB_VERIFICATION_TIMEOUT = env_int("HUB_VERIFICATION_TIMEOUT", 5)
HUB_VERIFICATION_DAYS = env_int("HUB_VERIFICATION_DAYS", 365)
HUB_VERIFICATION_REMINDER_DAYS = env_int("HUB_VERIFICATION_REMINDER_DAYS", 30)
CELERY_BEAT_SCHEDULE.update(
    {
        "verification-reminders": {"task": "images.verification_reminders_send_task", "schedule": 86400.0},
        "trusted-content-refresh": {"task": "images.trusted_content_refresh_task", "schedule": 3600.0},
    }
)
# Saved-search and CVE alerts (images/alerts.py): computed every few minutes, daily searches told once a day.
HUB_ALERTS_COMPUTE_SECONDS = env_int("HUB_ALERTS_COMPUTE_SECONDS", 300)
CELERY_BEAT_SCHEDULE.update(
    {
        "alerts-compute": {"task": "images.alerts_compute_task", "schedule": float(HUB_ALERTS_COMPUTE_SECONDS)},
        "alerts-digest": {"task": "images.alerts_digest_task", "schedule": 86400.0},
    }
)

# --- Blob storage ---------------------------------------------------------------------------------
BLOB_DIR = Path(env_str("HUB_BLOB_DIR", str(DATA_DIR / "blobs")))
S3_BUCKET = env_str("HUB_S3_BUCKET", "")
if S3_BUCKET:
    BLOB_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env_str("HUB_S3_ENDPOINT_URL", "") or None,
            "region_name": env_str("HUB_S3_REGION", "") or None,
            "access_key": env_str("HUB_S3_ACCESS_KEY_ID", "") or None,
            "secret_key": env_str("HUB_S3_SECRET_ACCESS_KEY", "") or None,
            "file_overwrite": True,
            "default_acl": None,
            "querystring_expire": 3600,
        },
    }
else:
    BLOB_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(BLOB_DIR), "file_permissions_mode": 0o640},
    }

STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(DATA_DIR / "media")},
    },
    "blobs": BLOB_STORAGE,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# How blob downloads leave the web process: "sendfile" (filesystem, via the WSGI server's
# file wrapper), "x-accel" (nginx serves HUB_X_ACCEL_PREFIX), "redirect" (presigned S3 URL).
HUB_BLOB_DOWNLOAD = env_str("HUB_BLOB_DOWNLOAD", "redirect" if S3_BUCKET else "sendfile")
HUB_X_ACCEL_PREFIX = env_str("HUB_X_ACCEL_PREFIX", "/_blobs/")

# --- Static files ---------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True
MEDIA_URL = "/media/"

# --- Auth -----------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
# Anyone may create an account at /signup/ unless the admin switches it off.
HUB_SIGNUP_ENABLED = env_bool("HUB_SIGNUP_ENABLED", True)

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads it to send X-CSRFToken
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if PUBLIC_URL.startswith("https://"):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# With the file backend (EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend) mail lands here.
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(DATA_DIR / "mail"))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "hub@localhost")

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_SCHEMA_CLASS": "images.api.schema.HubAutoSchema",
    # JSON nested past any Hub API body is a 400, not a RecursionError (images/api/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "images.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Hub API",
    "DESCRIPTION": "Docker Hub's API v2 shapes, `/v1/search` for docker/podman search, Hub's images, "
    "packages, vulnerabilities and SBOMs. Every path is also served under /api/v2/, without its trailing "
    "slash, and /v2/repositories/{namespace}/... also as /v2/namespaces/{namespace}/repositories/....",
    "VERSION": "2",
    "SERVE_INCLUDE_SCHEMA": False,
    "PREPROCESSING_HOOKS": ["images.api.schema.endpoints_public"],
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI and Redoc from the drf-spectacular-sidecar package, served by Hub: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Rate limits (hub/ratelimit.py) ---------------------------------------------
# "<requests>/<period>" with period s, m, h, d or seconds ("100/6h", "600/minute"); "" or "0" turns
# a limit off. Kept in the cache above (Redis when REDIS_URL is set). The defaults only stop floods.
HUB_RATELIMIT_API_ANON = env_str("HUB_RATELIMIT_API_ANON", "3000/minute")
HUB_RATELIMIT_API_USER = env_str("HUB_RATELIMIT_API_USER", "6000/minute")
HUB_RATELIMIT_TOKEN = env_str("HUB_RATELIMIT_TOKEN", "6000/minute")
HUB_RATELIMIT_PULL_ANON = env_str("HUB_RATELIMIT_PULL_ANON", "20000/hour")
# How many reverse proxies in front append to X-Forwarded-For (0: use the peer address).
HUB_RATELIMIT_PROXIES = env_int("HUB_RATELIMIT_PROXIES", 0)
HUB_RATELIMIT_KEY_PREFIX = env_str("HUB_RATELIMIT_KEY_PREFIX", "hub-rl")

# --- Hub ------------------------------------------------------------------------------------------
HUB_DEMO = env_bool("HUB_DEMO", True)
HUB_REGISTRY_SERVICE = env_str("HUB_REGISTRY_SERVICE", PUBLIC_HOST or "hub")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("HUB_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
AUTH_USER_MODEL = "accounts.User"
