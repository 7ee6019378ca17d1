"""Users and how they prove who they are: passwords, API tokens, browser sessions.

Passwords are hashed with argon2 (argon2-cffi's defaults); API tokens and session cookies
are 32 random bytes, stored as their SHA-256 only, so a copy of the database lets nobody
in. Failed logins are counted per name and per address, and a burst of them is refused
for a while (:class:`LoginThrottle`). The command line acts as the local administrator
(:func:`local_admin`): whoever can run it can read the database file anyway.
"""

from __future__ import annotations

import functools
import getpass
import hashlib
import re
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy.orm import Session

from progman.domain.access import ROLES, Access, Grant, Role, User
from progman.errors import Forbidden, NotFound, RateLimited, Unauthenticated, UsageError
from progman.storage import access as stored

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,119}")
MIN_PASSWORD = 8
TOKEN_DAYS = 90
MAX_TOKEN_DAYS = 3650
SESSION_HOURS = 12
#: The browser session's cookie: one name for the API's login and the web UI's
SESSION_COOKIE = "progman_session"


def session_cookie(value: str, *, https: bool) -> dict[str, Any]:
    """The arguments of ``Response.set_cookie`` for a session opened at login: HttpOnly,
    SameSite=strict, for the whole site, secure over https, as long as the session."""
    return {
        "key": SESSION_COOKIE,
        "value": value,
        "max_age": SESSION_HOURS * 3600,
        "httponly": True,
        "samesite": "strict",
        "secure": https,
        "path": "/",
    }


FIRST_ADMIN = "admin"


@functools.cache
def _password_hasher() -> PasswordHasher:
    """argon2id with argon2-cffi's recommended parameters (RFC 9106's second choice)."""
    return PasswordHasher()


def local_admin(name: str | None = None) -> User:
    """Who the command line acts as: an administrator (whoever may open the database file
    may change anything in it), named ``name`` (``--as``) or after the login."""
    if name:
        return User(name=name, role="admin")
    try:
        login = getpass.getuser()
    except (KeyError, OSError):  # no user name in a bare container
        login = "cli"
    return User(name=f"cli:{login}", role="admin")


def check_can_manage_users(actor: User) -> None:
    if not actor.is_admin:
        raise Forbidden("only an administrator may add users, grant roles or issue tokens")


def check_user_name(name: str) -> None:
    if not NAME.fullmatch(name):
        raise UsageError(
            f"{name!r} is not a user name: letters, digits and . _ @ - (at most 120), "
            "starting with a letter or digit",
            option="NAME",
        )


def check_role(role: str) -> Role:
    if role not in ROLES:
        raise UsageError(f"no role {role!r}; choose one of {', '.join(ROLES)}", option="--role")
    return role


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise UsageError(f"a password needs at least {MIN_PASSWORD} characters", option="password")


@dataclass(frozen=True)
class NewUser:
    name: str
    role: Role
    program: str | None
    project: str | None
    password: str | None  # generated when none was given: shown once


def do_add_user(
    session: Session,
    actor: User,
    name: str,
    role: str,
    *,
    program: str | None = None,
    project: str | None = None,
    password: str | None = None,
) -> NewUser:
    """A new user with ``role`` on ``program`` (or ``project`` of it; on every program when
    neither is named). Without ``password`` one is generated and returned, to be shown
    once; only its hash is stored."""
    check_can_manage_users(actor)
    check_user_name(name)
    chosen = check_role(role)
    if project is not None and program is None:
        raise UsageError("a project grant needs its program: add --program KEY", option="--project")
    if chosen == "admin" and program is not None:
        raise UsageError("admin is a role on everything; drop --program", option="--role")
    generated = None
    if password is None:
        generated = password = secrets.token_urlsafe(12)
    check_password(password)
    user_id = stored.add_user(session, name, chosen, hash_password(password), actor.name)
    if chosen != "admin":
        stored.add_grant(session, user_id, Grant(chosen, program, project), actor.name)
    return NewUser(name, chosen, program, project, generated)


def do_grant(session: Session, actor: User, name: str, grant: Grant) -> None:
    """Give user ``name`` ``grant`` (replacing the role they held on that scope)."""
    check_can_manage_users(actor)
    user = stored.find_user(session, name)
    if user is None:
        raise UsageError(f"no user named {name!r}", option="NAME")
    stored.add_grant(session, user.id, grant, actor.name)
    CALLERS.forget()  # the new role holds from the next request on


def do_create_first_admin(session: Session) -> str | None:
    """On a database without users: the administrator ``admin`` with a generated password,
    returned to be shown once. None when there are users already."""
    if stored.count_users(session):
        return None
    created = do_add_user(session, local_admin(), FIRST_ADMIN, "admin")
    return created.password


def hash_password(password: str) -> str:
    """The argon2id hash of ``password``: all that is stored of it."""
    return str(_password_hasher().hash(password))


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class LoginThrottle:
    """At most ``limit`` failed logins per name and per address in ``window`` seconds."""

    def __init__(self, limit: int = 10, window: float = 300.0) -> None:
        self.limit, self.window = limit, window
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                recent = self._recent(key, now)
                if len(recent) >= self.limit:
                    wait = int(self.window - (now - recent[0])) + 1
                    raise RateLimited(
                        f"too many failed logins; try again in {wait} s", retry_after=wait
                    )

    def failed(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)

    def _recent(self, key: str, now: float) -> deque[float]:
        recent = self._failures.setdefault(key, deque())
        while recent and now - recent[0] > self.window:
            recent.popleft()
        return recent


#: The process's throttle: one server process serves all logins.
THROTTLE = LoginThrottle()


