"""Account rules: registration, authentication, profile, tokens, reset, export, deletion."""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from consult.accounts import throttle
from consult.accounts.models import ApiToken, Participant, User
from consult.core import audit
from consult.core.confusables import name_key, skeleton
from consult.core.models import utcnow
from consult.core.vocab import AGE_BANDS, GENDERS, PROVINCES, ROLES, STAKEHOLDER_GROUPS
from consult.errors import Conflict, NotFound, ValidationError
from consult.extensions import db

MIN_PASSWORD = 8
MAX_PASSWORD = 256
TOKEN_PREFIX = "cst_"
DELETED_NAME = "Former participant"
_RESET_SALT = "consult.password-reset"
_CONFIRM_SALT = "consult.confirm-email"
# Display names nobody may take: they would pass for the platform or for a deleted account.
RESERVED_NAMES = (DELETED_NAME, "Moderator", "Administrator", "Consult")
# Checked when the email is unknown, so both failures take the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password-0")

PROFILE_FIELDS: dict[str, tuple[str, ...]] = {
    "province": PROVINCES,
    "stakeholder_group": STAKEHOLDER_GROUPS,
    "gender": GENDERS,
    "age_band": AGE_BANDS,
}


def normalise_email(email: str) -> str:
    """Fold an address to the one form we compare and store.

    NFKC first, so full-width or ligature forms of the same letters are one address (F9);
    syntax only (no DNS: the machine may be offline); then lower case, domain and local part.
    """
    if not isinstance(email, str):
        raise ValidationError(_("Enter a valid email address."), {"email": _("Not text.")})
    text = unicodedata.normalize("NFKC", email).strip()
    try:
        return validate_email(text, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise ValidationError(_("Enter a valid email address."), {"email": str(exc)}) from exc


def _check_password(password: str, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD:
        raise ValidationError(
            _("The password is too short."),
            {field: _("Use at least %(n)d characters.", n=MIN_PASSWORD)},
        )
    if len(password) > MAX_PASSWORD:
        raise ValidationError(_("The password is too long."), {field: _("Too long.")})


def _check_name(name: str, participant_id: int | None = None) -> str:
    """Check a display name, refusing one that looks like another account's (F9)."""
    name = " ".join(unicodedata.normalize("NFKC", name).split())
    if not 1 <= len(name) <= 80:
        raise ValidationError(
            _("Enter a display name."), {"display_name": _("Use 1 to 80 characters.")}
        )
    key = name_key(name)
    taken = key in {name_key(reserved) for reserved in RESERVED_NAMES} or db.session.scalar(
        select(Participant.id).where(
            Participant.name_key == key,
            Participant.kind == "account",
            Participant.id != (participant_id or 0),
        )
    )
    if taken:
        raise ValidationError(
            _("That display name is taken, or looks like one that is."),
            {
                "display_name": _(
                    "Choose another: add an initial or your town, for example “%(example)s”.",
                    example=name[:60] + " (Lahore)",
                )
            },
        )
    return name


def _check_profile(profile: dict[str, str]) -> dict[str, str]:
    clean: dict[str, str] = {}
    for name, allowed in PROFILE_FIELDS.items():
        value = profile.get(name) or "undisclosed"
        if value not in allowed:
            raise ValidationError(_("Choose from the list."), {name: _("Not a valid choice.")})
        clean[name] = value
    return clean


def get_user_by_email(email: str) -> User | None:
    """The account with this (already normalised) address, case-insensitively."""
    return db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))


def get_lookalike_user(email: str) -> User | None:
    """The account whose address is `email` or looks the same on a screen (F9)."""
    return get_user_by_email(email) or db.session.scalar(
        select(User).where(User.email_key == skeleton(email), User.deleted_at.is_(None)).limit(1)
    )


