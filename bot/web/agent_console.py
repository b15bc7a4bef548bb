"""The Concierge Pro agent console's JSON under `/api/agent/calls` and its live feed `/api/agent/events`.

Signed-in people (page session or bearer token) who answer calls at a property see its open calls with the
caller's snapshot; every action goes to ``concierge_catalog.calls``, where the rules are checked. The page is
Mission Control's `/concierge/agent` (``bot.web.pages.agent``); the server pushes it the open calls and the
call history as server-sent events whenever they change, so the page never polls nor re-renders a note.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import asdict
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, BackgroundTasks, Depends, HTTPException, Path, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from access_core import listings
from access_core.db import Database
from access_core.directory import seat_of
from access_core.errors import CoreError, NotFound, Refused
from bot.voice import redirect_to_phone
from bot.web import csrf
from bot.web.auth import require_person
from concierge_catalog.call_summary import send_summary
from concierge_catalog.calls import ActionResult, CallDesk, desk_for

T = TypeVar("T")
FEED_SECONDS = 1.0
"""How often the live feed looks for a change (one small query per open console)."""
KEEP_ALIVE_SECONDS = 15.0
"""A comment line this often keeps proxies from closing a quiet feed."""
CallId = Annotated[int, Path(ge=1, le=2**63 - 1, description="The call's id.")]


class RingIn(BaseModel):
    person: str | None = Field(default=None, max_length=320)


class UnlockIn(BaseModel):
    door: str = Field(max_length=200)


class ResolveIn(BaseModel):
    note: str = Field(default="", max_length=1000)


def _status(exc: CoreError) -> int:
    return 403 if isinstance(exc, Refused) else 404 if isinstance(exc, NotFound) else 422


class Console:
    def __init__(self, database: Database, desk: CallDesk) -> None:
        self.database, self.desk = database, desk

    def caller(self, request: Request) -> str:
        with self.database.session() as session:
            return require_person(request, session).handle

    def run(self, request: Request, work: Callable[[str], T]) -> T:
        handle = self.caller(request)
        try:
            return work(handle)
        except CoreError as exc:
            raise HTTPException(_status(exc), {"message": exc.message, "rule": getattr(exc, "rule", None)}) from exc

    def act(
        self, request: Request, call_id: int, action: Callable[[str], ActionResult], after: Callable[[ActionResult], None] | None = None
    ) -> Response:
        """Every action answers {ok, message, rule, detail, call}; a refusal names its rule, whichever layer refused."""
        handle = self.caller(request)
        try:
            result = action(handle)
            view = self.desk.view(handle, call_id)
        except CoreError as exc:
            rule = getattr(exc, "rule", None) or getattr(exc, "field", None) or getattr(exc, "kind", None)
            return JSONResponse({"ok": False, "message": exc.message, "rule": rule, "detail": {}, "call": None}, status_code=_status(exc))
        if result.ok and after is not None:
            after(result)
        status = 200 if result.ok else 502 if result.rule == "twilio_failed" else 403
        return JSONResponse(
            {"ok": result.ok, "message": result.message, "rule": result.rule, "detail": result.detail, "call": view}, status_code=status
        )


def router(database: Database) -> APIRouter:
    api = APIRouter(tags=["Concierge Pro"], dependencies=[Depends(csrf.check)])
    console = Console(database, desk_for(database))
    desk = console.desk

    def history(handle: str, place: str | None) -> list[dict[str, Any]]:
        """The ended calls of the console's property (the page's chosen one), newest first."""
        with database.session() as session:
            seat = seat_of(session, handle, place)
            if seat is None or seat.prop is None:
                return []
            try:
                rows = listings.call_history(session, seat.principal, seat.prop).rows
            except CoreError:
                return []
            return [jsonable_encoder(asdict(row)) for row in rows]

    def state(request: Request, place: str | None) -> str:
        """The feed's next message: the open calls and the history, for whoever is still signed in."""
        handle = console.caller(request)  # a session ended by sign-out stops the feed here
        return json.dumps({"calls": console.run(request, desk.calls_for), "history": history(handle, place)})

    @api.get("/api/agent/events", response_class=StreamingResponse)
    async def events(request: Request) -> StreamingResponse:
        """Server-sent events: `calls` with {calls, history} at once and on every change; a comment to keep alive."""
        place = request.session.get("property") if "session" in request.scope else None
        first = await run_in_threadpool(state, request, place)

        async def feed() -> AsyncIterator[str]:
            last, quiet = first, 0.0
            yield f"event: calls\ndata: {first}\n\n"
            while not await request.is_disconnected():
                await asyncio.sleep(FEED_SECONDS)
                try:
                    now = await run_in_threadpool(state, request, place)
                except HTTPException:
                    return
                quiet += FEED_SECONDS
                if now != last:
                    last, quiet = now, 0.0
                    yield f"event: calls\ndata: {now}\n\n"
                elif quiet >= KEEP_ALIVE_SECONDS:
                    quiet = 0.0
                    yield ": still here\n\n"

        return StreamingResponse(feed(), media_type="text/event-stream", headers={"cache-control": "no-store", "x-accel-buffering": "no"})

    @api.get("/api/agent/calls")
    def calls(request: Request) -> dict[str, Any]:
        return {"calls": console.run(request, desk.calls_for)}

    @api.get("/api/agent/calls/{call_id}")
    def one(request: Request, call_id: CallId) -> dict[str, Any]:
        return console.run(request, lambda who: desk.view(who, call_id))

    @api.get("/api/agent/calls/{call_id}/snapshot")
    def snapshot(request: Request, call_id: CallId) -> Response:
        picture = console.run(request, lambda who: desk.snapshot(who, call_id))
        if picture is None:
            raise HTTPException(404, "no snapshot for this call")
        return Response(
            picture.data,
            media_type=picture.content_type,
            headers={"cache-control": "private, max-age=3600", "x-snapshot-name": picture.name},
        )

    @api.post("/api/agent/calls/{call_id}/answer")
    def answer(request: Request, call_id: CallId) -> Response:
        return console.act(request, call_id, lambda who: desk.answer(who, call_id))

    @api.post("/api/agent/calls/{call_id}/ring")
    def ring(request: Request, call_id: CallId, body: RingIn) -> Response:
        return console.act(request, call_id, lambda who: desk.ring_resident(who, call_id, body.person, redirect_to_phone))

    @api.post("/api/agent/calls/{call_id}/unlock")
    def unlock(request: Request, call_id: CallId, body: UnlockIn) -> Response:
        return console.act(request, call_id, lambda who: desk.unlock(who, call_id, body.door))

    @api.post("/api/agent/calls/{call_id}/resolve")
    def resolve(request: Request, call_id: CallId, body: ResolveIn, background: BackgroundTasks) -> Response:
        def send(result: ActionResult) -> None:
            background.add_task(send_summary, database, int(result.detail["summary"]))

        return console.act(request, call_id, lambda who: desk.resolve(who, call_id, body.note), after=send)

    return api
