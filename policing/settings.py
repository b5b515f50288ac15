"""Settings for Fengqiao.

Everything that differs between a laptop and a bureau's server comes from the
environment, read through the small helpers below, which refuse bad values
with ImproperlyConfigured instead of guessing.
"""

import datetime
import os
import warnings
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value in (None, "") else value


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be 1 or 0, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
TESTING = env_bool("FENGQIAO_TESTING", False)
# The local demo (bin/demo): SQLite, no HTTPS, static files from the source tree.
DEMO = env_bool("FENGQIAO_DEMO", False)
LOCAL = DEBUG or TESTING or DEMO

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not LOCAL:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it in production; for the demo "
            "run the README's command, which sets FENGQIAO_DEMO=1."
        )
    # The "django-insecure-" prefix makes `check --deploy` flag it (W009).
    SECRET_KEY = "django-insecure-fengqiao-demo-key-never-use-in-production-0123456789"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Widgets render through the project's templates, so that
    # templates/django/forms/ can mark Chinese option labels with their lang.
    "django.forms",
    "rest_framework",
    # api (issue 12): hashed, expiring, revocable API tokens.
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Security (issue 7): change history, login throttling, TOTP, CSP.
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    # The project's apps, from the ground up: each imports only those above
    # it in this list (README "Layout"; tests/test_layers.py keeps it so).
    "units",
    "notifications",
    "disputes",
    "incidents",
    "volunteers",
    "enterprises",
    "reports",
    "policing",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "policing.middleware_db.DatabaseUnavailableMiddleware",  # DB outage: clean 503
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # api: an oversized /api/ body is refused unread, in JSON, in the
    # request's language (issue 12).
    "policing.api_errors.ApiBodyLimitMiddleware",
    # api: a creating POST repeated with its Idempotency-Key creates once.
    "policing.idempotency.IdempotencyKeyMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Ends disabled users' and expired sessions before anything else sees them.
    "policing.middleware.SessionLifetimeMiddleware",
    "policing.middleware.SecondFactorMiddleware",
    # A password change an administrator required comes before any other page.
    "policing.middleware.PasswordChangeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "policing.middleware.NoStoreMiddleware",
    # Records the acting user on every history row written during a request.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "policing.urls"
WSGI_APPLICATION = "policing.wsgi.application"

FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

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
                "policing.context_processors.officer",
                "notifications.context_processors.unread_count",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # api (issue 12): the embedded default takes concurrent use. WAL lets
    # readers go on while one writes; a writer waits up to 20 s for another
    # (busy timeout) instead of failing at once; IMMEDIATE takes the write
    # lock when a transaction begins, so two simultaneous changes queue up
    # (the second sees the first's result: a refused transition is a 409)
    # rather than deadlock on upgrading their read locks ("database is
    # locked", a 503).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: on the dispute list at city volume PostgreSQL spent 245 of 276 ms
    # compiling a query that runs in 30 ms (bench/run.py). Short web queries
    # never repay the compilation.
    # random_page_cost 1.1, the usual setting for a database on SSD or in
    # memory: at the default 4 a station's capped count read the city's
    # 66,000 cases in a sequential scan (22 ms) rather than its 8 units'
    # index entries (3.5 ms), on every list request.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c jit=off -c work_mem={env_str('DATABASE_WORK_MEM', '16MB')}"
        f" -c random_page_cost={env_str('DATABASE_RANDOM_PAGE_COST', '1.1')}"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Password hashing (issue 20): Argon2id, cheap enough for a shift-start rush ---