def register_user(
    email: str,
    password: str,
    display_name: str,
    role: str = "citizen",
    profile: dict[str, str] | None = None,
    confirmed: bool = True,
) -> User:
    """Create an account and its participant profile (everything undisclosed by default).

    For operators (CLI, demo accounts, tests): it says plainly that an address is taken.
    The public sign-up goes through `request_registration`, which never says so.
    """
    email = normalise_email(email)
    _check_password(password)
    if get_lookalike_user(email) is not None:
        raise Conflict(
            _("An account with this email (or one that looks the same) already exists."),
            {"email": _("Already registered. Log in or reset your password.")},
        )
    name = _check_name(display_name)
    if role not in ROLES:
        raise ValidationError(
            _("Unknown role."), {"role": _("One of %(roles)s.", roles=", ".join(ROLES))}
        )
    clean = _check_profile(profile or {})
    participant = Participant(kind="account", display_name=name, name_key=name_key(name), **clean)
    user = User(
        email=email,
        email_key=skeleton(email),
        password_hash=generate_password_hash(password),
        role=role,
        participant=participant,
        confirmed_at=utcnow() if confirmed else None,
    )
    db.session.add(user)
    db.session.flush()
    return user


@dataclass(frozen=True)
class Registration:
    """What a public sign-up did; the page answers the same whichever it was (F6)."""

    email: str
    created: User | None  # a new, unconfirmed account: mail it a confirmation link
    existing: User | None  # the address (or a look-alike) has an account: warn its owner


def request_registration(
    email: str, password: str, display_name: str, profile: dict[str, str] | None = None
) -> Registration:
    """Sign up without telling anyone whether the address already has an account.

    Input errors (password, name, profile) are reported as usual: they say nothing about
    other people's accounts. A taken address creates nothing; its owner gets a mail instead.
    """
    email = normalise_email(email)
    _check_password(password)
    existing = get_lookalike_user(email)
    if existing is not None:
        _check_name(display_name)
        _check_profile(profile or {})
        generate_password_hash(password)  # the same work as a new account, so the same time
        return Registration(email=email, created=None, existing=existing)
    user = register_user(email, password, display_name, profile=profile, confirmed=False)
    return Registration(email=email, created=user, existing=None)


def authenticate(email: str, password: str) -> User | None:
    """Return the user for good credentials; None for every kind of failure alike."""
    try:
        email = normalise_email(email)
    except ValidationError:
        email = ""
    user = get_user_by_email(email) if email else None
    if user is None or not user.password_hash or not user.is_active:
        check_password_hash(_DUMMY_HASH, password)
        return None
    # An unconfirmed account fails like a wrong password: otherwise signing up with an
    # address and then logging in would tell whether it already had an account (F6).
    if not check_password_hash(user.password_hash, password) or not user.is_confirmed:
        return None
    user.last_login_at = utcnow()
    return user


def update_profile(user: User, display_name: str, profile: dict[str, str]) -> None:
    """Save the display name and profile; a look-alike of another's name is refused (F9)."""
    participant = user.participant
    participant.display_name = _check_name(display_name, participant.id)
    participant.name_key = name_key(participant.display_name)
    for name, value in _check_profile(profile).items():
        setattr(participant, name, value)


def change_password(user: User, current: str, new: str) -> None:
    """Change the password after checking the current one; every session ends (F2)."""
    if not user.password_hash or not check_password_hash(user.password_hash, current):
        raise ValidationError(
            _("The current password is not right."), {"current_password": _("Not right.")}
        )
    _check_password(new, "new_password")
    user.password_hash = generate_password_hash(new)
    end_sessions(user)  # the edge signs this session in again with the new version


def set_role(user: User, role: str, actor_id: int | None = None) -> None:
    """Change an account's role (audited); the platform always keeps one administrator."""
    if role not in ROLES:
        raise ValidationError(
            _("Unknown role."), {"role": _("One of %(roles)s.", roles=", ".join(ROLES))}
        )
    if user.role == role:
        return
    if user.role == "admin" and _other_admins(user) == 0:
        raise Conflict(
            _("This is the only administrator. Make someone else an administrator first."),
            {"role": _("The last administrator keeps the role.")},
        )
    audit.record(
        "account.role",
        actor_id=actor_id,
        target_type="user",
        target_id=user.id,
        data={"from": user.role, "to": role},
    )
    user.role = role
    end_sessions(user)  # a session keeps no powers (or limits) from the old role


