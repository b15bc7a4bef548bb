"""`GET /health`: the database, and the state of each channel (one channel down never takes the others with it)."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from access_core.db import Database


@dataclass(frozen=True, slots=True)
class ChannelState:
    """Where one channel stands."""

    state: str
    """"up", "starting", "down" (retrying), "off" (not configured) or "misconfigured"."""
    detail: str = ""
    """What is wrong or missing, in a few words; never a secret."""


class ChannelStates:
    """Written by the channels as they start, fail and recover; read by `/health`."""

    def __init__(self) -> None:
        self._states: dict[str, ChannelState] = {}
        self._lock = threading.Lock()

    def set(self, channel: str, state: str, detail: str = "") -> None:
        with self._lock:
            self._states[channel] = ChannelState(state, detail)

    def get(self, channel: str) -> ChannelState | None:
        with self._lock:
            return self._states.get(channel)

    def report(self) -> dict[str, dict[str, str]]:
        with self._lock:
            return {name: {"state": s.state, **({"detail": s.detail} if s.detail else {})} for name, s in sorted(self._states.items())}


def twilio_state() -> ChannelState:
    if os.environ.get("TWILIO_AUTH_TOKEN"):
        return ChannelState("up")
    return ChannelState("off", "TWILIO_AUTH_TOKEN is not set: webhooks are refused")


def router(database: Database, states: ChannelStates) -> APIRouter:
    api = APIRouter(include_in_schema=False)
    states.set("web", "up")
    for channel in ("sms", "voice"):
        twilio = twilio_state()
        states.set(channel, twilio.state, twilio.detail)

    @api.get("/health")
    def health() -> Response:
        """200 while the database answers, whatever a channel's state; each channel's state in the body."""
        try:
            with database.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return JSONResponse({"status": "database unavailable", "channels": states.report()}, status_code=503)
        return JSONResponse({"status": "ok", "channels": states.report()})

    return api
