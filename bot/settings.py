"""One typed settings model, read from the environment.

Every field has a default and a help text; `talksbot` never reads a secret
from a tracked file. See the README's settings table (generated from this).
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, Field

from knowledge.errors import BadInput


def default_db_path() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "talksbot" / "talksbot.db"


class Settings(BaseModel):
    db: str = Field(
        default_factory=lambda: str(default_db_path()),
        description="TALKSBOT_DB: the SQLite database file (or a postgresql:// URL).",
    )
    moderator_communities: list[tuple[str, str]] = Field(
        default_factory=list,
        description="TALKSBOT_MODERATOR_COMMUNITIES: discord:<guild id> and slack:<team id> entries, comma-separated.",
    )
    moderator_users: list[tuple[str, str]] = Field(
        default_factory=list,
        description="TALKSBOT_MODERATOR_USERS: discord:<user id> and slack:<user id> entries, comma-separated.",
    )
    operator: str = Field(
        default_factory=lambda: os.environ.get("USER") or "operator",
        description="TALKSBOT_OPERATOR: the name the CLI records for moderator actions when --by is not given.",
    )
    log_level: str = Field(default="INFO", description="TALKSBOT_LOG_LEVEL: logging level.")
    discord_token: str | None = Field(default=None, description="DISCORD_TOKEN: the Discord bot token.")
    discord_moderator_role: str | None = Field(
        default=None, description="TALKSBOT_DISCORD_MODERATOR_ROLE: a role name whose members are moderators."
    )
    discord_sharded: str | None = Field(
        default=None,
        description="TALKSBOT_DISCORD_SHARDED: 1 (or a guild count over 2,000) to use AutoShardedClient.",
    )
    discord_shards: str | None = Field(
        default=None,
        description="TALKSBOT_DISCORD_SHARDS: the shards this process runs, e.g. 0-3/8 (shards 0 to 3 of 8).",
    )
    slack_bot_token: str | None = Field(default=None, description="SLACK_BOT_TOKEN: the Slack bot token (xoxb-…).")
    slack_app_token: str | None = Field(
        default=None, description="SLACK_APP_TOKEN: an app-level token (xapp-…); selects Socket Mode."
    )
    slack_signing_secret: str | None = Field(
        default=None, description="SLACK_SIGNING_SECRET: verifies HTTP requests from Slack (HTTP mode)."
    )
    slack_api_url: str | None = Field(
        default=None, description="TALKSBOT_SLACK_API_URL: overrides the Slack Web API base URL."
    )
    slack_moderators: list[str] = Field(
        default_factory=list, description="TALKSBOT_SLACK_MODERATORS: comma-separated Slack user ids."
    )
    slack_admins_are_moderators: bool = Field(
        default=False, description="TALKSBOT_SLACK_ADMINS_ARE_MODERATORS: 1 to treat workspace admins as moderators."
    )

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        values: dict[str, object] = {}
        mapping = {
            "TALKSBOT_DB": "db",
            "TALKSBOT_OPERATOR": "operator",
            "TALKSBOT_LOG_LEVEL": "log_level",
            "DISCORD_TOKEN": "discord_token",
            "TALKSBOT_DISCORD_MODERATOR_ROLE": "discord_moderator_role",
            "TALKSBOT_DISCORD_SHARDED": "discord_sharded",
            "TALKSBOT_DISCORD_SHARDS": "discord_shards",
            "SLACK_BOT_TOKEN": "slack_bot_token",
            "SLACK_APP_TOKEN": "slack_app_token",
            "SLACK_SIGNING_SECRET": "slack_signing_secret",
            "TALKSBOT_SLACK_API_URL": "slack_api_url",
        }
        for var, name in mapping.items():
            if env.get(var, "").strip():
                values[name] = env[var].strip()
        mods = env.get("TALKSBOT_SLACK_MODERATORS", "")
        values["slack_moderators"] = [m.strip() for m in mods.split(",") if m.strip()]
        values["slack_admins_are_moderators"] = env.get("TALKSBOT_SLACK_ADMINS_ARE_MODERATORS", "").lower() in (
            "1",
            "true",
            "yes",
        )
        if "db" in values and "://" not in str(values["db"]):
            values["db"] = str(Path(str(values["db"])).expanduser())
        for var, name in (
            ("TALKSBOT_MODERATOR_COMMUNITIES", "moderator_communities"),
            ("TALKSBOT_MODERATOR_USERS", "moderator_users"),
        ):
            pairs = []
            for item in env.get(var, "").split(","):
                platform, _, ident = item.strip().partition(":")
                if not item.strip():
                    continue
                if platform not in ("discord", "slack") or not ident:
                    raise BadInput(f"{var} entries look like discord:<id> or slack:<id>, not “{item.strip()}”.")
                pairs.append((platform, ident))
            values[name] = pairs
        values["moderator_users"] = [*pairs, *(("slack", u) for u in mods.split(",") if u.strip())]
        return cls(**values)  # type: ignore[arg-type]

    def require(self, *fields: str) -> None:
        """Raise BadInput naming the first missing environment variable."""
        for name in fields:
            if not getattr(self, name):
                var = (type(self).model_fields[name].description or name).split(":")[0]
                raise BadInput(f"{var} is not set; export it before starting this bot.")
