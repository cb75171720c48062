"""One typed settings model, read from the environment and an optional `.env` file.

Every field has a default and a help text; the README's settings table is
`settings_table()` (a test keeps them equal; `python -m bot.settings` prints
it). The environment wins over `.env` in the working directory. A bad value
stops start-up with one sentence naming its variable and never the value:
the value may be a secret pasted into the wrong variable.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict, SettingsError

from bot.cli_input import is_valid_text
from bot.moderation_scope import Entry, is_slack_user_id, parse_communities, parse_users, split_list
from bot.permissions import ModerationPolicy
from knowledge.errors import BadInput

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")
_CONTROL = re.compile(r"[\x00-\x20\x7f-\x9f]")
# Discord's own advice is to shard well before its hard limit of 2,500 guilds per connection.
SHARD_FROM_GUILDS = 2000
_GUILD_COUNT = re.compile(r"\d{1,9}", re.ASCII)
# ASCII digits only, and few of them: int() would take other scripts' digits, and huge numbers slowly.
_SHARD_SPEC = re.compile(r"\s*(\d{1,6})(?:\s*-\s*(\d{1,6}))?\s*/\s*(\d{1,6})\s*", re.ASCII)
_SHARDS_USAGE = "must look like 0-3/8 (shards 0 to 3 of 8) or 5/8 (shard 5 of 8)"


@dataclass(frozen=True)
class ShardSpec:
    """TALKSBOT_DISCORD_SHARDS: the shard ids this process runs, out of `count` in all."""

    ids: tuple[int, ...]
    count: int

    @classmethod
    def parse(cls, spec: str) -> ShardSpec:
        """`first-last/count` or `id/count`; ValueError (completing "TALKSBOT_DISCORD_SHARDS …") otherwise."""
        m = _SHARD_SPEC.fullmatch(spec) if len(spec) <= 40 else None
        if not m:
            raise ValueError(_SHARDS_USAGE)
        first, last, count = int(m.group(1)), int(m.group(2) or m.group(1)), int(m.group(3))
        if count < 1 or first > last or last >= count:
            raise ValueError(_SHARDS_USAGE)
        return cls(tuple(range(first, last + 1)), count)


def default_db_path() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "talksbot" / "talksbot.db"


def _default_operator() -> str:
    return os.environ.get("USER") or "operator"


def reveal(secret: SecretStr | None) -> str | None:
    """The secret's text, for the one place that hands it to a platform library."""
    return secret.get_secret_value() if secret is not None else None


def _env(
    name: str, help_text: str, *, default: Any = None, default_factory: Any = None, shown: str | None = None
) -> Any:
    """A field read from variable `name`, documented by `help_text` (and `shown` as its README default)."""
    extra: dict[str, Any] = {"shown_default": shown} if shown is not None else {}
    if default_factory is not None:
        return Field(
            default_factory=default_factory, validation_alias=name, description=help_text, json_schema_extra=extra
        )
    return Field(default=default, validation_alias=name, description=help_text, json_schema_extra=extra)


