"""Configuration classes; every value can be overridden from the environment."""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() not in {"0", "false", "no", "off", ""}


def _env_list(name: str) -> list[str] | None:
    """A comma-separated list, or None when the variable is not set."""
    value = os.environ.get(name)
    if value is None:
        return None
    return [item.strip() for item in value.split(",") if item.strip()]


def _env_terms(name: str) -> list[str]:
    """Terms separated by commas or new lines (a phrase keeps its inner spaces)."""
    value = os.environ.get(name, "")
    return [term.strip() for term in value.replace("\n", ",").split(",") if term.strip()]


def _database_url(default: str, name: str = "DATABASE_URL") -> str:
    url = os.environ.get(name, default)
    # Accept the common short forms and pin the driver we ship (psycopg 3).
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = _database_url(f"sqlite:///{INSTANCE_DIR / 'consult.db'}")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    # A read replica (PostgreSQL streaming replica) for the report and export reads; unset,
    # they run on the primary like everything else (consult/core/database.py).
    DATABASE_REPLICA_URL = _database_url("", "DATABASE_REPLICA_URL") or None
    # Per database (consult/core/database.py): PostgreSQL's pool per process (gunicorn's
    # sync workers use one connection each; the overflow covers CLI jobs and threads), and
    # SQLite in WAL mode with a busy timeout so writers queue instead of failing.
    DB_POOL_SIZE = int(os.environ.get("DB_POOL_SIZE", 5))
    DB_MAX_OVERFLOW = int(os.environ.get("DB_MAX_OVERFLOW", 5))
    DB_POOL_TIMEOUT = float(os.environ.get("DB_POOL_TIMEOUT", 10))
    DB_POOL_RECYCLE = int(os.environ.get("DB_POOL_RECYCLE", 1800))
    # A PostgreSQL connection idle this long is pinged when it leaves the pool; 0 pings at
    # every checkout (SQLAlchemy's pool_pre_ping: one more round trip per request).
    DB_PING_AFTER = float(os.environ.get("DB_PING_AFTER", 10))
    SQLITE_WAL = _env_bool("SQLITE_WAL", True)
    SQLITE_BUSY_TIMEOUT = float(os.environ.get("SQLITE_BUSY_TIMEOUT", 15))
    POLICY_DATA_DIR = os.environ.get("POLICY_DATA_DIR", str(BASE_DIR / "policy_data"))

    # Every absolute link that leaves the app (mail, exports) is built from this origin,
    # never from the request's Host header (docs/security.md, F1).
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
    # Host names the app answers to; other Host headers get 400. Production defaults it
    # to the host of PUBLIC_BASE_URL; None elsewhere (any host).
    TRUSTED_HOSTS = _env_list("TRUSTED_HOSTS")
    # How many proxies in front set X-Forwarded-*; 0 ignores those headers entirely.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", 0))

    # Languages: codes we ship a catalogue for; the first is the fallback.
    LANGUAGES = {"en": "English", "ur": "اردو"}
    RTL_LANGUAGES = {"ur"}
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = os.environ.get("BABEL_DEFAULT_TIMEZONE", "Asia/Karachi")
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")
    LANGUAGE_COOKIE = "lang"

    # Cookies and sessions.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    WTF_CSRF_TIME_LIMIT = 4 * 3600

    # Rate limits (Flask-Limiter strings).
    RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    # Login (accounts/throttle.py, docs/security.md F4): per email and address; per address;
    # failures per email before the slow lane; the slow lane's pace for unknown devices.
    RATELIMIT_LOGIN = os.environ.get("RATELIMIT_LOGIN", "10 per minute;50 per hour")
    RATELIMIT_LOGIN_ADDRESS = os.environ.get(
        "RATELIMIT_LOGIN_ADDRESS", "30 per minute;300 per hour"
    )
    RATELIMIT_LOGIN_ACCOUNT = os.environ.get("RATELIMIT_LOGIN_ACCOUNT", "100 per hour")
    RATELIMIT_LOGIN_SLOW = os.environ.get("RATELIMIT_LOGIN_SLOW", "1 per 10 seconds")
    RATELIMIT_REGISTER = os.environ.get("RATELIMIT_REGISTER", "5 per minute;20 per hour")
    RATELIMIT_RESET = os.environ.get("RATELIMIT_RESET", "3 per minute;10 per hour")
    # Posting comments and replies, per account, across the pages and the API.
    RATELIMIT_POSTING = os.environ.get("RATELIMIT_POSTING", "5 per minute")
    # The personal invitation page (/invitations/<token>), per address: guessing is useless
    # (256-bit tokens) but should stay expensive anyway.
    RATELIMIT_INVITATION = os.environ.get("RATELIMIT_INVITATION", "20 per minute;100 per hour")
    # Joining a hearing, per address: a hall behind one NAT address joins together, so it
    # is generous; it stops a script from filling a hearing with made-up attendees.
    RATELIMIT_JOIN = os.environ.get("RATELIMIT_JOIN", "60 per minute;600 per hour")
    # Comments and survey answers from a hearing attendee's phone, per attendee (not per
    # address: the whole hall shares one NAT address). As strict as an account's posting.
    RATELIMIT_ATTENDEE_POSTING = os.environ.get("RATELIMIT_ATTENDEE_POSTING", "5 per minute")

    # The cache of rendered pages for readers who are not signed in (docs/performance.md):
    # Redis when CACHE_REDIS_URL is set (shared by every worker and server), else each
    # worker's memory. Entries are keyed by the section's version, so their lifetime only
    # bounds memory: a write changes the key and the next view renders afresh.
    CACHE_REDIS_URL = os.environ.get("CACHE_REDIS_URL")
    CACHE_TYPE = os.environ.get("CACHE_TYPE") or (
        "RedisCache" if CACHE_REDIS_URL else "SimpleCache"
    )
    CACHE_KEY_PREFIX = os.environ.get("CACHE_KEY_PREFIX", "consult:")
    CACHE_DEFAULT_TIMEOUT = int(os.environ.get("CACHE_DEFAULT_TIMEOUT", 600))
    CACHE_THRESHOLD = int(os.environ.get("CACHE_THRESHOLD", 500))  # per worker, ~40 KB each
    CACHE_NO_NULL_WARNING = True
    # s-maxage for a shared cache (nginx, a CDN) in front: 0 makes it revalidate every view
    # with the ETag (a 304 costs one small query); a few seconds lets it answer a burst alone
    # at the price of pages up to that old.
    SECTION_PAGE_SHARED_MAX_AGE = int(os.environ.get("SECTION_PAGE_SHARED_MAX_AGE", 0))
    # Pages each worker keeps in its own memory, parsed, in front of that cache (about
    # 40-100 KB each; 0: none): a repeat view skips the trip to Redis and, signed in, one
    # query (policy/page_cache.py). Keyed like the cache, so never staler than it.
    SECTION_PAGE_LOCAL_PAGES = int(os.environ.get("SECTION_PAGE_LOCAL_PAGES", 128))

    # Password reset links and mail.
    PASSWORD_RESET_MAX_AGE = int(os.environ.get("PASSWORD_RESET_MAX_AGE", 3600))
    CONFIRM_EMAIL_MAX_AGE = int(os.environ.get("CONFIRM_EMAIL_MAX_AGE", 3 * 24 * 3600))
    INVITATION_MAX_AGE_DAYS = int(os.environ.get("INVITATION_MAX_AGE_DAYS", 30))
    # Institutional submissions' PDFs: outside the web root, served only as downloads.
    SUBMISSION_STORAGE = os.environ.get("SUBMISSION_STORAGE", str(INSTANCE_DIR / "submissions"))
    SUBMISSION_BODY_QUOTA = int(os.environ.get("SUBMISSION_BODY_QUOTA", 50 * 1024 * 1024))
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "log")  # log | outbox | smtp
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", 587))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", True)
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Consult <no-reply@localhost>")

    # Content-Security-Policy: nothing inline, nothing from elsewhere.
    CONTENT_SECURITY_POLICY = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
        "form-action 'self'; frame-ancestors 'none'"
    )
    HSTS = False
    # Static files (consult/core/static_files.py): links carry a hash of the content and are
    # cached for a year; the plain names, for links from elsewhere, this many seconds.
    STATIC_HASHED_URLS = _env_bool("STATIC_HASHED_URLS", True)
    STATIC_MAX_AGE = int(os.environ.get("STATIC_MAX_AGE", 300))

    # Distinct readers' reports that hide a published comment pending review (0: never).
    MODERATION_FLAG_THRESHOLD = int(os.environ.get("MODERATION_FLAG_THRESHOLD", 3))
    # Public reports show a breakdown cell describing fewer people than this as "fewer than N".
    REPORT_MIN_CELL = int(os.environ.get("REPORT_MIN_CELL", 5))
    # Spam heuristics (docs/moderation.md): a comment that would be published waits for a
    # moderator when it holds one of these words or phrases (matched as whole words, any
    # case, look-alike letters folded), or when an account younger than the age (seconds;
    # 0: never) posts more links than the cap.
    MODERATION_BLOCKED_TERMS = _env_terms("MODERATION_BLOCKED_TERMS")
    MODERATION_NEW_ACCOUNT_LINK_CAP = int(os.environ.get("MODERATION_NEW_ACCOUNT_LINK_CAP", 2))
    MODERATION_NEW_ACCOUNT_AGE = int(os.environ.get("MODERATION_NEW_ACCOUNT_AGE", 24 * 3600))
    # Estimated Jaccard similarity (word shingles) at which a new comment joins a group of
    # near-identical ones (moderation/campaigns.py); 0 switches grouping off.
    MODERATION_CAMPAIGN_THRESHOLD = float(os.environ.get("MODERATION_CAMPAIGN_THRESHOLD", 0.8))

    API_PER_PAGE_MAX = 100
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024  # larger bodies get 413


class DevelopmentConfig(Config):
    DEBUG = True
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-not-secret"
    SQLALCHEMY_DATABASE_URI = _database_url("sqlite://")
    DATABASE_REPLICA_URL = None  # tests of the replica set it explicitly
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False  # tests of the limits switch them on explicitly
    MAIL_BACKEND = "outbox"
    SERVER_NAME = None
    CACHE_TYPE = "NullCache"  # tests of the page cache switch it on explicitly


class ProductionConfig(Config):
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL")  # required: the app refuses without
    # Required too: memory:// counters are per worker, so N workers would allow N times
    # every limit. Set it to redis://… (or memory:// explicitly for a single worker).
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI")
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp")
    HSTS = _env_bool("HSTS", True)
    PREFERRED_URL_SCHEME = "https"


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