def authenticate(
    session: Session,
    name: str,
    password: str,
    address: str = "",
    throttle: LoginThrottle = THROTTLE,
) -> User:
    """The user with this name and password; :class:`Unauthenticated` otherwise (the same
    answer for an unknown name and a wrong password)."""
    from argon2.exceptions import VerificationError  # noqa: PLC0415

    keys = (f"name:{name}", f"address:{address}")
    throttle.check(*keys)
    found = stored.find_user(session, name)
    hasher = _password_hasher()
    try:
        if found is None or found.password_hash is None:
            hasher.verify(_dummy_hash(), password)  # as slow as a real check
            raise VerificationError
        hasher.verify(found.password_hash, password)
    except VerificationError:
        throttle.failed(*keys)
        raise Unauthenticated("wrong user name or password") from None
    if not found.active:  # said only to whoever knows the password
        raise Unauthenticated(f"user {name} is deactivated: ask an administrator")
    if hasher.check_needs_rehash(found.password_hash):
        stored.set_password(session, found.id, hash_password(password))
    return found.user


_dummy: str | None = None


def _dummy_hash() -> str:
    """A hash to check unknown names against, so they take as long as known ones."""
    global _dummy  # noqa: PLW0603 - made once, on the first failed lookup
    if _dummy is None:
        _dummy = hash_password(secrets.token_urlsafe(16))
    return _dummy


@dataclass(frozen=True)
class NewToken:
    token: str  # shown once
    user: str
    expires_at: datetime


def do_create_token(session: Session, actor: User, name: str, days: int = TOKEN_DAYS) -> NewToken:
    """A new API token for user ``name``, valid ``days`` days."""
    if actor.name != name:
        check_can_manage_users(actor)
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise UsageError(f"a token lasts 1 to {MAX_TOKEN_DAYS} days, not {days}", option="--days")
    user = stored.find_user(session, name)
    if user is None:
        raise UsageError(f"no user named {name!r}; add one with `progman user add`", option="USER")
    token = "pm_" + secrets.token_urlsafe(32)
    expires = datetime.now(UTC) + timedelta(days=days)
    stored.add_token(session, user.id, _digest(token), expires)
    return NewToken(token, name, expires)


class RecentCallers:
    """Who a token or a session cookie named a moment ago (by its SHA-256), so that a
    burst of requests asks the database once: an entry lives ``seconds`` at most, and a
    logout, a new grant or a new user drops what could have changed."""

    def __init__(self, seconds: float = 5.0, size: int = 10_000) -> None:
        self.seconds, self.size = seconds, size
        self._callers: dict[str, tuple[float, User, str]] = {}
        self._lock = threading.Lock()

    def get(self, digest: str) -> tuple[User, str] | None:
        with self._lock:
            found = self._callers.get(digest)
        if found is None or time.monotonic() - found[0] > self.seconds:
            return None
        return found[1], found[2]

    def put(self, digest: str, user: User, csrf: str = "") -> None:
        with self._lock:
            if len(self._callers) >= self.size:
                self._callers.clear()
            self._callers[digest] = (time.monotonic(), user, csrf)

    def forget(self, digest: str | None = None) -> None:
        with self._lock:
            if digest is None:
                self._callers.clear()
            else:
                self._callers.pop(digest, None)


#: The process's recent callers.
CALLERS = RecentCallers()


def user_for_token(session: Session, token: str) -> User:
    digest = _digest(token)
    recent = CALLERS.get(digest)
    if recent is not None:
        return recent[0]
    user_id = stored.token_user(session, digest, datetime.now(UTC))
    found = None if user_id is None else stored.user_by_id(session, user_id)
    if found is None or not found.active:
        raise Unauthenticated("the API token is unknown, expired or revoked")
    CALLERS.put(digest, found.user)
    return found.user


@dataclass(frozen=True)
class NewSession:
    cookie: str  # the cookie's value: never stored
    csrf_token: str
    expires_at: datetime


def do_open_session(session: Session, name: str) -> NewSession:
    user = stored.find_user(session, name)
    if user is None or not user.active:
        raise Unauthenticated("wrong user name or password")
    cookie, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    expires = datetime.now(UTC) + timedelta(hours=SESSION_HOURS)
    stored.add_session(session, user.id, _digest(cookie), csrf, expires)
    return NewSession(cookie, csrf, expires)


def user_for_session(session: Session, cookie: str) -> tuple[User, str]:
    """The user of a live session and its CSRF token."""
    digest = _digest(cookie)
    recent = CALLERS.get(digest)
    if recent is not None:
        return recent
    found = stored.session_user(session, digest, datetime.now(UTC))
    user = None if found is None else stored.user_by_id(session, found[0])
    if found is None or user is None or not user.active:
        raise Unauthenticated("the session has expired: log in again")
    CALLERS.put(digest, user.user, found[1])
    return user.user, found[1]


def do_close_session(session: Session, cookie: str) -> None:
    digest = _digest(cookie)
    stored.delete_session(session, digest)
    CALLERS.forget(digest)


def check_can_read(user: User, program: str) -> None:
    """A program the user may not see does not exist for them (the same answer as for a
    key that does not exist, so keys are not given away)."""
    if not user.can_see(program):
        raise NotFound(f"no program with key {program!r}")


def check_access(user: User, program: str, needed: Access, project: str | None = None) -> None:
    check_can_read(user, program)
    if user.access(program, project) < needed:
        raise Forbidden(
            f"{user.name} may not change {project or program} (needs "
            f"{needed.name.lower().replace('_', ' ')})"
        )