class Settings(BaseSettings):
    """Everything talksbot reads from its environment."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,  # `DISCORD_TOKEN=` as in .env.example means "not set"
        extra="ignore",
        populate_by_name=True,
        hide_input_in_errors=True,
    )

    db: str = _env(
        "TALKSBOT_DB",
        "the SQLite database file, or a `postgresql://` URL (see Running at scale)",
        default_factory=lambda: str(default_db_path()),
        shown="`~/.local/share/talksbot/talksbot.db`",
    )
    operator: str = _env(
        "TALKSBOT_OPERATOR",
        "the CLI operator's name in moderation history (when `--by` is not given)",
        default_factory=_default_operator,
        shown="`$USER`",
    )
    log_level: str = _env("TALKSBOT_LOG_LEVEL", "logging level: " + ", ".join(LOG_LEVELS), default="INFO")
    posted_retention_days: int = _env(
        "TALKSBOT_POSTED_RETENTION_DAYS",
        "days posted answers are remembered so that corrections reach them (see When a fact is corrected)",
        default=30,
    )
    moderator_communities: Annotated[frozenset[Entry], NoDecode] = _env(
        "TALKSBOT_MODERATOR_COMMUNITIES",
        "comma-separated `discord:<server id>` / `slack:<team id>`: communities whose own moderators may change facts",
        default=frozenset(),
    )
    moderator_users: Annotated[frozenset[Entry], NoDecode] = _env(
        "TALKSBOT_MODERATOR_USERS",
        "comma-separated `discord:<user id>` / `slack:<user id>`: moderators in any community",
        default=frozenset(),
    )
    discord_token: SecretStr | None = _env("DISCORD_TOKEN", "Discord bot token (`talksbot run discord`)")
    discord_moderator_role: str | None = _env(
        "TALKSBOT_DISCORD_MODERATOR_ROLE", "a role whose members are moderators (besides Manage Messages)"
    )
    discord_sharded: bool = _env(
        "TALKSBOT_DISCORD_SHARDED",
        "`1` (or a guild count over 2,000) selects `AutoShardedClient`",
        default=False,
        shown="`0`",
    )
    discord_shards: ShardSpec | None = _env(
        "TALKSBOT_DISCORD_SHARDS",
        "the shards this process runs, e.g. `0-3/8` (shards 0 to 3 of 8; see Running at scale)",
    )
    slack_bot_token: SecretStr | None = _env("SLACK_BOT_TOKEN", "Slack bot token, `xoxb-…`")
    slack_app_token: SecretStr | None = _env("SLACK_APP_TOKEN", "app-level token `xapp-…`: selects Socket Mode")
    slack_signing_secret: SecretStr | None = _env("SLACK_SIGNING_SECRET", "verifies Slack's HTTP requests (`--http`)")
    slack_api_url: str | None = _env(
        "TALKSBOT_SLACK_API_URL", "Web API base URL override (tests, proxies)", shown="Slack's"
    )
    slack_moderators: Annotated[list[str], NoDecode] = _env(
        "TALKSBOT_SLACK_MODERATORS",
        "deprecated: comma-separated Slack user ids; same as `slack:<id>` entries in `TALKSBOT_MODERATOR_USERS`",
        default_factory=list,
    )
    host: str = _env("TALKSBOT_HOST", "address `talksbot run slack --http` binds", default="127.0.0.1")
    port: int = _env("TALKSBOT_PORT", "port `talksbot run slack --http` listens on", default=3000)
    public_url: str | None = _env(
        "TALKSBOT_PUBLIC_URL",
        "where `talksbot run web` is reached, e.g. `https://talks.example.org`: chat answers link to claim pages",
    )
    web_secret: SecretStr | None = _env(
        "TALKSBOT_WEB_SECRET",
        "signs the web console's cookies and login links; default: a random one kept beside the database",
        shown="generated",
    )
    web_fetch_private: bool = _env(
        "TALKSBOT_WEB_FETCH_PRIVATE",
        "let the web console's ingest-from-URL reach loopback and private networks (an intranet newsroom)",
        default=False,
    )
    discord_client_id: str | None = _env("TALKSBOT_DISCORD_CLIENT_ID", "Discord application id for web sign-in")
    discord_client_secret: SecretStr | None = _env(
        "TALKSBOT_DISCORD_CLIENT_SECRET", "Discord OAuth2 client secret for web sign-in"
    )
    slack_client_id: str | None = _env("TALKSBOT_SLACK_CLIENT_ID", "Slack app client id for web sign-in (OpenID)")
    slack_client_secret: SecretStr | None = _env(
        "TALKSBOT_SLACK_CLIENT_SECRET", "Slack app client secret for web sign-in (OpenID)"
    )

    # ---- validation: each message completes "<VARIABLE> …" and never quotes the value ----

    @field_validator("db", mode="after")
    @classmethod
    def _expand(cls, value: str) -> str:
        if value.startswith(("postgresql://", "postgres://")):
            return value
        return str(Path(value).expanduser())

    @field_validator(
        "operator",
        "discord_moderator_role",
        "discord_token",
        "slack_bot_token",
        "slack_app_token",
        "slack_signing_secret",
        "web_secret",
        "discord_client_secret",
        "slack_client_secret",
        mode="before",
    )
    @classmethod
    def _utf8(cls, value: Any) -> Any:
        # Undecodable environment bytes arrive as lone surrogates and would fail later, deep in a library.
        if isinstance(value, str) and not is_valid_text(value):
            raise ValueError("is not valid UTF-8 text")
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _log_level(cls, value: Any) -> str:
        text = str(value).strip().upper()
        if text not in LOG_LEVELS:
            raise ValueError("must be one of " + ", ".join(LOG_LEVELS))
        return text

    @field_validator("discord_sharded", mode="before")
    @classmethod
    def _sharded(cls, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower() if value is not None else ""
        if text in _TRUE:
            return True
        if not text or text in _FALSE:
            return False
        if _GUILD_COUNT.fullmatch(text):
            return int(text) > SHARD_FROM_GUILDS
        raise ValueError("must be 1, 0 or a guild count")

    @field_validator("discord_shards", mode="before")
    @classmethod
    def _shards(cls, value: Any) -> ShardSpec | None:
        if value is None or isinstance(value, ShardSpec):
            return value
        return ShardSpec.parse(str(value))

    @field_validator("moderator_communities", mode="before")
    @classmethod
    def _communities(cls, value: Any) -> frozenset[Entry]:
        if isinstance(value, frozenset | set) and all(isinstance(v, tuple) for v in value):
            value = [f"{p}:{i}" for p, i in value]
        return parse_communities(split_list(value))

    @field_validator("moderator_users", mode="before")
    @classmethod
    def _users(cls, value: Any) -> frozenset[Entry]:
        if isinstance(value, frozenset | set) and all(isinstance(v, tuple) for v in value):
            value = [f"{p}:{i}" for p, i in value]
        return parse_users(split_list(value))

    @field_validator("slack_moderators", mode="before")
    @classmethod
    def _slack_moderators(cls, value: Any) -> list[str]:
        ids = split_list(value)
        for position, ident in enumerate(ids, start=1):
            if not is_slack_user_id(ident):
                raise ValueError(f"entry {position} is not a Slack user id (U… or W…)")
        return ids

    @field_validator("slack_api_url", "public_url", mode="before")
    @classmethod
    def _url(cls, value: Any) -> str | None:
        text = str(value).strip() if value is not None else ""
        if not text:
            return None
        if not re.fullmatch(r"https?://[^\s/]+(/\S*)?", text):
            raise ValueError("must be an http:// or https:// URL")
        return text

    @field_validator("host", mode="before")
    @classmethod
    def _host(cls, value: Any) -> str:
        text = str(value).strip()
        if not text or len(text) > 253 or _CONTROL.search(text):
            raise ValueError("must be a host name or IP address")
        return text

    @field_validator("port", mode="before")
    @classmethod
    def _port(cls, value: Any) -> int:
        text = str(value).strip()
        if not text.isdigit() or not 1 <= int(text) <= 65535:
            raise ValueError("must be a port number from 1 to 65535")
        return int(text)

    # ---- reading ---------------------------------------------------------------------

    @classmethod
    def from_env(cls, env_file: Path | None = Path(".env")) -> Settings:
        """Read the environment (and `env_file` when it exists). Raises BadInput naming one variable."""
        try:
            return cls(_env_file=env_file)  # type: ignore[call-arg]
        except ValidationError as exc:
            raise BadInput(_first_problem(exc)) from None
        except SettingsError:
            raise BadInput("a setting could not be read; check the environment and .env.") from None
        except (OSError, UnicodeDecodeError):
            raise BadInput(f"{env_file} cannot be read as UTF-8 text.") from None

    def require(self, *fields: str) -> None:
        """Raise BadInput naming the first missing environment variable."""
        for name in fields:
            if not getattr(self, name):
                raise BadInput(f"{variable(name)} is not set; export it before starting this bot.")

    def moderation_policy(self) -> ModerationPolicy:
        """The operator's moderation scope; TALKSBOT_SLACK_MODERATORS count as slack users."""
        legacy = {("slack", user) for user in self.slack_moderators}
        return ModerationPolicy.of(self.moderator_communities, self.moderator_users | legacy)


def variable(field: str) -> str:
    """The environment variable behind a field."""
    alias = Settings.model_fields[field].validation_alias
    return alias if isinstance(alias, str) else field.upper()


def _first_problem(exc: ValidationError) -> str:
    error = exc.errors(include_input=False, include_url=False)[0]
    where = str(error["loc"][0]) if error["loc"] else ""
    name = where if where.isupper() else variable(where) if where in Settings.model_fields else where
    if error["type"] == "value_error":
        reason = str(error["ctx"]["error"]) if "ctx" in error else "has an invalid value"
    else:
        reason = "has an invalid value"
    return f"{name} {reason}."


def settings_table() -> str:
    """The README's settings table, made from the model."""
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        shown = extra.get("shown_default")
        if shown is None:
            plain = field.default_factory is None and field.default not in (None, frozenset())
            shown = f"`{field.default}`" if plain else "—"
        rows.append(f"| `{variable(name)}` | {shown} | {field.description} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(settings_table())