def _other_admins(user: User) -> int:
    return (
        db.session.scalar(
            select(func.count(User.id)).where(
                User.role == "admin", User.deleted_at.is_(None), User.id != user.id
            )
        )
        or 0
    )


def clear_login_limits(user: User, actor_id: int | None, via: str) -> None:
    """Lift the account's login limits from every address, on the record (F4)."""
    if user.email:
        throttle.clear_login_limits(user.email)
    audit.record(
        "account.login_limits_cleared",
        actor_id=actor_id,
        target_type="user",
        target_id=user.id,
        data={"via": via},
    )


# --- sessions and confirmation ---------------------------------------------------------


def end_sessions(user: User) -> None:
    """End every session and remember-me cookie of `user` (F2).

    Both carry `User.get_id()`, which includes the version; the user loader refuses any
    other version. Called on logout, password change and reset, role change and ban.
    """
    user.session_version = (user.session_version or 1) + 1


def load_session_user(session_id: str) -> User | None:
    """Flask-Login's user loader, for the session and the remember cookie alike."""
    user_id, sep, version = session_id.partition(":")
    if not sep or not user_id.isdigit() or not version.isdigit() or len(user_id) > 10:
        return None  # a cookie from before session versions, or forged
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active or str(user.session_version) != version:
        return None
    return user


def _confirm_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_CONFIRM_SALT)


def make_confirmation_token(user: User) -> str:
    """A signed link payload, tied to the address so it dies if the address changes."""
    return _confirm_serializer().dumps({"uid": user.id, "e": skeleton(user.email or "")[:64]})


def confirm_email(token: str) -> User:
    """Mark the account confirmed; a used, altered or expired link changes nothing."""
    invalid = ValidationError(
        _(
            "This confirmation link is invalid, used or expired. Sign up again with the same "
            "address to get a new one."
        ),
        {"token": _("Invalid.")},
    )
    try:
        payload = _confirm_serializer().loads(
            token, max_age=current_app.config["CONFIRM_EMAIL_MAX_AGE"]
        )
    except (SignatureExpired, BadSignature) as exc:
        raise invalid from exc
    user = db.session.get(User, payload.get("uid")) if isinstance(payload, dict) else None
    if (
        user is None
        or not user.is_active
        or user.confirmed_at is not None  # single use
        or payload.get("e") != skeleton(user.email or "")[:64]
    ):
        raise invalid
    user.confirmed_at = utcnow()
    return user


# --- API tokens ----------------------------------------------------------------------


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    plaintext: str


def create_api_token(user: User, name: str) -> NewToken:
    """Make a token; only its hash is stored, so the caller must show it now or never."""
    name = " ".join((name or "").split())
    if not 1 <= len(name) <= 80:
        raise ValidationError(_("Name the token."), {"name": _("Use 1 to 80 characters.")})
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user, name=name, token_hash=_token_digest(plaintext), prefix=plaintext[:10]
    )
    db.session.add(token)
    db.session.flush()
    return NewToken(token=token, plaintext=plaintext)


