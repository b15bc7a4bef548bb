"""A local fake of Slack's Web API: canned JSON per method, every call counted; requests signed like Slack's."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

from fakes.http_fake import Call, FakeServer

USERS = {"UBEN": "ben.carter@harbor.example", "UJANE": "jane.park@example.com", "USTRANGER": "nobody@else.example"}


@dataclass(frozen=True)
class Workspace:
    """A workspace the app can be installed into: the OAuth code Slack hands out for it, its bot token, its people."""

    team_id: str
    team_name: str
    bot_token: str
    users: dict[str, str] = field(default_factory=dict)
    bot_user_id: str = "UBOT"
    bot_id: str = "BBOT"

    def access(self) -> dict[str, Any]:
        """What oauth.v2.access answers for this workspace."""
        return {
            "ok": True,
            "app_id": "A1",
            "authed_user": {"id": "UINSTALLER"},
            "scope": "chat:write,users:read,users:read.email",
            "token_type": "bot",
            "access_token": self.bot_token,
            "bot_user_id": self.bot_user_id,
            "team": {"id": self.team_id, "name": self.team_name},
            "enterprise": None,
            "is_enterprise_install": False,
        }


# U0SAME is nobody known in T1 but Jane Park in T2: people are looked up in the workspace the event came from.
WORKSPACES = {
    "code-t1": Workspace("T1", "Harbor", "xoxb-t1", USERS, "UBOT1", "BBOT1"),
    "code-t2": Workspace("T2", "Maple", "xoxb-t2", {"U0SAME": "jane.park@example.com"}, "UBOT2", "BBOT2"),
}


def token_of(call: Call) -> str | None:
    """The bearer token a Web API call was made with."""
    auth = call.headers.get("authorization", "")
    return auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else call.params.get("token")


def _workspace(token: str | None) -> Workspace | None:
    return next((w for w in WORKSPACES.values() if w.bot_token == token), None)


def fake_slack(socket_url: str | None = None) -> FakeServer:
    """The Web API; ``socket_url`` is what apps.connections.open hands out (a fake Socket Mode server)."""

    def answer(call: Call) -> tuple[int, Any]:
        method = call.path.strip("/").split("?")[0].split("/")[-1]
        params = call.params
        workspace = _workspace(token_of(call))
        if method == "auth.test" and workspace:
            return 200, {
                "ok": True,
                "user_id": workspace.bot_user_id,
                "bot_id": workspace.bot_id,
                "team_id": workspace.team_id,
                "team": workspace.team_name,
            }
        if method == "auth.test":
            return 200, {"ok": True, "user_id": "UBOT", "bot_id": "BBOT", "team_id": "T1", "team": "Harbor"}
        if method == "oauth.v2.access":
            installed = WORKSPACES.get(params.get("code", ""))
            return 200, installed.access() if installed else {"ok": False, "error": "invalid_code"}
        if method == "apps.connections.open" and socket_url:
            return 200, {"ok": True, "url": socket_url}
        if method == "users.info":
            user = params.get("user", "")
            email = (workspace.users if workspace else USERS).get(user)
            return 200, {"ok": True, "user": {"id": user, "profile": {"email": email}}}
        if method in ("chat.postMessage", "chat.update"):
            return 200, {"ok": True, "channel": params.get("channel"), "ts": params.get("ts") or f"{time.time():.6f}"}
        if method == "views.publish":
            return 200, {"ok": True, "view": {"id": "V1"}}
        return 200, {"ok": True}

    return FakeServer(answer)


def signed(
    secret: str, body: str, *, timestamp: int | None = None, retry: int | None = None, content_type: str = "application/json"
) -> dict[str, Any]:
    """Headers and body for a request as Slack signs it."""
    ts = str(timestamp if timestamp is not None else int(time.time()))
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    headers = {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature, "Content-Type": content_type}
    if retry is not None:
        headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
    return {"content": body, "headers": headers}


def event(event_id: str, inner: dict[str, Any], team_id: str = "T1") -> str:
    return json.dumps(
        {
            "type": "event_callback",
            "team_id": team_id,
            "api_app_id": "A1",
            "event_id": event_id,
            "event_time": int(time.time()),
            "event": inner,
        }
    )


def interaction(payload: dict[str, Any]) -> str:
    return urlencode({"payload": json.dumps(payload)})


def eventually(check: Callable[[], bool], seconds: float = 30) -> bool:
    """Poll until ``check`` holds (listeners answer in the background), failing after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.02)
    return check()