# The first hasher makes new hashes; the others only check old ones, which are
# rehashed with the first at the next sign-in (PBKDF2 hashes of older installs).
# Parameters and their measured cost: units/hashers.py and README "Sign-in".
PASSWORD_HASHERS = [
    "units.hashers.FengqiaoArgon2PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# The list in production, kept for the test that signs in through it.
PRODUCTION_PASSWORD_HASHERS = PASSWORD_HASHERS
# --- end of password hashing ---

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out username or address before the
    # password is even checked.
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reading the user's officer record and permissions
    # in two queries rather than four (issue 16).
    "units.backends.ModelBackend",
]
# Login throttling: 5 failures lock that username from that address for 15
# minutes. api (issue 12): by username AND address, so one mistyping officer
# cannot lock a whole station behind one NAT address, nor an attacker lock a
# colleague out from elsewhere.
AXES_FAILURE_LIMIT = env_int("FENGQIAO_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("FENGQIAO_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "units.accounts.lockout_response"
# Never write the attempted password or other form fields into the attempt log.
AXES_SENSITIVE_PARAMETERS = ["password", "otp"]
AXES_VERBOSE = False
# api (issue 12): behind the bureau's reverse proxy the client address is
# the last X-Forwarded-For entry (the one the proxy added). django-axes'
# AXES_IPWARE_* settings did nothing: django-ipware is not installed, so
# every login counted against the proxy's own address.
FENGQIAO_BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", False)
AXES_CLIENT_IP_CALLABLE = "units.accounts.client_address"
# Roles that must use a TOTP second factor; "admin" also covers staff users.
# The local demo leaves it empty so its users sign in with the password only.
FENGQIAO_REQUIRE_OTP_ROLES = env_list(
    "FENGQIAO_REQUIRE_OTP_ROLES", [] if DEMO else ["supervisor", "admin"]
)
OTP_TOTP_ISSUER = "Fengqiao"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_ROOT = Path(env_str("FENGQIAO_MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    # Attachments are never served by URL: only through a permission-checked view.
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if LOCAL
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = LOCAL
if LOCAL:
    # The demo serves static files from the apps (finders); it has no
    # collectstatic folder, and WhiteNoise need not say so at every start.
    warnings.filterwarnings("ignore", message="No directory at")
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Security: production values by default, relaxed only for the local demo.
SECURE_HTTPS = env_bool("DJANGO_SECURE_HTTPS", not LOCAL)
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_SSL_REDIRECT = SECURE_HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if SECURE_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HTTPS
SECURE_HSTS_PRELOAD = SECURE_HTTPS
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("DJANGO_BEHIND_PROXY", False) else None
)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy through django-csp: Django 6's built-in CSP needs
# Python 3.12, and this product runs on 3.11 with Django 5.2 LTS. No inline
# script or style anywhere; /api/docs/ alone relaxes styles for Swagger UI.
def _tile_origin(template: str) -> list[str]:
    """The scheme and host of a tile URL template, for the CSP's img-src."""
    if not template:
        return []
    scheme, _sep, rest = template.partition("://")
    if scheme not in ("http", "https") or not rest:
        raise ImproperlyConfigured("FENGQIAO_MAP_TILES must be an http(s) URL template.")
    return [f"{scheme}://{rest.split('/', 1)[0]}"]


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # The bureau's own map tile server, when FENGQIAO_MAP_TILES names one.
        "img-src": ["'self'", "data:", *_tile_origin(env_str("FENGQIAO_MAP_TILES", ""))],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Error reports (mail to ADMINS, DEBUG pages) mask ID and phone numbers.
DEFAULT_EXCEPTION_REPORTER_FILTER = "units.logmask.MaskingExceptionReporterFilter"

REST_FRAMEWORK = {
    # api: the token first, so a request without credentials is a 401 with
    # ``WWW-Authenticate: Token`` (issue 19).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "units.api_auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # api: every viewset declares the role permission its reads need (issue 12).
    "DEFAULT_PERMISSION_CLASSES": ["units.api_permissions.RolePermission"],
    # api: repeated ``ordering`` parameters work like the comma form (issue 19).
    "DEFAULT_FILTER_BACKENDS": [
        "units.api_filters.DjangoFilterBackend",
        "units.api_filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "units.pagination.ListPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "units.api_support.exception_handler",
    # api: bodies are JSON only; the attachment upload names multipart itself
    # (issue 19: one content type per operation for generated clients).
    "DEFAULT_PARSER_CLASSES": ["units.api_parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DATETIME_FORMAT": "iso-8601",
}
# api: the largest JSON body the API reads (issue 12); uploads have their own.
FENGQIAO_API_MAX_BODY_BYTES = env_int("FENGQIAO_API_MAX_BODY_BYTES", 1024 * 1024)

# api (issue 12): API tokens (django-rest-knox, units/api_auth.py).
REST_KNOX = {
    "TOKEN_TTL": datetime.timedelta(hours=env_int("FENGQIAO_TOKEN_HOURS", 10)),
    "AUTO_REFRESH": True,
    "AUTO_REFRESH_MAX_TTL": datetime.timedelta(hours=env_int("FENGQIAO_TOKEN_MAX_HOURS", 72)),
    "AUTH_HEADER_PREFIX": "Token",
}

# Filter bars: an unset choice reads "All" rather than a row of dashes.
FILTERS_EMPTY_CHOICE_LABEL = _("All")

SPECTACULAR_SETTINGS = {
    "TITLE": "Fengqiao API",
    "DESCRIPTION": "Community policing: dispute mediation, incidents, units.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # api (issue 12): the schema and the docs need a signed-in user (session
    # or token) unless FENGQIAO_PUBLIC_API_DOCS=1.
    "SERVE_PERMISSIONS": (
        ["rest_framework.permissions.AllowAny"]
        if env_bool("FENGQIAO_PUBLIC_API_DOCS", False)
        else ["rest_framework.permissions.IsAuthenticated"]
    ),
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # api (issue 19): OpenAPI 3.1, so nullable references are valid for
    # strict validators; path ids are integers.
    "OAS_VERSION": "3.1.0",
    "PATH_CONVERTER_OVERRIDES": {"id": {"type": "integer", "format": "int64", "minimum": 0}},
    # Every operation documents its errors (units/api_schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "units.api_schema.document_errors",
    ],
    # Several models have a "kind" or "category"; name each choice set once.
    "ENUM_NAME_OVERRIDES": {
        "UnitKindEnum": "units.models.Unit.Kind",
        "IncidentCategoryEnum": "incidents.models.Incident.Category",
        "DisputeCategoryEnum": "disputes.models.Category",
        "DisputeStatusEnum": "disputes.models.Status",
        "TrackEnum": "disputes.models.Track",
        "MediatorKindEnum": "disputes.models.Mediator.Kind",
        "AttachmentKindEnum": "disputes.models.Attachment.Kind",
        "DisputeEventKindEnum": "disputes.models.DisputeEvent.Kind",
        "TipKindEnum": "volunteers.models.Tip.Kind",
        "TipStatusEnum": "volunteers.models.Tip.Status",
        "PatrolStatusEnum": "volunteers.models.Patrol.Status",
        "MembershipRoleEnum": "volunteers.models.Membership.Role",
        "PartyRoleEnum": "disputes.models.Party.Role",
        "ReportStateEnum": "reports.models.MonthlyReport.State",
        "OutcomeEnum": "disputes.models.MediationSession.Outcome",
        "JudicialConfirmationOutcomeEnum": "disputes.models.JudicialConfirmation.Outcome",
        "RulingOutcomeEnum": ["confirmed", "rejected"],
        "AgreementPerformanceEnum": "disputes.models.Agreement.Performance",
        "PerformanceFindingEnum": ["performed", "partly", "breached"],
        "EnterpriseIndustryEnum": "enterprises.models.Enterprise.Industry",
        "EnterpriseVisitKindEnum": "enterprises.models.EnterpriseVisit.Kind",
        "EnterpriseRequestCategoryEnum": "enterprises.models.EnterpriseRequest.Category",
        "EnterpriseRequestStatusEnum": "enterprises.models.EnterpriseRequest.Status",
    },
}

# Celery: with no broker configured, tasks run in process so the demo needs
# nothing but Python.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND")
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
if CELERY_TASK_ALWAYS_EAGER:
    # In process: an in-memory transport, so kombu never looks for a server
    # (nor warns that none was named). `manage.py run_schedule` plays beat.
    CELERY_BROKER_URL = "memory://localhost/"
# A task that fails in process records its failure (a report says why) rather
# than turning the page that queued it into an error page.
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "celery")
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# --- Celery: time limits and the broker's visibility timeout (issue 20) ---
# Every task gets a soft limit (the task hears it and records why it stopped)
# and a hard one (the pool process is killed). A city report takes seconds,
# a province one about a minute; ten minutes is far beyond either.
CELERY_TASK_SOFT_TIME_LIMIT = env_int("FENGQIAO_TASK_SOFT_TIME_LIMIT", 600)
CELERY_TASK_TIME_LIMIT = env_int("FENGQIAO_TASK_TIME_LIMIT", CELERY_TASK_SOFT_TIME_LIMIT + 60)
if not 0 < CELERY_TASK_SOFT_TIME_LIMIT < CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured(
        "FENGQIAO_TASK_SOFT_TIME_LIMIT must be positive and below FENGQIAO_TASK_TIME_LIMIT."
    )
# A message taken by a worker that then dies whole (kill -9, OOM killer, host
# lost) stays in Redis's "unacked" set until this timeout, then goes back to
# the queue. Longer than the hard limit, so a message is never handed out
# again while the run that took it may still be alive (kombu's default is an
# hour); the sweep for such messages runs every unacked_restore_interval s.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("FENGQIAO_BROKER_VISIBILITY_TIMEOUT", CELERY_TASK_TIME_LIMIT + 120),
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 1,
}
# A report "running" this long after its start has surely lost its run (the
# hard limit kills it before): the reaper queues it again. One "queued" whose
# message the broker no longer holds is queued again after the grace period
# (between a request's commit and its publish); where the broker cannot be
# inspected, after the queued limit.
REPORT_RUNNING_LIMIT_SECONDS = CELERY_TASK_TIME_LIMIT + 30
REPORT_QUEUED_GRACE_SECONDS = env_int("FENGQIAO_REPORT_QUEUED_GRACE_SECONDS", 60)
REPORT_QUEUED_LIMIT_SECONDS = 3600
# --- end of the time limits ---
CELERY_BEAT_SCHEDULE = {
    # Last month's report for every unit, early on the 1st (Asia/Shanghai),
    # before supervisors open the dashboard.
    "monthly-reports": {
        "task": "reports.tasks.generate_last_month_reports",
        "schedule": crontab(minute=0, hour=2, day_of_month=1),
    },
    # The hourly reminders, each app its own, safe to overlap (each event
    # notifies once): case deadlines and follow-ups due,
    "dispute-reminders": {
        "task": "disputes.tasks.send_reminders",
        "schedule": crontab(minute=5),
    },
    # patrols of the next day short of volunteers,
    "volunteer-reminders": {
        "task": "volunteers.tasks.send_reminders",
        "schedule": crontab(minute=5),
    },
    # enterprise requests due within two days.
    "enterprise-reminders": {
        "task": "enterprises.tasks.send_reminders",
        "schedule": crontab(minute=5),
    },
    # The rollups of the figures: this month's rows built as it begins, and
    # the units and months changes marked recomputed (each change also queues
    # this after its commit; the minute is the bound if that message is lost).
    "refresh-rollups": {
        "task": "reports.tasks.refresh_rollups",
        "schedule": crontab(minute="*"),
    },
    # Reports queued or running past their limits (a worker that died whole,
    # a broker that lost its messages) are queued again or failed with a
    # reason; safe to overlap (each report is locked while it is looked at).
    "reap-stuck-reports": {
        "task": "reports.tasks.reap_stuck_reports",
        "schedule": crontab(minute="*/5"),
    },
}

# Shared by the web workers when CACHE_URL names a Redis database; otherwise
# each process keeps its own (the demo, the tests).
CACHES = {
    "default": (
        # api (issue 12): a cache that is down answers as a miss (units/cache.py).
        {"BACKEND": "units.cache.ForgivingRedisCache", "LOCATION": env_str("CACHE_URL")}
        if env_str("CACHE_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # units.logmask also masks every record as it is made (see UnitsConfig);
    # the filter is the second line of defence on the handler itself.
    "filters": {"mask_personal_data": {"()": "units.logmask.MaskPersonalDataFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["mask_personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    # Tasks run in process (no broker) report their success on the page that
    # asked; a worker's log keeps one line per task.
    "loggers": {"celery.app.trace": {"level": "WARNING" if CELERY_TASK_ALWAYS_EAGER else "INFO"}},
}

# Domain settings: read at call time through units.conf, never at import.
FENGQIAO = {
    # Default deadline of each mediation track, in days (DESIGN.md §3).
    "TRACK_DEADLINE_DAYS": {"immediate": 3, "online": 15, "joint": 30, "professional": 30},
    # Follow-up visits scheduled when a case is resolved, days after resolution.
    "FOLLOW_UP_DAYS": [7, 30],
    # A closed case this recent is still offered when a repeat call is logged.
    "REPEAT_CALL_WINDOW_DAYS": 90,
    # Open cases received longer ago than this are the long-standing backlog.
    "BACKLOG_DAYS": 90,
    "ATTACHMENT_MAX_BYTES": env_int("FENGQIAO_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024),
    "PAGE_SIZE": 25,
    # A signed-in session ends after this long without a request, and in any
    # case this long after signing in (API tokens are not sessions).
    "SESSION_IDLE_MINUTES": env_int("FENGQIAO_SESSION_IDLE_MINUTES", 30),
    "SESSION_MAX_HOURS": env_int("FENGQIAO_SESSION_MAX_HOURS", 12),
    # The beat map draws on a plain background; set these to the bureau's own
    # intranet tile server (police GIS), e.g. https://gis.example/tiles/{z}/{x}/{y}.png
    "MAP_TILES": env_str("FENGQIAO_MAP_TILES", ""),
    "MAP_ATTRIBUTION": env_str("FENGQIAO_MAP_ATTRIBUTION", ""),
}

if TESTING:
    # Lets the worker tests stop a worker in the middle of a report.
    FENGQIAO["REPORT_TEST_PAUSE_SECONDS"] = env_int("FENGQIAO_REPORT_TEST_PAUSE_SECONDS", 0)
    # Fast hashes for the suite; tests/units/test_password_hashing.py signs in
    # through PRODUCTION_PASSWORD_HASHERS (the real Argon2id path).
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    MEDIA_ROOT = Path(env_str("FENGQIAO_MEDIA_ROOT", str(BASE_DIR / ".test-media")))
