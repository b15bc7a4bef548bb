"""A local fake of Slack's Web API: canned JSON per method, every call counted; requests signed like Slack's."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

from fakes.http_fake import Call, FakeServer

USERS = {"UBEN": "ben.carter@harbor.example", "UJANE": "jane.park@example.com", "USTRANGER": "nobody@else.example"}


def fake_slack() -> FakeServer:
    def answer(call: Call) -> tuple[int, Any]:
        method = call.path.strip("/").split("?")[0].split("/")[-1]
        params = call.params
        if method == "auth.test":
            return 200, {"ok": True, "user_id": "UBOT", "bot_id": "BBOT", "team_id": "T1", "team": "Harbor"}
        if method == "users.info":
            user = params.get("user", "")
            return 200, {"ok": True, "user": {"id": user, "profile": {"email": USERS.get(user)}}}
        if method in ("chat.postMessage", "chat.update"):
            return 200, {"ok": True, "channel": params.get("channel"), "ts": params.get("ts") or f"{time.time():.6f}"}
        if method == "views.publish":
            return 200, {"ok": True, "view": {"id": "V1"}}
        return 200, {"ok": True}

    return FakeServer(answer)


def signed(secret: str, body: str, *, timestamp: int | None = None, retry: int | None = None,
           content_type: str = "application/json") -> dict[str, Any]:
    """Headers and body for a request as Slack signs it."""
    ts = str(timestamp if timestamp is not None else int(time.time()))
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    headers = {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature, "Content-Type": content_type}
    if retry is not None:
        headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
    return {"content": body, "headers": headers}


def event(event_id: str, inner: dict[str, Any]) -> str:
    return json.dumps({"type": "event_callback", "team_id": "T1", "api_app_id": "A1", "event_id": event_id,
                       "event_time": int(time.time()), "event": inner})


def interaction(payload: dict[str, Any]) -> str:
    return urlencode({"payload": json.dumps(payload)})
