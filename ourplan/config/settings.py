"""Settings for Ourplan, read from the environment.

Every value a deployment changes comes from an environment variable; the defaults are safe for a
developer's machine (an embedded SQLite file, debug off, demo personas off).
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_flag("DEBUG")
# A deployment sets SECRET_KEY (and PRODUCTION=1, which refuses to start without one).
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if env_flag("PRODUCTION"):
        raise ImproperlyConfigured("SECRET_KEY must be set when PRODUCTION=1")
    SECRET_KEY = "insecure-development-key-never-used-in-production"
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

# Demo log-in page listing seeded personas: never on unless asked for.
PERSONAS_ENABLED = env_flag("PERSONAS_ENABLED")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks.backends.database",
    "ourplan.core",
    "ourplan.accounts",
    "ourplan.people",
    "ourplan.plans",
    "ourplan.budgets",
    "ourplan.governance",
    "ourplan.reviews",
    "ourplan.panels",
    "ourplan.notifications",
    "ourplan.portal",
    "ourplan.consent",
    "ourplan.exports",
    "ourplan.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "ourplan.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks request.user.is_verified() once a one-time code has been given this session.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "ourplan.portal.middleware.PortalBoundaryMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Lock-out after repeated failed log-ins; must be last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ourplan.config.urls"
WSGI_APPLICATION = "ourplan.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "ourplan" / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "ourplan.config.jinja2.environment"},
    },
    {
        # Django's own templates: nothing user-facing; kept for contrib apps.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if os.environ.get("TEST_DATABASE_NAME"):
    # Lets two test runs share one PostgreSQL server without clashing.
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DATABASE_NAME"]}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "people:caseload"
LOGOUT_REDIRECT_URL = "accounts:login"

# django-axes: lock an account out after five failed attempts for fifteen minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
# Lock the account after repeated failures, and the address too.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "ourplan.accounts.views.locked_out"
AXES_VERBOSE = False

# Portal accounts: how long an invitation link works, and the one-time-code second factor
# (django-otp, TOTP). A signed-in password waits this long for its code before it is forgotten.
PORTAL_INVITATION_DAYS = int(os.environ.get("PORTAL_INVITATION_DAYS", "7"))
# Where the service is reached, for links in emails (an invitation's link).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
SECOND_FACTOR_PENDING_SECONDS = 5 * 60
# A link to set a new password (forgotten password) works once, for an hour.
PASSWORD_RESET_TIMEOUT = 60 * 60
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Ourplan")

# NHS login (OpenID Connect). An empty client id switches it off and hides the button.
NHS_LOGIN = {
    "client_id": os.environ.get("NHS_LOGIN_CLIENT_ID", ""),
    "client_secret": os.environ.get("NHS_LOGIN_CLIENT_SECRET", ""),
    # The provider's /.well-known/openid-configuration (NHS login's sandpit or live).
    "server_metadata_url": os.environ.get("NHS_LOGIN_METADATA_URL", ""),
    "scope": os.environ.get("NHS_LOGIN_SCOPE", "openid profile email phone"),
    # The vectors of trust asked for on the authorisation request (`vtr`, a JSON list): high
    # identity proofing (P9), the level at which NHS login vouches for the NHS number, with any of
    # its credential combinations. Linking or signing in needs identity_proofing_level P9 anyway.
    "vtr": os.environ.get("NHS_LOGIN_VTR", '["P9.Cp.Cd", "P9.Cp.Ck", "P9.Cm"]'),
    # NHS login wants the client to prove itself at the token endpoint with a JWT signed by its
    # own RSA private key (private_key_jwt, RS512); the public half is registered with NHS login.
    # The key is PEM text (NHS_LOGIN_PRIVATE_KEY) or a file holding it
    # (NHS_LOGIN_PRIVATE_KEY_FILE), read when NHS login is first used, so a missing or
    # unreadable key shows a clear page and an error in the log rather than stopping the site.
    "private_key": os.environ.get("NHS_LOGIN_PRIVATE_KEY", ""),
    "private_key_file": os.environ.get("NHS_LOGIN_PRIVATE_KEY_FILE", ""),
    # The key's id, sent as the assertion's `kid` header when set.
    "key_id": os.environ.get("NHS_LOGIN_KEY_ID", ""),
    # private_key_jwt when a key is configured, else the client secret (client_secret_post).
    "token_endpoint_auth_method": os.environ.get("NHS_LOGIN_TOKEN_AUTH_METHOD") or (
        "private_key_jwt"
        if os.environ.get("NHS_LOGIN_PRIVATE_KEY") or os.environ.get("NHS_LOGIN_PRIVATE_KEY_FILE")
        else "client_secret_post"
    ),
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 8
# A portal account (the person or their family) is signed out after this long without use.
PORTAL_IDLE_SECONDS = 30 * 60
# How long before then the page warns and offers to keep the session going (WCAG 2.2.1 asks
# for at least 20 seconds; two minutes gives time to read the warning and act on it).
PORTAL_IDLE_WARNING_SECONDS = 2 * 60
SESSION_COOKIE_SECURE = env_flag("SECURE_COOKIES")
CSRF_COOKIE_SECURE = env_flag("SECURE_COOKIES")
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    ("nhsuk", NODE_MODULES / "nhsuk-frontend" / "dist" / "nhsuk"),
    ("htmx", NODE_MODULES / "htmx.org" / "dist"),
    BASE_DIR / "ourplan" / "static",
]
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

PAGE_SIZE = 20

# Background tasks (django-tasks): queued in the database, run by `manage.py db_worker`.
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.database.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# Email. By default every email is recorded in the outbox (/outbox/) and goes nowhere else; a
# deployment that sends for real sets EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend
# and the EMAIL_HOST settings below.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "ourplan.notifications.backends.OutboxBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_flag("EMAIL_USE_TLS")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Ourplan <no-reply@ourplan.invalid>")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
CSRF_FAILURE_VIEW = "ourplan.core.views.csrf_failure"
