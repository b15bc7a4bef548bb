"""Rasa's REST channel: `{"sender", "message"}` in, a list of `{"recipient_id", "text", "buttons"}` out."""

from __future__ import annotations

import hmac
import os
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field

from bot.web.auth import bearer, demo_mode
from bot.web.turns import Turns

CONFIRM_BUTTONS = [{"title": "Confirm", "payload": "yes"}, {"title": "Cancel", "payload": "no"}]


class RasaMessage(BaseModel):
    sender: str = Field(max_length=320)
    message: str = Field(default="", max_length=4000)


def router(turns: Turns) -> APIRouter:
    api = APIRouter()

    @api.post("/webhooks/rest/webhook")
    async def webhook(request: Request, body: RasaMessage) -> list[dict[str, Any]]:
        _authorise(request)
        turn = await turns.aturn("rest", body.sender, body.message)
        out: dict[str, Any] = {"recipient_id": body.sender, "text": turn["reply"]}
        if turn["status"] == "confirm":
            out["buttons"] = CONFIRM_BUTTONS
        return [out]

    return api


def _authorise(request: Request) -> None:
    """The sender is taken on trust, so only a caller holding REST_CHANNEL_TOKEN (or demo mode) may post."""
    secret = os.environ.get("REST_CHANNEL_TOKEN", "")
    if demo_mode() and not secret:
        return
    if not secret or not hmac.compare_digest(bearer(request) or "", secret):
        raise HTTPException(403, "the REST channel needs Authorization: Bearer $REST_CHANNEL_TOKEN")
