"""Is a (signed) Slack request shaped like one Slack sends? Checked before bolt sees it.

Bolt trusts the body's structure: `payload=[]`, `"event": null` or
`"actions": []` reach code that indexes into them and end in a 500 with a
traceback. Only the parts bolt and talksbot's listeners read are checked;
extra keys are fine. Pure.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.request.internals import parse_body

# Interactive payload types Slack sends to a Request URL (interactivity and select-menu options).
INTERACTIVE_TYPES = frozenset(
    {
        "block_actions",
        "block_suggestion",
        "view_submission",
        "view_closed",
        "shortcut",
        "message_action",
        "interactive_message",
        "dialog_submission",
        "dialog_suggestion",
        "dialog_cancellation",
    }
)
EVENT_API_TYPES = frozenset({"event_callback", "url_verification", "app_rate_limited"})


class MalformedRequest(ValueError):
    """`str(error)` is a short reason fit for one log line (it never quotes the body)."""


def check_request(body: str, content_type: str | None) -> None:
    """Raise MalformedRequest unless `body` has the shape of a Slack request bolt can take."""
    try:
        # The same parsing bolt applies, so what passes here is what bolt reads.
        data: Any = parse_body(body, content_type)
    except ValueError as exc:  # json.JSONDecodeError is a ValueError
        raise MalformedRequest("the body is not valid JSON") from exc
    except RecursionError as exc:  # "[[[[…" nested deeper than the parser's stack
        raise MalformedRequest("the body is nested too deeply") from exc
    if not isinstance(data, dict):
        raise MalformedRequest("the body is not a JSON object")
    if not data:
        raise MalformedRequest("the body is empty")
    kind = data.get("type")
    if "command" in data and kind is None:
        _check_command(data)
    elif "ssl_check" in data and kind is None:
        return
    elif kind in EVENT_API_TYPES:
        _check_event_api(data)
    elif kind in INTERACTIVE_TYPES:
        _check_interactive(data)
    else:
        raise MalformedRequest("unknown request type")


def _need(
    data: dict[str, Any],
    key: str,
    kind: type | tuple[type, ...],
    what: str,
    *,
    optional: bool = False,
    nullable: bool = False,
) -> Any:
    value = data.get(key)
    if value is None and ((optional and key not in data) or nullable):
        return None
    if not isinstance(value, kind):
        raise MalformedRequest(f"`{key}` is not {what}")
    return value


def _check_command(data: dict[str, Any]) -> None:
    for key in ("command", "user_id", "channel_id"):
        _need(data, key, str, "text")
    for key in ("text", "team_id", "response_url", "trigger_id"):
        _need(data, key, str, "text", optional=True)


def _check_authorizations(data: dict[str, Any]) -> None:
    auths = _need(data, "authorizations", list, "a list", optional=True)
    if auths is not None and not all(isinstance(a, dict) for a in auths):
        raise MalformedRequest("`authorizations` holds something other than objects")


def _check_event_api(data: dict[str, Any]) -> None:
    if data["type"] == "url_verification":
        _need(data, "challenge", str, "text")
        return
    if data["type"] == "app_rate_limited":
        return
    _check_authorizations(data)
    for key in ("team_id", "event_id", "api_app_id"):
        _need(data, key, str, "text", optional=True)
    event = _need(data, "event", dict, "an object")
    _need(event, "type", str, "text")
    for key in ("user", "channel", "text", "ts", "thread_ts", "subtype", "bot_id", "team"):
        _need(event, key, str, "text", optional=True)
    for key in ("message", "previous_message", "item"):
        _need(event, key, dict, "an object", optional=True)


def _check_interactive(data: dict[str, Any]) -> None:
    _check_authorizations(data)
    # Org-wide (Enterprise Grid) installs send `"team": null`; workspaces outside a grid
    # send `"enterprise": null`. Bolt reads the team from the user or the view then.
    for key in ("team", "enterprise"):
        _need(data, key, dict, "an object", optional=True, nullable=True)
    for key in ("user", "channel", "container"):
        _need(data, key, dict, "an object", optional=True)
    user = data.get("user")
    if user is not None:
        _need(user, "id", str, "text")
    for key in ("response_url", "trigger_id", "api_app_id"):
        _need(data, key, str, "text", optional=True)
    kind = data["type"]
    if kind == "block_actions":
        actions = _need(data, "actions", list, "a list")
        if not actions:
            raise MalformedRequest("`actions` is empty")
        for action in actions:
            if not isinstance(action, dict):
                raise MalformedRequest("`actions` holds something other than objects")
            _need(action, "action_id", str, "text")
            _need(action, "value", str, "text", optional=True)
    elif kind == "block_suggestion":
        _need(data, "action_id", str, "text")
        _need(data, "value", str, "text", optional=True)
    elif kind in ("view_submission", "view_closed"):
        view = _need(data, "view", dict, "an object")
        _need(view, "callback_id", str, "text")
        state = _need(view, "state", dict, "an object", optional=True)
        if state is not None:
            _need(state, "values", dict, "an object", optional=True)
        _need(view, "private_metadata", str, "text", optional=True)
    elif kind in ("shortcut", "message_action"):
        _need(data, "callback_id", str, "text")
