"""Settings for the business plans application, driven by environment variables.

Every variable is listed in .env.example. A development default exists only where it is safe:
with DEBUG off the application refuses to start without a SECRET_KEY.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)


def request_meta_key(header: str) -> str:
    """The request.META key of an HTTP header given as people write it (X-Forwarded-Proto) or
    already as a key (HTTP_X_FORWARDED_PROTO)."""
    key = header.upper().replace("-", "_")
    return key if key.startswith("HTTP_") else f"HTTP_{key}"


if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="development-only-key-never-used-in-production")
else:
    SECRET_KEY = env.str("SECRET_KEY", default="")
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "core.apps.EntryScreensAdminConfig",  # django.contrib.admin, with its own site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "import_export",
    "simple_history",
    "axes",
    "django_tasks_db",
    "core",
    "plans",
    "risks",
    "kpis",
    "budgets",
    "reports",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Every response not served as a static file: Cache-Control private, no-store.
    "core.middleware.PrivateResponsesMiddleware",
    # A NUL or another character that cannot be stored, in the address: 400, not a 500.
    "core.middleware.UnstorableCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # A signed-in session ends after SESSION_IDLE_MINUTES without a request.
    "core.sessions.SessionRenewalMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page requires sign-in unless its view is marked with login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Audit history records who made each change from the signed-in user of the request.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A write that waited too long for SQLite gets "the service is busy", not a server error.
    "core.busy.DatabaseBusyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so that it turns a sign-in refused by django-axes into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.organisation",
                "config.context_processors.current_plan_year",
                "config.context_processors.navigation",
                "config.context_processors.quarterly_report",
                "config.sign_in.session_timeout",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# The cache keeps each quarterly report between requests until its records change
# (reports.caching). Local memory, the default, is one cache per app server process, each
# building the report once; a cache every process reaches (CACHE_URL=filecache:///var/cache/bp
# for the processes of one server, or a Redis or Memcached server, with its client package
# added, for several servers) builds it once for them all.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Each app server process keeps its connection between requests rather than opening one per
# request (on PostgreSQL that was most of the time /healthz took), and checks it still works
# before reusing it in a new request, so a restarted database costs a reconnection, not an error.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", env.bool("CONN_HEALTH_CHECKS", default=True))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers wait their turn instead of failing with "database is locked". A transaction takes
    # the write lock when it begins (a deferred one that has already read cannot wait for it and
    # fails at once), waits up to the busy timeout for it, and WAL lets pages keep reading while
    # someone writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": env.int("SQLITE_TIMEOUT", default=20),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Signing in ---------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "core.passwords.RepeatedUsernameValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# A session ends after this long without a request; requests start the period again
# (core.sessions.SessionRenewalMiddleware), and pages warn before it ends
# (static/js/session-timeout.js).
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60

# django-axes refuses sign-in after repeated failures, counted in the database so that every app
# server sees the same count. A username is locked out from one client address only: someone
# elsewhere cannot lock a colleague out, and one person's typing does not lock out a whole office
# behind one address. The lockout ends after the cool-off (django-axes' default is forever).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# The database handler with a second cap per account, across addresses (config/sign_in.py).
AXES_HANDLER = "config.sign_in.AccountCapHandler"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_ACCOUNT_FAILURE_LIMIT = env.int("AXES_ACCOUNT_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
# The pair first: AccountCapHandler reads the account's failures second.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "config.sign_in.locked_out"
# Failed sign-ins are logged with the username and client address (never the password, which
# django-axes always masks); by default it masks these two as well.
AXES_SENSITIVE_PARAMETERS = []
# The client address: the connection's own unless TRUSTED_PROXY_COUNT proxies stand in front,
# in which case the address the nearest of them recorded in CLIENT_IP_HEADER. Entries to the left
# of those the trusted proxies added are the client's own claims, and ignored.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
CLIENT_IP_HEADER = env.str("CLIENT_IP_HEADER", default="X-Forwarded-For")
if TRUSTED_PROXY_COUNT:
    AXES_IPWARE_META_PRECEDENCE_ORDER = (
        request_meta_key(CLIENT_IP_HEADER),
        "REMOTE_ADDR",
    )
    # ipware counts the proxies listed in the header, the farthest first: the nearest proxy is
    # the connection itself, not an entry.
    AXES_IPWARE_PROXY_ORDER = "left-most"
    AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT - 1
    # A client that sends its own header adds entries on the left; not strict, so those are
    # skipped rather than the whole header being refused.
    IPWARE_STRICT = False
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "config.staticfiles.StaticFilesStorage"
    },
}
# Serve static files from the finders in development and tests, without collectstatic.
WHITENOISE_USE_FINDERS = DEBUG or env.bool("WHITENOISE_USE_FINDERS", default=False)
WHITENOISE_AUTOREFRESH = WHITENOISE_USE_FINDERS


def mailer_from_url(url: str) -> dict:
    """The MAILERS entry for an email URL: smtp://host:25, smtp+tls://user:password@host:587
    (STARTTLS), smtp+ssl://user:password@host:465, consolemail:// to print messages, or
    filemail:///path/to/folder to write each to a file there."""
    config = environ.Env.email_url_config(url)
    options = {}
    if config["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend":
        # filemail:///var/mail/plans writes each message to a file in that folder (django-environ
        # drops the path's leading slash).
        options = {"file_path": urlparse(url).path}
    if config["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend":
        # django-environ gives only the keys the URL implies (no EMAIL_USE_SSL for smtp+tls://).
        options = {
            "host": config["EMAIL_HOST"],
            "port": config["EMAIL_PORT"],
            "username": config["EMAIL_HOST_USER"] or "",
            "password": config["EMAIL_HOST_PASSWORD"] or "",
            "use_tls": config.get("EMAIL_USE_TLS", False),
            "use_ssl": config.get("EMAIL_USE_SSL", False),
        }
    return {"BACKEND": config["EMAIL_BACKEND"], "OPTIONS": options}


# Outgoing email. Without DEBUG the default is an SMTP relay on the same machine, as Django's own.
MAILERS = {
    "default": mailer_from_url(
        env.str("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
    )
}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="business-plans@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The site's address as people reach it, for links in email (which has no request to take it
# from): by default the first of ALLOWED_HOSTS over https, or the development server with DEBUG.
SITE_URL = env.str(
    "SITE_URL",
    default="http://127.0.0.1:8000"
    if DEBUG
    else (f"https://{ALLOWED_HOSTS[0]}" if ALLOWED_HOSTS else ""),
).rstrip("/")

# Background tasks (Django's tasks framework): queued in the database and run by
# `manage.py db_worker`, so a slow mail server holds up neither a page nor a command, and a
# task queued while no worker runs waits in the database until one does.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A reminder email that fails is tried again this many times in all, each after a longer wait.
REMINDER_MAX_ATTEMPTS = env.int("REMINDER_MAX_ATTEMPTS", default=5)
REMINDER_RETRY_MINUTES = env.int("REMINDER_RETRY_MINUTES", default=10)

# HTTPS. Without DEBUG the defaults are those of Django's deployment checklist; plain-http
# set-ups (a loopback smoke test) turn SECURE_SSL_REDIRECT and SECURE_COOKIES off.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# A load balancer probes the health check over plain http on the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Browsers keep to https for this long (seconds); the host only, unless subdomains are included.
# Preload only lets the host be submitted to the browsers' preload list; it submits nothing.
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
# Behind a proxy that ends TLS: the header it sets to "https" on secure requests, e.g.
# X-Forwarded-Proto. Trusted only when set, and only if the proxy always sets or strips it.
_proxy_ssl_header = env.str("SECURE_PROXY_SSL_HEADER", default="")
if _proxy_ssl_header:
    SECURE_PROXY_SSL_HEADER = (request_meta_key(_proxy_ssl_header), "https")

SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- Content Security Policy ---------------------------------------------------------------------
# Scripts, styles, images and fonts come only from this site's own static files: no inline
# script, no inline style, no style attribute, no event-handler attribute. The admin pages that
# had some are overridden (templates/admin/, templates/simple_history/). The one nonce is for
# styles: Django's admin gives a change list without actions an inline <style> carrying the
# request's nonce ({% csp_nonce_attr %}); no page of the application uses it.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# django-import-export: importing and exporting need their own permissions (import_<model>,
# export_<model>), granted to groups by the plans data migration.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "export"
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# Limits on one uploaded sheet, checked before it is read: its size, and the rows it has (a
# workbook's declared size counts, so a small file that declares a huge sheet is refused).
IMPORT_MAX_UPLOAD_MB = env.int("IMPORT_MAX_UPLOAD_MB", default=5)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=20_000)
# Hours an uploaded sheet waits for its preview to be confirmed before it is discarded.
IMPORT_PREVIEW_MAX_AGE_HOURS = env.int("IMPORT_PREVIEW_MAX_AGE_HOURS", default=24)

# The organisation whose plans these are, shown in the page header.
ORGANISATION_NAME = env.str("ORGANISATION_NAME", default="Children's Commissioner")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint logs each step of every PDF at INFO: only its warnings (an image it would not
    # fetch, a style it does not support) are worth a line in the log.
    "loggers": {"weasyprint": {"level": "WARNING"}},
}
