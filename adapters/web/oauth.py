"""Sign-in with Discord (OAuth2) and Slack (OpenID Connect): the authorize URL, the code
exchange, and what the platform says about the user. Whether that lets them in is the
operator's policy (bot.permissions), asked by the caller.

Discord: scopes `identify` (who), `guilds` (the user's permission bits in each guild)
and `guilds.members.read` (membership of the operator's named guilds). A guild's own
moderator is someone with Manage Messages or Administrator there, as in chat; the
moderator role by name is not read here (role names need the bot's token).
Slack: OpenID Connect's `openid profile`; a workspace admin is read with users.info
and the bot token when SLACK_BOT_TOKEN is set (fails closed otherwise).
"""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import aiohttp

from bot.permissions import ModerationPolicy

log = logging.getLogger(__name__)

DISCORD_SCOPES = "identify guilds guilds.members.read"
SLACK_SCOPES = "openid profile"
# Discord permission bits: Administrator, Manage Messages.
_ADMINISTRATOR = 1 << 3
_MANAGE_MESSAGES = 1 << 13
TIMEOUT = aiohttp.ClientTimeout(total=10)


class SignInFailed(Exception):
    """The platform did not confirm who the user is; the message is safe to show."""


@dataclass(frozen=True)
class Endpoints:
    """Where the platforms' OAuth endpoints are (tests point them at loopback fakes)."""

    discord_authorize: str = "https://discord.com/oauth2/authorize"
    discord_api: str = "https://discord.com/api/v10"
    slack_authorize: str = "https://slack.com/openid/connect/authorize"
    slack_api: str = "https://slack.com/api"


@dataclass(frozen=True)
class Identity:
    """Who the platform says signed in, and where they moderate (if anywhere we care about)."""

    platform: str
    user_id: str
    name: str
    community_id: str | None = None
    community_name: str | None = None
    community_moderator: bool = False


def discord_authorize_url(ep: Endpoints, client_id: str, redirect_uri: str, state: str) -> str:
    query = {
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "response_type": "code",
        "scope": DISCORD_SCOPES,
        "state": state,
    }
    return f"{ep.discord_authorize}?{urlencode(query)}"


def slack_authorize_url(ep: Endpoints, client_id: str, redirect_uri: str, state: str, nonce: str) -> str:
    query = {
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "response_type": "code",
        "scope": SLACK_SCOPES,
        "state": state,
        "nonce": nonce,
    }
    return f"{ep.slack_authorize}?{urlencode(query)}"


async def discord_identity(
    ep: Endpoints, client_id: str, secret: str, code: str, redirect_uri: str, policy: ModerationPolicy
) -> Identity:
    """Exchange the code, read the user and their rights in the operator's named guilds."""
    async with aiohttp.ClientSession(timeout=TIMEOUT) as http:
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
        # Client credentials in HTTP Basic (RFC 6749 §2.3.1), as Discord's documentation sends them.
        basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode("ascii")
        headers = {"Authorization": f"Basic {basic}"}
        token = await _json(http.post(f"{ep.discord_api}/oauth2/token", data=form, headers=headers))
        access = token.get("access_token")
        if not isinstance(access, str):
            raise SignInFailed("Discord did not confirm the sign-in.")
        bearer = {"Authorization": f"Bearer {access}"}
        user = await _json(http.get(f"{ep.discord_api}/users/@me", headers=bearer))
        user_id = str(user.get("id") or "")
        if not user_id:
            raise SignInFailed("Discord did not say who signed in.")
        name = str(user.get("global_name") or user.get("username") or user_id)
        named = sorted(cid for platform, cid in policy.communities if platform == "discord")
        if not named:
            return Identity("discord", user_id, name)
        guilds = await _json_list(http.get(f"{ep.discord_api}/users/@me/guilds", headers=bearer))
        for guild in guilds:
            gid = str(guild.get("id"))
            if gid not in named or not _moderates(guild.get("permissions")):
                continue
            # Membership confirmed with guilds.members.read: the guild list may be stale.
            member = await _json(http.get(f"{ep.discord_api}/users/@me/guilds/{gid}/member", headers=bearer))
            if member.get("user", {}).get("id", user_id) == user_id and "joined_at" in member:
                return Identity("discord", user_id, name, gid, str(guild.get("name") or gid), True)
        return Identity("discord", user_id, name)


def _moderates(permissions: object) -> bool:
    try:
        bits = int(str(permissions))
    except ValueError:
        return False
    return bool(bits & (_ADMINISTRATOR | _MANAGE_MESSAGES))


async def slack_identity(
    ep: Endpoints, client_id: str, secret: str, code: str, redirect_uri: str, bot_token: str | None
) -> Identity:
    """Exchange the code (OpenID Connect), read the user and team; a workspace admin is
    read with the bot token when there is one."""
    async with aiohttp.ClientSession(timeout=TIMEOUT) as http:
        form = {"client_id": client_id, "client_secret": secret, "code": code, "redirect_uri": redirect_uri}
        token = await _json(http.post(f"{ep.slack_api}/openid.connect.token", data=form))
        access = token.get("access_token")
        if not token.get("ok") or not isinstance(access, str):
            raise SignInFailed("Slack did not confirm the sign-in.")
        info = await _json(
            http.get(f"{ep.slack_api}/openid.connect.userInfo", headers={"Authorization": f"Bearer {access}"})
        )
        user_id = str(info.get("https://slack.com/user_id") or "")
        team_id = str(info.get("https://slack.com/team_id") or "")
        if not info.get("ok") or not user_id or not team_id:
            raise SignInFailed("Slack did not say who signed in.")
        name = str(info.get("name") or user_id)
        team_name = str(info.get("https://slack.com/team_name") or team_id)
        admin = False
        if bot_token:
            found = await _json(
                http.get(
                    f"{ep.slack_api}/users.info",
                    params={"user": user_id},
                    headers={"Authorization": f"Bearer {bot_token}"},
                )
            )
            person = found.get("user") or {}
            admin = bool(found.get("ok")) and any(person.get(f) for f in ("is_admin", "is_owner", "is_primary_owner"))
        return Identity("slack", user_id, name, team_id, team_name, admin)


async def _json(request: Any) -> dict[str, Any]:
    data = await _read(request)
    return data if isinstance(data, dict) else {}


async def _json_list(request: Any) -> list[dict[str, Any]]:
    data = await _read(request)
    return [d for d in data if isinstance(d, dict)] if isinstance(data, list) else []


async def _read(request: Any) -> Any:
    try:
        async with request as resp:
            if resp.status >= 400:
                log.warning("sign-in: %s answered %s", resp.url.host, resp.status)
                return {}
            return await resp.json(content_type=None)
    except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
        log.warning("sign-in: the platform could not be reached (%s)", type(exc).__name__)
        raise SignInFailed("The platform could not be reached; try again.") from None
