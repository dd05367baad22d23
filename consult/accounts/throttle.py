"""Login throttling that slows guessing without letting anyone lock an account out (F4).

A limit per email alone lets an attacker keep the owner out: fifty wrong guesses an hour
and the right password gets 429 too. So, following OWASP's advice on lockout ("Slow down
online guessing attacks with device cookies"), there are three counters:

- per email *and* address (`RATELIMIT_LOGIN`): blocks one client guessing one account;
- per address (`RATELIMIT_LOGIN_ADDRESS`): blocks one client spraying many accounts, set
  high enough for a university hall behind one NAT address;
- per email, failures from every address (`RATELIMIT_LOGIN_ACCOUNT`): a ceiling that, once
  passed, *slows* that account's logins to one try per `RATELIMIT_LOGIN_SLOW` for devices
  that never logged into it, and leaves devices that did (a signed device cookie) alone.

An admin clears an account's counters with `consult clear-login-limits --email E`.
Counters live in the rate limiter's storage (Redis in production), keyed by an HMAC of the
email so no address is stored there.
"""

from __future__ import annotations

import hashlib
import hmac
import time
import unicodedata
from dataclasses import dataclass

from flask import Response, current_app, request
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from itsdangerous import BadSignature, URLSafeTimedSerializer
from limits import RateLimitItem, parse_many

from consult.extensions import limiter

DEVICE_COOKIE = "consult_device"
DEVICE_MAX_AGE = 180 * 24 * 3600
DEVICE_ACCOUNTS = 5  # a shared lab computer remembers the last few accounts only
_DEVICE_SALT = "consult.login-device"
_GENERATION_TTL = 2 * 24 * 3600  # longer than any login window


@dataclass(frozen=True)
class Refusal:
    message: str
    retry_after: int


def _email_digest(email: str) -> str:
    folded = unicodedata.normalize("NFKC", email or "").strip().lower()
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, folded.encode("utf-8", "replace"), hashlib.sha256).hexdigest()[:32]


def _limits(name: str) -> list[RateLimitItem]:
    return list(parse_many(current_app.config[name]))


def _enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED")) and limiter.enabled


def _generation(digest: str) -> str:
    return str(limiter.storage.get(f"login-gen/{digest}"))


def _device_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_DEVICE_SALT)


def _device_accounts() -> list[str]:
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw:
        return []
    try:
        value = _device_serializer().loads(raw, max_age=DEVICE_MAX_AGE)
    except BadSignature:
        return []
    return (
        [d for d in value if isinstance(d, str)][:DEVICE_ACCOUNTS]
        if isinstance(value, list)
        else []
    )


def _retry_after(item: RateLimitItem, *identifiers: str) -> int:
    stats = limiter.limiter.get_window_stats(item, *identifiers)
    return max(1, int(stats.reset_time - time.time()))


class LoginGate:
    """The throttle for one login attempt: ask `refusal()`, then report how it went."""

    def __init__(self, email: str) -> None:
        self.digest = _email_digest(email)
        self.address = get_remote_address() or "unknown"
        self.trusted = self.digest in _device_accounts()
        self.enabled = _enabled()
        self.generation = _generation(self.digest) if self.enabled else "0"

    @classmethod
    def for_request(cls, email: str) -> LoginGate:
        return cls(email)

    def _hit_all(self, config: str, *identifiers: str) -> int | None:
        """Count one attempt against every limit in `config`; seconds to wait if over."""
        for item in _limits(config):
            if not limiter.limiter.hit(item, *identifiers):
                return _retry_after(item, *identifiers)
        return None

    def refusal(self) -> Refusal | None:
        if not self.enabled:
            return None
        wait = self._hit_all("RATELIMIT_LOGIN_ADDRESS", "login-address", self.address)
        if wait is not None:
            return Refusal(
                _("Too many login attempts from this network. Wait a few minutes and try again."),
                wait,
            )
        wait = self._hit_all(
            "RATELIMIT_LOGIN", "login-pair", self.generation, self.digest, self.address
        )
        if wait is not None:
            return Refusal(
                _(
                    "Too many login attempts for this account from here. Wait a few minutes, "
                    "or reset your password."
                ),
                wait,
            )
        if self.trusted or not self._over_ceiling():
            return None
        wait = self._hit_all("RATELIMIT_LOGIN_SLOW", "login-slow", self.generation, self.digest)
        if wait is not None:
            return Refusal(
                _(
                    "This account has had many failed login attempts, so each try must wait a "
                    "little. Try again in %(n)d seconds. There is no wait on a device you have "
                    "logged in with before.",
                    n=wait,
                ),
                wait,
            )
        return None

    def _over_ceiling(self) -> bool:
        return any(
            not limiter.limiter.test(item, "login-fail", self.generation, self.digest)
            for item in _limits("RATELIMIT_LOGIN_ACCOUNT")
        )

    def record_failure(self) -> None:
        if self.enabled:
            for item in _limits("RATELIMIT_LOGIN_ACCOUNT"):
                limiter.limiter.hit(item, "login-fail", self.generation, self.digest)

    def trust_device(self, response: Response) -> None:
        """Remember on this device that it logged into the account (no secret in it)."""
        accounts = [self.digest, *[d for d in _device_accounts() if d != self.digest]]
        response.set_cookie(
            DEVICE_COOKIE,
            _device_serializer().dumps(accounts[:DEVICE_ACCOUNTS]),
            max_age=DEVICE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
            path="/auth/",
        )


def clear_login_limits(email: str) -> None:
    """Start the account's login counters afresh, from every address (an admin's unlock)."""
    if not _enabled():
        return  # no counters are kept while rate limits are off
    limiter.storage.incr(f"login-gen/{_email_digest(email)}", _GENERATION_TTL)