def revoke_api_token(user: User, token_id: int) -> ApiToken:
    """Revoke one of the holder's tokens; revoking twice keeps the first time."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound(_("No such token."))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    return token


def user_for_token(plaintext: str) -> User | None:
    """Resolve a Bearer token to an active user; revoked tokens and deleted users fail."""
    if not plaintext.startswith(TOKEN_PREFIX) or len(plaintext) > 200:
        return None
    token = db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == _token_digest(plaintext))
    )
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    now = utcnow()
    # Touch at most every five minutes so reads do not turn into writes.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        token.last_used_at = now
    return token.user


# --- password reset ------------------------------------------------------------------


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_RESET_SALT)


def _password_fingerprint(user: User) -> str:
    # Changes with the password, so a link works once and dies when the password changes.
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


def make_reset_token(user: User) -> str:
    """A signed reset payload that dies with the password it was made for."""
    return _reset_serializer().dumps({"uid": user.id, "pw": _password_fingerprint(user)})


def request_password_reset(email: str) -> str | None:
    """Return a reset token for a known active account, None otherwise (caller says nothing)."""
    try:
        email = normalise_email(email)
    except ValidationError:
        return None
    user = get_user_by_email(email)
    if user is None or not user.is_active:
        return None
    return make_reset_token(user)


def reset_password(token: str, new_password: str) -> User:
    """Set a new password from a valid reset link; the link then stops working."""
    invalid = ValidationError(
        _("This reset link is invalid or has expired. Ask for a new one."), {"token": _("Invalid.")}
    )
    try:
        payload = _reset_serializer().loads(
            token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"]
        )
    except (SignatureExpired, BadSignature) as exc:
        raise invalid from exc
    user = db.session.get(User, payload.get("uid")) if isinstance(payload, dict) else None
    if user is None or not user.is_active or payload.get("pw") != _password_fingerprint(user):
        raise invalid
    _check_password(new_password)
    user.password_hash = generate_password_hash(new_password)
    # Whoever knew the old password may hold a session: end them all (F2). Opening the
    # link proves the mailbox, so an unconfirmed account is confirmed too.
    end_sessions(user)
    if user.confirmed_at is None:
        user.confirmed_at = utcnow()
    return user


# --- your data -----------------------------------------------------------------------

# Other domains add what they hold about a participant; accounts need not know them.
DataExporter = Callable[[int], Any]
_DATA_EXPORTERS: dict[str, DataExporter] = {}


def register_data_exporter(name: str, exporter: DataExporter) -> None:
    """Add a section to "download my data": `exporter(participant_id)` returns JSON data."""
    _DATA_EXPORTERS[name] = exporter


# Other domains add a section to /account: provider(user) -> (template, context) or None.
AccountSection = Callable[[User], "tuple[str, dict[str, Any]] | None"]
_ACCOUNT_SECTIONS: dict[str, AccountSection] = {}


def register_account_section(name: str, provider: AccountSection) -> None:
    """Add a section to the account page (e.g. what happened to one's comments)."""
    _ACCOUNT_SECTIONS[name] = provider


def account_sections(user: User) -> list[tuple[str, dict[str, Any]]]:
    """The registered account-page sections that have something to show for `user`."""
    return [s for s in (p(user) for p in _ACCOUNT_SECTIONS.values()) if s is not None]


def export_user_data(user: User) -> dict[str, Any]:
    """Everything we hold about this person, as a JSON-ready dict ("download my data")."""
    p = user.participant
    return {
        "account": {
            "email": user.email,
            "display_name": p.display_name,
            "role": user.role,
            "created_at": user.created_at.isoformat(),
            "last_login_at": user.last_login_at.isoformat() if user.last_login_at else None,
        },
        "profile": {name: getattr(p, name) for name in PROFILE_FIELDS},
        "api_tokens": [
            {
                "name": t.name,
                "prefix": t.prefix,
                "created_at": t.created_at.isoformat(),
                "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
                "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None,
            }
            for t in user.tokens
        ],
        **{name: exporter(user.participant_id) for name, exporter in _DATA_EXPORTERS.items()},
    }


def delete_account(user: User, password: str) -> None:
    """Remove the identity and keep the consultation record.

    Comments and responses stay, attributed to "Former participant"; the profile codes
    stay too, so published participation figures do not shift after the fact.
    """
    if not user.password_hash or not check_password_hash(user.password_hash, password):
        raise ValidationError(_("The password is not right."), {"password": _("Not right.")})
    now = utcnow()
    user.email = None
    user.email_key = None
    user.password_hash = None
    user.deleted_at = now
    user.participant.display_name = DELETED_NAME
    user.participant.name_key = None
    end_sessions(user)
    for token in user.tokens:
        if token.revoked_at is None:
            token.revoked_at = now
    audit.record("account.delete", actor_id=None, target_type="user", target_id=user.id)
