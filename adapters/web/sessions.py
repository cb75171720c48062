"""Signed cookies: who is signed in (with an expiry), the CSRF token of their forms, and
one-time login links. Signed with itsdangerous (HMAC-SHA1 over a timestamped payload);
a cookie signed with any other secret, or past its age, reads as nobody."""

from __future__ import annotations

import hmac
import os
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path

from itsdangerous import BadSignature, URLSafeTimedSerializer

from bot.permissions import Actor
from bot.settings import Settings, default_db_path, reveal
from knowledge.models import Moderator

SESSION_COOKIE = "talksbot_session"
STATE_COOKIE = "talksbot_oauth"
SESSION_AGE = 8 * 3600
LOGIN_LINK_AGE = 15 * 60
STATE_AGE = 10 * 60


@dataclass(frozen=True)
class Session:
    """A signed-in moderator, as their sign-in found them. `community_moderator` is what
    their platform said at sign-in; whether it counts is decided again on every request."""

    platform: str
    user_id: str
    name: str
    csrf: str
    community_id: str | None = None
    community_name: str | None = None
    community_moderator: bool = False

    @property
    def actor(self) -> Actor:
        who = Moderator(
            platform=self.platform,
            user_id=self.user_id,
            name=self.name,
            community_id=self.community_id,
            community_name=self.community_name,
        )
        return Actor(who, community_moderator=self.community_moderator)

    def is_form_token(self, token: str | None) -> bool:
        return token is not None and hmac.compare_digest(token.encode(), self.csrf.encode())


class Signer:
    """Signs and reads sessions, OAuth states and login links with one secret, each under its own salt."""

    def __init__(self, secret: str) -> None:
        self._session = URLSafeTimedSerializer(secret, salt="talksbot-session")
        self._state = URLSafeTimedSerializer(secret, salt="talksbot-oauth-state")
        self._link = URLSafeTimedSerializer(secret, salt="talksbot-login-link")

    def session_cookie(self, session: Session) -> str:
        return self._session.dumps(asdict(session))

    def read_session(self, cookie: str | None, max_age: int = SESSION_AGE) -> Session | None:
        """The session a cookie holds; None when it is missing, forged, another secret's or expired."""
        if not cookie:
            return None
        try:
            data = self._session.loads(cookie, max_age=max_age)
            return Session(**data)
        except (BadSignature, TypeError):
            return None

    def oauth_state(self, nonce: str) -> str:
        return self._state.dumps(nonce)

    def read_state(self, state: str | None, max_age: int = STATE_AGE) -> str | None:
        try:
            return str(self._state.loads(state or "", max_age=max_age))
        except BadSignature:
            return None

    def login_token(self, user: str) -> str:
        """A login link's token: the user, and a nonce that `first_time` lets through once."""
        return self._link.dumps({"user": user, "nonce": secrets.token_urlsafe(16)})

    def read_login_token(self, token: str, max_age: int = LOGIN_LINK_AGE) -> tuple[str, str] | None:
        try:
            data = self._link.loads(token, max_age=max_age)
            return str(data["user"]), str(data["nonce"])
        except (BadSignature, KeyError, TypeError):
            return None


def new_csrf() -> str:
    return secrets.token_urlsafe(24)


def web_secret(settings: Settings) -> str:
    """TALKSBOT_WEB_SECRET, or a random secret kept owner-only beside the default database
    (created on first use), so `talksbot web login-link` and `talksbot run web` on one
    host agree with no setting. Several hosts must share TALKSBOT_WEB_SECRET."""
    configured = reveal(settings.web_secret)
    if configured:
        return configured
    path = secret_file()
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    secret = secrets.token_urlsafe(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(secret)
    return secret


def secret_file() -> Path:
    return default_db_path().parent / "web-secret"
